"""The organizer dashboard: sessions to run, attendance to mark, evaluations, records to verify,
and what the organisation asks training for (workshop demand).

Demand comes from three signals, counted in SQL and merged per workshop topic:
- feedback: competency tags of feedback sent in the last DEMAND_DAYS WIB days, today included (a
  tag maps to a topic through COMPETENCY_TOPICS), and the topics of the workshops leaders
  recommended in it, both read from the counts kept per day (demand.py);
- development plans: competencies of open goals (proposed or agreed);
- surveys: weak dimensions of the latest wave that shows figures, read through the surveys
  blueprint (thresholds, guard and flag rule applied there); each flagged unit-dimension counts
  once for every topic the surveys blueprint suggests for that dimension.
Organizers see counts only: no feedback text, no person, no survey figure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from blueprints.common.timefmt import as_utc, today_wib, utcnow
from blueprints.dashboard import demand as kept_demand
from blueprints.dashboard.services import (
    LIST_LIMIT,
    Listing,
    _listing,
    attendance_to_mark_stmt,
    records_to_verify_stmt,
)
from blueprints.feedback import tags as feedback_tags
from blueprints.feedback.models import (
    DevelopmentGoal,
)
from blueprints.surveys import instrument as survey_instrument
from blueprints.surveys import results as survey_results
from blueprints.surveys import scoring as survey_scoring
from blueprints.surveys.models import SurveyDimension
from blueprints.workshops import api as workshop_services
from blueprints.workshops.models import (
    Evaluation,
    Topic,
    Workshop,
    WorkshopSession,
    workshop_organizer,
    workshop_topic_link,
)
from extensions import db

DEMAND_DAYS = 365
EVALUATION_DAYS = 180

# Feedback competency tag -> workshop topic (lower case names of the managed topic list).
COMPETENCY_TOPICS = {
    "integritas": "budaya kerja berakhlak",
    "kerjasama": "budaya kerja berakhlak",
    "komunikasi": "komunikasi publik",
    "orientasi_hasil": "budaya kerja berakhlak",
    "pelayanan_publik": "pelayanan publik",
    "pengembangan_diri": "kepemimpinan",
    "mengelola_perubahan": "manajemen perubahan",
    "pengambilan_keputusan": "kepemimpinan",
    "presentasi": "presentasi",
    "administrasi_kependudukan": "pelayanan publik",
    "tata_naskah": "administrasi perkantoran",
    "pengelolaan_keuangan": "pengelolaan keuangan",
    "pengolahan_data": "digitalisasi layanan",
    "layanan_digital": "digitalisasi layanan",
}


@dataclass
class TopicDemand:
    key: str  # lower-case topic name
    name: str
    topic_id: int | None = None
    feedback: int = 0  # competency tags and recommended workshops in feedback
    plans: int = 0
    surveys: int = 0
    upcoming: int = 0  # supply: upcoming published sessions on the topic

    @property
    def total(self) -> int:
        return self.feedback + self.plans + self.surveys


@dataclass
class WeakDimension:
    name: str
    construct: str
    units: int  # units where the dimension is flagged
    topics: list[str]


@dataclass
class Demand:
    topics: list[TopicDemand]
    competencies: list[tuple[str, str, int, int]]  # code, label, in feedback, in plans
    recommended: list[tuple[int, str, int]]  # workshop id, title, times recommended
    weak: list[WeakDimension]
    wave: object | None  # the survey wave the weak dimensions come from
    since_days: int = DEMAND_DAYS


@dataclass
class EvaluationRow:
    session: WorkshopSession
    count: int
    relevance: float | None
    usefulness: float | None
    facilitator: float | None


@dataclass
class OrganizerDashboard:
    upcoming: list  # rows of workshops.services.managed_sessions, starting later
    attendance: Listing
    evaluations: list[EvaluationRow]
    records: Listing
    demand: Demand
    min_evaluations: int = field(default=workshop_services.EVALUATION_MIN_GROUP)


def evaluations_for(user) -> list[EvaluationRow]:
    """Averages per recent session of my workshops (hidden under the workshops blueprint's
    minimum number of evaluations), one grouped query."""
    since = utcnow() - timedelta(days=EVALUATION_DAYS)
    ev = (
        select(
            Evaluation.session_id.label("session_id"),
            func.count(Evaluation.id).label("n"),
            func.avg(Evaluation.relevance).label("relevance"),
            func.avg(Evaluation.usefulness).label("usefulness"),
            func.avg(Evaluation.facilitator).label("facilitator"),
        )
        .group_by(Evaluation.session_id)
        .subquery()
    )
    rows = db.session.execute(
        select(WorkshopSession, ev.c.n, ev.c.relevance, ev.c.usefulness, ev.c.facilitator)
        .join(ev, ev.c.session_id == WorkshopSession.id)
        .join(workshop_organizer, workshop_organizer.c.workshop_id == WorkshopSession.workshop_id)
        .where(
            workshop_organizer.c.employee_id == user.id,
            WorkshopSession.status != "cancelled",
            WorkshopSession.ends_at >= since,
        )
        .options(joinedload(WorkshopSession.workshop))  # the template shows its title
        .order_by(WorkshopSession.starts_at.desc(), WorkshopSession.id.desc())
        .limit(LIST_LIMIT)
    ).all()
    minimum = workshop_services.EVALUATION_MIN_GROUP
    out = []
    for session, n, relevance, usefulness, facilitator in rows:
        enough = n >= minimum
        out.append(
            EvaluationRow(
                session,
                int(n),
                float(relevance) if enough else None,
                float(usefulness) if enough else None,
                float(facilitator) if enough else None,
            )
        )
    return out


def _weak_dimensions() -> tuple[list[WeakDimension], object | None]:
    """Flagged dimensions of the latest wave that shows figures, counted over its units."""
    thresholds = survey_results.flag_thresholds()
    for wave in survey_results.latest_waves(limit=4):
        figures = survey_scoring.figures_for(wave)
        if figures is None:
            continue
        dims = {
            d.id: d
            for d in db.session.scalars(
                select(SurveyDimension).where(SurveyDimension.instrument_id == wave.instrument_id)
            )
        }
        flagged: dict[int, int] = {}
        for (_unit_id, dim_id), cell in figures.cells.items():
            dim = dims.get(dim_id)
            if dim is not None and survey_results.is_flagged(dim, cell, thresholds):
                flagged[dim_id] = flagged.get(dim_id, 0) + 1
        weak = []
        for dim_id, units in flagged.items():
            dim = dims[dim_id]
            _text, topics = survey_instrument.suggestion_for(dim.code, dim.construct)
            weak.append(WeakDimension(dim.name, dim.construct, units, list(topics)))
        weak.sort(key=lambda w: (-w.units, w.name))
        return weak, wave
    return [], None


def demand() -> Demand:
    today = today_wib()
    # Feedback signals come from the kept daily counts (demand.py): bounded by the window's days,
    # not by the number of feedback entries.
    tag_counts = kept_demand.tag_counts(today, DEMAND_DAYS)
    goal_counts = dict(
        db.session.execute(
            select(DevelopmentGoal.competency, func.count())
            .where(DevelopmentGoal.status.in_(("proposed", "agreed")))
            .group_by(DevelopmentGoal.competency)
        ).all()
    )
    recommended_by_workshop = kept_demand.workshop_counts_stmt(today, DEMAND_DAYS)
    recommended_topics = dict(
        db.session.execute(
            select(func.lower(Topic.name), func.sum(recommended_by_workshop.c.n))
            .select_from(recommended_by_workshop)
            .join(
                workshop_topic_link,
                workshop_topic_link.c.workshop_id == recommended_by_workshop.c.workshop_id,
            )
            .join(Topic, Topic.id == workshop_topic_link.c.topic_id)
            .group_by(func.lower(Topic.name))
        ).all()
    )
    recommended = [
        (wid, title, int(n))
        for wid, title, n in db.session.execute(
            select(Workshop.id, Workshop.title, recommended_by_workshop.c.n)
            .join(recommended_by_workshop, recommended_by_workshop.c.workshop_id == Workshop.id)
            .order_by(recommended_by_workshop.c.n.desc(), Workshop.title)
            .limit(LIST_LIMIT)
        )
    ]
    supply = dict(
        db.session.execute(
            select(func.lower(Topic.name), func.count(WorkshopSession.id))
            .join(workshop_topic_link, workshop_topic_link.c.topic_id == Topic.id)
            .join(WorkshopSession, WorkshopSession.workshop_id == workshop_topic_link.c.workshop_id)
            .where(WorkshopSession.status == "published", WorkshopSession.starts_at > utcnow())
            .group_by(func.lower(Topic.name))
        ).all()
    )
    topics = {
        name.lower(): TopicDemand(name.lower(), name, tid)
        for tid, name in db.session.execute(
            select(Topic.id, Topic.name).where(Topic.active.is_(True))
        )
    }

    def topic(key: str) -> TopicDemand:
        if key not in topics:
            topics[key] = TopicDemand(key, key.capitalize())
        return topics[key]

    for code, n in tag_counts.items():
        if code in COMPETENCY_TOPICS:
            topic(COMPETENCY_TOPICS[code]).feedback += int(n)
    for key, n in recommended_topics.items():
        topic(key).feedback += int(n)
    for code, n in goal_counts.items():
        if code in COMPETENCY_TOPICS:
            topic(COMPETENCY_TOPICS[code]).plans += int(n)
    weak, wave = _weak_dimensions()
    for dim in weak:
        for key in dim.topics:
            topic(key.lower()).surveys += dim.units
    for key, n in supply.items():
        if key in topics:
            topics[key].upcoming = int(n)
    ranked = sorted(
        (t for t in topics.values() if t.total), key=lambda t: (-t.total, t.name.lower())
    )
    codes = sorted(
        set(tag_counts) | set(goal_counts),
        key=lambda c: (-(tag_counts.get(c, 0) + goal_counts.get(c, 0)), feedback_tags.label(c)),
    )
    competencies = [
        (
            code,
            feedback_tags.label(code),
            int(tag_counts.get(code, 0)),
            int(goal_counts.get(code, 0)),
        )
        for code in codes
        if code
    ]
    return Demand(ranked, competencies[:LIST_LIMIT], recommended, weak, wave)


def organizer_dashboard(user) -> OrganizerDashboard:
    now = utcnow()
    sessions = workshop_services.managed_sessions(user, upcoming_only=True, limit=20)
    return OrganizerDashboard(
        upcoming=[row for row in sessions if as_utc(row[0].starts_at) > now],
        attendance=_listing(attendance_to_mark_stmt(user, now), limit=LIST_LIMIT, scalars=False),
        evaluations=evaluations_for(user),
        records=_listing(records_to_verify_stmt(user), limit=LIST_LIMIT),
        demand=demand(),
    )
