"""Seats: counting, locking, queueing and promotion, shared by registration, attendance and
session edits.

Every decision that gives or takes a seat starts with `lock_session()` (a row lock on the
session: SELECT … FOR UPDATE on PostgreSQL, the database write lock on SQLite), then counts
confirmed registrations and decides. Concurrent requests for one session therefore run one
after the other, and confirmed registrations never exceed capacity.
"""

from __future__ import annotations

from datetime import datetime

from flask import abort, url_for
from flask_babel import gettext as _
from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import joinedload

from blueprints.auth.models import Employee
from blueprints.common.db import lock_row
from blueprints.common.timefmt import as_utc, to_wib
from blueprints.notifications.services import notify
from blueprints.workshops.models import ACTIVE_REGISTRATION, Registration, WorkshopSession
from blueprints.workshops.rules import closes_at, resolve_now, when_text
from extensions import db


def seats_taken_expr():
    """Correlated count of seat-holding registrations (walk-ins came on the day: no seat)."""
    return (
        select(func.count(Registration.id))
        .where(
            Registration.session_id == WorkshopSession.id,
            Registration.status == "confirmed",
            Registration.walk_in.is_(False),
        )
        .correlate(WorkshopSession)
        .scalar_subquery()
    )


def waiting_expr():
    return (
        select(func.count(Registration.id))
        .where(Registration.session_id == WorkshopSession.id, Registration.status == "waitlisted")
        .correlate(WorkshopSession)
        .scalar_subquery()
    )


def counts_for(session_id: int) -> tuple[int, int]:
    """(seats taken, waitlist length) in one aggregate query."""
    row = db.session.execute(
        select(
            func.count(
                case(
                    (
                        and_(Registration.status == "confirmed", Registration.walk_in.is_(False)),
                        1,
                    )
                )
            ),
            func.count(case((Registration.status == "waitlisted", 1))),
        ).where(Registration.session_id == session_id)
    ).one()
    return int(row[0]), int(row[1])


def registration_of(session_id: int, employee_id: int) -> Registration | None:
    return db.session.scalars(
        select(Registration).where(
            Registration.session_id == session_id, Registration.employee_id == employee_id
        )
    ).first()


def clashes_for(session: WorkshopSession, employee_id: int) -> list[WorkshopSession]:
    """Other sessions this person is registered for (or waiting for) that overlap in time."""
    return list(
        db.session.scalars(
            select(WorkshopSession)
            .join(Registration, Registration.session_id == WorkshopSession.id)
            .where(
                Registration.employee_id == employee_id,
                Registration.status.in_(ACTIVE_REGISTRATION),
                WorkshopSession.id != session.id,
                WorkshopSession.status.in_(("published", "completed")),
                WorkshopSession.starts_at < session.ends_at,
                WorkshopSession.ends_at > session.starts_at,
            )
            .options(joinedload(WorkshopSession.workshop))
            .order_by(WorkshopSession.starts_at)
        )
    )


def waitlist_rank(registration: Registration) -> int | None:
    """1 for the first in line."""
    if registration is None or registration.status != "waitlisted":
        return None
    ahead = db.session.scalar(
        select(func.count(Registration.id)).where(
            Registration.session_id == registration.session_id,
            Registration.status == "waitlisted",
            Registration.position < registration.position,
        )
    )
    return int(ahead or 0) + 1


def registration_refusal(session: WorkshopSession, now: datetime | None = None) -> str | None:
    now = resolve_now(now)
    if session.status == "cancelled":
        return _("Sesi ini dibatalkan; pendaftaran tidak dapat dilakukan.")
    if session.status == "completed" or as_utc(session.starts_at) <= now:
        return _("Sesi ini sudah dimulai atau lewat; pendaftaran ditutup.")
    if session.status != "published":
        return _("Sesi ini belum dibuka untuk pendaftaran.")
    if session.registration_opens_at and as_utc(session.registration_opens_at) > now:
        return _(
            "Pendaftaran belum dibuka. Pendaftaran dibuka %(when)s.",
            when=f"{to_wib(session.registration_opens_at):%d-%m-%Y %H.%M} WIB",
        )
    if closes_at(session) <= now:
        return _("Pendaftaran untuk sesi ini sudah ditutup.")
    return None


def lock_session(session_id: int) -> WorkshopSession:
    """The first write of every seat decision. Expire first: values read before the lock
    (in this transaction) may be stale; the locked read refreshes them."""
    db.session.expire_all()
    session = lock_row(WorkshopSession, session_id)
    if session is None:
        abort(404)
    return session


def seats_taken_now(session_id: int) -> int:
    return int(
        db.session.scalar(
            select(func.count(Registration.id)).where(
                Registration.session_id == session_id,
                Registration.status == "confirmed",
                Registration.walk_in.is_(False),
            )
        )
        or 0
    )


def seat_or_queue(session: WorkshopSession, registration: Registration, now: datetime) -> str:
    """Under the session lock: a free seat, or the end of the waitlist. Returns the status."""
    taken = seats_taken_now(session.id)  # counted before this row changes (no autoflush issue)
    session.queue_seq = (session.queue_seq or 0) + 1
    registration.position = session.queue_seq
    registration.status = "confirmed" if taken < session.capacity else "waitlisted"
    registration.status_changed_at = now
    db.session.add(registration)
    return registration.status


def promote_waitlist(session: WorkshopSession, now: datetime | None = None) -> list[Registration]:
    """Under the session lock: fill free seats from the waitlist, first in line first."""
    now = resolve_now(now)
    if session.status != "published" or as_utc(session.starts_at) <= now:
        return []
    free = session.capacity - seats_taken_now(session.id)
    if free <= 0:
        return []
    promoted = list(
        db.session.scalars(
            select(Registration)
            .where(Registration.session_id == session.id, Registration.status == "waitlisted")
            .order_by(Registration.position, Registration.id)
            .limit(free)
            .options(joinedload(Registration.employee))
        )
    )
    link = url_for("workshops.show", session_id=session.id)
    for registration in promoted:
        registration.status = "confirmed"
        registration.status_changed_at = now
        notify(
            registration.employee,
            "workshops.promoted",
            link=link,
            workshop=session.workshop.title,
            when=when_text(session),
        )
    return promoted


def fresh_row(session: WorkshopSession, employee: Employee) -> Registration:
    registration = registration_of(session.id, employee.id)
    if registration is None:
        # Added to the DB session by the caller once its status is set (autoflush safety).
        registration = Registration(session_id=session.id, employee_id=employee.id)
    registration.mandatory = False
    registration.walk_in = False
    registration.attended = False
    registration.evaluated = registration.evaluated or False
    registration.decided_by_id = None
    registration.decision_reason = ""
    return registration
