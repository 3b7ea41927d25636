"""Organizer tools: programmes and sessions, attendance, report, evaluations."""

from datetime import timedelta

import pytest
from sqlalchemy import inspect, select

from blueprints.common.timefmt import today_wib, utcnow
from blueprints.workshops.models import Evaluation, Registration, Workshop, WorkshopSession
from extensions import db
from tests import factories_workshops as wf
from tests.conftest import HX


@pytest.fixture
def org(org):
    wf.fast_logins()
    return org


@pytest.fixture
def ws(org):
    return wf.workshop(org.organizer, "Teknik Presentasi")


def test_create_workshop_then_session_then_publish(client, org, login_as):
    topic = wf.topic("Presentasi")
    login_as(org.organizer)
    response = client.post(
        "/pelatihan/kelola/program/baru",
        data={
            "title": "Teknik Presentasi",
            "description": "Menyusun paparan.",
            "competency_type": "manajerial",
            "topics": [str(topic.id)],
            "learning_form": "klasikal",
            "learning_kind": "pelatihan",
            "active": "y",
        },
    )
    assert response.status_code == 303
    workshop = db.session.scalars(select(Workshop)).one()
    assert [t.name for t in workshop.topics] == ["Presentasi"]
    assert [p.id for p in workshop.organizers] == [org.organizer.id]
    day = (today_wib() + timedelta(days=10)).isoformat()
    response = client.post(
        f"/pelatihan/kelola/program/{workshop.id}/sesi/baru",
        data={
            "day": day,
            "start_time": "09:00",
            "end_time": "12:00",
            "venue": "Aula",
            "capacity": "15",
            "jp_credited": "",
        },
    )
    assert response.status_code == 303
    session = db.session.scalars(select(WorkshopSession)).one()
    assert (session.status, session.jp_credited, session.capacity) == ("draft", 4, 15)
    login_as(org.staff_a1)
    assert "Teknik Presentasi" not in client.get("/pelatihan/").get_data(as_text=True)
    login_as(org.organizer)
    client.post(f"/pelatihan/kelola/sesi/{session.id}/status/publish")
    login_as(org.staff_a1)
    assert "Teknik Presentasi" in client.get("/pelatihan/").get_data(as_text=True)


INVALID_SESSIONS = [
    ({"end_time": "08:00"}, "Waktu selesai harus setelah waktu mulai"),
    ({"venue": "", "online_url": ""}, "Isi tempat atau tautan daring"),
    ({"venue": "", "online_url": "javascript://x.y/%0aalert(1)"}, "http"),
    ({"capacity": "0"}, "Kapasitas"),
]


def test_session_form_validation_keeps_input(client, org, login_as, ws):
    login_as(org.organizer)
    for overrides, message in INVALID_SESSIONS:
        data = {
            "day": (today_wib() + timedelta(days=5)).isoformat(),
            "start_time": "09:00",
            "end_time": "12:00",
            "venue": "Aula Kantor Camat",
            "capacity": "10",
            "facilitator": "Fasilitator Tetap",
        }
        data.update(overrides)
        response = client.post(f"/pelatihan/kelola/program/{ws.id}/sesi/baru", data=data)
        assert response.status_code == 422, message
        body = response.get_data(as_text=True)
        assert message in body and "Fasilitator Tetap" in body
    assert db.session.scalars(select(WorkshopSession)).all() == []


def test_attendance_toggles_inline_and_all_present(client, org, login_as, ws):
    future = wf.session(ws, starts_at=utcnow() + timedelta(days=3))
    early = wf.registration(future, org.staff_sek, "confirmed")
    login_as(org.organizer)
    # Not before the session's day.
    response = client.post(
        f"/pelatihan/kelola/pendaftaran/{early.id}/kehadiran", data={"hadir": "1"}, headers=HX
    )
    assert response.status_code == 204 and response.headers["HX-Redirect"]
    db.session.expire_all()
    assert db.session.get(Registration, early.id).attended is False
    s = wf.session(ws, starts_at=utcnow() - timedelta(minutes=30))
    r1 = wf.registration(s, org.staff_a1, "confirmed")
    r2 = wf.registration(s, org.staff_a2, "confirmed")
    waiting = wf.registration(s, org.staff_b1, "waitlisted")
    response = client.post(
        f"/pelatihan/kelola/pendaftaran/{r1.id}/kehadiran", data={"hadir": "1"}, headers=HX
    )
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith(f'<tr id="reg-{r1.id}"') and 'aria-pressed="true"' in body
    response = client.post(
        f"/pelatihan/kelola/pendaftaran/{r1.id}/kehadiran", data={"hadir": "0"}, headers=HX
    )
    assert 'aria-pressed="false"' in response.get_data(as_text=True)
    # A waitlisted person cannot be marked present.
    response = client.post(
        f"/pelatihan/kelola/pendaftaran/{waiting.id}/kehadiran", data={"hadir": "1"}, headers=HX
    )
    assert response.status_code == 204 and "peserta" in response.headers["HX-Redirect"]
    page = client.get(response.headers["HX-Redirect"]).get_data(as_text=True)
    assert "hanya dicatat untuk peserta terdaftar" in page
    response = client.post(f"/pelatihan/kelola/sesi/{s.id}/hadir-semua", headers=HX)
    assert 'id="participants"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert [db.session.get(Registration, r.id).attended for r in (r1, r2, waiting)] == [
        True,
        True,
        False,
    ]


def _past_session(ws, capacity=10):
    return wf.session(
        ws, starts_at=utcnow() - timedelta(days=2), capacity=capacity, status="completed"
    )


def _evaluate(client, s, **data):
    form = {"relevance": "5", "usefulness": "4", "facilitator": "3", "comment": ""}
    form.update(data)
    return client.post(f"/pelatihan/sesi/{s.id}/evaluasi", data=form)


def test_evaluation_once_per_attendee_without_a_name(client, org, login_as, ws):
    running = wf.session(ws, starts_at=utcnow() - timedelta(minutes=30), hours=3)
    wf.registration(running, org.staff_a1, "confirmed", attended=True)
    login_as(org.staff_a1)
    _evaluate(client, running)  # not before the end
    assert db.session.scalars(select(Evaluation)).all() == []
    s = _past_session(ws)
    wf.registration(s, org.staff_a1, "confirmed", attended=True)
    wf.registration(s, org.staff_a2, "confirmed", attended=False)
    login_as(org.staff_a2)
    assert _evaluate(client, s).status_code == 303  # redirected away: not an attendee
    assert db.session.scalars(select(Evaluation)).all() == []
    login_as(org.staff_a1)
    assert client.get(f"/pelatihan/sesi/{s.id}/evaluasi").status_code == 200
    assert _evaluate(client, s, relevance="6").status_code == 422
    assert _evaluate(client, s, comment="Sangat berguna di loket").status_code == 303
    assert _evaluate(client, s).status_code == 303
    rows = db.session.scalars(select(Evaluation)).all()
    assert len(rows) == 1
    columns = {c.key for c in inspect(Evaluation).mapper.column_attrs}
    assert columns == {"id", "session_id", "relevance", "usefulness", "facilitator", "comment"}
    reg = db.session.scalars(
        select(Registration).where(
            Registration.employee_id == org.staff_a1.id, Registration.session_id == s.id
        )
    ).one()
    assert reg.evaluated is True


def test_report_figures_and_evaluation_threshold(client, org, login_as, ws):
    s = _past_session(ws, capacity=4)
    people = wf.many_staff(org.kel_b, 4)
    wf.fast_logins()
    for i, person in enumerate(people):
        wf.registration(s, person, "confirmed", attended=i < 3)  # 3 present, 1 no-show
    wf.registration(s, org.staff_a1, "waitlisted")
    for person, comment in zip(people[:2], ("Contoh kasus bagus", ""), strict=True):
        login_as(person)
        _evaluate(client, s, relevance="4", comment=comment)
    login_as(org.organizer)
    page = client.get(f"/pelatihan/kelola/sesi/{s.id}/laporan").get_data(as_text=True)
    assert "100%" in page  # fill rate 4/4
    assert "75%" in page and "25%" in page  # attendance, no-show
    assert "2 evaluasi masuk" in page and "Contoh kasus bagus" not in page  # under 3: hidden
    login_as(people[2])
    _evaluate(client, s, relevance="1", comment="Ruangan panas")
    login_as(org.organizer)
    page = client.get(f"/pelatihan/kelola/sesi/{s.id}/laporan").get_data(as_text=True)
    assert "3,0" in page  # relevance (4 + 4 + 1) / 3
    assert "Contoh kasus bagus" in page and "Ruangan panas" in page
    for person in people:
        assert person.name not in page


def test_participants_page_lists_waitlist_in_order(client, org, login_as, ws):
    s = wf.session(ws, capacity=1)
    wf.registration(s, org.staff_sek, "confirmed")
    wf.registration(s, org.staff_b1, "waitlisted")
    wf.registration(s, org.staff_a1, "waitlisted")
    wf.registration(s, org.staff_a2, "pending_approval")
    login_as(org.organizer)
    page = client.get(f"/pelatihan/kelola/sesi/{s.id}/peserta").get_data(as_text=True)
    waitlist = page[page.index('id="waitlist-heading"') :]
    assert waitlist.index("Staf B1") < waitlist.index("Staf A1")
    assert "Menunggu izin atasan" in page and "Staf A2" in page
