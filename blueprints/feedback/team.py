"""The leader's team view: one row per person below (last feedback, follow-ups, requests), the
cadence and who is overdue, and one member's page."""

from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace

from flask import abort
from sqlalchemy import case, func, literal, or_, select
from sqlalchemy.orm import selectinload

from blueprints.admin.settings import get_setting
from blueprints.auth import access
from blueprints.auth.models import Employee, Unit
from blueprints.common.timefmt import today_wib, utcnow
from blueprints.feedback.figures import PersonFigures
from blueprints.feedback.models import Feedback, FeedbackRequest, FollowUp
from blueprints.feedback.visibility import readable_condition
from extensions import db

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
    """One row per active person under the leader: last sent feedback and open follow-ups (kept
    figures), pending requests, and the overdue flag; with_overdue() adds the overdue
    follow-ups of the rows shown."""
    scope_units = access.subtree_unit_ids_stmt(leader)
    # Last feedback and open follow-ups are kept per person (figures.py). Overdue follow-ups
    # depend on today and neither filter nor sort the list: with_overdue() counts them for the
    # shown page only. Open requests: an indexed count per row, so that a page sorted by name
    # counts them for its fifty people, not for everyone in scope (35 ms at 50,000 people).
    pending_count = (
        select(func.count(FeedbackRequest.id))
        .where(FeedbackRequest.requester_id == Employee.id, FeedbackRequest.status == "open")
        .correlate(Employee)
        .scalar_subquery()
    )
    last_sent = PersonFigures.last_feedback_at
    open_count = func.coalesce(PersonFigures.open_follow_ups, 0)
    cutoff = cadence_cutoff()
    is_overdue = case((or_(last_sent.is_(None), last_sent < cutoff), literal(1)), else_=literal(0))
    stmt = (
        select(
            Employee.id,
            Employee.name,
            Employee.nip,
            Employee.jabatan,
            Unit.id.label("unit_id"),
            Unit.name.label("unit_name"),
            last_sent.label("last_sent"),
            open_count.label("open_follow_ups"),
            pending_count.label("pending_requests"),
            is_overdue.label("overdue"),
        )
        .join(Unit, Unit.id == Employee.unit_id)
        .outerjoin(PersonFigures, PersonFigures.employee_id == Employee.id)
        .where(
            Employee.unit_id.in_(scope_units),
            Employee.id != leader.id,
            Employee.active.is_(True),
        )
    )
    stmt = _person_filters(stmt, filters)
    if filters.show == "overdue":
        stmt = stmt.where(or_(last_sent.is_(None), last_sent < cutoff))
    elif filters.show == "followups":
        stmt = stmt.where(open_count > 0)
    elif filters.show == "requests":
        stmt = stmt.where(pending_count > 0)
    primary, tiebreak = {
        "name": ([Employee.name], []),
        "unit": ([Unit.name], [Employee.name]),
        "last": ([last_sent.is_not(None), last_sent], [Employee.name]),
        "followups": ([open_count], [Employee.name]),
        "requests": ([pending_count], [Employee.name]),
    }[filters.sort if filters.sort in TEAM_SORTS else "name"]
    if filters.direction == "desc":
        primary = [column.desc() for column in primary]
    columns = [*primary, *tiebreak]
    return stmt.order_by(*columns, Employee.id)


def with_overdue(rows) -> list[SimpleNamespace]:
    """The team rows with `overdue_follow_ups`: open, undone follow-ups past their date, counted
    in one query for these people only (a page of the list, not the whole scope)."""
    rows = list(rows)
    ids = [row.id for row in rows]
    counts = {}
    if ids:
        counts = dict(
            db.session.execute(
                select(Feedback.receiver_id, func.count(FollowUp.id))
                .join(FollowUp, FollowUp.feedback_id == Feedback.id)
                .where(
                    Feedback.receiver_id.in_(ids),
                    Feedback.status == "sent",
                    FollowUp.confirmed_at.is_(None),
                    FollowUp.done_at.is_(None),
                    FollowUp.due_on < today_wib(),
                )
                .group_by(Feedback.receiver_id)
            ).all()
        )
    return [
        SimpleNamespace(**row._asdict(), overdue_follow_ups=counts.get(row.id, 0)) for row in rows
    ]


def _person_filters(stmt, filters: TeamFilter):
    if filters.q:
        escaped = filters.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%"
        stmt = stmt.where(
            or_(Employee.name.ilike(pattern, escape="\\"), Employee.nip.like(pattern, escape="\\"))
        )
    if filters.unit_id:
        stmt = stmt.where(Employee.unit_id == filters.unit_id)
    return stmt


def team_count_stmt(leader, filters: TeamFilter):
    """How many rows team_stmt has, without its aggregates: the people in scope with their kept
    figures (figures.py), and an indexed EXISTS per person for pending requests."""
    stmt = (
        select(func.count(Employee.id))
        .select_from(Employee)
        .where(Employee.unit_id.in_(access.subtree_unit_ids_stmt(leader)))
    )
    stmt = stmt.where(
        Employee.id != leader.id,
        Employee.active.is_(True),
    )
    stmt = _person_filters(stmt, filters)
    if filters.show in ("overdue", "followups"):
        stmt = stmt.outerjoin(PersonFigures, PersonFigures.employee_id == Employee.id)
    if filters.show == "overdue":
        last_sent = PersonFigures.last_feedback_at
        stmt = stmt.where(or_(last_sent.is_(None), last_sent < cadence_cutoff()))
    elif filters.show == "followups":
        stmt = stmt.where(PersonFigures.open_follow_ups > 0)
    elif filters.show == "requests":
        pending = select(FeedbackRequest.id).where(
            FeedbackRequest.requester_id == Employee.id, FeedbackRequest.status == "open"
        )
        stmt = stmt.where(pending.exists())
    return stmt


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
    # Covered: sent feedback within the cadence, i.e. the kept last feedback is that recent.
    recent = select(PersonFigures.employee_id).where(
        PersonFigures.employee_id.in_(people),
        PersonFigures.last_feedback_at >= cadence_cutoff(),
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


def feedback_about_stmt(viewer, employee: Employee):
    """Feedback the viewer may read about one person of their team."""
    return (
        select(Feedback)
        .where(Feedback.receiver_id == employee.id, readable_condition(viewer))
        .options(selectinload(Feedback.author), selectinload(Feedback.follow_ups))
        .order_by(func.coalesce(Feedback.sent_at, Feedback.updated_at).desc(), Feedback.id.desc())
    )
