"""Career direction (a target jabatan) and development goals proposed from the largest gaps,
written through the development-plan service of the feedback blueprint (feedback.plans)."""

from flask_babel import gettext as _
from sqlalchemy import select

from blueprints.admin.audit import audit
from blueprints.auth.models import Employee
from blueprints.common.refusals import Refused
from blueprints.common.timefmt import utcnow
from blueprints.competencies import gaps, profiles
from blueprints.competencies.models import CareerTarget, Competency, WorkshopCompetency
from blueprints.feedback import plans
from blueprints.feedback.errors import NotAllowed
from blueprints.feedback.models import DevelopmentGoal
from extensions import db


def set_target(employee: Employee, jabatan: str) -> CareerTarget | None:
    """Set (or with an empty name, clear) the person's target jabatan."""
    jabatan = (jabatan or "").strip()[:200]
    target = db.session.get(CareerTarget, employee.id)
    if not jabatan:
        if target is not None:
            db.session.delete(target)
        return None
    if target is None:
        target = CareerTarget(employee_id=employee.id, jabatan=jabatan)
        db.session.add(target)
    target.jabatan = jabatan
    target.set_at = utcnow()
    db.session.flush()
    return target


def propose_goal_from_gap(user, employee: Employee, competency_id: int):
    """A development goal for one competency with a gap, unless an open goal on it exists."""
    if not profiles.can_view_profile(user, employee):
        raise Refused(_("Anda tidak berwenang mengusulkan sasaran untuk pegawai ini."))
    view = gaps.gap_view(employee, with_details=True)
    row = next(
        (r for r in [*view.rows, *view.target_rows] if r.competency.id == competency_id and r.gap),
        None,
    )
    if row is None:
        raise Refused(_("Kompetensi ini tidak memiliki kesenjangan."))
    open_goal = db.session.scalar(
        select(DevelopmentGoal.id).where(
            DevelopmentGoal.employee_id == employee.id,
            DevelopmentGoal.competency == row.competency.code,
            DevelopmentGoal.status.in_(("proposed", "agreed")),
        )
    )
    if open_goal:
        raise Refused(_("Sudah ada sasaran terbuka untuk kompetensi ini."))
    title = _(
        "Menaikkan %(name)s dari level %(from)d ke level %(to)d",
        name=row.competency.name,
        **{"from": row.assessed.level, "to": row.required},
    )
    workshop_id = None
    if row.sessions:
        workshop_id = row.sessions[0][0].workshop_id
    data = plans.GoalInput(
        competency=row.competency.code,
        title=title[:200],
        reason=_(
            "Diusulkan dari kesenjangan kompetensi (standar jabatan %(jabatan)s).",
            jabatan=view.jabatan if row in view.rows else view.target.jabatan,
        )[:2000],
        workshop_id=workshop_id,
    )
    try:
        return plans.propose_goal(user, employee, data)
    except NotAllowed as exc:
        raise Refused(_("Anda tidak berwenang mengusulkan sasaran untuk pegawai ini.")) from exc


# --- workshops declare what they develop -----------------------------------------------------------
def workshop_competencies(workshop_id: int) -> list[WorkshopCompetency]:
    return list(
        db.session.scalars(
            select(WorkshopCompetency)
            .join(Competency, Competency.id == WorkshopCompetency.competency_id)
            .where(WorkshopCompetency.workshop_id == workshop_id)
            .order_by(Competency.kind, Competency.position)
        )
    )


def set_workshop_competencies(workshop, levels: dict[int, int | None], by) -> None:
    existing = {wc.competency_id: wc for wc in workshop_competencies(workshop.id)}
    valid = set(db.session.scalars(select(Competency.id).where(Competency.active.is_(True))))
    for cid, level in levels.items():
        row = existing.get(cid)
        if not level:
            if row is not None:
                db.session.delete(row)
            continue
        if cid not in valid or not 1 <= level <= 5:
            raise Refused(_("Kompetensi atau level tidak sah."))
        if row is None:
            db.session.add(
                WorkshopCompetency(workshop_id=workshop.id, competency_id=cid, target_level=level)
            )
        else:
            row.target_level = level
    db.session.flush()
    audit("competencies.workshop_declared", workshop, str(len(levels)), actor=by)
