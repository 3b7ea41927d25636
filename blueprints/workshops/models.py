"""Workshops, their sessions, registrations, evaluations, external learning and certificates.

Invariants kept by the schema where it can (CHECK, UNIQUE, FK) and by the service modules where
it cannot (seats: a session row lock serialises every seat decision, see seats.py).
"""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from blueprints.auth.models import Employee
from blueprints.common.timefmt import utcnow
from extensions import db

COMPETENCY_TYPES = {
    "teknis": _l("Teknis"),
    "manajerial": _l("Manajerial"),
    "sosial_kultural": _l("Sosial kultural"),
}

LEARNING_FORMS = {"klasikal": _l("Klasikal"), "nonklasikal": _l("Nonklasikal")}

# Peraturan LAN 10/2018: the kinds of each learning form (kept as data: the list may grow).
LEARNING_KINDS = {
    "klasikal": {
        "pelatihan": _l("Pelatihan"),
        "workshop": _l("Workshop/lokakarya"),
        "seminar": _l("Seminar/konferensi"),
        "kursus": _l("Kursus"),
        "bimtek": _l("Bimbingan teknis"),
        "sosialisasi": _l("Sosialisasi"),
    },
    "nonklasikal": {
        "e_learning": _l("E-learning"),
        "coaching": _l("Coaching"),
        "mentoring": _l("Mentoring"),
        "bimbingan_kerja": _l("Bimbingan di tempat kerja"),
        "magang": _l("Magang/praktik kerja"),
        "pjj": _l("Pelatihan jarak jauh"),
        "belajar_mandiri": _l("Belajar mandiri"),
        "benchmarking": _l("Benchmarking"),
    },
}
ALL_KINDS = {key: label for kinds in LEARNING_KINDS.values() for key, label in kinds.items()}

SESSION_STATUSES = {
    "draft": _l("Draf"),
    "published": _l("Terbit"),
    "cancelled": _l("Dibatalkan"),
    "completed": _l("Selesai"),
}

REGISTRATION_STATUSES = {
    "pending_approval": _l("Menunggu izin atasan"),
    "confirmed": _l("Terdaftar"),
    "waitlisted": _l("Daftar tunggu"),
    "cancelled": _l("Dibatalkan"),
    "declined": _l("Ditolak atasan"),
}
ACTIVE_REGISTRATION = ("pending_approval", "confirmed", "waitlisted")

EXTERNAL_STATUSES = {
    "pending": _l("Menunggu verifikasi"),
    "verified": _l("Terverifikasi"),
    "rejected": _l("Ditolak"),
}


# The seed list of the admin-managed topics (the migration inserts it; admins extend it).
DEFAULT_TOPICS = (
    "Pelayanan publik",
    "Komunikasi publik",
    "Empati",
    "Presentasi",
    "Kepemimpinan",
    "Manajemen perubahan",
    "Digitalisasi layanan",
    "Budaya kerja BerAKHLAK",
    "Administrasi perkantoran",
    "Pengelolaan keuangan",
)


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


workshop_topic_link = Table(
    "workshop_topic_link",
    db.metadata,
    Column("workshop_id", ForeignKey("workshop.id"), primary_key=True),
    Column("topic_id", ForeignKey("workshop_topic.id"), primary_key=True, index=True),
)

workshop_organizer = Table(
    "workshop_organizer",
    db.metadata,
    Column("workshop_id", ForeignKey("workshop.id"), primary_key=True),
    Column("employee_id", ForeignKey("employee.id"), primary_key=True, index=True),
)


class Topic(db.Model):
    """A topic of the admin-managed list (pelayanan publik, empati, presentasi…)."""

    __tablename__ = "workshop_topic"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Workshop(db.Model):
    """A programme: what is taught, to whom it counts, who runs it. Sessions are its occurrences."""

    __tablename__ = "workshop"
    __table_args__ = (
        CheckConstraint(_in("competency_type", COMPETENCY_TYPES), name="competency_type"),
        CheckConstraint(_in("learning_form", LEARNING_FORMS), name="learning_form"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    competency_type: Mapped[str] = mapped_column(String(20), default="teknis")
    learning_form: Mapped[str] = mapped_column(String(20), default="klasikal")
    learning_kind: Mapped[str] = mapped_column(String(30), default="pelatihan")
    # Izin atasan: a request waits, holding no seat, until the direct superior decides.
    requires_approval: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Who signs its certificates; empty = the default signatory (documents.default_signatory).
    signatory_name: Mapped[str] = mapped_column(String(200), default="")
    signatory_nip: Mapped[str] = mapped_column(String(18), default="")
    signatory_rank: Mapped[str] = mapped_column(String(100), default="")
    signatory_title: Mapped[str] = mapped_column(String(200), default="")

    topics: Mapped[list[Topic]] = relationship(secondary=workshop_topic_link, order_by=Topic.name)
    organizers: Mapped[list[Employee]] = relationship(
        secondary=workshop_organizer, order_by=Employee.name
    )
    sessions: Mapped[list["WorkshopSession"]] = relationship(
        back_populates="workshop", order_by="WorkshopSession.starts_at"
    )


class WorkshopSession(db.Model):
    """One occurrence of a workshop. `queue_seq` hands out arrival positions under the row lock."""

    __tablename__ = "workshop_session"
    __table_args__ = (
        CheckConstraint(_in("status", SESSION_STATUSES), name="status"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("capacity >= 1", name="capacity_positive"),
        CheckConstraint("jp_credited >= 0", name="jp_not_negative"),
        CheckConstraint("queue_seq >= 0", name="queue_seq_not_negative"),
        CheckConstraint(
            "registration_opens_at IS NULL OR registration_closes_at IS NULL "
            "OR registration_closes_at > registration_opens_at",
            name="window_order",
        ),
        Index("ix_workshop_session_status_starts_at", "status", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    venue: Mapped[str] = mapped_column(String(200), default="")
    online_url: Mapped[str] = mapped_column(String(500), default="")
    capacity: Mapped[int] = mapped_column(Integer)
    jp_credited: Mapped[int] = mapped_column(Integer)
    # NULL: open as soon as published / until the session starts.
    registration_opens_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    registration_closes_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(12), default="draft")
    queue_seq: Mapped[int] = mapped_column(Integer, default=0)
    facilitator: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    workshop: Mapped[Workshop] = relationship(back_populates="sessions")


class Registration(db.Model):
    """One person's place in one session. Rows are never deleted: cancelled and declined stay.

    `position` is the arrival order (from the session's queue_seq), assigned when the person
    enters the seat-or-waitlist queue: the waitlist is served by position.
    """

    __tablename__ = "workshop_registration"
    __table_args__ = (
        UniqueConstraint("session_id", "employee_id"),
        CheckConstraint(_in("status", REGISTRATION_STATUSES), name="status"),
        CheckConstraint(
            "status NOT IN ('confirmed','waitlisted') OR position IS NOT NULL", name="queued"
        ),
        CheckConstraint("NOT attended OR status = 'confirmed'", name="attended_confirmed"),
        CheckConstraint("NOT walk_in OR status IN ('confirmed','cancelled')", name="walk_in"),
        CheckConstraint("status <> 'declined' OR decision_reason <> ''", name="decline_reason"),
        Index("ix_workshop_registration_session_status", "session_id", "status", "position"),
        Index("ix_workshop_registration_employee_status", "employee_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("workshop_session.id"))
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"))
    status: Mapped[str] = mapped_column(String(20))
    position: Mapped[int | None] = mapped_column(Integer)
    mandatory: Mapped[bool] = mapped_column(Boolean, default=False)  # added by an organizer
    walk_in: Mapped[bool] = mapped_column(Boolean, default=False)
    attended: Mapped[bool] = mapped_column(Boolean, default=False)
    # Set once an evaluation is submitted; the evaluation row itself names nobody.
    evaluated: Mapped[bool] = mapped_column(Boolean, default=False)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"))
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    status_changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    session: Mapped[WorkshopSession] = relationship()
    employee: Mapped[Employee] = relationship(foreign_keys=[employee_id])


class Evaluation(db.Model):
    """An attendee's rating of a session. No person, no time: only the session it is about."""

    __tablename__ = "workshop_evaluation"
    __table_args__ = (
        CheckConstraint("relevance BETWEEN 1 AND 5", name="relevance"),
        CheckConstraint("usefulness BETWEEN 1 AND 5", name="usefulness"),
        CheckConstraint("facilitator BETWEEN 1 AND 5", name="facilitator"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("workshop_session.id"), index=True)
    relevance: Mapped[int] = mapped_column(SmallInteger)
    usefulness: Mapped[int] = mapped_column(SmallInteger)
    facilitator: Mapped[int] = mapped_column(SmallInteger)
    comment: Mapped[str] = mapped_column(Text, default="")


class ExternalLearning(db.Model):
    """Learning done elsewhere (e-learning, a seminar…), with evidence; counts once verified."""

    __tablename__ = "external_learning"
    __table_args__ = (
        CheckConstraint(_in("status", EXTERNAL_STATUSES), name="status"),
        CheckConstraint(_in("learning_form", LEARNING_FORMS), name="learning_form"),
        CheckConstraint("jp >= 1 AND jp <= 200", name="jp_range"),
        CheckConstraint("status <> 'rejected' OR review_reason <> ''", name="reject_reason"),
        Index("ix_external_learning_employee_status", "employee_id", "status", "learned_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"))
    title: Mapped[str] = mapped_column(String(200))
    provider: Mapped[str] = mapped_column(String(200))
    learning_form: Mapped[str] = mapped_column(String(20))
    learning_kind: Mapped[str] = mapped_column(String(30))
    learned_on: Mapped[date] = mapped_column(Date)  # the (WIB) day it was completed
    jp: Mapped[int] = mapped_column(Integer)
    evidence_file: Mapped[str] = mapped_column(String(100))  # random name under uploads/
    evidence_name: Mapped[str] = mapped_column(String(200))  # the uploader's file name
    evidence_type: Mapped[str] = mapped_column(String(40))  # detected from the content
    evidence_size: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    review_reason: Mapped[str] = mapped_column(Text, default="")
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    employee: Mapped[Employee] = relationship(foreign_keys=[employee_id])
    reviewed_by: Mapped[Employee | None] = relationship(foreign_keys=[reviewed_by_id])


class Certificate(db.Model):
    """An attendance certificate. What it claims is kept as issued; the code is unguessable.
    The number (``number_seq`` of ``number_year``, written in the configured pattern) is handed
    out from CertificateCounter in the issuing transaction."""

    __tablename__ = "workshop_certificate"
    __table_args__ = (UniqueConstraint("number_year", "number_seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("workshop_registration.id"), unique=True
    )
    code: Mapped[str] = mapped_column(String(64), unique=True)
    holder_name: Mapped[str] = mapped_column(String(200))
    workshop_title: Mapped[str] = mapped_column(String(200))
    session_date: Mapped[date] = mapped_column(Date)
    jp: Mapped[int] = mapped_column(Integer)
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    number: Mapped[str | None] = mapped_column(String(80), unique=True)
    number_year: Mapped[int | None] = mapped_column(Integer)
    number_seq: Mapped[int | None] = mapped_column(Integer)
    session_end_date: Mapped[date | None] = mapped_column(Date)
    holder_nip: Mapped[str] = mapped_column(String(18), default="")
    holder_rank: Mapped[str] = mapped_column(String(100), default="")
    holder_position: Mapped[str] = mapped_column(String(200), default="")
    issued_place: Mapped[str] = mapped_column(String(100), default="")
    issued_on: Mapped[date | None] = mapped_column(Date)
    signatory_name: Mapped[str] = mapped_column(String(200), default="")
    signatory_nip: Mapped[str] = mapped_column(String(18), default="")
    signatory_rank: Mapped[str] = mapped_column(String(100), default="")
    signatory_title: Mapped[str] = mapped_column(String(200), default="")

    registration: Mapped[Registration] = relationship()


class CertificateCounter(db.Model):
    """The last certificate number handed out in a year. Incremented by an UPDATE in the issuing
    transaction, which serialises concurrent issuers on SQLite and PostgreSQL alike."""

    __tablename__ = "workshop_certificate_counter"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer, default=0)


class CalendarToken(db.Model):
    """The secret of one person's calendar feed URL; resetting it replaces the token."""

    __tablename__ = "workshop_calendar_token"

    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


CHECKIN_REQUEST_STATUSES = {
    "pending": _l("Menunggu keputusan"),
    "accepted": _l("Diterima"),
    "refused": _l("Ditolak"),
}


class CheckinRequest(db.Model):
    """Someone who scanned a session's check-in code without a confirmed seat: the organizer
    accepts them as a walk-in (attendance.add_walk_in) or refuses them. One row per person."""

    __tablename__ = "workshop_checkin_request"
    __table_args__ = (
        UniqueConstraint("session_id", "employee_id"),
        CheckConstraint(_in("status", CHECKIN_REQUEST_STATUSES), name="status"),
        Index("ix_workshop_checkin_request_session_status", "session_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("workshop_session.id"))
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"))
    status: Mapped[str] = mapped_column(String(10), default="pending")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    session: Mapped[WorkshopSession] = relationship()
    employee: Mapped[Employee] = relationship(foreign_keys=[employee_id])
