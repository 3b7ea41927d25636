"""Who may read a feedback, decided in ONE place: can_read() (and its SQL twin
readable_condition(), tested to agree); every view fetches through get_feedback_or_404(), which
writes a non-party's read to the audit log."""

from flask import abort
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import selectinload

from blueprints.admin.audit import audit
from blueprints.auth import access
from blueprints.auth.models import Employee
from blueprints.common.db import lock_row
from blueprints.feedback.models import Feedback, FeedbackAddendum
from extensions import db


def can_read(user, feedback: Feedback) -> bool:
    """The author always; once sent, the receiver and the leaders above the receiver.
    Peers, organizers and admins (as such) never."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if feedback.author_id == user.id:
        return True
    if feedback.status != "sent":
        return False
    if feedback.receiver_id == user.id:
        return True
    return access.is_above(user, feedback.receiver)


def readable_condition(user):
    """The SQL form of can_read(), for lists and exports (tests check the two agree)."""
    in_scope = select(Employee.id).where(
        Employee.unit_id.in_(access.subtree_unit_ids_stmt(user)), Employee.id != user.id
    )
    return or_(
        Feedback.author_id == user.id,
        and_(
            Feedback.status == "sent",
            or_(Feedback.receiver_id == user.id, Feedback.receiver_id.in_(in_scope)),
        ),
    )


def is_party(user, feedback: Feedback) -> bool:
    return user.id in (feedback.author_id, feedback.receiver_id)


def record_read(user, feedback: Feedback, how: str) -> None:
    """Every read by someone other than the receiver or the author goes to the audit log."""
    if not is_party(user, feedback):
        audit("feedback.read", feedback, detail=how, actor=user)


def get_feedback_or_404(feedback_id: int, user, *, read_as: str | None = None) -> Feedback:
    """The feedback if `user` may read it, else 404 (its existence is not revealed).
    `read_as` names the view for the audit log when the text is shown."""
    feedback = db.session.get(
        Feedback,
        feedback_id,
        options=[
            selectinload(Feedback.values),
            selectinload(Feedback.competencies),
            selectinload(Feedback.follow_ups),
            selectinload(Feedback.workshops),
            selectinload(Feedback.addenda).selectinload(FeedbackAddendum.author),
        ],
    )
    if feedback is None or not can_read(user, feedback):
        abort(404)
    if read_as:
        record_read(user, feedback, read_as)
        db.session.commit()
    return feedback


def get_feedback_for_change(feedback_id: int, user) -> Feedback:
    """As get_feedback_or_404, holding the row lock until the transaction ends, so that two
    concurrent edits or sends of one draft run one after the other (SQLite and PostgreSQL)."""
    feedback = get_feedback_or_404(feedback_id, user)
    lock_row(Feedback, feedback.id)
    db.session.refresh(feedback)
    return feedback
