"""Feedback requests: staff ask their direct superior; the leader's queue, answering (see
giving.save_feedback) or declining with a reason; the requester's own list."""

from flask import abort, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from blueprints.auth import access
from blueprints.auth.models import Employee
from blueprints.common.timefmt import utcnow
from blueprints.feedback.errors import InvalidAction, NotAllowed
from blueprints.feedback.models import FeedbackRequest
from blueprints.notifications.services import notify, register_kind
from extensions import db

register_kind(
    "feedback.request_received", _l("%(requester)s meminta umpan balik tentang “%(topic)s”.")
)
register_kind(
    "feedback.request_declined",
    _l("%(leader)s tidak dapat memenuhi permintaan umpan balik “%(topic)s”: %(reason)s"),
)


def create_request(requester, topic: str, detail: str) -> FeedbackRequest:
    leader_id = access.direct_superior_id(requester)
    leader = db.session.get(Employee, leader_id) if leader_id else None
    if leader is None or not leader.active:
        raise InvalidAction(_l("Anda belum memiliki atasan langsung di sistem."))
    request = FeedbackRequest(
        requester_id=requester.id, leader_id=leader.id, topic=topic.strip(), detail=detail.strip()
    )
    db.session.add(request)
    db.session.flush()
    notify(
        leader,
        "feedback.request_received",
        link=url_for("feedback.requests"),
        requester=requester.name,
        topic=request.topic[:80],
    )
    return request


def get_request_or_404(request_id: int, user) -> FeedbackRequest:
    """Requests are seen by the requester and the leader asked."""
    request = db.session.get(FeedbackRequest, request_id)
    if request is None or user.id not in (request.requester_id, request.leader_id):
        abort(404)
    return request


def decline_request(request: FeedbackRequest, leader, reason: str) -> None:
    if request.leader_id != leader.id:
        raise NotAllowed
    if request.status != "open":
        raise InvalidAction(_l("Permintaan ini sudah ditutup."))
    request.status = "declined"
    request.decline_reason = reason.strip()
    request.closed_at = utcnow()
    notify(
        request.requester,
        "feedback.request_declined",
        link=url_for("feedback.requests"),
        leader=leader.name,
        topic=request.topic[:80],
        reason=request.decline_reason[:200],
    )


def request_for_answer(request_id: int, leader) -> FeedbackRequest:
    request = get_request_or_404(request_id, leader)
    if request.leader_id != leader.id:
        raise NotAllowed
    if request.status != "open":
        raise InvalidAction(_l("Permintaan ini sudah ditutup."))
    return request


def queue_stmt(leader):
    return (
        select(FeedbackRequest)
        .where(FeedbackRequest.leader_id == leader.id, FeedbackRequest.status == "open")
        .options(selectinload(FeedbackRequest.requester).selectinload(Employee.unit))
        .order_by(FeedbackRequest.created_at, FeedbackRequest.id)
    )


def my_requests(user) -> list[FeedbackRequest]:
    return list(
        db.session.scalars(
            select(FeedbackRequest)
            .where(FeedbackRequest.requester_id == user.id)
            .options(selectinload(FeedbackRequest.leader), selectinload(FeedbackRequest.feedback))
            .order_by(FeedbackRequest.created_at.desc(), FeedbackRequest.id.desc())
            .limit(20)
        )
    )


def open_request_count(leader) -> int:
    return (
        db.session.scalar(
            select(func.count(FeedbackRequest.id)).where(
                FeedbackRequest.leader_id == leader.id, FeedbackRequest.status == "open"
            )
        )
        or 0
    )
