"""Follow-ups (tindak lanjut) of sent feedback: the receiver marks one done, the author
confirms it; their state, the receiver's open ones, the author's to confirm, the daily reminder."""

from datetime import date, timedelta

from flask import abort, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import selectinload

from blueprints.common.timefmt import stored_day, today_wib, utcnow
from blueprints.feedback.errors import InvalidAction, NotAllowed
from blueprints.feedback.models import Feedback, FollowUp
from blueprints.feedback.visibility import can_read
from blueprints.notifications.services import notify, register_kind
from extensions import db

register_kind("feedback.followup_due", _l("Tindak lanjut “%(action)s” jatuh tempo pada %(due)s."))
register_kind(
    "feedback.followup_done",
    _l("%(receiver)s menandai tindak lanjut “%(action)s” selesai. Mohon konfirmasi."),
)


def get_follow_up_or_404(follow_up_id: int, user) -> FollowUp:
    follow_up = db.session.get(FollowUp, follow_up_id)
    if follow_up is None or not can_read(user, follow_up.feedback):
        abort(404)
    return follow_up


def mark_done(follow_up: FollowUp, user) -> None:
    feedback = follow_up.feedback
    if feedback.receiver_id != user.id or not feedback.is_sent:
        raise NotAllowed
    if follow_up.done_at is None:
        follow_up.done_at = utcnow()
        notify(
            feedback.author,
            "feedback.followup_done",
            link=url_for("feedback.show", feedback_id=feedback.id),
            receiver=user.name,
            action=follow_up.description[:80],
        )


def confirm_done(follow_up: FollowUp, user) -> None:
    if follow_up.feedback.author_id != user.id:
        raise NotAllowed
    if follow_up.done_at is None:
        raise InvalidAction(_l("Penerima belum menandai tindak lanjut ini selesai."))
    if follow_up.confirmed_at is None:
        follow_up.confirmed_at = utcnow()


def follow_up_state(follow_up: FollowUp, today: date | None = None) -> str:
    """open | overdue | done (waiting for the author) | confirmed."""
    if follow_up.confirmed_at:
        return "confirmed"
    if follow_up.done_at:
        return "done"
    return "overdue" if follow_up.due_on < (today or today_wib()) else "open"


def open_follow_ups_stmt(user) -> Select:
    """Follow-ups of feedback I received that I have not finished. The one definition: the
    feedback and career pages list them, the home page those due soon."""
    return (
        select(FollowUp)
        .join(Feedback, Feedback.id == FollowUp.feedback_id)
        .where(
            Feedback.receiver_id == user.id,
            Feedback.status == "sent",
            FollowUp.done_at.is_(None),
        )
    )


def my_open_follow_ups(user, limit: int | None = None) -> list[FollowUp]:
    """My open follow-ups, earliest due first (the first `limit` of them)."""
    stmt = (
        open_follow_ups_stmt(user)
        .options(selectinload(FollowUp.feedback).selectinload(Feedback.author))
        .order_by(FollowUp.due_on, FollowUp.id)
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


def to_confirm_stmt(user, today: date | None = None) -> Select:
    """Follow-ups of my feedback that are done by the receiver or overdue: both need me.
    The one definition; the home page bounds it, the feedback pages list it whole."""
    return (
        select(FollowUp)
        .join(Feedback, Feedback.id == FollowUp.feedback_id)
        .where(
            Feedback.author_id == user.id,
            Feedback.status == "sent",
            FollowUp.confirmed_at.is_(None),
            or_(FollowUp.done_at.is_not(None), FollowUp.due_on < (today or today_wib())),
        )
        .options(selectinload(FollowUp.feedback).selectinload(Feedback.receiver))
    )


def to_confirm(user) -> list[FollowUp]:
    return list(db.session.scalars(to_confirm_stmt(user).order_by(FollowUp.due_on, FollowUp.id)))


def remind_due_follow_ups(days_ahead: int = 3) -> int:
    """Notify receivers of follow-ups due within `days_ahead` days or overdue, once each."""
    today = today_wib()
    rows = list(
        db.session.scalars(
            select(FollowUp)
            .join(Feedback, Feedback.id == FollowUp.feedback_id)
            .where(
                Feedback.status == "sent",
                FollowUp.done_at.is_(None),
                FollowUp.reminded_at.is_(None),
                FollowUp.due_on <= today + timedelta(days=days_ahead),
            )
            .options(selectinload(FollowUp.feedback).selectinload(Feedback.receiver))
        )
    )
    now = utcnow()
    for follow_up in rows:
        follow_up.reminded_at = now
        notify(
            follow_up.feedback.receiver,
            "feedback.followup_due",
            link=url_for("feedback.show", feedback_id=follow_up.feedback_id),
            action=follow_up.description[:80],
            due=stored_day(follow_up.due_on),
        )
    return len(rows)
