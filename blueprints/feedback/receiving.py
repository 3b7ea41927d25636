"""Receiving feedback: the receiver's list, reading it (acknowledge, once) and answering it
(respond, once)."""

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from blueprints.common.timefmt import utcnow
from blueprints.feedback.errors import InvalidAction, NotAllowed
from blueprints.feedback.models import Feedback
from blueprints.notifications.services import mark_read_by_link, notify, register_kind
from extensions import db

register_kind(
    "feedback.acknowledged", _l("%(receiver)s sudah membaca dan memahami umpan balik Anda.")
)
register_kind("feedback.answered", _l("%(receiver)s menanggapi umpan balik Anda."))


def received_stmt(user):
    return (
        select(Feedback)
        .where(Feedback.receiver_id == user.id, Feedback.status == "sent")
        .options(selectinload(Feedback.author), selectinload(Feedback.follow_ups))
        .order_by(Feedback.sent_at.desc(), Feedback.id.desc())
    )


def acknowledge(feedback: Feedback, user) -> bool:
    """Recorded once with its time; a second click changes nothing. True when recorded now."""
    if feedback.receiver_id != user.id or not feedback.is_sent:
        raise NotAllowed
    result = db.session.execute(
        update(Feedback)
        .where(Feedback.id == feedback.id, Feedback.acknowledged_at.is_(None))
        .values(acknowledged_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(feedback)
    # The receiver's "feedback received" notification has done its job.
    mark_read_by_link(user, url_for("feedback.show", feedback_id=feedback.id))
    if result.rowcount:
        notify(
            feedback.author,
            "feedback.acknowledged",
            link=url_for("feedback.show", feedback_id=feedback.id),
            receiver=user.name,
        )
    return bool(result.rowcount)


def respond(feedback: Feedback, user, text: str) -> None:
    """The receiver's answer (tanggapan): given once; it also acknowledges."""
    if feedback.receiver_id != user.id or not feedback.is_sent:
        raise NotAllowed
    now = utcnow()
    result = db.session.execute(
        update(Feedback)
        .where(Feedback.id == feedback.id, Feedback.response.is_(None))
        .values(
            response=text.strip(),
            responded_at=now,
            acknowledged_at=func.coalesce(Feedback.acknowledged_at, now),
        )
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(feedback)
    if not result.rowcount:
        raise InvalidAction(_l("Anda sudah menanggapi umpan balik ini."))
    mark_read_by_link(user, url_for("feedback.show", feedback_id=feedback.id))
    notify(
        feedback.author,
        "feedback.answered",
        link=url_for("feedback.show", feedback_id=feedback.id),
        receiver=user.name,
    )
