"""Registration: staff register and cancel (seat, waitlist, promotion via seats), the direct
superior approves or declines requests, and each person's list of registrations."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import abort, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, joinedload

from blueprints.auth.access import direct_reports_stmt, direct_superior, is_direct_superior
from blueprints.auth.models import Employee
from blueprints.common.refusals import Refused
from blueprints.common.timefmt import as_utc, utcnow
from blueprints.notifications.services import mark_read_by_link, notify
from blueprints.workshops.models import (
    ACTIVE_REGISTRATION,
    REGISTRATION_STATUSES,
    Registration,
    WorkshopSession,
)
from blueprints.workshops.rules import approval_link, resolve_now, when_text
from blueprints.workshops.seats import (
    clashes_for,
    fresh_row,
    lock_session,
    promote_waitlist,
    registration_of,
    registration_refusal,
    seat_or_queue,
)
from extensions import db


# --- register and cancel ---------------------------------------------------------------------
@dataclass
class Outcome:
    registration: Registration | None
    kind: str  # confirmed | waitlisted | pending_approval | cancelled | clash
    clashes: list[WorkshopSession] = field(default_factory=list)
    promoted: list[Registration] = field(default_factory=list)

    @property
    def message(self) -> str:
        if self.kind == "confirmed":
            return _("Pendaftaran berhasil: Anda terdaftar di sesi ini.")
        if self.kind == "waitlisted":
            return _("Sesi penuh: Anda masuk daftar tunggu dan akan diberi tahu bila ada kursi.")
        if self.kind == "pending_approval":
            return _("Permohonan terkirim ke atasan langsung Anda. Kursi belum dipesan.")
        if self.kind == "cancelled":
            return _("Pendaftaran Anda dibatalkan.")
        return _("Jadwal ini bentrok dengan sesi lain yang Anda ikuti.")


def register(
    session_id: int, employee: Employee, *, confirm_clash: bool = False, now: datetime | None = None
) -> Outcome:
    """Staff register themselves. Refused (no change) outside the window, for a past or
    cancelled session, or twice. A clash is returned (nothing written) until confirmed."""
    now = resolve_now(now)
    session = lock_session(session_id)
    if session.status == "draft" or not session.workshop.active:
        abort(404)
    refusal = registration_refusal(session, now)
    if refusal:
        raise Refused(refusal)
    existing = registration_of(session.id, employee.id)
    if existing is not None and existing.status in ACTIVE_REGISTRATION:
        raise Refused(
            _(
                "Anda sudah terdaftar pada sesi ini (%(status)s).",
                status=REGISTRATION_STATUSES[existing.status],
            )
        )
    if not confirm_clash:
        clashes = clashes_for(session, employee.id)
        if clashes:
            return Outcome(None, "clash", clashes=clashes)
    registration = fresh_row(session, employee)
    superior = direct_superior(employee) if session.workshop.requires_approval else None
    if superior is not None:
        registration.status = "pending_approval"
        registration.position = None
        registration.status_changed_at = now
        db.session.add(registration)
        db.session.flush()  # its id is in the notification's link
        notify(
            superior,
            "workshops.approval_requested",
            link=approval_link(registration.id),
            name=employee.name,
            workshop=session.workshop.title,
            when=when_text(session),
        )
        return Outcome(registration, "pending_approval")
    # No superior to ask (e.g. the head of the root unit): the request goes straight through.
    status = seat_or_queue(session, registration, now)
    return Outcome(registration, status)


def cancel_own(session_id: int, employee: Employee, now: datetime | None = None) -> Outcome:
    """Staff cancel their own registration (or request, or waitlist place) before the start."""
    now = resolve_now(now)
    session = lock_session(session_id)
    registration = registration_of(session.id, employee.id)
    if registration is None or registration.status not in ACTIVE_REGISTRATION:
        raise Refused(_("Anda tidak terdaftar pada sesi ini."))
    if as_utc(session.starts_at) <= now:
        raise Refused(_("Sesi sudah dimulai; pendaftaran tidak dapat dibatalkan."))
    if registration.mandatory:
        raise Refused(_("Pelatihan wajib: hubungi penyelenggara untuk membatalkan."))
    was_confirmed = registration.status == "confirmed"
    registration.status = "cancelled"
    registration.status_changed_at = now
    promoted = promote_waitlist(session, now) if was_confirmed else []
    return Outcome(registration, "cancelled", promoted=promoted)


# --- izin atasan: the direct superior approves or declines ----------------------------------
def _pending_for(leader):
    reports = direct_reports_stmt(leader).subquery()
    return (
        select(Registration)
        .join(Registration.session)
        .where(
            Registration.status == "pending_approval",
            Registration.employee_id.in_(select(reports.c.id)),
            WorkshopSession.status == "published",
        )
    )


def pending_approvals_for(leader) -> list[Registration]:
    """Requests waiting for this leader's decision, oldest first (bounded: one query).

    The dashboard may render them with {% include "workshops/_approvals.html" %} and
    `approvals=pending_approvals_for(current_user)`.
    """
    return list(
        db.session.scalars(
            _pending_for(leader)
            .options(
                joinedload(Registration.employee).joinedload(Employee.unit),
                contains_eager(Registration.session).joinedload(WorkshopSession.workshop),
            )
            .order_by(Registration.status_changed_at, Registration.id)
        )
    )


def _pending_for_approver_or_404(registration_id: int, leader) -> Registration:
    registration = db.session.get(Registration, registration_id)
    if (
        registration is None
        or registration.status != "pending_approval"
        or not is_direct_superior(leader, registration.employee)
    ):
        abort(404)
    return registration


def _decided(leader, registration: Registration) -> None:
    """The leader decided: the notifications that asked for this decision are read now (and,
    once nothing waits any more, older ones that pointed at the approvals page as a whole)."""
    db.session.flush()
    mark_read_by_link(leader, approval_link(registration.id))
    if db.session.scalar(_pending_for(leader).with_only_columns(Registration.id).limit(1)) is None:
        mark_read_by_link(leader, url_for("workshops.approvals"))


def approve(registration_id: int, leader, now: datetime | None = None) -> Registration:
    now = resolve_now(now)
    registration = _pending_for_approver_or_404(registration_id, leader)
    session = lock_session(registration.session_id)
    registration = db.session.get(Registration, registration_id)  # refreshed under the lock
    if registration.status != "pending_approval":
        raise Refused(_("Permohonan ini sudah diputuskan."))
    if session.status != "published" or as_utc(session.starts_at) <= now:
        raise Refused(
            _("Sesi sudah dimulai, selesai atau dibatalkan; permohonan tidak dapat disetujui.")
        )
    registration.decided_by_id = leader.id
    status = seat_or_queue(session, registration, now)
    notify(
        registration.employee,
        "workshops.approved_confirmed"
        if status == "confirmed"
        else "workshops.approved_waitlisted",
        link=url_for("workshops.show", session_id=session.id),
        workshop=session.workshop.title,
        when=when_text(session),
    )
    _decided(leader, registration)
    return registration


def decline(registration_id: int, leader, reason: str, now: datetime | None = None) -> Registration:
    now = resolve_now(now)
    reason = (reason or "").strip()
    if not reason:
        raise Refused(_("Tuliskan alasan penolakan."))
    registration = _pending_for_approver_or_404(registration_id, leader)
    session = lock_session(registration.session_id)
    registration = db.session.get(Registration, registration_id)
    if registration.status != "pending_approval":
        raise Refused(_("Permohonan ini sudah diputuskan."))
    registration.status = "declined"
    registration.decision_reason = reason
    registration.decided_by_id = leader.id
    registration.status_changed_at = now
    notify(
        registration.employee,
        "workshops.declined",
        link=url_for("workshops.show", session_id=session.id),
        workshop=session.workshop.title,
        when=when_text(session),
        reason=reason,
    )
    _decided(leader, registration)
    return registration


def my_registrations(employee: Employee) -> list[Registration]:
    """Upcoming and recent registrations (active ones), soonest first."""
    return list(
        db.session.scalars(
            select(Registration)
            .join(Registration.session)
            .where(
                Registration.employee_id == employee.id,
                Registration.status.in_(ACTIVE_REGISTRATION + ("declined",)),
                WorkshopSession.ends_at > utcnow() - timedelta(days=30),
                WorkshopSession.status != "draft",
            )
            .options(contains_eager(Registration.session).joinedload(WorkshopSession.workshop))
            .order_by(WorkshopSession.starts_at)
            .limit(100)
        )
    )


def upcoming_sessions_for(employee: Employee, limit: int = 5) -> list[Registration]:
    """For the career profile: this person's confirmed/waitlisted/pending sessions ahead."""
    return list(
        db.session.scalars(
            select(Registration)
            .join(Registration.session)
            .where(
                Registration.employee_id == employee.id,
                Registration.status.in_(ACTIVE_REGISTRATION),
                WorkshopSession.starts_at > utcnow(),
                WorkshopSession.status == "published",
            )
            .options(contains_eager(Registration.session).joinedload(WorkshopSession.workshop))
            .order_by(WorkshopSession.starts_at)
            .limit(limit)
        )
    )
