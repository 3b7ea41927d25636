"""Gaps: the level a jabatan requires minus the level assessed, for one person (Karier Saya,
the profile page) and for a leader's people (the team heatmap). A competency never assessed has
no gap figure ("belum dinilai"); a level above the standard counts as no gap."""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import case, func, select, text
from sqlalchemy.orm import selectinload

from blueprints.auth import access
from blueprints.auth.models import Employee
from blueprints.common.pagination import paginate
from blueprints.common.timefmt import utcnow
from blueprints.competencies import profiles
from blueprints.competencies.models import (
    CareerTarget,
    Competency,
    CompetencyAssessment,
    CompetencyStandard,
    WorkshopCompetency,
)
from blueprints.competencies.standards import standard_for
from blueprints.feedback import evidence
from blueprints.workshops.models import Registration, Workshop, WorkshopSession
from extensions import db


def gap_of(required: int | None, assessed: int | None) -> int | None:
    if required is None or assessed is None:
        return None
    return max(required - assessed, 0)


@dataclass
class GapRow:
    competency: Competency
    required: int
    assessed: CompetencyAssessment | None
    self_level: int | None
    gap: int | None
    feedback_count: int = 0
    sessions: list = field(default_factory=list)  # upcoming sessions that develop it
    evidence: list = field(default_factory=list)  # attended sessions since the last assessment


@dataclass
class GapView:
    employee: Employee
    jabatan: str
    rows: list[GapRow]
    target: CareerTarget | None = None
    target_rows: list[GapRow] = field(default_factory=list)
    # Feedback tagged with a competency, standard or not (feedback.evidence.Evidence).
    feedback_evidence: list = field(default_factory=list)

    @property
    def largest(self) -> list[GapRow]:
        return sorted((r for r in self.rows if r.gap), key=lambda r: -r.gap)

    @property
    def total_gap(self) -> int:
        return sum(r.gap or 0 for r in self.rows)

    @property
    def unassessed(self) -> int:
        return sum(1 for r in self.rows if r.assessed is None)


def _rows(standard: dict[int, int], comps: dict[int, Competency], current, selfs) -> list[GapRow]:
    rows = []
    for cid, required in standard.items():
        comp = comps.get(cid)
        if comp is None or not comp.active:
            continue
        assessed = current.get(cid)
        rows.append(
            GapRow(
                competency=comp,
                required=required,
                assessed=assessed,
                self_level=selfs[cid].level if cid in selfs else None,
                gap=gap_of(required, assessed.level if assessed else None),
            )
        )
    rows.sort(key=lambda r: (-(r.gap or 0), r.competency.kind, r.competency.position))
    return rows


def gap_view(employee: Employee, *, with_details: bool = True, viewer=None) -> GapView:
    """The person's gaps against their jabatan and, if set, their target jabatan. A fixed
    number of queries whatever the data size. `viewer` (the person if None) decides which
    feedback counts as evidence: the feedback they may read."""
    target = db.session.get(CareerTarget, employee.id)
    standard = standard_for(employee.jabatan)
    target_standard = standard_for(target.jabatan) if target else {}
    ids = set(standard) | set(target_standard)
    comps = (
        {c.id: c for c in db.session.scalars(select(Competency).where(Competency.id.in_(ids)))}
        if ids
        else {}
    )
    current = profiles.levels_of(employee.id)
    selfs = profiles.levels_of(employee.id, sources=("self",))
    view = GapView(
        employee=employee,
        jabatan=employee.jabatan,
        rows=_rows(standard, comps, current, selfs),
        target=target,
        target_rows=_rows(target_standard, comps, current, selfs) if target else [],
    )
    if with_details:
        view.feedback_evidence = evidence.evidence_for(viewer or employee, employee.id)
    if with_details and ids:
        _add_details(employee, view, current)
    return view


def _add_details(employee: Employee, view: GapView, current) -> None:
    rows = [*view.rows, *view.target_rows]
    by_code = {}
    for row in rows:
        by_code.setdefault(row.competency.code, []).append(row)
    by_id = {}
    for row in rows:
        by_id.setdefault(row.competency.id, []).append(row)
    # feedback tagged with the competency (the same code): evidence on it
    for item in view.feedback_evidence:
        for row in by_code.get(item.tag.code, []):
            row.feedback_count = item.count
    # upcoming published sessions of workshops that develop a competency with a gap
    gap_ids = [cid for cid, rs in by_id.items() if any(r.gap for r in rs)]
    if gap_ids:
        upcoming = db.session.execute(
            select(WorkshopCompetency.competency_id, WorkshopSession, Workshop.title)
            .join(WorkshopSession, WorkshopSession.workshop_id == WorkshopCompetency.workshop_id)
            .join(Workshop, Workshop.id == WorkshopSession.workshop_id)
            .where(
                WorkshopCompetency.competency_id.in_(gap_ids),
                WorkshopSession.status == "published",
                WorkshopSession.starts_at > utcnow(),
                Workshop.active.is_(True),
            )
            .order_by(WorkshopSession.starts_at)
            .limit(60)
        )
        for cid, session, title in upcoming:
            for row in by_id.get(cid, []):
                if len(row.sessions) < 3:
                    row.sessions.append((session, title))
    # attended sessions that develop the competency: evidence for the leader to confirm
    attended = db.session.execute(
        select(
            WorkshopCompetency.competency_id,
            WorkshopCompetency.target_level,
            Workshop.title,
            WorkshopSession.starts_at,
        )
        .join(Workshop, Workshop.id == WorkshopCompetency.workshop_id)
        .join(WorkshopSession, WorkshopSession.workshop_id == Workshop.id)
        .join(Registration, Registration.session_id == WorkshopSession.id)
        .where(  # what the JP ledger counts as attended (workshops.ledger.jp_sources)
            Registration.employee_id == employee.id,
            Registration.status == "confirmed",
            Registration.attended.is_(True),
            WorkshopSession.status != "cancelled",
            WorkshopCompetency.competency_id.in_(list(by_id)),
        )
        .order_by(WorkshopSession.starts_at.desc())
        .limit(60)
    )
    for cid, target_level, title, starts_at in attended:
        assessed = current.get(cid)
        if assessed is not None and assessed.assessed_on >= starts_at.date():
            continue  # already confirmed (or reassessed) after the session
        if assessed is not None and assessed.level >= target_level:
            continue  # the session aims no higher than the level held: nothing to confirm
        for row in by_id.get(cid, []):
            if len(row.evidence) < 3:
                row.evidence.append((title, starts_at, target_level))


# --- the team heatmap -----------------------------------------------------------------------------
TEAM_PAGE_SIZE = 40


def without_jit() -> None:
    """On PostgreSQL, no JIT compilation for the rest of the transaction. The planner costs each
    cell's level (an index probe) at about 8, so from some 60,000 cells, or far fewer with stale
    statistics, a gap statement passes jit_optimize_above_cost; compiling then took 0.4 s for a
    statement that runs in 20 ms. Call it before a gap statement over many people."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL jit = off"))


def _active(competency_id):
    """The competency is active: a scalar subquery, not a join, so that PostgreSQL filters the
    standards with it. (Joined, with the statistics of an empty dictionary, it put the
    competencies outermost and repeated the whole people × standards join for each.)"""
    return (
        select(Competency.active).where(Competency.id == competency_id).scalar_subquery().is_(True)
    )


def gap_cells_stmt(employee_ids_stmt, cutoff: date | None = None, competency_id: int | None = None):
    """(employee_id, unit_id, competency_id, required, assessed level or NULL, gap or NULL) for
    every competency in the standard of each person's jabatan (or only `competency_id`): one SQL
    statement. The assessed levels are a materialized CTE, so that each cell's level is looked
    up once (profiles.current_level, one index probe) however often the caller reads the gap."""
    levels = (
        select(
            Employee.id.label("employee_id"),
            Employee.unit_id.label("unit_id"),
            CompetencyStandard.competency_id.label("competency_id"),
            CompetencyStandard.required_level.label("required"),
            profiles.current_level(Employee.id, CompetencyStandard.competency_id, cutoff).label(
                "assessed"
            ),
        )
        .join(CompetencyStandard, CompetencyStandard.jabatan == Employee.jabatan)
        .where(Employee.id.in_(employee_ids_stmt), _active(CompetencyStandard.competency_id))
    )
    if competency_id is not None:
        levels = levels.where(CompetencyStandard.competency_id == competency_id)
    cells = levels.cte("cell_levels").prefix_with("MATERIALIZED")
    gap = case(
        (cells.c.assessed.is_(None), None),
        (cells.c.assessed < cells.c.required, cells.c.required - cells.c.assessed),
        else_=0,
    )
    return select(
        cells.c.employee_id,
        cells.c.unit_id,
        cells.c.competency_id,
        cells.c.required,
        cells.c.assessed,
        gap.label("gap"),
    )


@dataclass
class TeamMatrix:
    columns: list[Competency]
    page: object  # Page of Employee
    cells: dict  # (employee id, competency id) -> (required, assessed, gap)
    sort: str
    direction: str


def team_matrix(leader, sort: str = "name", direction: str = "asc") -> TeamMatrix:
    """The leader's people × the competencies of their standards, one page at a time; sort by
    name, by total gap, or by the gap on one competency (code). A fixed number of queries."""
    scope = select(Employee.id).where(
        Employee.unit_id.in_(access.subtree_unit_ids_stmt(leader)),
        Employee.id != leader.id,
        Employee.active.is_(True),
    )
    # The columns: the competencies of the standards of the people in scope (no assessments needed).
    column_ids = (
        select(CompetencyStandard.competency_id)
        .join(Employee, Employee.jabatan == CompetencyStandard.jabatan)
        .where(Employee.id.in_(scope))
        .distinct()
    )
    columns = list(
        db.session.scalars(
            select(Competency)
            .where(Competency.id.in_(column_ids))
            .order_by(Competency.kind, Competency.position, Competency.name)
        )
    )
    codes = {c.code: c.id for c in columns}
    stmt = select(Employee).where(Employee.id.in_(scope)).options(selectinload(Employee.unit))
    desc = direction == "desc"
    if sort == "total" or sort in codes:
        without_jit()
        only = None if sort == "total" else codes[sort]
        cells = gap_cells_stmt(scope, competency_id=only).subquery("cells")
        # Computed once, then joined: when the cells and the sort key were plain subqueries,
        # SQLite re-evaluated them for every employee (450 s for a root leader of 5,000 people).
        key_sq = (
            select(cells.c.employee_id, func.sum(cells.c.gap).label("key"))
            .group_by(cells.c.employee_id)
            .cte("sort_key")
            .prefix_with("MATERIALIZED")
        )
        key = func.coalesce(key_sq.c.key, -1)
        stmt = stmt.outerjoin(key_sq, key_sq.c.employee_id == Employee.id).order_by(
            key.desc() if desc else key.asc(), Employee.name, Employee.id
        )
    else:
        sort = "name"
        stmt = stmt.order_by(Employee.name.desc() if desc else Employee.name, Employee.id)
    # The count needs only the people in scope, not the sort key.
    count = select(func.count()).select_from(scope.subquery())
    page = paginate(stmt, per_page=TEAM_PAGE_SIZE, count_stmt=count)
    ids = [p.id for p in page.items]
    cells = {}
    if ids:
        for row in db.session.execute(
            gap_cells_stmt(select(Employee.id).where(Employee.id.in_(ids)))
        ):
            cells[(row.employee_id, row.competency_id)] = (row.required, row.assessed, row.gap)
    return TeamMatrix(columns, page, cells, sort, "desc" if desc else "asc")
