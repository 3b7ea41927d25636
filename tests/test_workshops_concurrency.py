"""No overbooking under concurrent requests, against a real threaded server (SQLite and, with
TEST_DATABASE_URL, PostgreSQL): 40 people register for 10 seats at the same moment."""

import http.client
import re
import threading
from urllib.parse import urlencode

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from blueprints.common.timefmt import to_wib
from blueprints.workshops.models import Registration
from extensions import db
from tests import factories_workshops as wf

PEOPLE = 40
SEATS = 10


class Server:
    def __init__(self, app):
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.port = self.server.server_port
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def request(self, method, path, cookie="", data=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        body = urlencode(data or {})
        all_headers = {"Content-Type": "application/x-www-form-urlencoded", **(headers or {})}
        if cookie:
            all_headers["Cookie"] = cookie
        conn.request(method, path, body=body if method == "POST" else None, headers=all_headers)
        response = conn.getresponse()
        result = response.status, response.read().decode("utf-8"), response.headers
        conn.close()
        return result

    def login(self, email, password):
        status, _body, headers = self.request(
            "POST", "/masuk", data={"identifier": email, "password": password}
        )
        assert status == 303, status
        sessions = [
            c.split(";", 1)[0]
            for c in headers.get_all("Set-Cookie")
            if c.startswith("karier_session=")
        ]
        assert len(sessions) == 1  # beside it, the known-device cookie (auth/devices.py)
        return sessions[0]

    def stop(self):
        self.server.shutdown()
        self.thread.join(timeout=10)


@pytest.fixture
def server(app):
    running = Server(app)
    yield running
    running.stop()


def _rows(session):
    db.session.expire_all()
    return db.session.execute(
        select(Registration.employee_id, Registration.status, Registration.position)
        .where(Registration.session_id == session.id)
        .order_by(Registration.position)
    ).all()


def test_forty_concurrent_registrations_ten_seats(app, org, server):
    ws = wf.workshop(org.organizer, "Pelayanan Publik yang Berempati")
    session = wf.session(ws, capacity=SEATS)
    people = wf.many_staff(org.kel_a, PEOPLE)
    wf.fast_logins()
    cookies = [server.login(p.email, wf.factories.PASSWORD) for p in people]

    url = f"/pelatihan/sesi/{session.id}/daftar"  # plain values: threads have no app context
    barrier = threading.Barrier(PEOPLE)
    results: list = [None] * PEOPLE

    def worker(i):
        barrier.wait()
        results[i] = server.request("POST", url, cookie=cookies[i], headers={"HX-Request": "true"})

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(PEOPLE)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)

    # No error: every request answered with the updated registration box.
    assert [r[0] for r in results] == [200] * PEOPLE, [r[:2] for r in results if r[0] != 200]

    rows = _rows(session)
    statuses = [status for _emp, status, _pos in rows]
    assert statuses.count("confirmed") == SEATS
    assert statuses.count("waitlisted") == PEOPLE - SEATS
    # Arrival order: positions are 1..40 without gaps or repeats, seats went to the first ten.
    assert [pos for _e, _s, pos in rows] == list(range(1, PEOPLE + 1))
    assert statuses == ["confirmed"] * SEATS + ["waitlisted"] * (PEOPLE - SEATS)
    # Each person was told the truth: confirmed, or their exact place in the queue.
    by_person = {emp: (status, pos) for emp, status, pos in rows}
    for person, (_status_code, body, _h) in zip(people, results, strict=True):
        status, pos = by_person[person.id]
        if status == "confirmed":
            assert "Anda terdaftar" in body
        else:
            rank = int(re.search(r"urutan ke-(\d+)", body).group(1))
            assert rank == pos - SEATS

    # Cancelling one seat promotes the first in line.
    first_waiting = rows[SEATS][0]
    canceller = next(p for p in people if p.id == rows[0][0])
    status, _body, _h = server.request(
        "POST", f"/pelatihan/sesi/{session.id}/batal", cookie=cookies[people.index(canceller)]
    )
    assert status == 303
    after = {emp: st for emp, st, _pos in _rows(session)}
    assert after[canceller.id] == "cancelled"
    assert after[first_waiting] == "confirmed"
    assert list(after.values()).count("confirmed") == SEATS

    # Raising the capacity by 3 promotes the next 3, in order.
    organizer_cookie = server.login(org.organizer.email, wf.factories.PASSWORD)
    start, end = to_wib(session.starts_at), to_wib(session.ends_at)
    status, body, _h = server.request(
        "POST",
        f"/pelatihan/kelola/sesi/{session.id}/ubah",
        cookie=organizer_cookie,
        data={
            "day": start.date().isoformat(),
            "start_time": start.strftime("%H:%M"),
            "end_time": end.strftime("%H:%M"),
            "venue": session.venue,
            "capacity": SEATS + 3,
            "jp_credited": session.jp_credited,
        },
    )
    assert status == 303, body
    final = _rows(session)
    confirmed = [emp for emp, st, _pos in final if st == "confirmed"]
    assert len(confirmed) == SEATS + 3
    expected_promoted = [emp for emp, _st, _pos in rows[SEATS + 1 : SEATS + 4]]
    assert set(expected_promoted) <= set(confirmed)
    assert [st for _e, st, _p in final].count("waitlisted") == PEOPLE - SEATS - 4
