"""A person's competency profile: assessed levels with their source, date and note; history kept.

Who sees it: the person and the leaders above them (access.is_above) — decided here, in
can_view_profile(). Peers, organizers and admins never see individual assessments; a leader's
read is written to the audit log, like a feedback read. Who assesses: a leader above the person
(after a dialog kinerja), an admin entering an assessment-centre result, the person themselves
(a self-assessment, shown apart and never the current level)."""

from dataclasses import dataclass
from datetime import date

from flask import abort
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import aliased, selectinload

from blueprints.admin.audit import audit
from blueprints.auth import access
from blueprints.auth.models import Employee
from blueprints.common.refusals import Refused
from blueprints.common.timefmt import to_wib, utcnow
from blueprints.competencies.models import OFFICIAL_SOURCES, Competency, CompetencyAssessment
from extensions import db

SOURCES = {
    "leader": _l("Penilaian atasan (dialog kinerja)"),
    "assessment_centre": _l("Assessment center"),
    "self": _l("Penilaian diri"),
}
OFFICIAL = OFFICIAL_SOURCES  # sources that set the current level


# --- who --------------------------------------------------------------------------------------
def can_view_profile(user, employee: Employee) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or employee is None:
        return False
    return user.id == employee.id or access.is_above(user, employee)


def record_read(user, employee: Employee, how: str) -> None:
    """A leader's read of someone's individual assessments goes to the audit log."""
    if user.id != employee.id:
        audit("competencies.profile_read", employee, detail=how, actor=user)


def person_or_404(employee_id: int, user, *, read_as: str | None = None) -> Employee:
    """The employee if `user` may see their profile, else 404 (existence not revealed)."""
    employee = db.session.get(Employee, employee_id)
    if employee is None or not can_view_profile(user, employee):
        abort(404)
    if read_as:
        record_read(user, employee, read_as)
        db.session.commit()
    return employee


def can_assess(user, employee: Employee, source: str) -> bool:
    if source == "leader":
        return access.is_above(user, employee)
    if source == "assessment_centre":
        return access.has_role(user, "admin")
    if source == "self":
        return user.id == employee.id
    return False


# --- writing ------------------------------------------------------------------------------------
@dataclass
class AssessmentInput:
    competency_id: int
    level: int
    note: str = ""
    assessed_on: date | None = None


def assess(by, employee: Employee, source: str, data: AssessmentInput) -> CompetencyAssessment:
    """Record one assessed level (a new row: earlier ones stay as history)."""
    if not can_assess(by, employee, source):
        raise Refused(_("Anda tidak berwenang menilai kompetensi pegawai ini."))
    competency = db.session.get(Competency, data.competency_id)
    if competency is None or not competency.active:
        raise Refused(_("Kompetensi tidak ditemukan."))
    if not 1 <= int(data.level) <= 5:
        raise Refused(_("Level harus antara 1 dan 5."))
    today = to_wib(utcnow()).date()
    assessed_on = data.assessed_on or today
    if assessed_on > today:
        raise Refused(_("Tanggal penilaian tidak boleh di masa depan."))
    row = CompetencyAssessment(
        employee_id=employee.id,
        competency_id=competency.id,
        level=int(data.level),
        source=source,
        assessed_on=assessed_on,
        note=(data.note or "").strip()[:2000],
        assessed_by_id=by.id,
    )
    db.session.add(row)
    db.session.flush()
    audit("competencies.assessed", employee, f"{competency.code}={row.level} ({source})", actor=by)
    return row


# --- reading ------------------------------------------------------------------------------------
def _newest(column: str, employee_id, competency_id, sources=OFFICIAL, cutoff: date | None = None):
    """A correlated scalar subquery: `column` of the newest (highest id) row of one person and
    competency from `sources` (dated up to `cutoff`), NULL if none; `employee_id` and
    `competency_id` are columns of the enclosing query. One index probe per call (for the
    official sources, of ix_competency_assessment_current), so the work grows with the number
    of calls whatever the planner's statistics say. (A join on a CTE of the current levels, or
    an IN over max(id) grouped per person and competency, did not: with the statistics from
    before a bulk load PostgreSQL estimated one row and compared every row with every row,
    10.8 M comparisons for the heatmap at 1,500 people, 50 s for one profile at 5,000.)"""
    a = aliased(CompetencyAssessment)
    # The sources as literals, not bound parameters: a partial index serves only a query that
    # spells its WHERE term (SQLite; PostgreSQL's generic plans).
    listed = bindparam("sources", list(sources), expanding=True, literal_execute=True, unique=True)
    stmt = select(getattr(a, column)).where(
        a.employee_id == employee_id, a.competency_id == competency_id, a.source.in_(listed)
    )
    if cutoff is not None:
        stmt = stmt.where(a.assessed_on <= cutoff)
    return stmt.order_by(a.id.desc()).limit(1).scalar_subquery()


def current_level(employee_id, competency_id, cutoff: date | None = None):
    """The current level of a person on a competency (up to `cutoff`), NULL if never assessed:
    a correlated scalar subquery on columns of the enclosing query (gaps.gap_cells_stmt)."""
    return _newest("level", employee_id, competency_id, OFFICIAL, cutoff)


def levels_of(employee_id: int, sources=OFFICIAL) -> dict[int, CompetencyAssessment]:
    """competency id -> the newest assessment of one person from `sources` (one query)."""
    a = CompetencyAssessment
    newest = _newest("id", a.employee_id, a.competency_id, sources)
    rows = db.session.scalars(
        select(a)
        .where(a.employee_id == employee_id, a.source.in_(sources), a.id == newest)
        .options(selectinload(a.assessed_by))
    )
    return {row.competency_id: row for row in rows}


def history_of(employee_id: int, limit: int = 100) -> list[CompetencyAssessment]:
    a = CompetencyAssessment
    return list(
        db.session.scalars(
            select(a)
            .where(a.employee_id == employee_id)
            .options(selectinload(a.competency), selectinload(a.assessed_by))
            .order_by(a.id.desc())
            .limit(limit)
        )
    )


def source_counts() -> list[tuple[str, str, int]]:
    """For admins: how many assessments per competency and source (counts, no persons)."""
    a = CompetencyAssessment
    rows = db.session.execute(
        select(Competency.name, a.source, func.count())
        .join(Competency, Competency.id == a.competency_id)
        .group_by(Competency.name, a.source)
        .order_by(Competency.name, a.source)
    )
    return [(name, source, n) for name, source, n in rows]


def employee_by_nip(nip: str) -> Employee | None:
    digits = "".join(ch for ch in nip or "" if ch.isdigit())
    if len(digits) != 18:
        return None
    return db.session.scalars(
        select(Employee).where(Employee.nip == digits, Employee.active.is_(True))
    ).first()
