"""Feedback from leaders, requests for it, follow-ups, development plans, self-reflections and
anonymous upward feedback (product.md §3.2).

Sent feedback is immutable: the schema keeps its status rules, and a flush guard (below) refuses
any change of a sent feedback's content, follow-up texts, values, tags or recommended workshops.
What may still change after sending is recorded beside it: acknowledgement, answer, follow-up
progress, addenda (each with its own author and time).
"""

from datetime import date, datetime

from sqlalchemy import (
    JSON,
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
    event,
    inspect,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from blueprints.auth.models import Employee
from blueprints.common.anonymity import RANDOM_ID_LENGTH, date_stamp, random_id
from blueprints.common.timefmt import utcnow
from blueprints.feedback.constants import UPWARD_STATEMENTS
from extensions import db


class Feedback(db.Model):
    __tablename__ = "feedback"
    __table_args__ = (
        CheckConstraint("status IN ('draft','sent')", name="status"),
        CheckConstraint("author_id <> receiver_id", name="not_self"),
        CheckConstraint("status = 'draft' OR sent_at IS NOT NULL", name="sent_at"),
        CheckConstraint("acknowledged_at IS NULL OR status = 'sent'", name="ack_sent"),
        CheckConstraint("responded_at IS NULL OR status = 'sent'", name="response_sent"),
        Index("ix_feedback_receiver_status_sent", "receiver_id", "status", "sent_at"),
        # With the id: an author's sent feedback joined to its follow-ups (the leader's "to
        # confirm") is read from the index alone, not from the rows (270 → 59 ms for a leader
        # who gave 34,000 entries, PostgreSQL; migration 0015).
        Index("ix_feedback_author_status", "author_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("employee.id"))
    receiver_id: Mapped[int] = mapped_column(ForeignKey("employee.id"))
    # The request this feedback answers (closed when the feedback is sent).
    request_id: Mapped[int | None] = mapped_column(ForeignKey("feedback_request.id"), unique=True)
    occurred_on: Mapped[date] = mapped_column(Date)
    context: Mapped[str] = mapped_column(Text)
    strengths: Mapped[str] = mapped_column(Text)
    improvements: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="draft")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    response: Mapped[str | None] = mapped_column(Text)
    responded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    author: Mapped[Employee] = relationship(foreign_keys=[author_id])
    receiver: Mapped[Employee] = relationship(foreign_keys=[receiver_id])
    request: Mapped["FeedbackRequest | None"] = relationship(back_populates="feedback")
    values: Mapped[list["FeedbackValue"]] = relationship(
        cascade="all, delete-orphan", order_by="FeedbackValue.value"
    )
    competencies: Mapped[list["FeedbackCompetency"]] = relationship(
        cascade="all, delete-orphan", order_by="FeedbackCompetency.code"
    )
    follow_ups: Mapped[list["FollowUp"]] = relationship(
        back_populates="feedback", cascade="all, delete-orphan", order_by="FollowUp.position"
    )
    workshops: Mapped[list["FeedbackWorkshop"]] = relationship(
        cascade="all, delete-orphan", order_by="FeedbackWorkshop.title"
    )
    addenda: Mapped[list["FeedbackAddendum"]] = relationship(
        back_populates="feedback", cascade="all, delete-orphan", order_by="FeedbackAddendum.id"
    )
    versions: Mapped[list["FeedbackVersion"]] = relationship(
        cascade="all, delete-orphan", order_by="FeedbackVersion.number"
    )

    CONTENT = (
        "author_id",
        "receiver_id",
        "request_id",
        "occurred_on",
        "context",
        "strengths",
        "improvements",
    )

    @property
    def is_sent(self) -> bool:
        return self.status == "sent"

    @property
    def value_codes(self) -> list[str]:
        return [row.value for row in self.values]

    @property
    def competency_codes(self) -> list[str]:
        return [row.code for row in self.competencies]


class FeedbackValue(db.Model):
    """A BerAKHLAK value the feedback concerns."""

    __tablename__ = "feedback_value"

    feedback_id: Mapped[int] = mapped_column(ForeignKey("feedback.id"), primary_key=True)
    value: Mapped[str] = mapped_column(String(40), primary_key=True)


class FeedbackCompetency(db.Model):
    """A competency tag (constants.COMPETENCIES: data, may grow without a migration)."""

    __tablename__ = "feedback_competency"

    feedback_id: Mapped[int] = mapped_column(ForeignKey("feedback.id"), primary_key=True)
    code: Mapped[str] = mapped_column(String(40), primary_key=True, index=True)


class FollowUp(db.Model):
    """An agreed action: the receiver marks it done, the author confirms."""

    __tablename__ = "feedback_follow_up"
    __table_args__ = (
        CheckConstraint("confirmed_at IS NULL OR done_at IS NOT NULL", name="confirm_after_done"),
        UniqueConstraint("feedback_id", "position"),
        # Covers the open/overdue counts of the team view and dashboards (no row lookups).
        Index("ix_feedback_follow_up_state", "feedback_id", "confirmed_at", "done_at", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    feedback_id: Mapped[int] = mapped_column(ForeignKey("feedback.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    description: Mapped[str] = mapped_column(String(500))
    due_on: Mapped[date] = mapped_column(Date)
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reminded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    feedback: Mapped[Feedback] = relationship(back_populates="follow_ups")

    CONTENT = ("feedback_id", "position", "description", "due_on")


class FeedbackWorkshop(db.Model):
    """A recommended workshop; the title is kept as recommended."""

    __tablename__ = "feedback_workshop"

    feedback_id: Mapped[int] = mapped_column(ForeignKey("feedback.id"), primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshop.id"), primary_key=True, index=True
    )
    title: Mapped[str] = mapped_column(String(200))


class FeedbackAddendum(db.Model):
    """Added to sent feedback by its author: the original stays as it was."""

    __tablename__ = "feedback_addendum"

    id: Mapped[int] = mapped_column(primary_key=True)
    feedback_id: Mapped[int] = mapped_column(ForeignKey("feedback.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("employee.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    feedback: Mapped[Feedback] = relationship(back_populates="addenda")
    author: Mapped[Employee] = relationship()


class FeedbackVersion(db.Model):
    """A snapshot of the content each time the author saved it (drafts and the sent version)."""

    __tablename__ = "feedback_version"
    __table_args__ = (
        UniqueConstraint("feedback_id", "number"),
        CheckConstraint("status IN ('draft','sent')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    feedback_id: Mapped[int] = mapped_column(ForeignKey("feedback.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10))
    saved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    saved_by_id: Mapped[int] = mapped_column(ForeignKey("employee.id"))
    snapshot: Mapped[dict] = mapped_column(JSON)

    saved_by: Mapped[Employee] = relationship()


class FeedbackRequest(db.Model):
    """A staff member asks their direct superior for feedback on a topic."""

    __tablename__ = "feedback_request"
    __table_args__ = (
        CheckConstraint("status IN ('open','answered','declined')", name="status"),
        CheckConstraint("requester_id <> leader_id", name="not_self"),
        CheckConstraint("status <> 'declined' OR decline_reason <> ''", name="decline_reason"),
        CheckConstraint("status = 'open' OR closed_at IS NOT NULL", name="closed_at"),
        Index("ix_feedback_request_leader_status", "leader_id", "status"),
        Index("ix_feedback_request_requester_status", "requester_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    requester_id: Mapped[int] = mapped_column(ForeignKey("employee.id"))
    leader_id: Mapped[int] = mapped_column(ForeignKey("employee.id"))
    topic: Mapped[str] = mapped_column(String(200))
    detail: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="open")
    decline_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    requester: Mapped[Employee] = relationship(foreign_keys=[requester_id])
    leader: Mapped[Employee] = relationship(foreign_keys=[leader_id])
    feedback: Mapped[Feedback | None] = relationship(back_populates="request")


class SelfReflection(db.Model):
    """What the employee writes before a feedback conversation; they and leaders above see it."""

    __tablename__ = "feedback_reflection"
    __table_args__ = (
        Index("ix_feedback_reflection_employee_created", "employee_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"))
    went_well: Mapped[str] = mapped_column(Text, default="")
    was_hard: Mapped[str] = mapped_column(Text, default="")
    help_wanted: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    employee: Mapped[Employee] = relationship()


class DevelopmentGoal(db.Model):
    """A goal of a person's development plan (rencana pengembangan)."""

    __tablename__ = "development_goal"
    __table_args__ = (
        CheckConstraint("status IN ('proposed','agreed','done','cancelled')", name="status"),
        CheckConstraint(
            "status = 'proposed' OR agreed_at IS NOT NULL OR status = 'cancelled'", name="agreed"
        ),
        CheckConstraint(
            "status NOT IN ('done','cancelled') OR closed_at IS NOT NULL", name="closed"
        ),
        Index("ix_development_goal_employee_status", "employee_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"))
    competency: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text, default="")
    feedback_id: Mapped[int | None] = mapped_column(ForeignKey("feedback.id"), index=True)
    workshop_id: Mapped[int | None] = mapped_column(ForeignKey("workshop.id"), index=True)
    external_activity: Mapped[str] = mapped_column(String(300), default="")
    target_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="proposed")
    proposed_by_id: Mapped[int] = mapped_column(ForeignKey("employee.id"))
    agreed_by_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"))
    agreed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    employee: Mapped[Employee] = relationship(foreign_keys=[employee_id])
    proposed_by: Mapped[Employee] = relationship(foreign_keys=[proposed_by_id])
    agreed_by: Mapped[Employee | None] = relationship(foreign_keys=[agreed_by_id])
    feedback: Mapped[Feedback | None] = relationship()


# --- upward feedback (anonymous) ------------------------------------------------------------
class UpwardRound(db.Model):
    """A round an admin opens (e.g. each quarter). Thresholds are fixed when it opens."""

    __tablename__ = "upward_round"
    __table_args__ = (
        CheckConstraint("min_group >= 3", name="min_group"),
        CheckConstraint("comment_min_group >= min_group", name="comment_min_group"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    opens_on: Mapped[date] = mapped_column(Date)
    closes_on: Mapped[date] = mapped_column(Date)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    min_group: Mapped[int] = mapped_column(Integer)
    comment_min_group: Mapped[int] = mapped_column(Integer)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def is_open(self, today: date) -> bool:
        return self.closed_at is None and self.opens_on <= today <= self.closes_on


# SQLite: anonymous rows are stored in primary-key order (a random id, or round and employee),
# not in the order they were written.
NO_ROWID = {"sqlite_with_rowid": False}


class UpwardParticipation(db.Model):
    """Who has answered a round: only to allow one answer each. No time, no subject, no link
    to the answer."""

    __tablename__ = "upward_participation"
    __table_args__ = (NO_ROWID,)

    round_id: Mapped[int] = mapped_column(ForeignKey("upward_round.id"), primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), primary_key=True)


class UpwardAnswer(db.Model):
    """One anonymous answer: the round, the leader it is about, the date, the scores.

    No employee, no time finer than the date, and a random (non-sequential) id — the rules of
    blueprints/common/anonymity.py, shared with the surveys.
    """

    __tablename__ = "upward_answer"
    __table_args__ = (
        *(CheckConstraint(f"{code} BETWEEN 1 AND 5", name=code) for code in UPWARD_STATEMENTS),
        Index("ix_upward_answer_round_leader", "round_id", "leader_id"),
        NO_ROWID,
    )

    id: Mapped[str] = mapped_column(String(RANDOM_ID_LENGTH), primary_key=True, default=random_id)
    round_id: Mapped[int] = mapped_column(ForeignKey("upward_round.id"))
    leader_id: Mapped[int] = mapped_column(ForeignKey("employee.id"))
    answered_on: Mapped[date] = mapped_column(Date, default=date_stamp)
    clarity: Mapped[int] = mapped_column(SmallInteger)
    listening: Mapped[int] = mapped_column(SmallInteger)
    fairness: Mapped[int] = mapped_column(SmallInteger)
    feedback: Mapped[int] = mapped_column(SmallInteger)
    growth: Mapped[int] = mapped_column(SmallInteger)
    comment: Mapped[str] = mapped_column(Text, default="")


# --- immutability of sent feedback ----------------------------------------------------------
class SentFeedbackIsImmutable(Exception):
    """Raised at flush time when code tries to change what a sent feedback says."""


def _was_sent(feedback: Feedback | None) -> bool:
    """The feedback was already sent before this flush (the committed state says so)."""
    if feedback is None:
        return False
    state = inspect(feedback)
    if not state.persistent:
        return False
    history = state.attrs.status.history
    before = (history.deleted or history.unchanged or [None])[0]
    return before == "sent"


COLLECTIONS = ("values", "competencies", "follow_ups", "workshops")


@event.listens_for(Session, "before_flush")
def _guard_sent_feedback(session, flush_context, instances):
    with session.no_autoflush:
        for obj in list(session.dirty) + list(session.deleted):
            if isinstance(obj, Feedback) and _was_sent(obj):
                state = inspect(obj)
                if obj in session.deleted or any(
                    state.attrs[name].history.has_changes()
                    for name in (*Feedback.CONTENT, "status", *COLLECTIONS)
                ):
                    raise SentFeedbackIsImmutable(obj.id)
            elif isinstance(obj, FollowUp) and _was_sent(obj.feedback):
                state = inspect(obj)
                if obj in session.deleted or any(
                    state.attrs[name].history.has_changes() for name in FollowUp.CONTENT
                ):
                    raise SentFeedbackIsImmutable(obj.feedback_id)
            elif isinstance(
                obj, FeedbackValue | FeedbackCompetency | FeedbackWorkshop
            ) and _was_sent(session.get(Feedback, obj.feedback_id)):
                raise SentFeedbackIsImmutable(obj.feedback_id)
        for obj in session.new:
            if isinstance(obj, FeedbackValue | FeedbackCompetency | FeedbackWorkshop | FollowUp):
                parent = session.get(Feedback, obj.feedback_id) if obj.feedback_id else None
                if _was_sent(parent):
                    raise SentFeedbackIsImmutable(obj.feedback_id)
