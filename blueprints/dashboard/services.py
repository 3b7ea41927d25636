"""Home, career profile and the leader and organizer dashboards: what needs a person now, and
the figures of a leader's subtree. Everything here reads the other blueprints through their
services (or, where none exists, with one SQL query against their models), aggregates in SQL
and runs a bounded number of queries whatever the size of the organisation.

Rules defined here (each shown to the user in the page's help text):
- JP compliance: a PNS is at target when their JP this year (WIB) >= jp_target_pns. A PPPK has
  no minimum in the regulation, only a ceiling (jp_max_pppk); we hold them to the same floor,
  capped by that ceiling: at target when JP >= min(jp_target_pns, jp_max_pppk). "This year" is
  each person's JP period that contains today: a PPPK with a contract start counts their
  contract year (workshops/jp_period.py).
- Feedback coverage: the share of people in the subtree who received at least one sent feedback
  in the current quarter (Triwulan, in WIB).
- Follow-ups due (home): follow-ups of feedback I received, not done, due within
  FOLLOW_UP_WINDOW_DAYS days or overdue.
- Attendance to mark (organizers): sessions of my workshops that have started and are still
  published, i.e. not yet closed by marking them completed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask import abort
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import aliased, joinedload

from blueprints.admin.settings import get_setting
from blueprints.auth.access import (
    direct_reports_stmt,
    employees_in_scope_stmt,
    has_role,
    led_units,
    subtree_unit_ids,
    subtree_unit_ids_stmt,
)
from blueprints.auth.models import Employee, Unit
from blueprints.common.pagination import Page, page_within
from blueprints.common.timefmt import format_wib, today_wib, utcnow, wib_to_utc
from blueprints.feedback import followups as feedback_followups
from blueprints.feedback import receiving as feedback_receiving
from blueprints.feedback import requesting as feedback_requesting
from blueprints.feedback import team as feedback_team
from blueprints.feedback import upward as feedback_upward
from blueprints.feedback.figures import PersonFigures, kept_jp_now, quarter_key
from blueprints.feedback.models import DevelopmentGoal, Feedback, FeedbackRequest, FollowUp
from blueprints.feedback.plans import goals_of
from blueprints.surveys import actions as survey_actions
from blueprints.surveys import answering as survey_answering
from blueprints.surveys import plans as survey_plans
from blueprints.surveys import presenters as survey_presenters
from blueprints.surveys import results as survey_results
from blueprints.surveys import scoring as survey_scoring
from blueprints.surveys.models import SurveyActionPlan, SurveyWave
from blueprints.workshops import api as workshop_services
from blueprints.workshops.models import (
    ExternalLearning,
    Registration,
    WorkshopSession,
    workshop_organizer,
)
from extensions import db

HOME_LIMIT = 5  # items shown per section of the home page (the count says how many in all)
FOLLOW_UP_WINDOW_DAYS = 7
HISTORY_YEARS = 5
LIST_LIMIT = 10  # rows of a dashboard list; the full list is one link away
TREND_WAVES = 4


# --- small shared pieces ------------------------------------------------------------------
@dataclass
class Listing:
    """The first few items of a list and how many there are in all."""

    items: list
    total: int

    @property
    def more(self) -> int:
        return max(0, self.total - len(self.items))

    def __bool__(self) -> bool:
        return self.total > 0


def _listing(stmt, limit: int = HOME_LIMIT, scalars: bool = True) -> Listing:
    """Two queries whatever the data: the count and the first `limit` rows."""
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    result = (
        db.session.scalars(stmt.limit(limit)) if scalars else db.session.execute(stmt.limit(limit))
    )
    return Listing(list(result.all()), int(total or 0))


def quarter_of(day: date) -> int:
    return (day.month - 1) // 3 + 1


QUARTER_ROMAN = ("I", "II", "III", "IV")


def quarter_numeral(quarter: int) -> str:
    """The quarter numbered as the reader's language writes it (docs/glossary.md): Roman in
    Indonesian ("Triwulan IV 2026"), a digit in English ("Q4 2026"). The messages put it in
    their "Triwulan %(q)s %(year)d" / "Q%(q)s %(year)d"."""
    if str(get_locale() or "id").startswith("en"):
        return str(quarter)
    return QUARTER_ROMAN[quarter - 1]


def quarter_bounds(day: date) -> tuple[datetime, datetime]:
    """[start, end) of the WIB quarter (Triwulan) that contains `day`, in UTC."""
    q = quarter_of(day)
    start = date(day.year, 3 * (q - 1) + 1, 1)
    end = date(day.year + 1, 1, 1) if q == 4 else date(day.year, 3 * q + 1, 1)
    return wib_to_utc(start, time()), wib_to_utc(end, time())


def wib_text(value) -> str:
    return format_wib(value) if value else ""


def score_text(value) -> str:
    """A survey index as the surveys pages show it ('3,45')."""
    return survey_presenters.score(value)


def plan_status_label(status: str) -> str:
    return survey_presenters.plan_status(status)


def jp_floor() -> tuple[int, int]:
    """(PNS target, PPPK target) under the compliance rule of this module's docstring."""
    pns = get_setting("jp_target_pns")
    return pns, min(pns, get_setting("jp_max_pppk"))


# --- home: what needs me now -----------------------------------------------------------------
@dataclass
class Home:
    upcoming: list[Registration]
    unread_feedback: Listing
    follow_ups: Listing
    surveys: list  # surveys.answering.OpenWave, not answered yet
    upward: object | None  # feedback.upward.Eligibility when a round waits for my answer
    leader: bool = False
    requests: Listing = field(default_factory=lambda: Listing([], 0))
    approvals: list[Registration] = field(default_factory=list)
    to_confirm: Listing = field(default_factory=lambda: Listing([], 0))
    goals: Listing = field(default_factory=lambda: Listing([], 0))
    organizer: bool = False
    attendance: Listing = field(default_factory=lambda: Listing([], 0))
    records: Listing = field(default_factory=lambda: Listing([], 0))
    survey_actions: Listing = field(default_factory=lambda: Listing([], 0))  # ones I own

    @property
    def action_count(self) -> int:
        """Items that wait for the person (upcoming sessions are information, not actions)."""
        return (
            self.unread_feedback.total
            + self.follow_ups.total
            + len(self.surveys)
            + (1 if self.upward else 0)
            + self.requests.total
            + len(self.approvals)
            + self.to_confirm.total
            + self.goals.total
            + self.attendance.total
            + self.records.total
            + self.survey_actions.total
        )


def unread_feedback_stmt(user):
    """Sent feedback I received and have not acknowledged yet."""
    return (
        select(Feedback)
        .where(
            Feedback.receiver_id == user.id,
            Feedback.status == "sent",
            Feedback.acknowledged_at.is_(None),
        )
        .options(joinedload(Feedback.author))
        .order_by(Feedback.sent_at.desc(), Feedback.id.desc())
    )


def follow_ups_due_stmt(user, today: date | None = None):
    """feedback's open follow-ups of mine, those due within the window."""
    today = today or today_wib()
    return (
        feedback_followups.open_follow_ups_stmt(user)
        .where(FollowUp.due_on <= today + timedelta(days=FOLLOW_UP_WINDOW_DAYS))
        .order_by(FollowUp.due_on, FollowUp.id)
    )


def to_confirm_stmt(user, today: date | None = None):
    """feedback's to-confirm rule, done ones first (they wait on me alone)."""
    return feedback_followups.to_confirm_stmt(user, today).order_by(
        FollowUp.done_at.is_(None), FollowUp.due_on, FollowUp.id
    )


def goals_to_agree_stmt(leader):
    """Development goals my direct reports proposed, waiting for my agreement."""
    reports = direct_reports_stmt(leader).with_only_columns(Employee.id)
    return (
        select(DevelopmentGoal)
        .where(DevelopmentGoal.status == "proposed", DevelopmentGoal.employee_id.in_(reports))
        .options(joinedload(DevelopmentGoal.employee))
        .order_by(DevelopmentGoal.created_at, DevelopmentGoal.id)
    )


def attendance_to_mark_stmt(user, now: datetime | None = None):
    """(session, confirmed, attended) for my workshops' sessions that have started and are still
    published: attendance is open until the organizer marks the session completed."""
    now = now or utcnow()
    confirmed = (
        select(func.count(Registration.id))
        .where(Registration.session_id == WorkshopSession.id, Registration.status == "confirmed")
        .correlate(WorkshopSession)
        .scalar_subquery()
    )
    attended = (
        select(func.count(Registration.id))
        .where(
            Registration.session_id == WorkshopSession.id,
            Registration.status == "confirmed",
            Registration.attended.is_(True),
        )
        .correlate(WorkshopSession)
        .scalar_subquery()
    )
    return (
        select(WorkshopSession, confirmed.label("confirmed"), attended.label("attended"))
        .join(workshop_organizer, workshop_organizer.c.workshop_id == WorkshopSession.workshop_id)
        .where(
            workshop_organizer.c.employee_id == user.id,
            WorkshopSession.status == "published",
            WorkshopSession.starts_at <= now,
        )
        .options(joinedload(WorkshopSession.workshop))
        .order_by(WorkshopSession.starts_at, WorkshopSession.id)
    )


def records_to_verify_stmt(user):
    """External learning records waiting for an organizer (not the organizer's own)."""
    return (
        select(ExternalLearning)
        .where(ExternalLearning.status == "pending", ExternalLearning.employee_id != user.id)
        .options(joinedload(ExternalLearning.employee).joinedload(Employee.unit))
        .order_by(ExternalLearning.created_at, ExternalLearning.id)
    )


def home(user) -> Home:
    upward_state = feedback_upward.eligibility(user)
    data = Home(
        upcoming=workshop_services.upcoming_sessions_for(user, limit=HOME_LIMIT),
        unread_feedback=_listing(unread_feedback_stmt(user)),
        follow_ups=_listing(follow_ups_due_stmt(user)),
        surveys=[w for w in survey_answering.open_waves_for(user) if not w.answered],
        upward=upward_state if upward_state.can_answer else None,
        survey_actions=_listing(survey_actions.my_actions_stmt(user)),
    )
    if has_role(user, "leader"):
        data.leader = True
        data.requests = _listing(feedback_requesting.queue_stmt(user))
        data.approvals = workshop_services.pending_approvals_for(user)
        data.to_confirm = _listing(to_confirm_stmt(user))
        data.goals = _listing(goals_to_agree_stmt(user))
    if has_role(user, "organizer"):
        data.organizer = True
        data.attendance = _listing(attendance_to_mark_stmt(user), scalars=False)
        data.records = _listing(records_to_verify_stmt(user))
    return data


# --- my career --------------------------------------------------------------------------------
@dataclass
class Career:
    year: int
    ledger: object  # workshops.services.Ledger of this year
    history: list[tuple[int, int]]  # (year, JP), newest first
    upcoming: list[Registration]
    external: list[ExternalLearning]
    feedback: Listing
    follow_ups: list[FollowUp]
    goals: list[DevelopmentGoal]
    surveys: list  # surveys.answering.OpenWave
    upward: object  # feedback.upward.Eligibility


def career(user) -> Career:
    # The person's "this year": for a PPPK with a contract start, the contract year under way.
    year = workshop_services.current_period(user).label
    history = [
        (y, workshop_services.jp_for_year(user, y))
        for y in range(year - 1, year - HISTORY_YEARS, -1)
    ]
    ledger = workshop_services.ledger(user, year)
    external = list(
        db.session.scalars(
            select(ExternalLearning)
            .where(ExternalLearning.employee_id == user.id)
            .order_by(ExternalLearning.learned_on.desc(), ExternalLearning.id.desc())
            .limit(20)
        )
    )
    received = feedback_receiving.received_stmt(user)
    return Career(
        year=year,
        ledger=ledger,
        history=[(year, ledger.total), *history],
        upcoming=workshop_services.upcoming_sessions_for(user, limit=10),
        external=external,
        feedback=_listing(received, limit=HOME_LIMIT),
        follow_ups=feedback_followups.my_open_follow_ups(user, limit=20),
        goals=goals_of(user),
        surveys=survey_answering.open_waves_for(user),
        upward=feedback_upward.eligibility(user),
    )


# --- leader dashboard: figures of the subtree --------------------------------------------------
MEASURES = ("semua", "jp-kurang", "jp-capai", "ub-belum", "ub-sudah")


def _scope_condition(leader):
    """The one definition of "people under the leader" (access.employees_in_scope_stmt)."""
    return employees_in_scope_stmt(leader).whereclause


def _scope_ids(leader):
    return employees_in_scope_stmt(leader).with_only_columns(Employee.id)


def _jp_totals(today: date):
    """employee_id -> JP of each person's period that contains today: the kept figures
    (feedback/figures.py, equal to the workshops blueprint's JP sources), not a pass over every
    registration and record of the organisation."""
    return kept_jp_now(today)


def _feedback_quarter(leader, day: date):
    """employee_id -> sent feedback this quarter (only people who have some), kept."""
    return (
        select(
            PersonFigures.employee_id.label("employee_id"),
            PersonFigures.feedback_quarter.label("n"),
            PersonFigures.last_feedback_at.label("last_sent"),
        )
        .where(PersonFigures.quarter == quarter_key(day), PersonFigures.feedback_quarter > 0)
        .subquery("feedback_quarter")
    )


@dataclass
class Figures:
    """The SQL pieces of the leader's figures, built once per request."""

    year: int
    today: date
    jp: object
    fbq: object
    jp_value: object
    target: object
    at_target: object


def figures(leader) -> Figures:
    today = today_wib()
    jp = _jp_totals(today)
    fbq = _feedback_quarter(leader, today)
    pns, pppk = jp_floor()
    jp_value = func.coalesce(jp.c.jp, 0)
    target = case((Employee.employment_type == "PPPK", pppk), else_=pns)
    return Figures(today.year, today, jp, fbq, jp_value, target, jp_value >= target)


@dataclass
class UnitRow:
    id: int
    name: str
    path: str
    depth: int
    people: int
    at_target: int
    covered: int
    sub_units: int = 0  # active units directly below (their own breakdown)

    @property
    def below_target(self) -> int:
        return self.people - self.at_target

    @property
    def uncovered(self) -> int:
        return self.people - self.covered

    @property
    def compliance(self) -> float | None:
        return self.at_target / self.people if self.people else None

    @property
    def coverage(self) -> float | None:
        return self.covered / self.people if self.people else None


def _tree_key(path: str) -> tuple[int, ...]:
    return tuple(int(part) for part in path.strip("/").split("/") if part)


UNITS_PER_PAGE = 25  # units below the focus per page of the breakdown


def shown_unit_ids(leader, focus: list[Unit], page: int = 1) -> tuple[set[int], Page]:
    """The units the dashboard breaks its figures down by: the focus units and one page of the
    units directly below them, within the leader's scope (and that page: its number and how
    many units there are below). One level at a time, a page at a time: a province's root has
    two hundred units below it, and its whole tree thousands (the XLSX export has them all)."""
    ids = {u.id for u in focus}
    children = select(Unit.id).where(
        Unit.parent_id.in_(ids),
        Unit.active.is_(True),
        Unit.id.in_(subtree_unit_ids_stmt(leader)),
    )
    total = db.session.scalar(select(func.count()).select_from(children.subquery()))
    units_page = page_within(page, total, UNITS_PER_PAGE)
    # Siblings in id order are in tree order (a path ends with the unit's id).
    shown = children.order_by(Unit.parent_id, Unit.id).limit(UNITS_PER_PAGE)
    below = set(db.session.scalars(shown.offset(units_page.first - 1 if total else 0)))
    return (ids & subtree_unit_ids(leader)) | below, units_page


def unit_trail(leader, focus: Unit | None) -> list[Unit]:
    """The focus unit's ancestors within the leader's scope, top first (the way back up)."""
    if focus is None:
        return []
    ancestors = [int(part) for part in focus.path.strip("/").split("/") if part][:-1]
    ids = [uid for uid in ancestors if uid in subtree_unit_ids(leader)]
    units = {u.id: u for u in db.session.scalars(select(Unit).where(Unit.id.in_(ids)))}
    return [units[uid] for uid in ids if uid in units]


def unit_rows(leader, f: Figures, shown: set[int] | None = None) -> list[UnitRow]:
    """Per unit of the subtree (or of `shown`), with everything under it (as the survey results
    count a unit): people, at JP target, covered this quarter, units below. One query."""
    member, child = aliased(Unit), aliased(Unit)
    sub_units = (
        select(func.count(child.id))
        .where(child.parent_id == Unit.id, child.active.is_(True))
        .correlate(Unit)
        .scalar_subquery()
    )
    stmt = (
        select(
            Unit.id,
            Unit.name,
            Unit.path,
            Unit.depth,
            func.count(Employee.id),
            func.count(case((f.at_target, Employee.id))),
            func.count(f.fbq.c.employee_id),
            sub_units,
        )
        .select_from(Unit)
        .outerjoin(member, member.path.startswith(Unit.path))
        .outerjoin(Employee, and_(Employee.unit_id == member.id, _scope_condition(leader)))
        .outerjoin(f.jp, f.jp.c.employee_id == Employee.id)
        .outerjoin(f.fbq, f.fbq.c.employee_id == Employee.id)
        .where(Unit.id.in_(subtree_unit_ids_stmt(leader)), Unit.active.is_(True))
        .group_by(Unit.id, Unit.name, Unit.path, Unit.depth)
    )
    if shown is not None:
        stmt = stmt.where(Unit.id.in_(shown))
    rows = [UnitRow(*row) for row in db.session.execute(stmt)]
    rows.sort(key=lambda row: _tree_key(row.path))
    return rows


def scope_totals(rows: list[UnitRow], led: list[Unit]) -> UnitRow:
    """The whole scope's figures: the sum of the topmost led units' rows (each row counts its
    subtree, and the topmost led units' subtrees are the scope, without overlap)."""
    top = {u.id for u in led if not any(o.id != u.id and u.path.startswith(o.path) for o in led)}
    mine = [row for row in rows if row.id in top]
    return UnitRow(
        0,
        "",
        "/",
        0,
        sum(row.people for row in mine),
        sum(row.at_target for row in mine),
        sum(row.covered for row in mine),
    )


def people_stmt(leader, f: Figures, measure: str = "semua", unit: Unit | None = None):
    """One row per person in scope (within `unit` and below it, if given): JP so far, their
    target, feedback this quarter."""
    stmt = (
        select(
            Employee.id,
            Employee.name,
            Employee.nip,
            Employee.jabatan,
            Employee.employment_type,
            Unit.id.label("unit_id"),
            Unit.name.label("unit_name"),
            f.jp_value.label("jp"),
            f.target.label("target"),
            func.coalesce(f.fbq.c.n, 0).label("feedback_quarter"),
        )
        .join(Unit, Unit.id == Employee.unit_id)
        .outerjoin(f.jp, f.jp.c.employee_id == Employee.id)
        .outerjoin(f.fbq, f.fbq.c.employee_id == Employee.id)
        .where(_scope_condition(leader))
    )
    if unit is not None:
        stmt = stmt.where(
            Employee.unit_id.in_(select(Unit.id).where(Unit.path.startswith(unit.path)))
        )
    if measure == "jp-kurang":
        return stmt.where(~f.at_target).order_by(f.jp_value, Employee.name, Employee.id)
    if measure == "jp-capai":
        stmt = stmt.where(f.at_target)
    elif measure == "ub-belum":
        stmt = stmt.where(f.fbq.c.employee_id.is_(None))
    elif measure == "ub-sudah":
        stmt = stmt.where(f.fbq.c.employee_id.is_not(None))
    return stmt.order_by(Employee.name, Employee.id)


def unit_in_scope_or_404(leader, unit_id: int | None) -> Unit | None:
    if unit_id is None:
        return None
    if unit_id not in subtree_unit_ids(leader):
        abort(404)
    return db.session.get(Unit, unit_id)


@dataclass
class IndexRow:
    unit: object  # surveys.scoring.UnitInfo
    level: int
    cells: list  # surveys.results.UnitIndices or None, one per wave (oldest first)

    def _last_two(self, attr: str) -> tuple[float | None, float | None]:
        values = [getattr(c, attr) for c in self.cells if c is not None and c.visible]
        values = [v for v in values if v is not None]
        if len(values) < 2:
            return (values[-1] if values else None), None
        return values[-1], values[-2]

    def delta(self, attr: str) -> float | None:
        last, before = self._last_two(attr)
        return None if last is None or before is None else last - before

    @property
    def latest(self):
        return self.cells[-1] if self.cells else None


@dataclass
class SurveyTrend:
    waves: list[SurveyWave]  # oldest first
    rows: list[IndexRow]
    readiness_flag: float
    resistance_flag: float
    visible_waves: list[SurveyWave] = field(default_factory=list)  # every wave the leader may see

    def readiness_low(self, value: float | None) -> bool:
        return value is not None and value < self.readiness_flag

    def resistance_high(self, value: float | None) -> bool:
        return value is not None and value > self.resistance_flag

    def chart_series(self, row: IndexRow) -> tuple[list[str], list[dict]]:
        """Labels and series for the trend chart macro (templates/_macros/charts.html)."""

        def values(attr):
            return [getattr(c, attr) if c is not None and c.visible else None for c in row.cells]

        series = []
        for name, css, attr in (
            (_l("Indeks kesiapan"), "series-readiness", "readiness"),
            (_l("Indeks resistensi"), "series-resistance", "resistance"),
        ):
            numbers = values(attr)
            series.append(
                {
                    "name": str(name),
                    "css": css,
                    "values": numbers,
                    "displays": [score_text(v) for v in numbers],
                }
            )
        return [w.title for w in self.waves], series


def survey_trend(leader, shown: set[int] | None = None) -> SurveyTrend:
    """Readiness and resistance index per unit of the subtree (or of `shown`) over the latest
    waves of one instrument, read through the surveys blueprint (its thresholds and guard
    applied)."""
    readiness_flag, resistance_flag = survey_results.flag_thresholds()
    chosen: list[SurveyWave] = []
    visible = survey_results.results_waves_for(leader)
    for wave in visible[: TREND_WAVES * 2]:
        if chosen and wave.instrument_id != chosen[0].instrument_id:
            continue
        if not survey_scoring.has_figures(wave):
            continue
        chosen.append(wave)
        if len(chosen) == TREND_WAVES:
            break
    chosen.reverse()
    units = led_units(leader)
    if shown is not None:
        survey_scoring.prefetch_stored(chosen, shown)
    per_wave = [
        {item.unit.id: item for item in survey_results.indices_by_unit(units, wave, shown)}
        for wave in chosen
    ]
    infos = {}
    for indices in per_wave:
        for uid, item in indices.items():
            infos[uid] = item.unit
    top_depth = min((u.depth for u in units), default=0)
    rows = [
        IndexRow(info, max(0, info.depth - top_depth), [indices.get(uid) for indices in per_wave])
        for uid, info in sorted(infos.items(), key=lambda item: _tree_key(item[1].path))
    ]
    return SurveyTrend(chosen, rows, readiness_flag, resistance_flag, visible)


@dataclass
class LeaderDashboard:
    figures: Figures
    totals: UnitRow
    units: list[UnitRow]
    below: Listing  # rows of people_stmt(measure="jp-kurang")
    overdue: Listing  # rows of feedback's team view, overdue people
    cadence_days: int
    requests_to_me: int
    requests_in_scope: int
    surveys: SurveyTrend
    plans: list[SurveyActionPlan]
    actions_due: Listing  # open survey actions in the subtree, due soon or overdue
    unit_names: dict[int, str]
    wave_titles: dict[int, str]
    led: list[Unit]
    pns_target: int
    pppk_target: int
    focus: Unit | None = None  # the unit the breakdown is for (None: the led units)
    trail: list[Unit] = field(default_factory=list)
    units_page: Page | None = None  # which units below the focus are shown (None: all)

    def opens_below(self, row: UnitRow) -> bool:
        """The row links to its own breakdown: it has units below and is not already the
        breakdown's top (the focus, or a led unit when there is no focus)."""
        tops = {self.focus.id} if self.focus else {u.id for u in self.led}
        return bool(row.sub_units) and row.id not in tops

    @property
    def led_unit_names(self) -> str:
        return ", ".join(u.name for u in self.led)

    @property
    def quarter(self) -> int:
        return quarter_of(self.figures.today)

    @property
    def quarter_numeral(self) -> str:
        return quarter_numeral(self.quarter)


def open_requests_in_scope(leader) -> int:
    return (
        db.session.scalar(
            select(func.count(FeedbackRequest.id)).where(
                FeedbackRequest.status == "open",
                FeedbackRequest.requester_id.in_(_scope_ids(leader)),
            )
        )
        or 0
    )


def overdue_stmt(leader):
    filters = feedback_team.TeamFilter(show="overdue", sort="last")
    return feedback_team.team_stmt(leader, filters)


def _unit_names(ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(db.session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(ids))).all())


def leader_dashboard(
    leader, focus: Unit | None = None, every_level: bool = False, page: int = 1
) -> LeaderDashboard:
    """The figures of the leader's whole scope, broken down by unit one level below `focus`
    (default: the led units; `page` of them), or by every unit of the scope (`every_level`, for
    the export)."""
    f = figures(leader)
    led = led_units(leader)
    shown, units_page = None, None
    if not every_level:
        shown, units_page = shown_unit_ids(leader, [focus] if focus else led, page)
    rows = unit_rows(leader, f, None if shown is None else shown | {u.id for u in led})
    totals = scope_totals(rows, led)
    units = rows if shown is None else [row for row in rows if row.id in shown]
    trend = survey_trend(leader, shown)
    plans = survey_plans.plans_for_units(sorted(subtree_unit_ids(leader)), limit=LIST_LIMIT)
    summary = feedback_team.team_summary(leader)
    pns, pppk = jp_floor()
    return LeaderDashboard(
        figures=f,
        totals=totals,
        units=units,
        below=Listing(  # its count is the totals' (people_stmt and unit_rows share the rule)
            list(db.session.execute(people_stmt(leader, f, "jp-kurang").limit(LIST_LIMIT)).all()),
            totals.below_target,
        ),
        overdue=Listing(
            list(db.session.execute(overdue_stmt(leader).limit(LIST_LIMIT)).all()),
            int(summary["overdue"]),
        ),
        cadence_days=get_setting("feedback_cadence_days"),
        requests_to_me=feedback_requesting.open_request_count(leader),
        requests_in_scope=open_requests_in_scope(leader),
        surveys=trend,
        plans=plans,
        actions_due=_listing(
            survey_actions.due_actions_stmt(subtree_unit_ids_stmt(leader)), limit=LIST_LIMIT
        ),
        unit_names=_unit_names({plan.unit_id for plan in plans}),
        wave_titles={w.id: w.title for w in trend.visible_waves},
        led=led,
        pns_target=pns,
        pppk_target=pppk,
        focus=focus,
        trail=unit_trail(leader, focus),
        units_page=units_page,
    )
