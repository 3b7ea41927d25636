"""`flask --app app notify-due`: follow-ups due, survey reminders and upward rounds opening — each
item notified once, however often the timer runs."""

from datetime import timedelta

from sqlalchemy import func, select

from blueprints.common.timefmt import today_wib, utcnow
from blueprints.dashboard.models import DeliveredNotice
from blueprints.feedback.models import UpwardRound
from blueprints.notifications.models import Notification
from extensions import db
from tests import factories_dashboard as fd


def _notes(person=None, kind=None) -> list[Notification]:
    stmt = select(Notification).order_by(Notification.id)
    if person is not None:
        stmt = stmt.where(Notification.recipient_id == person.id)
    if kind is not None:
        stmt = stmt.where(Notification.kind == kind)
    return list(db.session.scalars(stmt))


def _run(runner) -> str:
    result = runner.invoke(args=["notify-due"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    return result.output


def test_notify_due_is_idempotent(org, runner):
    today = today_wib()
    fb = fd.feedback(
        org.lurah_a,
        org.staff_a1,
        follow_ups=[
            ("Susun daftar periksa", today + timedelta(days=2), False),  # due soon
            ("Latihan paparan", today + timedelta(days=20), False),  # not yet
            ("Sudah beres", today - timedelta(days=1), True),  # done
        ],
    )
    closing = fd.wave([org.kel_a], title="Survei hampir tutup", closes=2)
    fd.participate(closing, org.staff_a1)
    fd.wave([org.kel_a], title="Survei masih lama", closes=10)
    announced_later = UpwardRound(
        title="Putaran terjadwal",
        opens_on=today,
        closes_on=today + timedelta(days=14),
        min_group=3,
        comment_min_group=5,
        created_at=utcnow() - timedelta(days=3),
    )
    announced_at_once = UpwardRound(
        title="Putaran langsung",
        opens_on=today - timedelta(days=30),
        closes_on=today - timedelta(days=20),
        min_group=3,
        comment_min_group=5,
    )
    db.session.add_all([announced_later, announced_at_once])
    db.session.commit()

    output = _run(runner)
    assert "follow-ups reminded: 1" in output and "survey waves reminded: 1" in output
    due = _notes(kind="feedback.followup_due")
    assert [n.recipient_id for n in due] == [org.staff_a1.id]
    assert due[0].link == f"/umpan-balik/{fb.id}"
    reminded = {n.recipient_id for n in _notes(kind="surveys.reminder")}
    # Kelurahan A's people who have not answered; never the one who did, never anyone else.
    assert reminded == {org.lurah_a.id, org.staff_a2.id}
    upward = _notes(kind="feedback.upward_open")
    assert upward and all(n.params["title"] == "Putaran terjadwal" for n in upward)
    everyone = {n.recipient_id for n in upward}
    assert org.staff_a1.id in everyone and org.camat.id not in everyone  # the camat has no superior
    count = len(_notes())

    output = _run(runner)
    assert "follow-ups reminded: 0" in output and "survey waves reminded: 0" in output
    assert "upward rounds announced: 0" in output
    assert len(_notes()) == count
    records = db.session.execute(
        select(DeliveredNotice.kind, DeliveredNotice.object_id, DeliveredNotice.recipients)
    ).all()
    assert sorted(records) == sorted(
        [
            ("surveys.auto_reminder", closing.id, 2),
            ("feedback.upward_open", announced_later.id, len(upward)),
        ]
    )
    # The record holds an object and a count, never a person.
    columns = set(DeliveredNotice.__table__.columns.keys())
    assert columns == {"id", "kind", "object_id", "recipients", "sent_at"}


def test_notify_due_with_nothing_due(org, runner):
    output = _run(runner)
    assert "follow-ups reminded: 0" in output
    assert db.session.scalar(select(func.count(Notification.id))) == 0
