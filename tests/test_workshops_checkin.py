"""QR self check-in: the signed rotating token, the typed code, the window, the walk-in queue,
the organizer's live count, and JP/certificates following as for manual attendance."""

import re
from datetime import time, timedelta

import pytest
from sqlalchemy import func, select

from blueprints.admin.models import AuditEntry
from blueprints.admin.settings import get_setting, set_setting
from blueprints.common.refusals import Refused
from blueprints.common.timefmt import today_wib, utcnow, wib_to_utc
from blueprints.workshops import checkin
from blueprints.workshops.ledger import jp_for_year
from blueprints.workshops.models import CheckinRequest, Registration
from blueprints.workshops.rules import session_day_begun
from extensions import db
from tests import factories_workshops as wf
from tests.conftest import HX


@pytest.fixture
def org(org):
    wf.fast_logins()
    return org


@pytest.fixture
def running(org):
    """A session that started an hour ago and runs two more; staff_a1 holds a seat."""
    ws = wf.workshop(org.organizer, "Komunikasi Publik")
    start = (utcnow() - timedelta(hours=1)).replace(microsecond=0)
    s = wf.session(ws, starts_at=start, hours=3, jp=4)
    reg = wf.registration(s, org.staff_a1)
    return s, reg


def _scan_path(s, step=None):
    step = checkin.step_of() if step is None else step
    return f"/pelatihan/hadir/{s.id}/{checkin.make_token(s.id, step)}"


def _attended(reg_id) -> bool:
    db.session.expire_all()
    return db.session.get(Registration, reg_id).attended


def test_registered_person_checks_in_once_through_the_qr_url(client, org, login_as, running):
    s, reg = running
    login_as(org.staff_a1)
    path = _scan_path(s)
    page = client.get(path)
    assert page.status_code == 200
    assert "Konfirmasi kehadiran" in page.text
    assert not _attended(reg.id), "a GET changes nothing"

    done = client.post(path)
    assert done.status_code == 303
    assert done.headers["Location"].endswith(f"/pelatihan/sesi/{s.id}")
    assert _attended(reg.id)
    follow = client.get(done.headers["Location"])
    assert "tercatat hadir" in follow.text

    again = client.post(path, follow_redirects=True)  # twice is harmless
    assert again.status_code == 200
    assert "sudah tercatat hadir" in again.text
    assert _attended(reg.id)
    checked = db.session.scalar(
        select(func.count(AuditEntry.id)).where(AuditEntry.action == "workshops.checked_in")
    )
    assert checked == 1
    assert db.session.scalar(select(func.count(CheckinRequest.id))) == 0


def test_login_comes_first_and_returns_to_the_scanned_url(client, org, running):
    s, _reg = running
    path = _scan_path(s)
    response = client.get(path)
    assert response.status_code == 302
    assert "/masuk" in response.headers["Location"]
    assert "next=" in response.headers["Location"]


@pytest.mark.parametrize("steps_back", [checkin.GRACE_STEPS + 1, 10, 10_000])
def test_an_expired_token_is_refused(client, org, login_as, running, steps_back):
    s, reg = running
    login_as(org.staff_a1)
    path = _scan_path(s, checkin.step_of() - steps_back)
    assert client.get(path).status_code == 422
    refused = client.post(path)
    assert refused.status_code == 422
    assert "kedaluwarsa" in refused.text
    assert not _attended(reg.id)


def test_a_token_in_its_grace_still_works(client, org, login_as, running):
    s, reg = running
    login_as(org.staff_a1)
    assert client.post(_scan_path(s, checkin.step_of() - checkin.GRACE_STEPS)).status_code == 303
    assert _attended(reg.id)


def test_a_forged_token_is_refused(client, org, login_as, running):
    s, reg = running
    other = wf.session(s.workshop, starts_at=s.starts_at, hours=3)
    login_as(org.staff_a1)
    step = checkin.step_of()
    good = checkin.make_token(s.id, step)
    forged = [
        f"{step}.AAAAAAAAAAAAAAAAAAAA",
        good[:-2] + ("AA" if not good.endswith("AA") else "BB"),
        checkin.make_token(other.id, step),  # another session's token
        f"{step + 1}.{good.split('.')[1]}",  # another step with this signature
        checkin.make_token(s.id, step + 5),  # a future step (signed, but not yet issued)
        "abc",
    ]
    for token in forged:
        response = client.post(f"/pelatihan/hadir/{s.id}/{token}")
        assert response.status_code == 422, token
    assert not _attended(reg.id)


def _wib(day, hour, minute=0):
    return wib_to_utc(day, time(hour, minute))


def test_outside_the_window_is_refused_and_the_window_is_a_setting(client, org, login_as, running):
    """Independent of the time of day: over HTTP only sessions far from now (days ahead, or
    ended hours ago); the minutes before the start at fixed WIB times, through the services
    the views call (they take ``now``)."""
    s, _reg = running
    login_as(org.staff_a2)
    later = wf.session(s.workshop, starts_at=(utcnow() + timedelta(days=2)).replace(microsecond=0))
    early = wf.registration(later, org.staff_a2)
    refused = client.post(_scan_path(later))
    assert refused.status_code == 422
    assert "Presensi sesi ini dibuka" in refused.text
    assert not _attended(early.id)

    ended = wf.session(s.workshop, starts_at=utcnow() - timedelta(hours=5), hours=2)
    late = wf.registration(ended, org.staff_a2)
    assert client.post(_scan_path(ended)).status_code == 422
    assert not _attended(late.id)
    set_setting("checkin_closes_after_minutes", 240)  # an admin keeps it open 4 hours longer
    db.session.commit()
    assert client.post(_scan_path(ended)).status_code == 303
    assert _attended(late.id)

    day = today_wib() + timedelta(days=3)
    at_ten = wf.session(s.workshop, starts_at=_wib(day, 10), hours=2)
    reg = wf.registration(at_ten, org.staff_a2)
    eight = _wib(day, 8)  # two hours before: closed by default
    token = checkin.make_token(at_ten.id, checkin.step_of(eight))
    with pytest.raises(Refused, match="Presensi sesi ini dibuka"):
        checkin.check_in(at_ten, org.staff_a2, eight)
    set_setting("checkin_opens_before_minutes", 180)  # an admin widens the window
    db.session.commit()
    checkin.verify_token(at_ten.id, token, eight)
    assert checkin.check_in(at_ten, org.staff_a2, eight).kind == "present"
    db.session.commit()
    assert _attended(reg.id)


def test_the_window_opens_30_minutes_before_by_default_and_closes_after_the_setting(org):
    assert get_setting("checkin_opens_before_minutes") == 30
    assert get_setting("checkin_closes_after_minutes") == 0
    day = today_wib() + timedelta(days=3)
    s = wf.session(wf.workshop(org.organizer), starts_at=_wib(day, 10), hours=2)
    second = timedelta(seconds=1)
    assert checkin.window(s) == (_wib(day, 9, 30), _wib(day, 12))
    assert not checkin.is_open(s, _wib(day, 9, 30) - second)
    assert checkin.is_open(s, _wib(day, 9, 30))
    assert checkin.is_open(s, _wib(day, 12))
    assert not checkin.is_open(s, _wib(day, 12) + second)

    set_setting("checkin_closes_after_minutes", 15)
    db.session.commit()
    assert checkin.window(s) == (_wib(day, 9, 30), _wib(day, 12, 15))
    assert checkin.is_open(s, _wib(day, 12, 15))
    assert not checkin.is_open(s, _wib(day, 12, 15) + second)
    assert [x.id for x in checkin.sessions_open_now(_wib(day, 12, 10))] == [s.id]
    assert checkin.sessions_open_now(_wib(day, 12, 16)) == []


def test_a_session_just_after_midnight_opens_for_check_in_at_midnight(org):
    """00.10 WIB: 30 minutes before is 23.40 the evening before, when its attendance is not
    recorded yet. The window waits for 00.00 WIB: no scan passes it only to be refused."""
    day = today_wib() + timedelta(days=3)
    s = wf.session(wf.workshop(org.organizer), starts_at=_wib(day, 0, 10), hours=2, jp=2)
    reg = wf.registration(s, org.staff_a1)
    evening = _wib(day - timedelta(days=1), 23, 50)
    midnight = _wib(day, 0)
    assert checkin.window(s) == (midnight, _wib(day, 2, 10))
    assert not checkin.is_open(s, evening)
    assert not session_day_begun(s, evening)

    for person in (org.staff_a1, org.staff_b1):  # registered, and a stranger for the queue
        with pytest.raises(Refused, match="Presensi sesi ini dibuka"):
            checkin.check_in(s, person, evening)
    code = checkin.make_code(s.id, checkin.step_of(evening))
    assert checkin.sessions_open_now(evening) == []
    with pytest.raises(Refused):
        checkin.session_for_code(code, org.staff_a1, evening)
    assert not _attended(reg.id)
    assert db.session.scalar(select(func.count(CheckinRequest.id))) == 0

    at_midnight = checkin.make_code(s.id, checkin.step_of(midnight))
    assert checkin.session_for_code(at_midnight, org.staff_a1, midnight).id == s.id
    assert checkin.check_in(s, org.staff_a1, midnight).kind == "present"
    assert checkin.check_in(s, org.staff_b1, midnight).kind == "queued"
    db.session.commit()
    assert _attended(reg.id)


def test_whenever_check_in_is_open_attendance_is_recorded(org):
    """The window and the attendance rule agree for any start time and any setting."""
    ws = wf.workshop(org.organizer)
    day = today_wib() + timedelta(days=3)
    step = timedelta(minutes=10)
    for before in (0, 30, 180, 1440):
        set_setting("checkin_opens_before_minutes", before)
        db.session.commit()
        for hour, minute in ((0, 0), (0, 10), (0, 29), (0, 30), (1, 0), (10, 0), (23, 50)):
            starts = _wib(day, hour, minute)
            s = wf.session(ws, starts_at=starts, hours=1)
            opens, closes = checkin.window(s)
            assert opens == max(starts - timedelta(minutes=before), _wib(day, 0))
            now = opens - timedelta(days=1)
            while now <= closes + step:
                if checkin.is_open(s, now):
                    assert session_day_begun(s, now), (before, hour, minute, now)
                now += step


def test_a_stranger_lands_in_the_walk_in_queue_the_organizer_decides(
    client, org, login_as, running
):
    s, reg = running
    login_as(org.staff_b1)  # not registered
    first = client.post(_scan_path(s), follow_redirects=True)
    assert "menunggu keputusan" in first.text
    client.post(_scan_path(s))  # scanning again queues nobody twice
    rows = db.session.scalars(select(CheckinRequest)).all()
    assert [(r.employee_id, r.status) for r in rows] == [(org.staff_b1.id, "pending")]
    assert (
        db.session.scalars(
            select(Registration).where(Registration.employee_id == org.staff_b1.id)
        ).all()
        == []
    )

    login_as(org.staff_a2)  # a second stranger, to be refused
    client.post(_scan_path(s))

    login_as(org.organizer)
    screen = client.get(f"/pelatihan/kelola/sesi/{s.id}/presensi")
    assert screen.status_code == 200
    assert "Staf B1" in screen.text and "Staf A2" in screen.text
    b1, a2 = db.session.scalars(select(CheckinRequest).order_by(CheckinRequest.id)).all()

    accepted = client.post(f"/pelatihan/kelola/presensi/{b1.id}/terima", headers=HX)
    assert accepted.status_code == 200
    assert 'id="checkin-live"' in accepted.text
    assert "Staf B1 diterima" in accepted.text
    walk_in = db.session.scalars(
        select(Registration).where(Registration.employee_id == org.staff_b1.id)
    ).one()
    assert (walk_in.status, walk_in.walk_in, walk_in.attended) == ("confirmed", True, True)

    refused = client.post(f"/pelatihan/kelola/presensi/{a2.id}/tolak")
    assert refused.status_code == 303
    db.session.expire_all()
    assert db.session.get(CheckinRequest, a2.id).status == "refused"
    assert (
        db.session.scalars(
            select(Registration).where(Registration.employee_id == org.staff_a2.id)
        ).all()
        == []
    )
    again = client.post(f"/pelatihan/kelola/presensi/{a2.id}/terima", follow_redirects=True)
    assert "sudah diputuskan" in again.text

    login_as(org.staff_a2)  # the refused person scanning again stays refused
    told = client.post(_scan_path(s), follow_redirects=True)
    assert "tidak menerima presensi" in told.text
    assert db.session.get(CheckinRequest, a2.id).status == "refused"


def test_only_the_workshops_organizers_open_the_screen_and_decide(client, org, login_as, running):
    s, _reg = running
    login_as(org.staff_b1)
    client.post(_scan_path(s))
    row = db.session.scalars(select(CheckinRequest)).one()
    for person in (org.staff_a1, org.lurah_a, org.admin):
        login_as(person)
        assert client.get(f"/pelatihan/kelola/sesi/{s.id}/presensi").status_code == 403
        assert client.post(f"/pelatihan/kelola/presensi/{row.id}/terima").status_code == 403
    db.session.expire_all()
    assert db.session.get(CheckinRequest, row.id).status == "pending"


def test_the_organizers_count_updates(client, org, login_as, running, queries):
    s, _reg = running
    more = [org.staff_a2, org.staff_b1, org.staff_sek]
    for person in more:
        wf.registration(s, person)
    login_as(org.organizer)

    def count():
        fragment = client.get(f"/pelatihan/kelola/sesi/{s.id}/presensi", headers=HX)
        assert fragment.status_code == 200
        assert "<html" not in fragment.text
        assert 'data-hx-trigger="every 5s"' in fragment.text
        return int(re.search(r'id="checkin-count">(\d+)<', fragment.text).group(1))

    assert count() == 0
    for person in (org.staff_a1, org.staff_a2):
        login_as(person)
        client.post(_scan_path(s))
    login_as(org.organizer)
    assert count() == 2
    with queries() as q:
        count()
    fixed = q.count
    for person in (org.staff_b1, org.staff_sek):
        login_as(person)
        client.post(_scan_path(s))
    login_as(org.organizer)
    with queries() as q:
        assert count() == 4
    assert q.count == fixed, q.statements


def test_the_screen_shows_a_qr_a_code_and_a_refresh_link(client, org, login_as, running):
    s, _reg = running
    login_as(org.organizer)
    page = client.get(f"/pelatihan/kelola/sesi/{s.id}/presensi")
    assert "<svg" in page.text
    code = checkin.make_code(s.id, checkin.step_of())
    assert f"{code[:3]} {code[3:]}" in page.text
    assert f'href="/pelatihan/kelola/sesi/{s.id}/presensi"' in page.text  # no-JS refresh
    assert "http://" not in page.text.split("<svg", 1)[1].split("</svg>", 1)[0].replace(
        "http://www.w3.org", ""
    ), "the QR is drawn inline, fetched from nowhere"


def test_the_typed_code_checks_in_and_a_wrong_code_is_refused(client, org, login_as, running):
    s, reg = running
    login_as(org.staff_a1)
    assert client.get("/pelatihan/hadir").status_code == 200
    code = checkin.make_code(s.id, checkin.step_of())
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    refused = client.post("/pelatihan/hadir", data={"code": wrong})
    assert refused.status_code == 422
    assert not _attended(reg.id)
    stale = checkin.make_code(s.id, checkin.step_of() - checkin.GRACE_STEPS - 1)
    if stale != code:
        assert client.post("/pelatihan/hadir", data={"code": stale}).status_code == 422
    done = client.post("/pelatihan/hadir", data={"code": f"{code[:3]} {code[3:]}"})
    assert done.status_code == 303
    assert _attended(reg.id)


def test_typing_codes_is_rate_limited(client, org, login_as, running):
    login_as(org.staff_a1)
    statuses = [
        client.post("/pelatihan/hadir", data={"code": "000000"}).status_code for _ in range(12)
    ]
    assert statuses[-1] == 429


def test_jp_and_certificate_follow_a_qr_check_in(client, org, login_as, running):
    s, reg = running
    year = today_wib().year
    assert jp_for_year(org.staff_a1, year) == 0
    login_as(org.staff_a1)
    assert client.get(f"/pelatihan/sertifikat/{reg.id}.pdf").status_code == 404
    client.post(_scan_path(s))
    db.session.expire_all()
    assert jp_for_year(org.staff_a1, year) == 4
    pdf = client.get(f"/pelatihan/sertifikat/{reg.id}.pdf")
    assert pdf.status_code == 200
    assert pdf.data.startswith(b"%PDF")


def test_an_accepted_walk_in_earns_jp_too(client, org, login_as, running):
    s, _reg = running
    login_as(org.staff_b1)
    client.post(_scan_path(s))
    row = db.session.scalars(select(CheckinRequest)).one()
    login_as(org.organizer)
    client.post(f"/pelatihan/kelola/presensi/{row.id}/terima")
    db.session.expire_all()
    assert jp_for_year(org.staff_b1, today_wib().year) == 4


def test_a_cancelled_session_takes_no_check_in(client, org, login_as, running):
    s, reg = running
    s.status = "cancelled"
    db.session.commit()
    login_as(org.staff_a1)
    assert client.post(_scan_path(s)).status_code == 422
    assert not _attended(reg.id)


def test_the_session_page_points_to_the_check_in_while_it_is_open(client, org, login_as, running):
    s, _reg = running
    login_as(org.staff_a1)
    page = client.get(f"/pelatihan/sesi/{s.id}").text
    assert 'href="/pelatihan/hadir"' in page
    client.post(_scan_path(s))
    assert "Anda tercatat hadir." in client.get(f"/pelatihan/sesi/{s.id}").text
    login_as(org.organizer)
    assert (
        f'href="/pelatihan/kelola/sesi/{s.id}/presensi"'
        in client.get(f"/pelatihan/sesi/{s.id}").text
    )
    later = wf.session(s.workshop, starts_at=utcnow() + timedelta(days=2))
    login_as(org.staff_a1)
    assert 'href="/pelatihan/hadir"' not in client.get(f"/pelatihan/sesi/{later.id}").text


@pytest.mark.parametrize(
    ("public_base", "expected"),
    [
        # Configured: phones get the address everyone reaches, whatever host the screen used.
        ("https://karier.marelan.go.id/", "https://karier.marelan.go.id/pelatihan/hadir/"),
        # The development default (loopback): the request's own host is the best guess.
        ("http://127.0.0.1:5000", "http://192.168.1.20:8000/pelatihan/hadir/"),
    ],
)
def test_the_qr_points_at_the_public_address(app, running, public_base, expected):
    s, _reg = running
    before = app.config["PUBLIC_BASE_URL"]
    app.config["PUBLIC_BASE_URL"] = public_base
    try:
        # The organizer's screen opened on the server's LAN address.
        with app.test_request_context(base_url="http://192.168.1.20:8000"):
            url = checkin.scan_url(s)
    finally:
        app.config["PUBLIC_BASE_URL"] = before
    assert url.startswith(expected), url
    assert url.endswith(_scan_path(s)), url
