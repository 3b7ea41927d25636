"""Feedback rules and queries. Who may read a feedback is decided in ONE place: can_read() (and
its SQL twin readable_condition(), tested to agree); every view fetches through
get_feedback_or_404()."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import abort, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, and_, case, func, literal, or_, select, update
from sqlalchemy.orm import selectinload

from blueprints.admin.audit import audit
from blueprints.admin.settings import get_setting
from blueprints.auth import access
from blueprints.auth.models import Employee, Unit
from blueprints.common.db import lock_row
from blueprints.common.timefmt import format_wib, today_wib, utcnow, wib_year_bounds
from blueprints.feedback import workshop_link
from blueprints.feedback.constants import competency_label, value_label
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
    "feedback.acknowledged", _l("%(receiver)s sudah membaca dan memahami umpan balik Anda.")
)
register_kind("feedback.answered", _l("%(receiver)s menanggapi umpan balik Anda."))
register_kind(
    "feedback.addendum", _l("%(author)s menambahkan addendum pada umpan balik untuk Anda.")
)
register_kind(
    "feedback.request_received", _l("%(requester)s meminta umpan balik tentang “%(topic)s”.")
)
register_kind(
    "feedback.request_declined",
    _l("%(leader)s tidak dapat memenuhi permintaan umpan balik “%(topic)s”: %(reason)s"),
)
register_kind("feedback.followup_due", _l("Tindak lanjut “%(action)s” jatuh tempo pada %(due)s."))
register_kind(
    "feedback.followup_done",
    _l("%(receiver)s menandai tindak lanjut “%(action)s” selesai. Mohon konfirmasi."),
)


class NotAllowed(Exception):
    """The user may see the object but not do this to it (a 403)."""


class InvalidAction(Exception):
    """The action does not fit the object's state (shown to the user as a message)."""


# --- visibility: the one rule ---------------------------------------------------------------
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
    _sync_codes(feedback.competencies, FeedbackCompetency, "code", data.competencies)
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


# --- receiving ------------------------------------------------------------------------------
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
    notify(
        feedback.author,
        "feedback.answered",
        link=url_for("feedback.show", feedback_id=feedback.id),
        receiver=user.name,
    )


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


# --- follow-ups -----------------------------------------------------------------------------
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
            due=follow_up.due_on.strftime("%d-%m-%Y"),
        )
    return len(rows)


# --- lists ----------------------------------------------------------------------------------
def received_stmt(user):
    return (
        select(Feedback)
        .where(Feedback.receiver_id == user.id, Feedback.status == "sent")
        .options(selectinload(Feedback.author), selectinload(Feedback.follow_ups))
        .order_by(Feedback.sent_at.desc(), Feedback.id.desc())
    )


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


def feedback_about_stmt(viewer, employee: Employee):
    """Feedback the viewer may read about one person of their team."""
    return (
        select(Feedback)
        .where(Feedback.receiver_id == employee.id, readable_condition(viewer))
        .options(selectinload(Feedback.author), selectinload(Feedback.follow_ups))
        .order_by(func.coalesce(Feedback.sent_at, Feedback.updated_at).desc(), Feedback.id.desc())
    )


def export_rows(user) -> tuple[list[str], list[list]]:
    """The sent feedback a leader may read about others (given, or in their subtree).
    Each row passes can_read(); a row read by a non-party is written to the audit log."""
    feedback_rows = db.session.scalars(
        select(Feedback)
        .where(readable_condition(user), Feedback.status == "sent", Feedback.receiver_id != user.id)
        .options(
            selectinload(Feedback.receiver).selectinload(Employee.unit),
            selectinload(Feedback.author),
            selectinload(Feedback.values),
            selectinload(Feedback.competencies),
            selectinload(Feedback.follow_ups),
        )
        .order_by(Feedback.sent_at.desc(), Feedback.id.desc())
    ).all()
    header = export_header()
    rows = []
    for feedback in feedback_rows:
        if not can_read(user, feedback):  # the one rule has the last word
            continue
        record_read(user, feedback, "export")
        rows.append(feedback_row(feedback))
    return header, rows


def export_header() -> list[str]:
    return [
        str(_l("Tanggal")),
        str(_l("Penerima")),
        str(_l("NIP")),
        str(_l("Unit")),
        str(_l("Pemberi")),
        str(_l("Dikirim")),
        str(_l("Dibaca")),
        str(_l("Nilai BerAKHLAK")),
        str(_l("Kompetensi")),
        str(_l("Situasi")),
        str(_l("Kekuatan")),
        str(_l("Area perbaikan")),
        str(_l("Tindak lanjut terbuka")),
        str(_l("Tanggapan")),
    ]


def feedback_row(feedback: Feedback) -> list:
    return [
        feedback.occurred_on.isoformat(),
        feedback.receiver.name,
        feedback.receiver.nip,
        feedback.receiver.unit.name,
        feedback.author.name,
        format_wib(feedback.sent_at),
        format_wib(feedback.acknowledged_at),
        ", ".join(value_label(v) for v in feedback.value_codes),
        ", ".join(competency_label(c) for c in feedback.competency_codes),
        feedback.context,
        feedback.strengths,
        feedback.improvements,
        sum(1 for f in feedback.follow_ups if f.confirmed_at is None),
        feedback.response or "",
    ]


# --- requests -------------------------------------------------------------------------------
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


# --- team view ------------------------------------------------------------------------------
TEAM_SORTS = ("name", "unit", "last", "followups", "requests")
TEAM_SHOWS = ("all", "overdue", "followups", "requests")


@dataclass
class TeamFilter:
    q: str = ""
    unit_id: int | None = None
    show: str = "all"
    sort: str = "name"
    direction: str = "asc"


def cadence_cutoff():
    return utcnow() - timedelta(days=get_setting("feedback_cadence_days"))


def team_stmt(leader, filters: TeamFilter):
    """One row per active person under the leader: last sent feedback, open and overdue
    follow-ups, pending requests, and the overdue flag — aggregated in SQL, whatever the size."""
    scope_units = access.subtree_unit_ids_stmt(leader)
    in_scope = select(Employee.id).where(Employee.unit_id.in_(scope_units))
    today = today_wib()
    last = (
        select(Feedback.receiver_id.label("pid"), func.max(Feedback.sent_at).label("last_sent"))
        .where(Feedback.status == "sent", Feedback.receiver_id.in_(in_scope))
        .group_by(Feedback.receiver_id)
        .subquery()
    )
    follow = (
        select(
            Feedback.receiver_id.label("pid"),
            func.count(FollowUp.id).label("open"),
            func.sum(
                case((and_(FollowUp.done_at.is_(None), FollowUp.due_on < today), 1), else_=0)
            ).label("overdue"),
        )
        .join(FollowUp, FollowUp.feedback_id == Feedback.id)
        .where(
            Feedback.status == "sent",
            Feedback.receiver_id.in_(in_scope),
            FollowUp.confirmed_at.is_(None),
        )
        .group_by(Feedback.receiver_id)
        .subquery()
    )
    pending = (
        select(FeedbackRequest.requester_id.label("pid"), func.count().label("pending"))
        .where(FeedbackRequest.status == "open", FeedbackRequest.requester_id.in_(in_scope))
        .group_by(FeedbackRequest.requester_id)
        .subquery()
    )
    open_count = func.coalesce(follow.c.open, 0)
    overdue_count = func.coalesce(follow.c.overdue, 0)
    pending_count = func.coalesce(pending.c.pending, 0)
    cutoff = cadence_cutoff()
    is_overdue = case(
        (or_(last.c.last_sent.is_(None), last.c.last_sent < cutoff), literal(1)), else_=literal(0)
    )
    stmt = (
        select(
            Employee.id,
            Employee.name,
            Employee.nip,
            Employee.jabatan,
            Unit.id.label("unit_id"),
            Unit.name.label("unit_name"),
            last.c.last_sent,
            open_count.label("open_follow_ups"),
            overdue_count.label("overdue_follow_ups"),
            pending_count.label("pending_requests"),
            is_overdue.label("overdue"),
        )
        .join(Unit, Unit.id == Employee.unit_id)
        .outerjoin(last, last.c.pid == Employee.id)
        .outerjoin(follow, follow.c.pid == Employee.id)
        .outerjoin(pending, pending.c.pid == Employee.id)
        .where(
            Employee.unit_id.in_(scope_units),
            Employee.id != leader.id,
            Employee.active.is_(True),
        )
    )
    if filters.q:
        escaped = filters.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%"
        stmt = stmt.where(
            or_(Employee.name.ilike(pattern, escape="\\"), Employee.nip.like(pattern, escape="\\"))
        )
    if filters.unit_id:
        stmt = stmt.where(Employee.unit_id == filters.unit_id)
    if filters.show == "overdue":
        stmt = stmt.where(or_(last.c.last_sent.is_(None), last.c.last_sent < cutoff))
    elif filters.show == "followups":
        stmt = stmt.where(open_count > 0)
    elif filters.show == "requests":
        stmt = stmt.where(pending_count > 0)
    primary, tiebreak = {
        "name": ([Employee.name], []),
        "unit": ([Unit.name], [Employee.name]),
        "last": ([last.c.last_sent.is_not(None), last.c.last_sent], [Employee.name]),
        "followups": ([open_count], [Employee.name]),
        "requests": ([pending_count], [Employee.name]),
    }[filters.sort if filters.sort in TEAM_SORTS else "name"]
    if filters.direction == "desc":
        primary = [column.desc() for column in primary]
    columns = [*primary, *tiebreak]
    return stmt.order_by(*columns, Employee.id)


def team_units(leader) -> list[tuple[int, str]]:
    rows = db.session.execute(
        select(Unit.id, Unit.name)
        .where(Unit.id.in_(access.subtree_unit_ids_stmt(leader)))
        .order_by(Unit.path)
    )
    return [(uid, name) for uid, name in rows]


def team_summary(leader) -> dict:
    """Totals for the head of the team view: people, overdue, open requests to me."""
    scope_units = access.subtree_unit_ids_stmt(leader)
    people = select(Employee.id).where(
        Employee.unit_id.in_(scope_units), Employee.id != leader.id, Employee.active.is_(True)
    )
    recent = (
        select(Feedback.receiver_id)
        .where(Feedback.status == "sent", Feedback.sent_at >= cadence_cutoff())
        .where(Feedback.receiver_id.in_(people))
        .distinct()
    )
    total, covered = db.session.execute(
        select(
            select(func.count()).select_from(people.subquery()).scalar_subquery(),
            select(func.count()).select_from(recent.subquery()).scalar_subquery(),
        )
    ).one()
    return {"people": total or 0, "covered": covered or 0, "overdue": (total or 0) - (covered or 0)}


def person_in_team_or_404(employee_id: int, leader) -> Employee:
    employee = db.session.get(Employee, employee_id)
    if employee is None or not access.is_above(leader, employee):
        abort(404)
    return employee


def last_sent_for(employee: Employee):
    return db.session.scalar(
        select(func.max(Feedback.sent_at)).where(
            Feedback.receiver_id == employee.id, Feedback.status == "sent"
        )
    )


# --- counts for admins (never texts) --------------------------------------------------------
def admin_counts() -> tuple[list[dict], dict]:
    """Per unit: people, feedback sent within the cadence and this year, acknowledged, people
    without feedback in the cadence, open requests, overdue follow-ups. Counts only."""
    cutoff = cadence_cutoff()
    today = today_wib()
    year_start = wib_year_bounds(today.year)[0]
    receiver_unit = select(Employee.id, Employee.unit_id).subquery()
    fb = (
        select(
            receiver_unit.c.unit_id.label("unit_id"),
            func.sum(case((Feedback.sent_at >= cutoff, 1), else_=0)).label("recent"),
            func.sum(case((Feedback.sent_at >= year_start, 1), else_=0)).label("year"),
            func.sum(
                case(
                    (and_(Feedback.sent_at >= cutoff, Feedback.acknowledged_at.is_not(None)), 1),
                    else_=0,
                )
            ).label("acknowledged"),
        )
        .join(receiver_unit, receiver_unit.c.id == Feedback.receiver_id)
        .where(Feedback.status == "sent")
        .group_by(receiver_unit.c.unit_id)
        .subquery()
    )
    last = (
        select(Feedback.receiver_id.label("pid"), func.max(Feedback.sent_at).label("last_sent"))
        .where(Feedback.status == "sent")
        .group_by(Feedback.receiver_id)
        .subquery()
    )
    people = (
        select(
            Employee.unit_id.label("unit_id"),
            func.count(Employee.id).label("people"),
            func.sum(
                case((or_(last.c.last_sent.is_(None), last.c.last_sent < cutoff), 1), else_=0)
            ).label("overdue"),
        )
        .outerjoin(last, last.c.pid == Employee.id)
        .where(Employee.active.is_(True))
        .group_by(Employee.unit_id)
        .subquery()
    )
    requests = (
        select(
            receiver_unit.c.unit_id.label("unit_id"), func.count(FeedbackRequest.id).label("open")
        )
        .join(receiver_unit, receiver_unit.c.id == FeedbackRequest.requester_id)
        .where(FeedbackRequest.status == "open")
        .group_by(receiver_unit.c.unit_id)
        .subquery()
    )
    follow = (
        select(receiver_unit.c.unit_id.label("unit_id"), func.count(FollowUp.id).label("overdue"))
        .join(Feedback, Feedback.id == FollowUp.feedback_id)
        .join(receiver_unit, receiver_unit.c.id == Feedback.receiver_id)
        .where(Feedback.status == "sent", FollowUp.done_at.is_(None), FollowUp.due_on < today)
        .group_by(receiver_unit.c.unit_id)
        .subquery()
    )
    stmt = (
        select(
            Unit.id,
            Unit.parent_id,
            Unit.name,
            Unit.depth,
            func.coalesce(people.c.people, 0).label("people"),
            func.coalesce(people.c.overdue, 0).label("overdue"),
            func.coalesce(fb.c.recent, 0).label("recent"),
            func.coalesce(fb.c.year, 0).label("year"),
            func.coalesce(fb.c.acknowledged, 0).label("acknowledged"),
            func.coalesce(requests.c.open, 0).label("requests"),
            func.coalesce(follow.c.overdue, 0).label("followups"),
        )
        .outerjoin(people, people.c.unit_id == Unit.id)
        .outerjoin(fb, fb.c.unit_id == Unit.id)
        .outerjoin(requests, requests.c.unit_id == Unit.id)
        .outerjoin(follow, follow.c.unit_id == Unit.id)
        .where(Unit.active.is_(True))
        .order_by(Unit.id)
    )
    keys = ("people", "overdue", "recent", "year", "acknowledged", "requests", "followups")
    by_parent: dict[int | None, list[dict]] = {}
    for uid, parent_id, name, depth, *figures in db.session.execute(stmt):
        row = {"id": uid, "name": name, "depth": depth, **dict(zip(keys, figures, strict=True))}
        by_parent.setdefault(parent_id, []).append(row)
    # Tree order (each unit followed by the units below it): units are a few hundred at most.
    known = {row["id"] for children in by_parent.values() for row in children}
    rows: list[dict] = []
    stack = [
        row for parent, children in by_parent.items() if parent not in known for row in children
    ][::-1]
    while stack:
        row = stack.pop()
        rows.append(row)
        stack.extend(reversed(by_parent.get(row["id"], [])))
    per_unit = stmt.order_by(None).subquery()
    sums = db.session.execute(
        select(*[func.coalesce(func.sum(per_unit.c[key]), 0) for key in keys])
    ).one()
    return rows, dict(zip(keys, (int(v) for v in sums), strict=True))
