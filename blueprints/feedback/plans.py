"""Development plans (rencana pengembangan) and self-reflections.

Both belong to one person and are seen by that person and the leaders above them
(access.is_above); nobody else — not admins, not organizers.
"""

from dataclasses import dataclass
from datetime import date

from flask import abort, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, select
from sqlalchemy.orm import selectinload

from blueprints.auth import access
from blueprints.auth.models import Employee
from blueprints.common.timefmt import format_day, utcnow
from blueprints.feedback import tags, workshop_link
from blueprints.feedback.errors import InvalidAction, NotAllowed
from blueprints.feedback.models import DevelopmentGoal, Feedback, SelfReflection
from blueprints.notifications.services import notify, register_kind
from extensions import db

register_kind(
    "feedback.goal_proposed",
    _l("%(name)s mengusulkan sasaran pengembangan “%(title)s”. Mohon ditinjau."),
)
register_kind("feedback.goal_agreed", _l("%(leader)s menyetujui sasaran pengembangan “%(title)s”."))


# --- who --------------------------------------------------------------------------------
def can_view_person(user, employee: Employee) -> bool:
    return user.id == employee.id or access.is_above(user, employee)


def person_or_404(employee_id: int, user) -> Employee:
    employee = db.session.get(Employee, employee_id)
    if employee is None or not can_view_person(user, employee):
        abort(404)
    return employee


# --- self-reflection ----------------------------------------------------------------------
def add_reflection(user, went_well: str, was_hard: str, help_wanted: str) -> SelfReflection:
    reflection = SelfReflection(
        employee_id=user.id,
        went_well=went_well.strip(),
        was_hard=was_hard.strip(),
        help_wanted=help_wanted.strip(),
    )
    db.session.add(reflection)
    return reflection


def reflections_of(employee: Employee, limit: int = 10) -> list[SelfReflection]:
    return list(
        db.session.scalars(
            select(SelfReflection)
            .where(SelfReflection.employee_id == employee.id)
            .order_by(SelfReflection.created_at.desc(), SelfReflection.id.desc())
            .limit(limit)
        )
    )


def latest_reflection_for(leader, employee_id: int | None) -> SelfReflection | None:
    """The newest reflection of someone the leader is about to give feedback to."""
    employee = db.session.get(Employee, employee_id) if employee_id else None
    if employee is None or not access.is_above(leader, employee):
        return None
    found = reflections_of(employee, limit=1)
    return found[0] if found else None


# --- development plan ---------------------------------------------------------------------
@dataclass
class GoalInput:
    competency: str
    title: str
    reason: str = ""
    feedback_id: int | None = None
    workshop_id: int | None = None
    external_activity: str = ""
    target_on: date | None = None


def goals_of(employee: Employee) -> list[DevelopmentGoal]:
    order = case(
        (DevelopmentGoal.status == "proposed", 0),
        (DevelopmentGoal.status == "agreed", 1),
        (DevelopmentGoal.status == "done", 2),
        else_=3,
    )
    return list(
        db.session.scalars(
            select(DevelopmentGoal)
            .where(DevelopmentGoal.employee_id == employee.id)
            .options(
                selectinload(DevelopmentGoal.proposed_by),
                selectinload(DevelopmentGoal.agreed_by),
                selectinload(DevelopmentGoal.feedback),
            )
            .order_by(order, DevelopmentGoal.target_on, DevelopmentGoal.id)
        )
    )


def get_goal_or_404(goal_id: int, user) -> DevelopmentGoal:
    goal = db.session.get(DevelopmentGoal, goal_id)
    if goal is None or not can_view_person(user, goal.employee):
        abort(404)
    return goal


def feedback_choices(employee: Employee) -> list[tuple[int, str]]:
    """Sent feedback the employee received: a goal may say which one raised it."""
    rows = db.session.execute(
        select(Feedback.id, Feedback.occurred_on, Feedback.improvements)
        .where(Feedback.receiver_id == employee.id, Feedback.status == "sent")
        .order_by(Feedback.occurred_on.desc(), Feedback.id.desc())
        .limit(50)
    )
    return [
        (fid, f"{format_day(day)} — {text[:70]}{'…' if len(text) > 70 else ''}")
        for fid, day, text in rows
    ]


def _apply(goal: DevelopmentGoal, employee: Employee, data: GoalInput) -> None:
    if data.feedback_id:
        feedback = db.session.get(Feedback, data.feedback_id)
        if feedback is None or feedback.receiver_id != employee.id or not feedback.is_sent:
            raise InvalidAction(_l("Umpan balik yang dipilih tidak ditemukan."))
    if data.workshop_id and not workshop_link.titles([data.workshop_id]):
        raise InvalidAction(_l("Pelatihan yang dipilih tidak ditemukan."))
    if data.competency:  # a competency of the dictionary (the goal's own even if now inactive)
        tags.check([data.competency], keep=[goal.competency] if goal.competency else ())
    goal.competency = data.competency
    goal.title = data.title.strip()
    goal.reason = data.reason.strip()
    goal.feedback_id = data.feedback_id or None
    goal.workshop_id = data.workshop_id or None
    goal.external_activity = data.external_activity.strip()
    goal.target_on = data.target_on


def propose_goal(user, employee: Employee, data: GoalInput) -> DevelopmentGoal:
    """The person or a leader above proposes; a leader's proposal is agreed at once."""
    if not can_view_person(user, employee):
        raise NotAllowed
    goal = DevelopmentGoal(employee_id=employee.id, proposed_by_id=user.id, status="proposed")
    _apply(goal, employee, data)
    if access.is_above(user, employee):
        goal.status = "agreed"
        goal.agreed_by_id = user.id
        goal.agreed_at = utcnow()
    db.session.add(goal)
    db.session.flush()
    if goal.status == "proposed":
        leader_id = access.direct_superior_id(employee)
        leader = db.session.get(Employee, leader_id) if leader_id else None
        if leader is not None:
            notify(
                leader,
                "feedback.goal_proposed",
                link=url_for("feedback.plan", employee_id=employee.id),
                name=employee.name,
                title=goal.title[:80],
            )
    else:
        notify(
            employee,
            "feedback.goal_agreed",
            link=url_for("feedback.my_plan"),
            leader=user.name,
            title=goal.title[:80],
        )
    return goal


def update_goal(user, goal: DevelopmentGoal, data: GoalInput) -> None:
    """A proposal may be reworded before it is agreed."""
    if goal.status != "proposed":
        raise InvalidAction(_l("Sasaran yang sudah disepakati tidak dapat diubah."))
    if not can_view_person(user, goal.employee):
        raise NotAllowed
    _apply(goal, goal.employee, data)


def agree_goal(user, goal: DevelopmentGoal) -> None:
    if not access.is_above(user, goal.employee):
        raise NotAllowed
    if goal.status != "proposed":
        raise InvalidAction(_l("Sasaran ini tidak sedang diusulkan."))
    goal.status = "agreed"
    goal.agreed_by_id = user.id
    goal.agreed_at = utcnow()
    notify(
        goal.employee,
        "feedback.goal_agreed",
        link=url_for("feedback.my_plan"),
        leader=user.name,
        title=goal.title[:80],
    )


def close_goal(user, goal: DevelopmentGoal, status: str) -> None:
    """Achieved (done) by the person or a leader above; cancelled likewise."""
    if not can_view_person(user, goal.employee):
        raise NotAllowed
    if status not in ("done", "cancelled"):
        raise InvalidAction(_l("Status tidak dikenal."))
    if status == "done" and goal.status != "agreed":
        raise InvalidAction(_l("Hanya sasaran yang sudah disepakati dapat ditandai tercapai."))
    if goal.status in ("done", "cancelled"):
        raise InvalidAction(_l("Sasaran ini sudah ditutup."))
    goal.status = status
    goal.closed_by_id = user.id
    goal.closed_at = utcnow()


def attended_for(employee: Employee, goals: list[DevelopmentGoal]) -> dict[int, date]:
    """workshop id -> date attended, for the workshops the goals link to (one query)."""
    return workshop_link.attended(employee.id, [g.workshop_id for g in goals if g.workshop_id])


def workshop_titles(goals: list[DevelopmentGoal]) -> dict[int, str]:
    return workshop_link.titles([g.workshop_id for g in goals if g.workshop_id])
