"""Bounded queries: the catalogue and session pages run as many SQL statements with 500
sessions as with 10 (no N+1)."""

from datetime import timedelta
from types import SimpleNamespace

import pytest

from blueprints.auth.models import Employee
from blueprints.common.timefmt import utcnow
from blueprints.workshops.models import Registration, Topic, Workshop, WorkshopSession
from extensions import db
from tests import factories_workshops as wf
from tests.conftest import HX


@pytest.fixture
def org(org):
    wf.fast_logins()
    return org


def _bulk(org, sessions: int) -> tuple[int, int]:
    """`sessions` published sessions over several workshops with topics, some registrations
    by the viewer (staff_a1) and others; returns one session the viewer is registered for."""
    topics = [Topic(name=f"Topik {i}") for i in range(6)]
    db.session.add_all(topics)
    workshops = []
    for i in range(max(1, sessions // 10)):
        w = Workshop(
            title=f"Program {i}",
            description="Uraian",
            competency_type="teknis",
            learning_form="klasikal",
            learning_kind="pelatihan",
        )
        w.topics = [topics[i % 6], topics[(i + 1) % 6]]
        w.organizers = [db.session.get(Employee, org.organizer)]
        workshops.append(w)
    db.session.add_all(workshops)
    db.session.flush()
    start = utcnow() + timedelta(days=2)
    rows = []
    for i in range(sessions):
        s = WorkshopSession(
            workshop_id=workshops[i % len(workshops)].id,
            starts_at=start + timedelta(hours=i * 5),
            ends_at=start + timedelta(hours=i * 5 + 2),
            venue="Aula",
            capacity=3,
            jp_credited=2,
            status="published",
            queue_seq=3,
        )
        rows.append(s)
    db.session.add_all(rows)
    db.session.flush()
    people = [org.staff_a1, org.staff_a2, org.staff_b1]
    for i, s in enumerate(rows):
        for j, person in enumerate(people):
            if (i + j) % 2 == 0:
                db.session.add(
                    Registration(
                        session_id=s.id, employee_id=person, status="confirmed", position=j + 1
                    )
                )
    db.session.commit()
    return rows[0].id, rows[0].workshop_id


def _count(client, queries, url, headers=None) -> int:
    client.get(url, headers=headers or {})  # warm caches (babel, templates)
    # The test's app context outlives requests: start from an empty identity map, as a real
    # request does, so that lazy loads are counted.
    db.session.expunge_all()
    with queries() as q:
        response = client.get(url, headers=headers or {})
    assert response.status_code == 200
    return q.count


URLS = [
    "/pelatihan/",
    "/pelatihan/?seats=y&q=Program",
    "/pelatihan/sesi/{s}",
    "/pelatihan/program/{w}",
    "/pelatihan/saya",
    "/pelatihan/jp",
    "/pelatihan/kelola",
    "/pelatihan/kelola/sesi/{s}/peserta",
    "/pelatihan/kelola/sesi/{s}/laporan",
]


def _measure(client, queries, login_as, emails, session_id, workshop_id) -> dict:
    counts = {}
    for viewer in ("staff_a1", "organizer"):
        login_as(SimpleNamespace(email=emails[viewer]))
        for url in URLS:
            if ("/kelola" in url) != (viewer == "organizer"):
                continue
            path = url.format(s=session_id, w=workshop_id)
            counts[url] = _count(client, queries, path)
            if viewer == "staff_a1":
                counts[url + " (htmx)"] = _count(client, queries, path, HX)
    return counts


def test_query_count_does_not_grow_with_sessions(app, client, org, login_as, queries):
    ids = SimpleNamespace(
        **{k: getattr(org, k).id for k in ("organizer", "staff_a1", "staff_a2", "staff_b1")}
    )
    emails = {k: getattr(org, k).email for k in ("organizer", "staff_a1")}
    small = _measure(client, queries, login_as, emails, *_bulk(ids, 10))
    for table in (
        Registration.__table__,
        WorkshopSession.__table__,
        Workshop.organizers.property.secondary,
        Workshop.topics.property.secondary,
        Workshop.__table__,
        Topic.__table__,
    ):
        db.session.execute(table.delete())
    db.session.commit()
    large = _measure(client, queries, login_as, emails, *_bulk(ids, 500))
    assert small == large
    assert max(small.values()) <= 20, small
