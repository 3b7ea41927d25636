"""Scale-out: two app processes (gunicorn, several workers each) share one database.

200 people register at the same moment for a 20-seat session through both hosts: exactly 20 are
confirmed and 180 waitlisted in one unbroken queue, nobody sees an error — on PostgreSQL, and on
SQLite, where it also shows that concurrent writers from several processes never surface
"database is locked" to a user.
"""

import threading

from sqlalchemy import select

from blueprints.workshops.models import Registration
from extensions import db
from tests import factories_workshops as wf
from tests.instances import Browser, Instance

PEOPLE = 200
SEATS = 20


def test_two_hosts_never_overbook(app, org, _schema, tmp_path):
    ws = wf.workshop(org.organizer, "Komunikasi Efektif dengan Masyarakat")
    session = wf.session(ws, capacity=SEATS)
    people = wf.many_staff(org.kel_a, PEOPLE)
    wf.fast_logins()
    # Every simulated person comes from 127.0.0.1: lift the per-address login limit for them.
    hosts = [
        Instance(
            _schema,
            str(tmp_path / name),
            workers=2,
            threads=8,
            LOGIN_ATTEMPTS_PER_IP="100000 per minute",
        )
        for name in ("a", "b")
    ]
    try:
        browsers = []
        for i, person in enumerate(people):
            browser = Browser(hosts[i % 2].url)
            assert browser.login(person.email, wf.factories.PASSWORD) == 303
            browser.get(f"/pelatihan/sesi/{session.id}")  # the page carries the CSRF token
            browsers.append(browser)

        barrier = threading.Barrier(PEOPLE)
        results: list = [None] * PEOPLE

        def register(i):
            barrier.wait()
            results[i] = browsers[i].post(f"/pelatihan/sesi/{session.id}/daftar", {})

        threads = [threading.Thread(target=register, args=(i,)) for i in range(PEOPLE)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=180)

        failures = [(status, body[:200]) for status, body in results if status != 303]
        assert failures == []
        assert not any("locked" in body for _status, body in results)

        db.session.expire_all()
        rows = db.session.execute(
            select(Registration.status, Registration.position)
            .where(Registration.session_id == session.id)
            .order_by(Registration.position)
        ).all()
        assert len(rows) == PEOPLE
        assert [position for _status, position in rows] == list(range(1, PEOPLE + 1))
        assert [status for status, _p in rows] == ["confirmed"] * SEATS + ["waitlisted"] * (
            PEOPLE - SEATS
        )
    finally:
        for host in hosts:
            host.stop()
