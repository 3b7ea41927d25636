"""Survey tables. Anonymity is in the schema (product.md §3.3, docs/anonymity.md):

- ``survey_response`` holds a random id, the wave, the unit at submission and the date: no person,
  no time of day, no sequence. ``survey_answer`` rows are keyed by that random id.
- ``survey_participation`` says who has submitted (to refuse a second submission and count
  response rates). It shares no column with the responses but the wave, and holds no time.
- ``survey_draft`` is the only row that ties a person to answers, encrypted with a key only the
  person's browser session holds, and it is deleted in the submitting transaction.
- On SQLite the anonymous tables are WITHOUT ROWID: rows live in primary-key (random) order,
  not in insertion order.
"""

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from blueprints.auth.models import Employee, Unit
from blueprints.common.anonymity import RANDOM_ID_LENGTH, random_id
from blueprints.common.timefmt import utcnow
from extensions import db

CONSTRUCTS = ("readiness", "resistance", "other")
QUESTION_KINDS = ("likert", "text")
#: The longest free-text answer, in characters (the answer form and the sealed size follow it).
TEXT_ANSWER_MAX = 2000
WAVE_STATUSES = ("draft", "open", "closed")
PLAN_STATUSES = ("rencana", "berjalan", "selesai")
ACTION_STATUSES = ("rencana", "berjalan", "selesai", "batal")
NO_ROWID = {"sqlite_with_rowid": False}


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class SurveyInstrument(db.Model):
    """A questionnaire: dimensions and questions. Frozen once a wave uses it (copy to change)."""

    __tablename__ = "survey_instrument"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Set for the built-in instrument so that installing it twice does nothing.
    code: Mapped[str | None] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    builtin: Mapped[bool] = mapped_column(Boolean, default=False)
    copied_from_id: Mapped[int | None] = mapped_column(ForeignKey("survey_instrument.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    dimensions: Mapped[list["SurveyDimension"]] = relationship(
        back_populates="instrument",
        order_by="SurveyDimension.position",
        cascade="all, delete-orphan",
    )
    questions: Mapped[list["SurveyQuestion"]] = relationship(
        back_populates="instrument",
        order_by="SurveyQuestion.position",
        cascade="all, delete-orphan",
    )


class SurveyDimension(db.Model):
    """A construct measured by several Likert items. `construct` decides the index it feeds."""

    __tablename__ = "survey_dimension"
    __table_args__ = (CheckConstraint(_in("construct", CONSTRUCTS), name="construct"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instrument_id: Mapped[int] = mapped_column(ForeignKey("survey_instrument.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    # A stable key for suggested actions (built-in dimensions: "kesesuaian", "rutinitas"...).
    code: Mapped[str] = mapped_column(String(40), default="")
    construct: Mapped[str] = mapped_column(String(12), default="readiness")
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)

    instrument: Mapped[SurveyInstrument] = relationship(back_populates="dimensions")


class SurveyQuestion(db.Model):
    """A 5-point Likert item of a dimension (maybe reverse-keyed) or an optional free-text question."""

    __tablename__ = "survey_question"
    __table_args__ = (
        CheckConstraint(_in("kind", QUESTION_KINDS), name="kind"),
        CheckConstraint(
            "(kind = 'likert' AND dimension_id IS NOT NULL) OR (kind = 'text' AND dimension_id IS NULL)",
            name="dimension_for_likert",
        ),
        CheckConstraint("kind = 'likert' OR NOT reverse_keyed", name="reverse_only_likert"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    instrument_id: Mapped[int] = mapped_column(ForeignKey("survey_instrument.id"), index=True)
    dimension_id: Mapped[int | None] = mapped_column(ForeignKey("survey_dimension.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10), default="likert")
    text: Mapped[str] = mapped_column(Text)
    reverse_keyed: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(Integer, default=0)

    instrument: Mapped[SurveyInstrument] = relationship(back_populates="questions")
    dimension: Mapped[SurveyDimension | None] = relationship()


class SurveyWave(db.Model):
    """One run of an instrument for target units. Thresholds are frozen once it opens."""

    __tablename__ = "survey_wave"
    __table_args__ = (
        CheckConstraint(_in("status", WAVE_STATUSES), name="status"),
        CheckConstraint("min_group >= 3", name="min_group_at_least_3"),
        CheckConstraint("comment_min_group >= min_group", name="comment_group_at_least_k"),
        CheckConstraint("closes_on >= opens_on", name="closes_after_opens"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    instrument_id: Mapped[int] = mapped_column(ForeignKey("survey_instrument.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    change_description: Mapped[str] = mapped_column(Text, default="")
    opens_on: Mapped[date] = mapped_column(Date)
    closes_on: Mapped[date] = mapped_column(Date)
    min_group: Mapped[int] = mapped_column(Integer, default=5)
    comment_min_group: Mapped[int] = mapped_column(Integer, default=10)
    # Show figures while the wave is open (responses up to yesterday, see docs/anonymity.md).
    live_results: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(8), default="draft", index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    opened_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reminders_sent: Mapped[int] = mapped_column(Integer, default=0)
    last_reminder_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # A pulse wave re-measures some dimensions of this earlier wave (surveys/pulse.py).
    baseline_wave_id: Mapped[int | None] = mapped_column(ForeignKey("survey_wave.id"), index=True)

    instrument: Mapped[SurveyInstrument] = relationship()
    targets: Mapped[list["SurveyWaveUnit"]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def target_unit_ids(self) -> list[int]:
        return [t.unit_id for t in self.targets]


class SurveyWaveUnit(db.Model):
    """A target unit of a wave: everyone in its subtree is invited."""

    __tablename__ = "survey_wave_unit"

    wave_id: Mapped[int] = mapped_column(ForeignKey("survey_wave.id"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), primary_key=True, index=True)

    unit: Mapped[Unit] = relationship(lazy="joined")


class SurveyParticipation(db.Model):
    """Who has submitted: nothing else (no time, no unit, no link to the response)."""

    __tablename__ = "survey_participation"
    __table_args__ = (NO_ROWID,)

    wave_id: Mapped[int] = mapped_column(ForeignKey("survey_wave.id"), primary_key=True)
    employee_id: Mapped[int] = mapped_column(
        ForeignKey("employee.id"), primary_key=True, index=True
    )


class SurveyDraft(db.Model):
    """Progress while filling in, encrypted with a key kept only in the person's session.
    Deleted in the transaction that submits."""

    __tablename__ = "survey_draft"
    __table_args__ = (NO_ROWID,)

    wave_id: Mapped[int] = mapped_column(ForeignKey("survey_wave.id"), primary_key=True)
    employee_id: Mapped[int] = mapped_column(
        ForeignKey("employee.id"), primary_key=True, index=True
    )
    payload: Mapped[str] = mapped_column(Text, default="")


class SurveyResponse(db.Model):
    """One anonymous submission: random id, wave, unit at submission, date (WIB). Nothing else."""

    __tablename__ = "survey_response"
    __table_args__ = (NO_ROWID,)

    id: Mapped[str] = mapped_column(String(RANDOM_ID_LENGTH), primary_key=True, default=random_id)
    wave_id: Mapped[int] = mapped_column(ForeignKey("survey_wave.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    submitted_on: Mapped[date] = mapped_column(Date)


class SurveyAnswer(db.Model):
    """One answer of one response: a Likert value 1-5 (as answered, before reverse keying) or text."""

    __tablename__ = "survey_answer"
    __table_args__ = (
        CheckConstraint("value IS NULL OR value BETWEEN 1 AND 5", name="value_range"),
        CheckConstraint("(value IS NULL) <> (text IS NULL)", name="value_or_text"),
        NO_ROWID,
    )

    response_id: Mapped[str] = mapped_column(ForeignKey("survey_response.id"), primary_key=True)
    # No index of its own on question_id: a mixed batch is written in (response id, question)
    # order, which an index led by the question would store interleaved across page splits
    # (docs/anonymity.md); queries reach answers through the response.
    question_id: Mapped[int] = mapped_column(ForeignKey("survey_question.id"), primary_key=True)
    value: Mapped[int | None] = mapped_column(SmallInteger)
    text: Mapped[str | None] = mapped_column(Text)


class SurveyResponseScore(db.Model):
    """One response's sums for one dimension, written by SQL (scoring.score_responses) in the
    transaction that stores the answers, and only when the response counts for the dimension
    (two-thirds rule). Results aggregate these rows instead of every answer. Derived from
    survey_answer; keyed by the same random response id."""

    __tablename__ = "survey_response_score"
    __table_args__ = (
        CheckConstraint("answered > 0", name="answered_positive"),
        NO_ROWID,
    )

    response_id: Mapped[str] = mapped_column(ForeignKey("survey_response.id"), primary_key=True)
    dimension_id: Mapped[int] = mapped_column(
        ForeignKey("survey_dimension.id"), primary_key=True, index=True
    )
    answered: Mapped[int] = mapped_column(Integer)
    total: Mapped[int] = mapped_column(Integer)  # sum of the answers after reverse keying
    favourable: Mapped[int] = mapped_column(Integer)  # answers of 4 or 5 after reverse keying
    d1: Mapped[int] = mapped_column(Integer, default=0)
    d2: Mapped[int] = mapped_column(Integer, default=0)
    d3: Mapped[int] = mapped_column(Integer, default=0)
    d4: Mapped[int] = mapped_column(Integer, default=0)
    d5: Mapped[int] = mapped_column(Integer, default=0)


class SurveyResultNode(db.Model):
    """A closed wave's precomputed result for one unit (its subtree), guard already applied.

    Figures are stored only for groups that may be shown: a hidden group keeps n_responses NULL.
    The unit's place in the tree is a snapshot, so that later reorganisations change nothing.
    """

    __tablename__ = "survey_result_node"
    __table_args__ = (NO_ROWID,)

    wave_id: Mapped[int] = mapped_column(ForeignKey("survey_wave.id"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(Integer)
    path: Mapped[str] = mapped_column(String(500))
    depth: Mapped[int] = mapped_column(Integer, default=0)
    n_eligible: Mapped[int] = mapped_column(Integer, default=0)
    n_responses: Mapped[int | None] = mapped_column(Integer)
    visible: Mapped[bool] = mapped_column(Boolean, default=False)
    comments_visible: Mapped[bool] = mapped_column(Boolean, default=False)


class SurveyResultCell(db.Model):
    """A closed wave's precomputed figures for one unit and dimension (only cells that may show)."""

    __tablename__ = "survey_result_cell"
    __table_args__ = (NO_ROWID,)

    wave_id: Mapped[int] = mapped_column(ForeignKey("survey_wave.id"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), primary_key=True)
    dimension_id: Mapped[int] = mapped_column(ForeignKey("survey_dimension.id"), primary_key=True)
    n_scored: Mapped[int] = mapped_column(Integer)
    mean: Mapped[float] = mapped_column(Float)
    favourable: Mapped[float] = mapped_column(Float)
    d1: Mapped[int] = mapped_column(Integer, default=0)
    d2: Mapped[int] = mapped_column(Integer, default=0)
    d3: Mapped[int] = mapped_column(Integer, default=0)
    d4: Mapped[int] = mapped_column(Integer, default=0)
    d5: Mapped[int] = mapped_column(Integer, default=0)


class SurveyActionPlan(db.Model):
    """What a leader will do after a wave, for a unit; revisited when the next wave's results come."""

    __tablename__ = "survey_action_plan"
    __table_args__ = (
        UniqueConstraint("wave_id", "unit_id"),
        CheckConstraint(_in("status", PLAN_STATUSES), name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("survey_wave.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"))
    focus: Mapped[str] = mapped_column(Text, default="")
    actions: Mapped[str] = mapped_column(Text, default="")
    due_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="rencana")
    review: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    author: Mapped[Employee | None] = relationship()
    unit: Mapped[Unit] = relationship()


class SurveyAction(db.Model):
    """One action of a leader's plan for a unit after a wave: what, why (the dimension it
    answers), who owns it, by when, how far it is; optionally a linked workshop session (a
    training, or a sosialisasi the leader holds, scheduled as a session of its own kind)."""

    __tablename__ = "survey_action"
    __table_args__ = (
        CheckConstraint(_in("status", ACTION_STATUSES), name="status"),
        Index("ix_survey_action_owner_status_due", "owner_id", "status", "due_on"),
        Index("ix_survey_action_unit_status_due", "unit_id", "status", "due_on"),
        Index("ix_survey_action_wave_unit", "wave_id", "unit_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("survey_wave.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    dimension_id: Mapped[int] = mapped_column(ForeignKey("survey_dimension.id"))
    what: Mapped[str] = mapped_column(String(300))
    owner_id: Mapped[int] = mapped_column(ForeignKey("employee.id"))
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="rencana")
    notes: Mapped[str] = mapped_column(Text, default="")
    session_id: Mapped[int | None] = mapped_column(ForeignKey("workshop_session.id"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    wave: Mapped[SurveyWave] = relationship()
    unit: Mapped[Unit] = relationship()
    dimension: Mapped[SurveyDimension] = relationship()
    owner: Mapped[Employee] = relationship(foreign_keys=[owner_id])
    session: Mapped["WorkshopSession | None"] = relationship("WorkshopSession")  # noqa: F821
