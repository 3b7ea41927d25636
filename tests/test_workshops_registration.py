"""Registration: seats, waitlist in arrival order, promotion, refusals, clashes, htmx and plain."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from blueprints.common.timefmt import utcnow
from blueprints.notifications.models import Notification
from blueprints.workshops.models import Registration, WorkshopSession
from extensions import db
from tests import factories_workshops as wf
from tests.conftest import HX, YES


@pytest.fixture
def org(org):
    wf.fast_logins()
    return org


@pytest.fixture
def ws(org):
    return wf.workshop(org.organizer, "Teknik Presentasi")


def statuses(session):
    db.session.expire_all()
    rows = db.session.execute(
        select(Registration.employee_id, Registration.status)
        .where(Registration.session_id == session.id)
        .order_by(Registration.position)
    ).all()
    return [(emp, status) for emp, status in rows]


def confirmed_count(session):
    return db.session.scalar(
        select(func.count()).where(
            Registration.session_id == session.id, Registration.status == "confirmed"
        )
    )


def register(client, session, headers=None, follow=False, **data):
    return client.post(
        f"/pelatihan/sesi/{session.id}/daftar",
        data=data,
        headers=headers or {},
        follow_redirects=follow,
    )


def test_register_confirms_then_waitlists_in_arrival_order(client, org, login_as, ws):
    s = wf.session(ws, capacity=2)
    people = [org.staff_a1, org.staff_a2, org.staff_b1, org.staff_sek]
    for person in people:
        login_as(person)
        response = register(client, s)
        assert response.status_code == 303
    assert statuses(s) == [
        (org.staff_a1.id, "confirmed"),
        (org.staff_a2.id, "confirmed"),
        (org.staff_b1.id, "waitlisted"),
        (org.staff_sek.id, "waitlisted"),
    ]
    page = client.get(f"/pelatihan/sesi/{s.id}").get_data(as_text=True)
    assert "Daftar tunggu, urutan ke-2" in page


def test_cancelling_a_seat_promotes_first_waitlisted_and_notifies(client, org, login_as, ws):
    s = wf.session(ws, capacity=1)
    wf.registration(s, org.staff_a1, "confirmed")
    wf.registration(s, org.staff_a2, "waitlisted")
    wf.registration(s, org.staff_b1, "waitlisted")
    login_as(org.staff_a1)
    response = client.post(f"/pelatihan/sesi/{s.id}/batal", headers=HX)
    assert response.status_code == 200
    assert "registrations-changed" in response.headers["HX-Trigger"]
    assert 'id="register-box-' in response.get_data(as_text=True)
    assert dict(statuses(s)) == {
        org.staff_a1.id: "cancelled",
        org.staff_a2.id: "confirmed",
        org.staff_b1.id: "waitlisted",
    }
    notes = db.session.scalars(
        select(Notification).where(Notification.kind == "workshops.promoted")
    ).all()
    assert [n.recipient_id for n in notes] == [org.staff_a2.id]
    # Leaving the waitlist frees no seat: nobody is promoted.
    login_as(org.staff_b1)
    client.post(f"/pelatihan/sesi/{s.id}/batal")
    assert dict(statuses(s))[org.staff_b1.id] == "cancelled"
    assert confirmed_count(s) == 1
    assert (
        len(
            db.session.scalars(
                select(Notification).where(Notification.kind == "workshops.promoted")
            ).all()
        )
        == 1
    )


def test_raising_capacity_promotes_the_next_in_line(client, org, login_as, ws):
    s = wf.session(ws, capacity=1)
    wf.registration(s, org.staff_a1, "confirmed")
    wf.registration(s, org.staff_a2, "waitlisted")
    wf.registration(s, org.staff_b1, "waitlisted")
    wf.registration(s, org.staff_sek, "waitlisted")
    login_as(org.organizer)
    response = client.post(
        f"/pelatihan/kelola/sesi/{s.id}/ubah",
        data=_session_form(s, capacity=3),
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    assert dict(statuses(s)) == {
        org.staff_a1.id: "confirmed",
        org.staff_a2.id: "confirmed",
        org.staff_b1.id: "confirmed",
        org.staff_sek.id: "waitlisted",
    }


def test_capacity_cannot_drop_below_confirmed(client, org, login_as, ws):
    s = wf.session(ws, capacity=2)
    wf.registration(s, org.staff_a1, "confirmed")
    wf.registration(s, org.staff_a2, "confirmed")
    login_as(org.organizer)
    response = client.post(f"/pelatihan/kelola/sesi/{s.id}/ubah", data=_session_form(s, capacity=1))
    assert response.status_code == 422
    assert "Kapasitas tidak boleh kurang" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(WorkshopSession, s.id).capacity == 2


def _session_form(s, **overrides):
    from blueprints.common.timefmt import to_wib

    start, end = to_wib(s.starts_at), to_wib(s.ends_at)
    data = {
        "day": start.date().isoformat(),
        "start_time": start.strftime("%H:%M"),
        "end_time": end.strftime("%H:%M"),
        "venue": s.venue,
        "online_url": "",
        "facilitator": "",
        "capacity": s.capacity,
        "jp_credited": s.jp_credited,
    }
    data.update(overrides)
    return data


REFUSALS = [
    ("window_closed", "sudah ditutup"),
    ("window_not_open", "belum dibuka"),
    ("past", "sudah dimulai atau lewat"),
    ("cancelled", "dibatalkan"),
    ("draft", None),
]


def test_refused_registrations_change_nothing(client, org, login_as, ws):
    now = utcnow()
    login_as(org.staff_a1)
    for case, expected in REFUSALS:
        kwargs = {
            "window_closed": {"registration_closes_at": now - timedelta(hours=1)},
            "window_not_open": {"registration_opens_at": now + timedelta(days=1)},
            "past": {"starts_at": now - timedelta(hours=1)},
            "cancelled": {"status": "cancelled"},
            "draft": {"status": "draft"},
        }[case]
        s = wf.session(ws, **kwargs)
        response = register(client, s, headers=HX)
        if expected is None:
            assert response.status_code == 404  # a draft is invisible to staff
        else:
            assert response.status_code == 422, case
            assert expected in response.get_data(as_text=True), case
        assert statuses(s) == [], case
        db.session.expire_all()
        assert db.session.get(WorkshopSession, s.id).queue_seq == 0


def test_registering_twice_is_refused_and_changes_nothing(client, org, login_as, ws):
    s = wf.session(ws, capacity=5)
    login_as(org.staff_a1)
    assert register(client, s).status_code == 303
    response = register(client, s, follow=True)
    assert "sudah terdaftar" in response.get_data(as_text=True)
    assert statuses(s) == [(org.staff_a1.id, "confirmed")]
    assert db.session.scalar(select(func.count(Registration.id))) == 1
    # A plain form refusal flashes the reason on the page it returns to.
    cancelled = wf.session(ws, status="cancelled")
    response = register(client, cancelled)
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "dibatalkan" in page


def test_clash_is_shown_before_confirming(client, org, login_as, ws):
    start = (utcnow() + timedelta(days=3)).replace(microsecond=0)
    first = wf.session(ws, starts_at=start, hours=3)
    other = wf.session(
        wf.workshop(org.organizer, "Komunikasi Efektif"),
        starts_at=start + timedelta(hours=1),
        hours=2,
    )
    wf.registration(first, org.staff_a1, "confirmed")
    login_as(org.staff_a1)
    page = client.get(f"/pelatihan/sesi/{other.id}").get_data(as_text=True)
    assert "bentrok" in page and "Tetap daftar" in page
    # Posting without confirmation (e.g. from the catalogue) only shows the warning.
    response = register(client, other, headers=HX)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "bentrok" in body and 'name="confirm_clash"' in body
    assert statuses(other) == []
    response = register(client, other, headers=HX, confirm_clash="1")
    assert "Pendaftaran berhasil" in response.get_data(as_text=True)
    assert statuses(other) == [(org.staff_a1.id, "confirmed")]


def test_register_box_fragment_for_htmx(client, org, login_as, ws):
    s = wf.session(ws, capacity=1)
    wf.registration(s, org.staff_a2, "confirmed")
    login_as(org.staff_a1)
    response = register(client, s, headers=HX)
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in body
    assert "daftar tunggu" in body.lower()
    assert "Keluar dari daftar tunggu" in body


def test_cannot_cancel_after_start(client, org, login_as, ws):
    s = wf.session(ws, starts_at=utcnow() - timedelta(minutes=5))
    wf.registration(s, org.staff_a1, "confirmed")
    login_as(org.staff_a1)
    response = client.post(f"/pelatihan/sesi/{s.id}/batal", headers=HX)
    assert response.status_code == 422
    assert statuses(s) == [(org.staff_a1.id, "confirmed")]


def test_re_registering_after_cancel_joins_the_end_of_the_queue(client, org, login_as, ws):
    s = wf.session(ws, capacity=1)
    wf.registration(s, org.staff_a1, "confirmed")
    wf.registration(s, org.staff_a2, "waitlisted")
    login_as(org.staff_a1)
    client.post(f"/pelatihan/sesi/{s.id}/batal")
    assert register(client, s).status_code == 303
    assert dict(statuses(s)) == {org.staff_a2.id: "confirmed", org.staff_a1.id: "waitlisted"}


def test_catalogue_filters_and_shareable_url(client, org, login_as):
    t_emp = wf.topic("Empati")
    t_pre = wf.topic("Presentasi")
    a = wf.workshop(
        org.organizer,
        "Pelayanan Publik yang Berempati",
        topics=[t_emp],
        competency_type="sosial_kultural",
    )
    b = wf.workshop(
        org.organizer, "Teknik Presentasi", topics=[t_pre], competency_type="manajerial"
    )
    sa = wf.session(a, capacity=1)
    wf.session(b, capacity=5)
    wf.registration(sa, org.staff_a2, "confirmed")  # full
    login_as(org.staff_a1)

    def titles(query):
        body = client.get("/pelatihan/?" + query, headers=HX).get_data(as_text=True)
        return {t for t in ("Berempati", "Teknik Presentasi") if t in body}

    assert titles("") == {"Berempati", "Teknik Presentasi"}
    assert titles("q=presentasi") == {"Teknik Presentasi"}
    assert titles(f"topic={t_emp.id}") == {"Berempati"}
    assert titles("competency=manajerial") == {"Teknik Presentasi"}
    assert titles("seats=y") == {"Teknik Presentasi"}
    assert titles("month=2000-01") == set()
    # The full page with the same URL renders the form filled in (shareable link).
    page = client.get("/pelatihan/?q=presentasi").get_data(as_text=True)
    assert 'value="presentasi"' in page and "<html" in page
    assert 'hx-push-url="true"' in page
    # "All topics" submits an empty value: the URL never carries topic=None.
    assert '<option selected value="">' in page or '<option value="" selected>' in page
    assert 'value="None"' not in page
    assert titles("topic=") == {"Berempati", "Teknik Presentasi"}


def test_mandatory_participants_take_seats_then_waitlist(client, org, login_as, ws):
    s = wf.session(ws, capacity=1)
    login_as(org.organizer)
    # An unknown entry: 422, nobody added, the typed text named.
    response = client.post(
        f"/pelatihan/kelola/sesi/{s.id}/peserta/tambah",
        data={"people": f"{org.staff_a1.nip}\nbukan-siapa-siapa@contoh"},
    )
    assert response.status_code == 422
    assert "bukan-siapa-siapa" in response.get_data(as_text=True)
    assert statuses(s) == []
    response = client.post(
        f"/pelatihan/kelola/sesi/{s.id}/peserta/tambah",
        data={"people": f"{org.staff_a1.nip}\n{org.staff_b1.email}"},
    )
    assert response.status_code == 303
    assert statuses(s) == [(org.staff_a1.id, "confirmed"), (org.staff_b1.id, "waitlisted")]
    kinds = set(db.session.scalars(select(Notification.kind)))
    assert {"workshops.added_confirmed", "workshops.added_waitlisted"} <= kinds
    # Seats follow the typed order, not the database's: the later-created person typed first
    # takes the one seat.
    assert org.staff_b1.id > org.staff_a1.id
    later = (utcnow() + timedelta(days=14)).replace(microsecond=0)
    reversed_order = wf.session(ws, capacity=1, starts_at=later)
    client.post(
        f"/pelatihan/kelola/sesi/{reversed_order.id}/peserta/tambah",
        data={"people": f"{org.staff_b1.email}, {org.staff_a1.nip}"},
    )
    assert statuses(reversed_order) == [
        (org.staff_b1.id, "confirmed"),
        (org.staff_a1.id, "waitlisted"),
    ]
    # Mandatory people cannot cancel themselves.
    login_as(org.staff_a1)
    client.post(f"/pelatihan/sesi/{s.id}/batal")
    assert dict(statuses(s))[org.staff_a1.id] == "confirmed"


def test_removing_a_participant_promotes_and_notifies(client, org, login_as, ws):
    s = wf.session(ws, capacity=1)
    r1 = wf.registration(s, org.staff_a1, "confirmed")
    wf.registration(s, org.staff_a2, "waitlisted")
    login_as(org.organizer)
    response = client.post(f"/pelatihan/kelola/pendaftaran/{r1.id}/keluarkan", headers=HX)
    assert response.status_code == 200
    assert 'id="participants"' in response.get_data(as_text=True)
    assert dict(statuses(s)) == {org.staff_a1.id: "cancelled", org.staff_a2.id: "confirmed"}
    kinds = [n.kind for n in db.session.scalars(select(Notification))]
    assert "workshops.removed" in kinds and "workshops.promoted" in kinds


def test_walk_in_is_present_and_holds_no_seat(client, org, login_as, ws):
    s = wf.session(ws, capacity=1, starts_at=utcnow() - timedelta(minutes=30))
    wf.registration(s, org.staff_a1, "confirmed")
    login_as(org.organizer)
    response = client.post(
        f"/pelatihan/kelola/sesi/{s.id}/peserta/walk-in", data={"person": org.staff_b1.email}
    )
    assert response.status_code == 303
    reg = db.session.scalars(
        select(Registration).where(Registration.employee_id == org.staff_b1.id)
    ).one()
    assert (reg.status, reg.walk_in, reg.attended) == ("confirmed", True, True)
    from blueprints.workshops.seats import counts_for

    assert counts_for(s.id) == (1, 0)  # the booked seats are unchanged


def test_edit_and_cancel_session_notify_registrants(client, org, login_as, ws):
    s = wf.session(ws, capacity=1)
    wf.registration(s, org.staff_a1, "confirmed")
    wf.registration(s, org.staff_a2, "waitlisted")
    login_as(org.organizer)
    client.post(f"/pelatihan/kelola/sesi/{s.id}/ubah", data=_session_form(s, venue="Aula Baru"))
    changed = db.session.scalars(
        select(Notification.recipient_id).where(Notification.kind == "workshops.session_changed")
    ).all()
    assert sorted(changed) == sorted([org.staff_a1.id, org.staff_a2.id])
    # Saving without a change of time or place notifies nobody again.
    client.post(
        f"/pelatihan/kelola/sesi/{s.id}/ubah",
        data=_session_form(s, venue="Aula Baru", facilitator="Tim BPSDM"),
    )
    assert (
        db.session.scalar(
            select(func.count()).where(Notification.kind == "workshops.session_changed")
        )
        == 2
    )
    client.post(f"/pelatihan/kelola/sesi/{s.id}/status/cancel", data=YES)
    cancelled = db.session.scalars(
        select(Notification.recipient_id).where(Notification.kind == "workshops.session_cancelled")
    ).all()
    assert sorted(cancelled) == sorted([org.staff_a1.id, org.staff_a2.id])
    db.session.expire_all()
    assert db.session.get(WorkshopSession, s.id).status == "cancelled"
