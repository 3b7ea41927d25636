"""Workshop reminders: the day before a session to its confirmed participants, to the superior for
requests still waiting for their approval (both from `flask notify-due`, each once), and a change
of time or place told at once to everyone registered — exactly the right people, once."""

from datetime import time, timedelta

import pytest
from sqlalchemy import select

from blueprints.common.timefmt import to_wib, today_wib, utcnow, wib_to_utc
from blueprints.dashboard.notices import notify_due
from blueprints.notifications.models import Notification
from extensions import db
from tests import factories_workshops as wf

DAY_BEFORE = "workshops.reminder_day_before"
APPROVAL = "workshops.approval_reminder"
CHANGED = "workshops.session_changed"


@pytest.fixture
def org(org):
    wf.fast_logins()
    return org


def _recipients(kind) -> list[int]:
    db.session.expire_all()
    return sorted(
        db.session.scalars(select(Notification.recipient_id).where(Notification.kind == kind))
    )


def _run(runner) -> str:
    result = runner.invoke(args=["notify-due"])
    assert result.exit_code == 0, result.output
    return result.output


def _at(day, hour) -> object:
    return wib_to_utc(day, time(hour, 0))


def test_the_day_before_reaches_confirmed_participants_once(org, runner):
    tomorrow = today_wib() + timedelta(days=1)
    ws = wf.workshop(org.organizer, "Pelayanan Prima")
    s = wf.session(ws, starts_at=_at(tomorrow, 9))
    wf.registration(s, org.staff_a1)
    wf.registration(s, org.staff_a2)
    wf.registration(s, org.staff_b1, "waitlisted")
    wf.registration(s, org.staff_sek, "cancelled")
    wf.registration(s, org.lurah_b, "pending_approval")
    gone = wf.registration(s, org.sekcam)
    gone.employee.active = False
    db.session.commit()
    # Not tomorrow, or not running: nobody there is reminded.
    later = wf.session(ws, starts_at=_at(tomorrow + timedelta(days=1), 9))
    wf.registration(later, org.lurah_a)
    draft = wf.session(ws, starts_at=_at(tomorrow, 13), status="draft")
    wf.registration(draft, org.camat)
    cancelled = wf.session(ws, starts_at=_at(tomorrow, 14), status="cancelled")
    wf.registration(cancelled, org.admin)

    output = _run(runner)
    assert "sessions reminded: 1 (2 people)" in output
    assert _recipients(DAY_BEFORE) == sorted([org.staff_a1.id, org.staff_a2.id])
    note = db.session.scalars(select(Notification).where(Notification.kind == DAY_BEFORE)).first()
    assert note.link.endswith(f"/pelatihan/sesi/{s.id}")
    assert note.params["venue"] == ", Aula Kantor Camat"

    output = _run(runner)  # the timer runs again: nothing new
    assert "sessions reminded: 0 (0 people)" in output
    assert len(_recipients(DAY_BEFORE)) == 2


def test_a_session_moved_to_another_day_is_reminded_again_before_its_new_date(app, org):
    today = today_wib()
    ws = wf.workshop(org.organizer)
    s = wf.session(ws, starts_at=_at(today + timedelta(days=1), 9))
    wf.registration(s, org.staff_a1)
    with app.test_request_context():
        assert notify_due(today).sessions_reminded == 1
        s.starts_at = _at(today + timedelta(days=4), 9)
        s.ends_at = _at(today + timedelta(days=4), 12)
        db.session.commit()
        assert notify_due(today).sessions_reminded == 0
        assert notify_due(today + timedelta(days=3)).sessions_reminded == 1
        assert notify_due(today + timedelta(days=3)).sessions_reminded == 0
    assert _recipients(DAY_BEFORE) == [org.staff_a1.id, org.staff_a1.id]


def test_waiting_approvals_remind_the_superior_once(org, runner):
    ws = wf.workshop(org.organizer, "Kepemimpinan Pelayanan", requires_approval=True)
    s = wf.session(ws)
    yesterday = utcnow() - timedelta(days=1, hours=1)
    waiting = wf.registration(s, org.staff_a1, "pending_approval", status_changed_at=yesterday)
    wf.registration(s, org.staff_b1, "pending_approval")  # asked today: not yet
    wf.registration(s, org.staff_a2, "confirmed", status_changed_at=yesterday)  # decided
    started = wf.session(ws, starts_at=utcnow() - timedelta(hours=1))
    wf.registration(started, org.staff_sek, "pending_approval", status_changed_at=yesterday)

    output = _run(runner)
    assert "approvals reminded: 1" in output
    assert _recipients(APPROVAL) == [org.lurah_a.id]  # staff_a1's direct superior
    note = db.session.scalars(select(Notification).where(Notification.kind == APPROVAL)).one()
    assert note.params["name"] == org.staff_a1.name
    assert note.link.endswith(f"/pelatihan/persetujuan#izin-{waiting.id}")

    assert "approvals reminded: 0" in _run(runner)
    assert _recipients(APPROVAL) == [org.lurah_a.id]
    assert waiting.status == "pending_approval"


def _edit(client, s, **changes):
    start, end = to_wib(s.starts_at), to_wib(s.ends_at)
    data = {
        "day": start.date().isoformat(),
        "start_time": start.strftime("%H:%M"),
        "end_time": end.strftime("%H:%M"),
        "venue": s.venue,
        "online_url": s.online_url,
        "facilitator": s.facilitator,
        "capacity": str(s.capacity),
        "jp_credited": str(s.jp_credited),
    }
    data.update(changes)
    response = client.post(f"/pelatihan/kelola/sesi/{s.id}/ubah", data=data)
    assert response.status_code == 303, response.text
    db.session.expire_all()


def test_a_change_of_time_or_place_is_told_at_once_to_everyone_registered(client, org, login_as):
    ws = wf.workshop(org.organizer)
    day = today_wib() + timedelta(days=7)
    s = wf.session(ws, capacity=2, starts_at=_at(day, 9))
    wf.registration(s, org.staff_a1)
    wf.registration(s, org.staff_a2)
    wf.registration(s, org.staff_b1, "waitlisted")
    wf.registration(s, org.staff_sek, "cancelled")
    login_as(org.organizer)
    registered = sorted([org.staff_a1.id, org.staff_a2.id, org.staff_b1.id])

    _edit(client, s, facilitator="Narasumber Baru")  # neither time nor place
    assert _recipients(CHANGED) == []

    _edit(client, s, venue="Aula Kelurahan Terjun")
    assert _recipients(CHANGED) == registered

    _edit(client, s, start_time="08:00", end_time="11:00")
    assert _recipients(CHANGED) == sorted(registered * 2)

    draft = wf.session(ws, status="draft", starts_at=_at(day, 13))
    wf.registration(draft, org.lurah_a)
    _edit(client, draft, venue="Ruang Rapat")
    assert org.lurah_a.id not in _recipients(CHANGED)
