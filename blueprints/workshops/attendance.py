"""Attendance: organizers add and remove people, record walk-ins and attendance, list and
export participants, the session report, and the attendees' evaluations."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask import abort, url_for
from flask_babel import gettext as _
from sqlalchemy import and_, case, func, or_, select, update
from sqlalchemy.orm import contains_eager

from blueprints.admin.audit import audit
from blueprints.auth.models import Employee
from blueprints.common.refusals import Refused
from blueprints.common.timefmt import as_utc
from blueprints.notifications.services import notify
from blueprints.workshops.access import get_managed_session_or_404
from blueprints.workshops.models import (
    ACTIVE_REGISTRATION,
    REGISTRATION_STATUSES,
    Evaluation,
    Registration,
    WorkshopSession,
)
from blueprints.workshops.rules import (
    EVALUATION_MIN_GROUP,
    has_ended,
    has_started,
    resolve_now,
    session_day_begun,
    when_text,
)
from blueprints.workshops.seats import (
    fresh_row,
    lock_session,
    promote_waitlist,
    registration_of,
    seat_or_queue,
)
from extensions import db


def find_people(lines: str) -> tuple[list[Employee], list[str]]:
    """NIPs or e-mails, one per line (or comma separated) -> (people found, entries not found)."""
    entries = [part.strip() for chunk in (lines or "").splitlines() for part in chunk.split(",")]
    entries = [e for e in entries if e]
    if not entries:
        return [], []
    normalized = [e.replace(" ", "").lower() for e in entries]
    keys = set(normalized)
    people = list(
        db.session.scalars(
            select(Employee).where(
                Employee.active.is_(True),
                or_(Employee.nip.in_(keys), func.lower(Employee.email).in_(keys)),
            )
        )
    )
    # The database returns rows in any order; seats go in the order the organizer typed.
    first_typed_at: dict[str, int] = {}
    for index, key in enumerate(normalized):
        first_typed_at.setdefault(key, index)
    never = len(normalized)
    people.sort(
        key=lambda p: min(
            first_typed_at.get(p.nip, never), first_typed_at.get(p.email.lower(), never)
        )
    )
    found = {p.nip for p in people} | {p.email.lower() for p in people}
    missing = [e for e, key in zip(entries, normalized, strict=True) if key not in found]
    return people, missing


@dataclass
class AddResult:
    confirmed: list[Employee] = field(default_factory=list)
    waitlisted: list[Employee] = field(default_factory=list)
    already: list[Employee] = field(default_factory=list)


def add_participants(
    session: WorkshopSession, people: list[Employee], by, now: datetime | None = None
) -> AddResult:
    """Mandatory training: organizers add people regardless of window and approval; each takes
    a free seat or joins the waitlist, in the order given."""
    now = resolve_now(now)
    session = lock_session(session.id)
    if session.status not in ("draft", "published") or as_utc(session.starts_at) <= now:
        raise Refused(
            _(
                "Peserta hanya dapat ditambahkan sebelum sesi dimulai; gunakan pencatatan peserta langsung."
            )
        )
    result = AddResult()
    link = url_for("workshops.show", session_id=session.id)
    for person in people:
        existing = registration_of(session.id, person.id)
        if existing is not None and existing.status in ("confirmed", "waitlisted"):
            existing.mandatory = True
            result.already.append(person)
            continue
        registration = fresh_row(session, person)
        registration.mandatory = True
        registration.decided_by_id = by.id
        status = seat_or_queue(session, registration, now)
        (result.confirmed if status == "confirmed" else result.waitlisted).append(person)
        if session.status == "published":
            notify(
                person,
                f"workshops.added_{status}",
                link=link,
                workshop=session.workshop.title,
                when=when_text(session),
            )
    audit("workshops.participants_added", session, f"{len(people)}", actor=by)
    return result


def remove_participant(registration_id: int, by, now: datetime | None = None) -> Registration:
    now = resolve_now(now)
    registration = db.session.get(Registration, registration_id)
    if registration is None:
        abort(404)
    get_managed_session_or_404(registration.session_id, by)
    session = lock_session(registration.session_id)
    registration = db.session.get(Registration, registration_id)
    if registration.status not in ACTIVE_REGISTRATION:
        raise Refused(_("Orang ini tidak terdaftar pada sesi ini."))
    was_confirmed = registration.status == "confirmed"
    registration.status = "cancelled"
    registration.attended = False
    registration.decided_by_id = by.id
    registration.status_changed_at = now
    if session.status == "published":
        notify(
            registration.employee,
            "workshops.removed",
            link=url_for("workshops.show", session_id=session.id),
            workshop=session.workshop.title,
            when=when_text(session),
        )
    if was_confirmed:
        promote_waitlist(session, now)
    audit("workshops.participant_removed", registration, registration.employee.nip, actor=by)
    return registration


def add_walk_in(
    session: WorkshopSession, person: Employee, by, now: datetime | None = None
) -> Registration:
    """Someone who came on the day: present, and holding no booked seat."""
    now = resolve_now(now)
    session = lock_session(session.id)
    if session.status not in ("published", "completed") or not session_day_begun(session, now):
        raise Refused(_("Peserta langsung dicatat pada hari pelaksanaan sesi."))
    registration = registration_of(session.id, person.id)
    if registration is not None and registration.status == "confirmed":
        registration.attended = True
        return registration
    registration = fresh_row(session, person)
    session.queue_seq = (session.queue_seq or 0) + 1
    registration.position = session.queue_seq
    registration.status = "confirmed"
    registration.walk_in = True
    registration.attended = True
    registration.decided_by_id = by.id
    registration.status_changed_at = now
    db.session.add(registration)
    return registration


def set_attendance(
    registration_id: int, by, attended: bool, now: datetime | None = None
) -> Registration:
    registration = db.session.get(Registration, registration_id)
    if registration is None:
        abort(404)
    session = get_managed_session_or_404(registration.session_id, by)
    return record_attendance(session, registration, attended, now)


def record_attendance(
    session: WorkshopSession, registration: Registration, attended: bool, now=None
) -> Registration:
    """The one rule for marking a confirmed participant present (or not): the organizer's
    list and the participant's own QR check-in both come here. Marking twice is harmless."""
    if registration.status != "confirmed":
        raise Refused(_("Kehadiran hanya dicatat untuk peserta terdaftar."))
    if session.status == "cancelled" or not session_day_begun(session, now):
        raise Refused(_("Kehadiran dicatat mulai hari pelaksanaan sesi."))
    registration.attended = attended
    return registration


def mark_all_present(session: WorkshopSession, now: datetime | None = None) -> int:
    if session.status == "cancelled" or not session_day_begun(session, now):
        raise Refused(_("Kehadiran dicatat mulai hari pelaksanaan sesi."))
    result = db.session.execute(
        update(Registration)
        .where(Registration.session_id == session.id, Registration.status == "confirmed")
        .values(attended=True)
    )
    return result.rowcount


def participants(session_id: int) -> dict[str, list[Registration]]:
    """Everyone on the session's lists, grouped by status, in queue order (one query)."""
    rows = db.session.scalars(
        select(Registration)
        .join(Registration.employee)
        .where(Registration.session_id == session_id)
        .options(contains_eager(Registration.employee).joinedload(Employee.unit))
        .order_by(Registration.position.is_(None), Registration.position, Employee.name)
    )
    groups: dict[str, list[Registration]] = {key: [] for key in REGISTRATION_STATUSES}
    for row in rows:
        groups[row.status].append(row)
    return groups


def export_rows(session_id: int) -> tuple[list[str], list[list]]:
    header = [
        _("No"),
        _("NIP"),
        _("Nama"),
        _("Unit"),
        _("Jabatan"),
        _("Status"),
        _("Urutan daftar tunggu"),
        _("Hadir"),
        _("Peserta langsung"),
        _("Wajib"),
        _("Terdaftar"),
    ]
    groups = participants(session_id)
    rows = []
    yes, no = _("Ya"), _("Tidak")
    for status in ("confirmed", "waitlisted", "pending_approval"):
        for rank, reg in enumerate(groups[status], start=1):
            rows.append(
                [
                    len(rows) + 1,
                    reg.employee.nip,
                    reg.employee.name,
                    reg.employee.unit.name,
                    reg.employee.jabatan,
                    str(REGISTRATION_STATUSES[reg.status]),
                    rank if status == "waitlisted" else None,
                    yes if reg.attended else no,
                    yes if reg.walk_in else no,
                    yes if reg.mandatory else no,
                    reg.created_at,
                ]
            )
    return header, rows


# --- report ---------------------------------------------------------------------------------
@dataclass
class SessionReport:
    capacity: int
    taken: int
    walk_ins: int
    waiting: int
    pending: int
    attended_registered: int
    no_show: int
    evaluations: int
    relevance: float | None
    usefulness: float | None
    facilitator: float | None
    comments: list[str]
    started: bool

    @property
    def fill_rate(self) -> float:
        return self.taken / self.capacity if self.capacity else 0.0

    @property
    def attendance_rate(self) -> float | None:
        return self.attended_registered / self.taken if self.started and self.taken else None

    @property
    def no_show_rate(self) -> float | None:
        return self.no_show / self.taken if self.started and self.taken else None

    @property
    def enough_evaluations(self) -> bool:
        return self.evaluations >= EVALUATION_MIN_GROUP


def session_report(session: WorkshopSession) -> SessionReport:
    seat = and_(Registration.status == "confirmed", Registration.walk_in.is_(False))
    row = db.session.execute(
        select(
            func.count(case((seat, 1))),
            func.count(case((and_(Registration.status == "confirmed", Registration.walk_in), 1))),
            func.count(case((Registration.status == "waitlisted", 1))),
            func.count(case((Registration.status == "pending_approval", 1))),
            func.count(case((and_(seat, Registration.attended), 1))),
            func.count(case((and_(seat, Registration.attended.is_(False)), 1))),
        ).where(Registration.session_id == session.id)
    ).one()
    ev = db.session.execute(
        select(
            func.count(Evaluation.id),
            func.avg(Evaluation.relevance),
            func.avg(Evaluation.usefulness),
            func.avg(Evaluation.facilitator),
        ).where(Evaluation.session_id == session.id)
    ).one()
    evaluations = int(ev[0])
    comments: list[str] = []
    enough = evaluations >= EVALUATION_MIN_GROUP
    if enough:
        comments = list(
            db.session.scalars(
                select(Evaluation.comment)
                .where(Evaluation.session_id == session.id, Evaluation.comment != "")
                .order_by(func.random())
            )
        )
    return SessionReport(
        capacity=session.capacity,
        taken=int(row[0]),
        walk_ins=int(row[1]),
        waiting=int(row[2]),
        pending=int(row[3]),
        attended_registered=int(row[4]),
        no_show=int(row[5]),
        evaluations=evaluations,
        relevance=float(ev[1]) if enough and ev[1] is not None else None,
        usefulness=float(ev[2]) if enough and ev[2] is not None else None,
        facilitator=float(ev[3]) if enough and ev[3] is not None else None,
        comments=comments,
        started=has_started(session),
    )


# --- evaluation -----------------------------------------------------------------------------
def submit_evaluation(
    session: WorkshopSession,
    employee: Employee,
    relevance: int,
    usefulness: int,
    facilitator: int,
    comment: str,
) -> Evaluation:
    """Once per attendee: the 'evaluated' flag flips atomically; the evaluation names nobody."""
    if not has_ended(session):
        raise Refused(_("Evaluasi dibuka setelah sesi selesai."))
    flipped = db.session.execute(
        update(Registration)
        .where(
            Registration.session_id == session.id,
            Registration.employee_id == employee.id,
            Registration.status == "confirmed",
            Registration.attended.is_(True),
            Registration.evaluated.is_(False),
        )
        .values(evaluated=True)
        .execution_options(synchronize_session=False)
    ).rowcount
    if flipped != 1:
        raise Refused(_("Evaluasi hanya untuk peserta yang hadir, dan hanya sekali."))
    evaluation = Evaluation(
        session_id=session.id,
        relevance=relevance,
        usefulness=usefulness,
        facilitator=facilitator,
        comment=(comment or "").strip(),
    )
    db.session.add(evaluation)
    return evaluation
