"""AKPK (analisis kebutuhan pengembangan kompetensi) per year: by unit and competency, how many
people have a gap and how large, with the signals the app already has — feedback tagged with
the competency, open development-plan goals on it, and the survey signals per unit: the indices of
surveys.results.indices_by_unit and the weak dimensions, read only from the survey engine's
thresholded figures (a unit under the threshold is hidden, never a figure). From it an organizer
assigns a session as mandatory to the people who have that gap in the same year
(workshops.attendance.add_participants).

Who sees it: organizers (every unit) and leaders (their subtree). Only counts: no person."""

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select

from blueprints.auth import access
from blueprints.auth.models import Employee, Unit
from blueprints.common.refusals import Refused
from blueprints.common.timefmt import to_wib, utcnow, wib_year_bounds
from blueprints.competencies.gaps import gap_cells_stmt, without_jit
from blueprints.competencies.models import Competency, WorkshopCompetency
from blueprints.feedback.models import DevelopmentGoal, Feedback, FeedbackCompetency
from blueprints.surveys.models import SurveyDimension, SurveyWave
from blueprints.workshops import attendance
from blueprints.workshops.models import Workshop, WorkshopSession
from extensions import db

# The worksheet's columns, in order (the layout varies between offices: domain.md §3b).
# Each is (key, header); reorder or drop entries here to match the office's form.
AKPK_COLUMNS = [
    ("no", _l("No")),
    ("year", _l("Tahun")),
    ("unit", _l("Unit kerja")),
    ("competency", _l("Kompetensi")),
    ("kind", _l("Jenis kompetensi")),
    ("people", _l("Jumlah pegawai")),
    ("with_gap", _l("Pegawai dengan kesenjangan")),
    ("gap_avg", _l("Rata-rata kesenjangan (level)")),
    ("gap_sum", _l("Jumlah kesenjangan (level)")),
    ("unassessed", _l("Belum dinilai")),
    ("feedback", _l("Umpan balik bertanda kompetensi")),
    ("goals", _l("Sasaran pengembangan terbuka")),
    ("workshops", _l("Pelatihan yang sesuai")),
]


def can_view(user) -> bool:
    return access.has_role(user, "organizer") or access.has_role(user, "leader")


def scope_unit_ids_stmt(user):
    if access.has_role(user, "organizer"):
        return select(Unit.id)
    return access.subtree_unit_ids_stmt(user)


@dataclass
class AkpkRow:
    unit: Unit
    competency: Competency
    people: int
    with_gap: int
    gap_sum: int
    unassessed: int
    feedback: int = 0
    goals: int = 0
    workshops: list = field(default_factory=list)

    @property
    def gap_avg(self) -> float | None:
        return round(self.gap_sum / self.with_gap, 2) if self.with_gap else None


@dataclass
class DimensionSignal:
    dimension: SurveyDimension
    mean: float | None  # None: the survey engine shows no figure for this cell
    weak: bool = False


@dataclass
class SurveySignal:
    """One unit of the wave, only as the survey engine lets it be shown: a hidden unit keeps
    neither indices nor dimensions."""

    unit: object  # surveys.scoring.UnitInfo
    visible: bool
    n: int | None
    readiness: float | None
    resistance: float | None
    dimensions: list[DimensionSignal] = field(default_factory=list)

    @property
    def weak(self) -> list[DimensionSignal]:
        return [d for d in self.dimensions if d.weak]


@dataclass
class Akpk:
    year: int
    rows: list[AkpkRow]
    surveys: list[SurveySignal]
    wave: SurveyWave | None = None
    dimensions: list[SurveyDimension] = field(default_factory=list)  # the wave's, in order
    flags: tuple[float, float] = (3.5, 3.0)  # weak: readiness below, resistance above


FIRST_YEAR = 2000


def year_allowed(year: int | None) -> bool:
    """The years an AKPK can be shown and acted on: from FIRST_YEAR to next year (offices
    prepare next year's AKPK before it starts)."""
    return year is not None and FIRST_YEAR <= year <= to_wib(utcnow()).year + 1


def checked_year(year: int | None) -> int:
    """`year` when an AKPK page can show it; otherwise refused (never silently another year:
    the people assigned would be those of a year the organizer did not look at)."""
    if not year_allowed(year):
        raise Refused(_("Tahun AKPK di luar rentang yang diizinkan."))
    return year


def year_cutoff(year: int) -> date:
    return date(year, 12, 31)


def build(user, year: int) -> Akpk:
    """The analysis for `year`: assessments dated up to 31 December of that year, feedback
    sent in that year, goals open now. A fixed number of queries whatever the data size."""
    units_sq = scope_unit_ids_stmt(user)
    people = select(Employee.id).where(Employee.unit_id.in_(units_sq), Employee.active.is_(True))
    without_jit()
    cells = gap_cells_stmt(people, cutoff=year_cutoff(year)).subquery("cells")
    has_gap = case((cells.c.gap > 0, 1), else_=0)
    grouped = db.session.execute(
        select(
            cells.c.unit_id,
            cells.c.competency_id,
            func.count(),
            func.sum(has_gap),
            func.sum(case((cells.c.gap > 0, cells.c.gap), else_=0)),
            func.sum(case((cells.c.assessed.is_(None), 1), else_=0)),
        ).group_by(cells.c.unit_id, cells.c.competency_id)
    ).all()
    unit_ids = {row[0] for row in grouped}
    comp_ids = {row[1] for row in grouped}
    units = {u.id: u for u in db.session.scalars(select(Unit).where(Unit.id.in_(unit_ids)))}
    comps = {
        c.id: c for c in db.session.scalars(select(Competency).where(Competency.id.in_(comp_ids)))
    }
    rows = {
        (uid, cid): AkpkRow(units[uid], comps[cid], n, int(g or 0), int(s or 0), int(u or 0))
        for uid, cid, n, g, s, u in grouped
    }
    code_to_id = {c.code: c.id for c in comps.values()}
    if rows:
        start, end = wib_year_bounds(year)
        tags = db.session.execute(
            select(Employee.unit_id, FeedbackCompetency.code, func.count())
            .join(Feedback, Feedback.id == FeedbackCompetency.feedback_id)
            .join(Employee, Employee.id == Feedback.receiver_id)
            .where(
                Employee.id.in_(people),
                Feedback.status == "sent",
                Feedback.sent_at >= start,
                Feedback.sent_at < end,
                FeedbackCompetency.code.in_(list(code_to_id)),
            )
            .group_by(Employee.unit_id, FeedbackCompetency.code)
        )
        for uid, code, n in tags:
            if (uid, code_to_id[code]) in rows:
                rows[(uid, code_to_id[code])].feedback = n
        goals = db.session.execute(
            select(Employee.unit_id, DevelopmentGoal.competency, func.count())
            .join(Employee, Employee.id == DevelopmentGoal.employee_id)
            .where(
                Employee.id.in_(people),
                DevelopmentGoal.status.in_(("proposed", "agreed")),
                DevelopmentGoal.competency.in_(list(code_to_id)),
            )
            .group_by(Employee.unit_id, DevelopmentGoal.competency)
        )
        for uid, code, n in goals:
            if (uid, code_to_id[code]) in rows:
                rows[(uid, code_to_id[code])].goals = n
        matching = matching_workshops(list(comp_ids))
        for (_uid, cid), row in rows.items():
            row.workshops = matching.get(cid, [])
    ordered = sorted(
        rows.values(), key=lambda r: (r.unit.path, -r.with_gap, -r.gap_sum, r.competency.name)
    )
    analysis = Akpk(year=year, rows=ordered, surveys=[])
    add_survey_signals(analysis, user)
    return analysis


def matching_workshops(competency_ids: list[int]) -> dict[int, list[tuple]]:
    """competency id -> [(session, workshop title, target level)] of upcoming sessions."""
    if not competency_ids:
        return {}
    out: dict[int, list] = {}
    rows = db.session.execute(
        select(
            WorkshopCompetency.competency_id,
            WorkshopSession,
            Workshop.title,
            WorkshopCompetency.target_level,
        )
        .join(Workshop, Workshop.id == WorkshopCompetency.workshop_id)
        .join(WorkshopSession, WorkshopSession.workshop_id == Workshop.id)
        .where(
            WorkshopCompetency.competency_id.in_(competency_ids),
            WorkshopSession.status.in_(("draft", "published")),
            WorkshopSession.starts_at > utcnow(),
            Workshop.active.is_(True),
        )
        .order_by(WorkshopSession.starts_at)
        .limit(200)
    )
    for cid, session, title, level in rows:
        if len(out.setdefault(cid, [])) < 3:
            out[cid].append((session, title, level))
    return out


# --- survey signals -------------------------------------------------------------------------------
def survey_wave(year: int) -> SurveyWave | None:
    """The newest wave (not a draft) opened by 31 December of `year`: the AKPK of a past year
    keeps the signals of that year instead of taking a later wave's."""
    return db.session.scalars(
        select(SurveyWave)
        .where(SurveyWave.status != "draft", SurveyWave.opens_on <= year_cutoff(year))
        .order_by(SurveyWave.opens_on.desc(), SurveyWave.id.desc())
        .limit(1)
    ).first()


def add_survey_signals(analysis: Akpk, user) -> None:
    """Per unit of the wave: the readiness and resistance indices and the weak dimensions.

    Everything comes from the survey engine's thresholded figures (indices_by_unit and the
    same cached WaveFigures, which hold no number for a hidden group), and "weak" is the
    engine's own flag (results.is_flagged with the admin's flag settings, our convention),
    so the AKPK never shows what the results page would hide nor a second idea of weak."""
    from blueprints.surveys import results, scoring

    wave = survey_wave(analysis.year)
    if wave is None:
        return
    roots = (
        list(db.session.scalars(select(Unit).where(Unit.parent_id.is_(None))))
        if access.has_role(user, "organizer")
        else access.led_units(user)
    )
    analysis.wave = wave
    indices = results.indices_by_unit(roots, wave)
    if not indices:
        return
    figures = scoring.figures_for(wave)
    analysis.flags = results.flag_thresholds()
    analysis.dimensions = list(
        db.session.scalars(
            select(SurveyDimension)
            .where(SurveyDimension.instrument_id == wave.instrument_id)
            .order_by(SurveyDimension.position, SurveyDimension.id)
        )
    )
    for unit in indices:
        signal = SurveySignal(unit.unit, unit.visible, unit.n, unit.readiness, unit.resistance)
        if unit.visible:
            for dim in analysis.dimensions:
                figure = figures.cell(unit.unit.id, dim.id)
                signal.dimensions.append(
                    DimensionSignal(
                        dim,
                        figure.mean if figure is not None else None,
                        results.is_flagged(dim, figure, analysis.flags),
                    )
                )
        analysis.surveys.append(signal)


def survey_sheet(analysis: Akpk) -> tuple[list[str], list[list]]:
    """The survey signals as a worksheet: a row per unit and dimension, then the two indices.
    A hidden unit (or a hidden cell) has its rows with no figure, only the word that it is
    hidden."""
    from blueprints.surveys.exports import construct_label

    header = [
        _("Unit kerja"),
        _("Gelombang"),
        _("Dimensi"),
        _("Jenis"),
        _("Rata-rata (1–5)"),
        _("Lemah (konvensi kami)"),
    ]
    hidden = _("tersembunyi (di bawah ambang)")
    rows = []
    for signal in analysis.surveys:
        front = [signal.unit.name, analysis.wave.title]
        shown = {d.dimension.id: d for d in signal.dimensions}
        for dim in analysis.dimensions:
            item = shown.get(dim.id)
            kind = construct_label(dim.construct)
            if item is None or item.mean is None:
                rows.append([*front, dim.name, kind, None, hidden])
            else:
                weak = _("ya") if item.weak else _("tidak")
                rows.append([*front, dim.name, kind, round(item.mean, 2), weak])
        for label, kind, value in (
            (_("Indeks kesiapan"), "readiness", signal.readiness),
            (_("Indeks resistensi"), "resistance", signal.resistance),
        ):
            figure = round(value, 2) if signal.visible and value is not None else None
            status = "" if signal.visible else hidden
            rows.append([*front, label, construct_label(kind), figure, status])
    return header, rows


def cell(row: AkpkRow, key: str, number: int, year: int):
    from blueprints.competencies.dictionary import KINDS

    values = {
        "no": number,
        "year": year,
        "unit": row.unit.name,
        "competency": row.competency.name,
        "kind": str(KINDS.get(row.competency.kind, row.competency.kind)),
        "people": row.people,
        "with_gap": row.with_gap,
        "gap_avg": row.gap_avg if row.gap_avg is not None else "",
        "gap_sum": row.gap_sum,
        "unassessed": row.unassessed,
        "feedback": row.feedback,
        "goals": row.goals,
        "workshops": "; ".join(title for _s, title, _l in row.workshops),
    }
    return values[key]


def worksheet(analysis: Akpk) -> tuple[list[str], list[list]]:
    header = [str(label) for _key, label in AKPK_COLUMNS]
    rows = [
        [cell(row, key, n, analysis.year) for key, _label in AKPK_COLUMNS]
        for n, row in enumerate(analysis.rows, start=1)
    ]
    return header, rows


# --- assigning a mandatory session ----------------------------------------------------------------
def people_with_gap(
    user, competency_id: int, unit_id: int | None, min_gap: int = 1, year: int | None = None
):
    """Active employees in the user's scope (and below `unit_id`, if given) whose gap on the
    competency is at least `min_gap`: as of 31 December of `year` (the rule build() counts
    with), or today without a year."""
    units_sq = scope_unit_ids_stmt(user)
    if unit_id:
        unit = db.session.get(Unit, unit_id)
        if unit is None:
            raise Refused(_("Unit tidak ditemukan."))
        units_sq = select(Unit.id).where(
            Unit.id.in_(units_sq), Unit.path.startswith(unit.path, autoescape=True)
        )
    scope = select(Employee.id).where(Employee.unit_id.in_(units_sq), Employee.active.is_(True))
    without_jit()
    cutoff = year_cutoff(year) if year is not None else None
    cells = gap_cells_stmt(scope, cutoff=cutoff, competency_id=competency_id).subquery("cells")
    ids = select(cells.c.employee_id).where(cells.c.gap >= max(1, min_gap))
    return list(
        db.session.scalars(select(Employee).where(Employee.id.in_(ids)).order_by(Employee.name))
    )


def assign_mandatory(
    by, session: WorkshopSession, competency_id: int, unit_id, min_gap: int, year: int | None
):
    """The people with the gap in the AKPK the organizer is looking at (its year, carried by
    the form) made participants of the session; a year no AKPK page shows is refused."""
    people = people_with_gap(by, competency_id, unit_id, min_gap, year=checked_year(year))
    if not people:
        raise Refused(_("Tidak ada pegawai dengan kesenjangan pada kompetensi ini."))
    return attendance.add_participants(session, people, by)
