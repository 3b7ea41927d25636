"""Counts for admins, never texts: per unit, people, feedback within the cadence and this year,
acknowledged, people overdue, open requests, overdue follow-ups."""

from sqlalchemy import and_, case, func, or_, select

from blueprints.auth.models import Employee, Unit
from blueprints.common.timefmt import today_wib, wib_year_bounds
from blueprints.feedback.models import Feedback, FeedbackRequest, FollowUp
from blueprints.feedback.team import cadence_cutoff
from extensions import db


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
