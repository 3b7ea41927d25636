"""The leader's team view: exactly the people without feedback in the cadence are flagged;
filters and sorting work inline (htmx) and plain; the query count does not grow with the team."""

import re
from datetime import date, timedelta

from blueprints.admin.settings import set_setting
from blueprints.auth.models import Employee
from blueprints.common.timefmt import today_wib, utcnow
from blueprints.feedback.models import Feedback, FeedbackRequest, FollowUp
from extensions import db
from tests import factories
from tests import factories_feedback as ff
from tests.conftest import HX


def _flags(html: str) -> dict[int, str]:
    return {
        int(pid): flag for pid, flag in re.findall(r'data-person="(\d+)" data-overdue="(\d)"', html)
    }


def _order(html: str) -> list[int]:
    return [int(pid) for pid in re.findall(r'data-person="(\d+)"', html)]


def test_marks_exactly_those_without_feedback_inside_the_cadence(client, org):
    recent = org.staff_a1
    old = org.staff_a2
    never = factories.employee(org.kel_a, "Staf A3")
    draft_only = factories.employee(org.kel_a, "Staf A4")
    other_author = org.staff_b1  # under the camat, not lurah A
    ff.feedback(org.lurah_a, recent, days_ago=10)
    ff.feedback(org.lurah_a, old, days_ago=100)
    ff.feedback(org.lurah_a, draft_only, sent=False)
    ff.feedback(org.lurah_b, other_author, days_ago=5)  # feedback from anyone counts
    ff.login(client, org.lurah_a)
    flags = _flags(client.get("/umpan-balik/tim").get_data(as_text=True))
    assert flags == {recent.id: "0", old.id: "1", never.id: "1", draft_only.id: "1"}
    ff.login(client, org.camat)
    flags = _flags(client.get("/umpan-balik/tim?show=all").get_data(as_text=True))
    assert flags[other_author.id] == "0" and flags[recent.id] == "0" and flags[old.id] == "1"
    assert org.camat.id not in flags  # the leader is not in their own list
    # The cadence is a setting.
    set_setting("feedback_cadence_days", 120)
    db.session.commit()
    ff.login(client, org.lurah_a)
    flags = _flags(client.get("/umpan-balik/tim").get_data(as_text=True))
    assert flags[old.id] == "0" and flags[never.id] == "1"


def test_filters_and_sorting_inline_and_plain(client, org):
    a3 = factories.employee(org.kel_a, "Budi Tiga")
    ff.feedback(org.lurah_a, org.staff_a1, days_ago=5, follow_ups=[("Aksi lewat", -3)])
    ff.feedback(org.lurah_a, org.staff_a2, days_ago=30)
    ff.request(a3, org.lurah_a)
    ff.login(client, org.camat)
    full = client.get("/umpan-balik/tim")
    assert full.status_code == 200 and "<html" in full.get_data(as_text=True)
    fragment = client.get("/umpan-balik/tim?show=overdue", headers=HX)
    html = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in html
    assert 'id="team-sort"' in html and 'hx-swap-oob="true"' in html
    overdue = set(_order(html))
    assert org.staff_a1.id not in overdue and a3.id in overdue and org.staff_b1.id in overdue
    assert _order(client.get("/umpan-balik/tim?show=followups").get_data(as_text=True)) == [
        org.staff_a1.id
    ]
    assert _order(client.get("/umpan-balik/tim?show=requests").get_data(as_text=True)) == [a3.id]
    assert _order(client.get("/umpan-balik/tim?q=tiga").get_data(as_text=True)) == [a3.id]
    unit_only = set(
        _order(client.get(f"/umpan-balik/tim?unit={org.kel_b.id}").get_data(as_text=True))
    )
    assert unit_only == {org.lurah_b.id, org.staff_b1.id}
    by_last = _order(client.get("/umpan-balik/tim?sort=last&dir=desc").get_data(as_text=True))
    assert by_last[:2] == [org.staff_a1.id, org.staff_a2.id]
    page = client.get("/umpan-balik/tim?sort=last&dir=asc").get_data(as_text=True)
    assert _order(page)[-2:] == [org.staff_a2.id, org.staff_a1.id]
    assert 'aria-sort="ascending"' in page
    row = re.search(rf'id="team-row-{org.staff_a1.id}".*?</tr>', page, re.S).group(0)
    assert "1 lewat tenggat" in row  # the overdue follow-up stands out


def test_leaders_only(client, org):
    ff.login(client, org.staff_a1)
    assert client.get("/umpan-balik/tim").status_code == 403


def _grow_team(unit, leader, start: int, count: int) -> None:
    """`count` more people in `unit`, each with feedback, follow-ups and a request."""
    people = []
    for i in range(start, start + count):
        born = date(1975, 1, 1) + timedelta(days=i)
        people.append(
            Employee(
                nip=f"{born:%Y%m%d}200001{1 + i % 2}{i % 1000:03d}",
                name=f"Perf {i:04d}",
                email=f"perf{i}@uji.local",
                unit_id=unit.id,
                password_hash="x",
            )
        )
    db.session.add_all(people)
    db.session.flush()
    today = today_wib()
    for n, person in enumerate(people):
        if n % 3:
            fb = Feedback(
                author_id=leader.id,
                receiver_id=person.id,
                occurred_on=today,
                context="c",
                strengths="s",
                improvements="i",
                status="sent",
                sent_at=utcnow() - timedelta(days=n % 200),
            )
            fb.follow_ups = [
                FollowUp(description="a", due_on=today - timedelta(days=n % 5 - 2), position=0)
            ]
            db.session.add(fb)
        if n % 4 == 0:
            db.session.add(FeedbackRequest(requester_id=person.id, leader_id=leader.id, topic="t"))
    db.session.commit()


def test_query_count_does_not_grow_with_the_team(app, client, org, queries):
    ff.login(client, org.lurah_a)

    def measure(url, headers=None):
        with app.app_context(), queries() as counter:  # a fresh request: no cached lookups
            response = client.get(url, headers=headers)
        assert response.status_code == 200
        return counter.count, response.get_data(as_text=True)

    _grow_team(org.kel_a, org.lurah_a, 0, 10)
    small_page, html = measure("/umpan-balik/tim")
    small_fragment, _ = measure("/umpan-balik/tim?show=overdue&sort=last", HX)
    assert len(_order(html)) == 12
    _grow_team(org.kel_a, org.lurah_a, 10, 290)
    large_page, html = measure("/umpan-balik/tim")
    large_fragment, _ = measure("/umpan-balik/tim?show=overdue&sort=last", HX)
    assert len(_order(html)) == 50  # one page of the 302
    assert small_page == large_page
    assert small_fragment == large_fragment
    assert large_page <= 15, (small_page, large_page)


def test_my_pages_run_a_bounded_number_of_queries(app, client, org, queries):
    """The lists of received and given feedback, the queue and a person's page do not grow."""

    def measure(person, urls):
        ff.login(client, person)
        counts = []
        for url in urls:
            with app.app_context(), queries() as counter:
                assert client.get(url).status_code == 200, url
            counts.append(counter.count)
        return counts

    def add(n):
        for i in range(n):
            fb = ff.feedback(
                org.lurah_a,
                org.staff_a1,
                days_ago=i % 50,
                follow_ups=[("a", i % 7 - 3), ("b", 5)],
                acknowledged=bool(i % 2),
            )
            if i % 3 == 0:
                ff.request(org.staff_a1, org.lurah_a)
            del fb

    staff_urls = ["/umpan-balik/", "/umpan-balik/permintaan"]
    leader_urls = [
        "/umpan-balik/diberikan",
        "/umpan-balik/permintaan",
        f"/umpan-balik/tim/{org.staff_a1.id}",
    ]
    add(3)
    small = measure(org.staff_a1, staff_urls) + measure(org.lurah_a, leader_urls)
    add(40)
    large = measure(org.staff_a1, staff_urls) + measure(org.lurah_a, leader_urls)
    assert small == large
