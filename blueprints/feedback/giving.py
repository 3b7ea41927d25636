"""Giving feedback: drafts (save, edit, delete), sending, addenda, the version history of an
entry, and the author's list of what they gave."""

from dataclasses import dataclass, field
from datetime import date

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select
from sqlalchemy.orm import selectinload

from blueprints.auth import access
from blueprints.auth.models import Employee, Unit
from blueprints.common.timefmt import utcnow
from blueprints.feedback import tags, workshop_link
from blueprints.feedback.errors import InvalidAction, NotAllowed
from blueprints.feedback.models import (
    Feedback,
    FeedbackAddendum,
    FeedbackCompetency,
    FeedbackRequest,
    FeedbackValue,
    FeedbackVersion,
    FeedbackWorkshop,
    FollowUp,
)
from blueprints.notifications.services import notify, register_kind
from extensions import db

register_kind("feedback.received", _l("%(author)s mengirim umpan balik untuk Anda."))
register_kind(
    "feedback.addendum", _l("%(author)s menambahkan addendum pada umpan balik untuk Anda.")
)


# --- giving ---------------------------------------------------------------------------------
@dataclass
class FeedbackInput:
    receiver_id: int
    occurred_on: date
    context: str
    strengths: str
    improvements: str
    values: list[str] = field(default_factory=list)
    competencies: list[str] = field(default_factory=list)
    follow_ups: list[tuple[str, date]] = field(default_factory=list)
    workshop_ids: list[int] = field(default_factory=list)
    request_id: int | None = None


def can_give_to(author, receiver: Employee | None) -> bool:
    return receiver is not None and receiver.active and access.is_above(author, receiver)


def receivers_stmt(author):
    return access.employees_in_scope_stmt(author).order_by(Employee.name)


def receiver_choices(author) -> list[tuple[int, str]]:
    rows = db.session.execute(
        select(Employee.id, Employee.name, Unit.name)
        .join(Unit, Unit.id == Employee.unit_id)
        .where(
            Employee.unit_id.in_(access.subtree_unit_ids_stmt(author)),
            Employee.id != author.id,
            Employee.active.is_(True),
        )
        .order_by(Employee.name)
    )
    return [(eid, f"{name} — {unit}") for eid, name, unit in rows]


def _sync_codes(rows: list, model, attr: str, wanted: list[str]) -> None:
    wanted_set = list(dict.fromkeys(wanted))
    for row in list(rows):
        if getattr(row, attr) not in wanted_set:
            rows.remove(row)
    have = {getattr(row, attr) for row in rows}
    for code in wanted_set:
        if code not in have:
            rows.append(model(**{attr: code}))


def save_feedback(
    author, data: FeedbackInput, feedback: Feedback | None = None, *, send: bool = False
) -> Feedback:
    """Create or update a draft (and send it when asked), in the caller's transaction."""
    receiver = db.session.get(Employee, data.receiver_id)
    if not can_give_to(author, receiver):
        raise NotAllowed
    if feedback is not None and feedback.author_id != author.id:
        raise NotAllowed
    if feedback is not None and feedback.is_sent:
        raise InvalidAction(_l("Umpan balik yang sudah dikirim tidak dapat diubah."))
    request = None
    if data.request_id:
        request = db.session.get(FeedbackRequest, data.request_id)
        answered_by = request.feedback if request is not None else None
        if (
            request is None
            or request.leader_id != author.id
            or request.requester_id != receiver.id
            or request.status != "open"
            or (answered_by is not None and answered_by is not feedback)
        ):
            raise InvalidAction(_l("Permintaan ini sudah ditutup atau bukan untuk Anda."))
    # Only the dictionary's competencies (an inactive one only if the draft already has it).
    codes = tags.check(data.competencies, keep=feedback.competency_codes if feedback else ())
    if feedback is None:
        feedback = Feedback(author_id=author.id, status="draft")
        db.session.add(feedback)
    if request is not None:
        feedback.request_id = request.id
    feedback.receiver_id = receiver.id
    feedback.receiver = receiver
    feedback.occurred_on = data.occurred_on
    feedback.context = data.context.strip()
    feedback.strengths = data.strengths.strip()
    feedback.improvements = data.improvements.strip()
    feedback.updated_at = utcnow()
    _sync_codes(feedback.values, FeedbackValue, "value", data.values)
    _sync_codes(feedback.competencies, FeedbackCompetency, "code", codes)
    _sync_follow_ups(feedback, data.follow_ups)
    titles = workshop_link.titles(data.workshop_ids)
    for row in list(feedback.workshops):
        if row.workshop_id not in titles:
            feedback.workshops.remove(row)
    have = {row.workshop_id for row in feedback.workshops}
    for wid, title in titles.items():
        if wid not in have:
            feedback.workshops.append(FeedbackWorkshop(workshop_id=wid, title=title[:200]))
    db.session.flush()
    if send:
        send_feedback(feedback, author)
    else:
        _add_version(feedback, author)
    return feedback


def _sync_follow_ups(feedback: Feedback, items: list[tuple[str, date]]) -> None:
    """Update rows in place (position is unique per feedback), add or drop the rest."""
    existing = list(feedback.follow_ups)
    for index, (description, due_on) in enumerate(items):
        if index < len(existing):
            row = existing[index]
            row.description, row.due_on, row.position = description.strip()[:500], due_on, index
        else:
            feedback.follow_ups.append(
                FollowUp(description=description.strip()[:500], due_on=due_on, position=index)
            )
    for row in existing[len(items) :]:
        feedback.follow_ups.remove(row)


def snapshot(feedback: Feedback) -> dict:
    return {
        "receiver_id": feedback.receiver_id,
        "request_id": feedback.request_id,
        "occurred_on": feedback.occurred_on.isoformat(),
        "context": feedback.context,
        "strengths": feedback.strengths,
        "improvements": feedback.improvements,
        "values": feedback.value_codes,
        "competencies": feedback.competency_codes,
        "follow_ups": [
            {"description": f.description, "due_on": f.due_on.isoformat()}
            for f in feedback.follow_ups
        ],
        "workshops": [{"id": w.workshop_id, "title": w.title} for w in feedback.workshops],
    }


def _add_version(feedback: Feedback, author) -> None:
    number = (
        db.session.scalar(
            select(func.max(FeedbackVersion.number)).where(
                FeedbackVersion.feedback_id == feedback.id
            )
        )
        or 0
    )
    db.session.add(
        FeedbackVersion(
            feedback_id=feedback.id,
            number=number + 1,
            status=feedback.status,
            saved_by_id=author.id,
            snapshot=snapshot(feedback),
        )
    )


def send_feedback(feedback: Feedback, author) -> Feedback:
    if feedback.author_id != author.id:
        raise NotAllowed
    if feedback.is_sent:
        raise InvalidAction(_l("Umpan balik ini sudah dikirim."))
    if not can_give_to(author, feedback.receiver):
        raise NotAllowed
    now = utcnow()
    feedback.status = "sent"
    feedback.sent_at = now
    feedback.updated_at = now
    if feedback.request_id:
        request = db.session.get(FeedbackRequest, feedback.request_id)
        if request.status != "open":
            raise InvalidAction(_l("Permintaan ini sudah ditutup atau bukan untuk Anda."))
        request.status = "answered"
        request.closed_at = now
    db.session.flush()
    _add_version(feedback, author)
    notify(
        feedback.receiver,
        "feedback.received",
        link=url_for("feedback.show", feedback_id=feedback.id),
        author=author.name,
    )
    return feedback


def delete_draft(feedback: Feedback, author) -> None:
    if feedback.author_id != author.id:
        raise NotAllowed
    if feedback.is_sent:
        raise InvalidAction(_l("Umpan balik yang sudah dikirim tidak dapat dihapus."))
    db.session.delete(feedback)


# --- after sending --------------------------------------------------------------------------
def add_addendum(feedback: Feedback, user, body: str) -> FeedbackAddendum:
    if feedback.author_id != user.id:
        raise NotAllowed
    if not feedback.is_sent:
        raise InvalidAction(_l("Draf dapat diubah langsung; addendum hanya untuk yang terkirim."))
    addendum = FeedbackAddendum(feedback_id=feedback.id, author_id=user.id, body=body.strip())
    db.session.add(addendum)
    notify(
        feedback.receiver,
        "feedback.addendum",
        link=url_for("feedback.show", feedback_id=feedback.id),
        author=user.name,
    )
    return addendum


def history(feedback: Feedback, user) -> list[dict]:
    """Every version and event, oldest first. Drafts are the author's own workspace."""
    versions = [v for v in feedback.versions if v.status == "sent" or feedback.author_id == user.id]
    events: list[dict] = [
        {"kind": "version", "at": v.saved_at, "by": v.saved_by, "version": v} for v in versions
    ]
    events += [
        {"kind": "addendum", "at": a.created_at, "by": a.author, "addendum": a}
        for a in feedback.addenda
    ]
    if feedback.acknowledged_at:
        events.append({"kind": "ack", "at": feedback.acknowledged_at, "by": feedback.receiver})
    if feedback.responded_at:
        events.append({"kind": "response", "at": feedback.responded_at, "by": feedback.receiver})
    order = {"version": 0, "ack": 1, "response": 2, "addendum": 3}
    return sorted(events, key=lambda e: (e["at"], order[e["kind"]]))


# --- lists ----------------------------------------------------------------------------------
def given_stmt(user):
    return (
        select(Feedback)
        .where(Feedback.author_id == user.id)
        .options(
            selectinload(Feedback.receiver).selectinload(Employee.unit),
            selectinload(Feedback.follow_ups),
        )
        .order_by(
            case((Feedback.status == "draft", 0), else_=1),
            func.coalesce(Feedback.sent_at, Feedback.updated_at).desc(),
            Feedback.id.desc(),
        )
    )
