"""Competency dictionary, job standards, assessed levels (history kept), career targets and the
competencies a workshop develops."""

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from blueprints.auth.models import Employee
from blueprints.common.timefmt import utcnow
from extensions import db

LEVEL_CHECK = "BETWEEN 1 AND 5"
# The assessment sources that set the current level (profiles.OFFICIAL). The partial index below
# and profiles.current_level() spell this list the same way: SQLite uses a partial index only for
# a query that repeats its WHERE term.
OFFICIAL_SOURCES = ("leader", "assessment_centre")
OFFICIAL_WHERE = "source IN ('leader', 'assessment_centre')"


class Competency(db.Model):
    """One competency of the dictionary, with a behaviour description per level 1–5.
    `code` is what a feedback tag stores (feedback.tags): it never changes once made."""

    __tablename__ = "competency"
    __table_args__ = (
        CheckConstraint("kind IN ('manajerial','sosial_kultural','teknis')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(20))
    field: Mapped[str] = mapped_column(String(100), default="")  # teknis: the field of work
    level_1: Mapped[str] = mapped_column(Text, default="")
    level_2: Mapped[str] = mapped_column(Text, default="")
    level_3: Mapped[str] = mapped_column(Text, default="")
    level_4: Mapped[str] = mapped_column(Text, default="")
    level_5: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    def level_text(self, level: int) -> str:
        return getattr(self, f"level_{level}", "") if 1 <= level <= 5 else ""

    @property
    def levels(self) -> list[tuple[int, str]]:
        return [(n, self.level_text(n)) for n in range(1, 6)]


class CompetencyStandard(db.Model):
    """Standar Kompetensi Jabatan: the level a jabatan requires of one competency."""

    __tablename__ = "competency_standard"
    __table_args__ = (
        UniqueConstraint("jabatan", "competency_id"),
        CheckConstraint(f"required_level {LEVEL_CHECK}", name="required_level"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    jabatan: Mapped[str] = mapped_column(String(200))
    competency_id: Mapped[int] = mapped_column(ForeignKey("competency.id"), index=True)
    required_level: Mapped[int] = mapped_column(SmallInteger)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    competency: Mapped[Competency] = relationship()


class CompetencyAssessment(db.Model):
    """One assessed level. Never edited or deleted: the newest leader or assessment-centre row of
    a person and competency is the current level; self-assessments are kept apart."""

    __tablename__ = "competency_assessment"
    __table_args__ = (
        CheckConstraint(f"level {LEVEL_CHECK}", name="level"),
        CheckConstraint("source IN ('leader','assessment_centre','self')", name="source"),
        Index("ix_competency_assessment_person", "employee_id", "competency_id", "source"),
        # The current level of one person and competency: the newest official row, one index
        # probe (profiles.current_level), whatever the planner's statistics say.
        Index(
            "ix_competency_assessment_current",
            "employee_id",
            "competency_id",
            "id",
            postgresql_where=text(OFFICIAL_WHERE),
            sqlite_where=text(OFFICIAL_WHERE),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"))
    competency_id: Mapped[int] = mapped_column(ForeignKey("competency.id"), index=True)
    level: Mapped[int] = mapped_column(SmallInteger)
    source: Mapped[str] = mapped_column(String(20))
    assessed_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    assessed_by_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    competency: Mapped[Competency] = relationship()
    assessed_by: Mapped[Employee | None] = relationship(foreign_keys=[assessed_by_id])


class CareerTarget(db.Model):
    """The jabatan a person is aiming at (career direction)."""

    __tablename__ = "career_target"

    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), primary_key=True)
    jabatan: Mapped[str] = mapped_column(String(200))
    set_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class WorkshopCompetency(db.Model):
    """A workshop declares a competency it develops and the level it aims at."""

    __tablename__ = "workshop_competency"
    __table_args__ = (CheckConstraint(f"target_level {LEVEL_CHECK}", name="target_level"),)

    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id"), primary_key=True)
    competency_id: Mapped[int] = mapped_column(
        ForeignKey("competency.id"), primary_key=True, index=True
    )
    target_level: Mapped[int] = mapped_column(SmallInteger)

    competency: Mapped[Competency] = relationship()
