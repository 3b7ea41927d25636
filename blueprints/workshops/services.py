"""Workshop rules and queries. Views parse input, call these, and commit or roll back.

Seats: every decision that gives or takes a seat starts with `_lock_session()` (a row lock on
the session: SELECT … FOR UPDATE on PostgreSQL, the database write lock on SQLite), then counts
confirmed registrations and decides. Concurrent requests for one session therefore run one after
the other, and confirmed registrations never exceed capacity.

Public API for other blueprints (kept stable):
  jp_for_year(employee, year) -> int
  jp_by_employee(employee_ids, year) -> dict[employee_id, int]
  jp_target(employee) -> JpTarget
  pending_approvals_for(leader) -> list[Registration]   (and templates/workshops/_approvals.html)
  upcoming_sessions_for(employee, limit) -> list[Registration]
"""

from __future__ import annotations

import calendar as _calendar
import io
import os
import secrets
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask import abort, current_app, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Select,
    and_,
    case,
    exists,
    extract,
    func,
    literal,
    or_,
    select,
    union_all,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, contains_eager, joinedload, selectinload

from blueprints.admin.audit import audit
from blueprints.admin.settings import get_setting
from blueprints.auth.access import (
    direct_reports_stmt,
    direct_superior,
    has_role,
    is_above,
    is_direct_superior,
)
from blueprints.auth.models import Employee
from blueprints.common.db import lock_row
from blueprints.common.pagination import Page, paginate
from blueprints.common.timefmt import (
    as_utc,
    to_wib,
    today_wib,
    utcnow,
    wib_to_utc,
    wib_year_bounds,
)
from blueprints.notifications.services import notify, register_kind
from blueprints.workshops.models import (
    ACTIVE_REGISTRATION,
    ALL_KINDS,
    REGISTRATION_STATUSES,
    CalendarToken,
    Certificate,
    Evaluation,
    ExternalLearning,
    Registration,
    Topic,
    Workshop,
    WorkshopSession,
    workshop_organizer,
    workshop_topic_link,
)
from extensions import db

JP_MINUTES = 45  # 1 JP = 45 minutes (domain.md §2)
EVIDENCE_MAX_BYTES = 5 * 1024 * 1024
EVALUATION_MIN_GROUP = 3  # averages and comments only from this many evaluations
CATALOGUE_PAGE_SIZE = 20

register_kind(
    "workshops.promoted",
    _l("Kursi tersedia: Anda kini terdaftar di %(workshop)s (%(when)s) dari daftar tunggu."),
)
register_kind(
    "workshops.session_changed",
    _l("Jadwal atau tempat %(workshop)s (%(when)s) berubah. Periksa rinciannya."),
)
register_kind(
    "workshops.session_cancelled", _l("Sesi %(workshop)s (%(when)s) dibatalkan penyelenggara.")
)
register_kind(
    "workshops.approval_requested",
    _l("%(name)s meminta izin mengikuti %(workshop)s (%(when)s)."),
)
register_kind(
    "workshops.approved_confirmed",
    _l("Atasan menyetujui permohonan Anda: Anda terdaftar di %(workshop)s (%(when)s)."),
)
register_kind(
    "workshops.approved_waitlisted",
    _l(
        "Atasan menyetujui permohonan Anda; sesi %(workshop)s (%(when)s) penuh, Anda masuk daftar tunggu."
    ),
)
register_kind(
    "workshops.declined",
    _l("Permohonan mengikuti %(workshop)s (%(when)s) ditolak atasan. Alasan: %(reason)s"),
)
register_kind(
    "workshops.added_confirmed",
    _l("Penyelenggara mendaftarkan Anda sebagai peserta wajib %(workshop)s (%(when)s)."),
)
register_kind(
    "workshops.added_waitlisted",
    _l("Penyelenggara mendaftarkan Anda ke %(workshop)s (%(when)s); Anda di daftar tunggu."),
)
register_kind(
    "workshops.removed", _l("Penyelenggara mengeluarkan Anda dari %(workshop)s (%(when)s).")
)
register_kind(
    "workshops.external_verified", _l('Catatan pembelajaran "%(title)s" diverifikasi: %(jp)s JP.')
)
register_kind(
    "workshops.external_rejected",
    _l('Catatan pembelajaran "%(title)s" ditolak. Alasan: %(reason)s'),
)


class Refused(Exception):
    """A rule says no. The message is shown to the user; the caller rolls back."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- small helpers ---------------------------------------------------------------------------
def default_jp(starts_at: datetime, ends_at: datetime) -> int:
    """Whole 45-minute units in the session's duration: 3 hours -> 4 JP."""
    minutes = int((as_utc(ends_at) - as_utc(starts_at)).total_seconds() // 60)
    return max(0, minutes // JP_MINUTES)


def when_text(session: WorkshopSession) -> str:
    """A locale-neutral date for notification texts (stored with the notification)."""
    return f"{to_wib(session.starts_at):%d-%m-%Y %H.%M} WIB"


def _now(now: datetime | None) -> datetime:
    return as_utc(now) if now is not None else utcnow()


def has_started(session: WorkshopSession, now: datetime | None = None) -> bool:
    return as_utc(session.starts_at) <= _now(now)


def has_ended(session: WorkshopSession, now: datetime | None = None) -> bool:
    return session.status == "completed" or (
        session.status == "published" and as_utc(session.ends_at) <= _now(now)
    )


def session_day_begun(session: WorkshopSession, now: datetime | None = None) -> bool:
    """Attendance and walk-ins: from the session's day (WIB) on."""
    return to_wib(_now(now)).date() >= to_wib(session.starts_at).date()


def closes_at(session: WorkshopSession) -> datetime:
    return as_utc(session.registration_closes_at or session.starts_at)


def month_bounds(month: str) -> tuple[datetime, datetime] | None:
    """'2026-11' -> [start, end) of that WIB month in UTC; None if malformed."""
    try:
        year, mon = (int(part) for part in month.split("-", 1))
        first = date(year, mon, 1)
    except ValueError:
        return None
    last_day = _calendar.monthrange(year, mon)[1]
    return wib_to_utc(first, time()), wib_to_utc(first.replace(day=last_day), time()) + timedelta(
        days=1
    )


def upcoming_months(count: int = 12) -> list[str]:
    today = today_wib()
    months = []
    year, mon = today.year, today.month
    for _i in range(count):
        months.append(f"{year:04d}-{mon:02d}")
        mon += 1
        if mon == 13:
            year, mon = year + 1, 1
    return months


# --- access: the object-level rules of this blueprint, in one place -------------------------
def is_organizer(user) -> bool:
    return has_role(user, "organizer")


def organizes(user, workshop_id: int) -> bool:
    """The user holds the organizer role and is one of this workshop's organizers."""
    if not is_organizer(user):
        return False
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    workshop_organizer.c.workshop_id == workshop_id,
                    workshop_organizer.c.employee_id == user.id,
                )
            )
        )
    )


def get_managed_workshop_or_404(workshop_id: int, user) -> Workshop:
    workshop = db.session.get(Workshop, workshop_id)
    if workshop is None:
        abort(404)
    if not organizes(user, workshop.id):
        abort(403)
    return workshop


def get_managed_session_or_404(session_id: int, user) -> WorkshopSession:
    session = db.session.scalars(
        select(WorkshopSession)
        .where(WorkshopSession.id == session_id)
        .options(joinedload(WorkshopSession.workshop))
    ).first()
    if session is None:
        abort(404)
    if not organizes(user, session.workshop_id):
        abort(403)
    return session


def get_visible_session_or_404(session_id: int, user) -> WorkshopSession:
    """Staff see published, completed and cancelled sessions; drafts only their organizers."""
    session = db.session.scalars(
        select(WorkshopSession)
        .where(WorkshopSession.id == session_id)
        .options(
            joinedload(WorkshopSession.workshop).selectinload(Workshop.topics),
            joinedload(WorkshopSession.workshop).selectinload(Workshop.organizers),
        )
    ).first()
    if session is None:
        abort(404)
    hidden = session.status == "draft" or not session.workshop.active
    if hidden and not can_manage(user, session):
        abort(404)
    return session


def get_visible_workshop_or_404(workshop_id: int, user) -> Workshop:
    workshop = db.session.scalars(
        select(Workshop)
        .where(Workshop.id == workshop_id)
        .options(selectinload(Workshop.topics), selectinload(Workshop.organizers))
    ).first()
    if workshop is None:
        abort(404)
    if not workshop.active and not (
        is_organizer(user) and any(p.id == user.id for p in workshop.organizers)
    ):
        abort(404)
    return workshop


def workshop_sessions(workshop: Workshop, user, now: datetime | None = None) -> list:
    """The programme's upcoming published sessions as SessionViews (one query)."""
    taken = _seats_taken_expr()
    mine = aliased(Registration)
    rows = db.session.execute(
        select(WorkshopSession, taken, _waiting_expr(), mine)
        .outerjoin(mine, and_(mine.session_id == WorkshopSession.id, mine.employee_id == user.id))
        .where(
            WorkshopSession.workshop_id == workshop.id,
            WorkshopSession.status == "published",
            WorkshopSession.starts_at > _now(now),
        )
        .order_by(WorkshopSession.starts_at)
        .limit(50)
    ).all()
    views = []
    for session, n_taken, n_waiting, registration in rows:
        views.append(SessionView(session, int(n_taken), int(n_waiting), registration))
    return views


def can_manage(user, session: WorkshopSession) -> bool:
    return is_organizer(user) and any(p.id == user.id for p in session.workshop.organizers)


def get_evidence_or_404(record_id: int, user) -> ExternalLearning:
    """Evidence files: the owner, organizers and the owner's leaders; nobody else learns of it."""
    record = db.session.scalars(
        select(ExternalLearning)
        .where(ExternalLearning.id == record_id)
        .options(joinedload(ExternalLearning.employee))
    ).first()
    if record is None or not can_see_external(user, record):
        abort(404)
    return record


def can_see_external(user, record: ExternalLearning) -> bool:
    return record.employee_id == user.id or is_organizer(user) or is_above(user, record.employee)


# --- catalogue -------------------------------------------------------------------------------
@dataclass
class CatalogueFilters:
    q: str = ""
    topic: int | None = None
    competency: str = ""
    month: str = ""
    seats: bool = False


def _seats_taken_expr():
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


def _waiting_expr():
    return (
        select(func.count(Registration.id))
        .where(Registration.session_id == WorkshopSession.id, Registration.status == "waitlisted")
        .correlate(WorkshopSession)
        .scalar_subquery()
    )


def catalogue_stmt(filters: CatalogueFilters, user, now: datetime | None = None) -> Select:
    """Upcoming published sessions, with seats taken, waitlist length and my registration."""
    taken = _seats_taken_expr()
    mine = aliased(Registration)
    stmt = (
        select(WorkshopSession, taken.label("taken"), _waiting_expr().label("waiting"), mine)
        .join(WorkshopSession.workshop)
        .outerjoin(mine, and_(mine.session_id == WorkshopSession.id, mine.employee_id == user.id))
        .where(
            WorkshopSession.status == "published",
            WorkshopSession.starts_at > _now(now),
            Workshop.active.is_(True),
        )
        .options(contains_eager(WorkshopSession.workshop).selectinload(Workshop.topics))
        .order_by(WorkshopSession.starts_at, WorkshopSession.id)
    )
    if filters.q:
        stmt = stmt.where(
            or_(
                Workshop.title.icontains(filters.q, autoescape=True),
                Workshop.description.icontains(filters.q, autoescape=True),
            )
        )
    if filters.topic:
        stmt = stmt.where(Workshop.topics.any(Topic.id == filters.topic))
    if filters.competency:
        stmt = stmt.where(Workshop.competency_type == filters.competency)
    if filters.month and (bounds := month_bounds(filters.month)):
        stmt = stmt.where(
            WorkshopSession.starts_at >= bounds[0], WorkshopSession.starts_at < bounds[1]
        )
    if filters.seats:
        stmt = stmt.where(taken < WorkshopSession.capacity)
    return stmt


def catalogue(filters: CatalogueFilters, user) -> Page:
    """A page of SessionViews: a count query, the page query, and one query for its topics."""
    page = paginate(catalogue_stmt(filters, user), per_page=CATALOGUE_PAGE_SIZE, scalars=False)
    page.items = [
        SessionView(session, int(taken), int(waiting), mine)
        for session, taken, waiting, mine in page.items
    ]
    return page


def active_topics() -> list[Topic]:
    return list(
        db.session.scalars(select(Topic).where(Topic.active.is_(True)).order_by(Topic.name))
    )


# --- one session, as staff see it ------------------------------------------------------------
@dataclass
class SessionView:
    session: WorkshopSession
    taken: int
    waiting: int
    mine: Registration | None
    clashes: list[WorkshopSession] = field(default_factory=list)
    waitlist_rank: int | None = None
    certificate: Certificate | None = None

    @property
    def status(self) -> str | None:
        return self.mine.status if self.mine is not None else None

    @property
    def seats_left(self) -> int:
        return max(0, self.session.capacity - self.taken)

    @property
    def is_full(self) -> bool:
        return self.taken >= self.session.capacity

    @property
    def active(self) -> bool:
        return self.mine is not None and self.mine.status in ACTIVE_REGISTRATION

    def refusal(self) -> str | None:
        """Why this person cannot register now (None: they can)."""
        return registration_refusal(self.session) if not self.active else None

    @property
    def can_cancel(self) -> bool:
        return self.active and not has_started(self.session) and not self.mine.mandatory

    @property
    def can_evaluate(self) -> bool:
        mine = self.mine
        return bool(
            mine
            and mine.status == "confirmed"
            and mine.attended
            and not mine.evaluated
            and has_ended(self.session)
        )

    @property
    def has_certificate(self) -> bool:
        return certificate_allowed(self.mine) if self.mine else False


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


def session_view(session: WorkshopSession, user) -> SessionView:
    taken, waiting = counts_for(session.id)
    mine = registration_of(session.id, user.id)
    view = SessionView(session, taken, waiting, mine)
    if mine is None or mine.status not in ACTIVE_REGISTRATION:
        if session.status == "published" and not has_started(session):
            view.clashes = clashes_for(session, user.id)
    else:
        view.waitlist_rank = waitlist_rank(mine)
    return view


def registration_refusal(session: WorkshopSession, now: datetime | None = None) -> str | None:
    now = _now(now)
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


# --- seats: register, cancel, promote ---------------------------------------------------------
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


def _lock_session(session_id: int) -> WorkshopSession:
    """The first write of every seat decision. Expire first: values read before the lock
    (in this transaction) may be stale; the locked read refreshes them."""
    db.session.expire_all()
    session = lock_row(WorkshopSession, session_id)
    if session is None:
        abort(404)
    return session


def _seats_taken_now(session_id: int) -> int:
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


def _seat_or_queue(session: WorkshopSession, registration: Registration, now: datetime) -> str:
    """Under the session lock: a free seat, or the end of the waitlist. Returns the status."""
    taken = _seats_taken_now(session.id)  # counted before this row changes (no autoflush issue)
    session.queue_seq = (session.queue_seq or 0) + 1
    registration.position = session.queue_seq
    registration.status = "confirmed" if taken < session.capacity else "waitlisted"
    registration.status_changed_at = now
    db.session.add(registration)
    return registration.status


def promote_waitlist(session: WorkshopSession, now: datetime | None = None) -> list[Registration]:
    """Under the session lock: fill free seats from the waitlist, first in line first."""
    now = _now(now)
    if session.status != "published" or as_utc(session.starts_at) <= now:
        return []
    free = session.capacity - _seats_taken_now(session.id)
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


def _fresh_row(session: WorkshopSession, employee: Employee) -> Registration:
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


def register(
    session_id: int, employee: Employee, *, confirm_clash: bool = False, now: datetime | None = None
) -> Outcome:
    """Staff register themselves. Refused (no change) outside the window, for a past or
    cancelled session, or twice. A clash is returned (nothing written) until confirmed."""
    now = _now(now)
    session = _lock_session(session_id)
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
    registration = _fresh_row(session, employee)
    superior = direct_superior(employee) if session.workshop.requires_approval else None
    if superior is not None:
        registration.status = "pending_approval"
        registration.position = None
        registration.status_changed_at = now
        db.session.add(registration)
        notify(
            superior,
            "workshops.approval_requested",
            link=url_for("workshops.approvals"),
            name=employee.name,
            workshop=session.workshop.title,
            when=when_text(session),
        )
        return Outcome(registration, "pending_approval")
    # No superior to ask (e.g. the head of the root unit): the request goes straight through.
    status = _seat_or_queue(session, registration, now)
    return Outcome(registration, status)


def cancel_own(session_id: int, employee: Employee, now: datetime | None = None) -> Outcome:
    """Staff cancel their own registration (or request, or waitlist place) before the start."""
    now = _now(now)
    session = _lock_session(session_id)
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
def pending_approvals_for(leader) -> list[Registration]:
    """Requests waiting for this leader's decision, oldest first (bounded: one query).

    The dashboard may render them with {% include "workshops/_approvals.html" %} and
    `approvals=pending_approvals_for(current_user)`.
    """
    reports = direct_reports_stmt(leader).subquery()
    return list(
        db.session.scalars(
            select(Registration)
            .join(Registration.session)
            .where(
                Registration.status == "pending_approval",
                Registration.employee_id.in_(select(reports.c.id)),
                WorkshopSession.status == "published",
            )
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


def approve(registration_id: int, leader, now: datetime | None = None) -> Registration:
    now = _now(now)
    registration = _pending_for_approver_or_404(registration_id, leader)
    session = _lock_session(registration.session_id)
    registration = db.session.get(Registration, registration_id)  # refreshed under the lock
    if registration.status != "pending_approval":
        raise Refused(_("Permohonan ini sudah diputuskan."))
    if session.status != "published" or as_utc(session.starts_at) <= now:
        raise Refused(
            _("Sesi sudah dimulai, selesai atau dibatalkan; permohonan tidak dapat disetujui.")
        )
    registration.decided_by_id = leader.id
    status = _seat_or_queue(session, registration, now)
    notify(
        registration.employee,
        "workshops.approved_confirmed"
        if status == "confirmed"
        else "workshops.approved_waitlisted",
        link=url_for("workshops.show", session_id=session.id),
        workshop=session.workshop.title,
        when=when_text(session),
    )
    return registration


def decline(registration_id: int, leader, reason: str, now: datetime | None = None) -> Registration:
    now = _now(now)
    reason = (reason or "").strip()
    if not reason:
        raise Refused(_("Tuliskan alasan penolakan."))
    registration = _pending_for_approver_or_404(registration_id, leader)
    session = _lock_session(registration.session_id)
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
    return registration


# --- organizer tools ------------------------------------------------------------------------
def find_people(lines: str) -> tuple[list[Employee], list[str]]:
    """NIPs or e-mails, one per line (or comma separated) -> (people found, entries not found)."""
    entries = [part.strip() for chunk in (lines or "").splitlines() for part in chunk.split(",")]
    entries = [e for e in entries if e]
    if not entries:
        return [], []
    keys = {e.replace(" ", "").lower() for e in entries}
    people = list(
        db.session.scalars(
            select(Employee).where(
                Employee.active.is_(True),
                or_(Employee.nip.in_(keys), func.lower(Employee.email).in_(keys)),
            )
        )
    )
    found = {p.nip for p in people} | {p.email.lower() for p in people}
    missing = [e for e in entries if e.replace(" ", "").lower() not in found]
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
    now = _now(now)
    session = _lock_session(session.id)
    if session.status not in ("draft", "published") or as_utc(session.starts_at) <= now:
        raise Refused(
            _(
                "Peserta hanya dapat ditambahkan sebelum sesi dimulai; gunakan peserta langsung (walk-in)."
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
        registration = _fresh_row(session, person)
        registration.mandatory = True
        registration.decided_by_id = by.id
        status = _seat_or_queue(session, registration, now)
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
    now = _now(now)
    registration = db.session.get(Registration, registration_id)
    if registration is None:
        abort(404)
    get_managed_session_or_404(registration.session_id, by)
    session = _lock_session(registration.session_id)
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
    now = _now(now)
    session = _lock_session(session.id)
    if session.status not in ("published", "completed") or not session_day_begun(session, now):
        raise Refused(_("Peserta langsung (walk-in) dicatat pada hari pelaksanaan sesi."))
    registration = registration_of(session.id, person.id)
    if registration is not None and registration.status == "confirmed":
        registration.attended = True
        return registration
    registration = _fresh_row(session, person)
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
        _("Walk-in"),
        _("Wajib"),
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
                ]
            )
    return header, rows


def update_session(
    session: WorkshopSession, data: dict, by, now: datetime | None = None
) -> list[Registration]:
    """Apply an organizer's edit. Raising capacity promotes the waitlist at once; a change of
    time or place notifies everyone registered. Returns the promoted registrations."""
    now = _now(now)
    session = _lock_session(session.id)
    if session.status in ("cancelled", "completed"):
        raise Refused(_("Sesi yang dibatalkan atau selesai tidak dapat diubah."))
    taken = _seats_taken_now(session.id)
    if data["capacity"] < taken:
        raise Refused(
            _("Kapasitas tidak boleh kurang dari jumlah peserta terdaftar (%(n)d).", n=taken)
        )
    changed = (
        as_utc(session.starts_at) != as_utc(data["starts_at"])
        or as_utc(session.ends_at) != as_utc(data["ends_at"])
        or session.venue != data["venue"]
        or session.online_url != data["online_url"]
    )
    for key, value in data.items():
        setattr(session, key, value)
    session.updated_at = now
    promoted = promote_waitlist(session, now)
    if changed and session.status == "published":
        _notify_registrants(session, "workshops.session_changed", exclude={r.id for r in promoted})
    audit("workshops.session_updated", session, actor=by)
    return promoted


def _notify_registrants(session: WorkshopSession, kind: str, exclude=frozenset()) -> int:
    people = db.session.scalars(
        select(Employee)
        .join(Registration, Registration.employee_id == Employee.id)
        .where(
            Registration.session_id == session.id,
            Registration.status.in_(ACTIVE_REGISTRATION),
            Registration.id.not_in(list(exclude)) if exclude else literal(True),
        )
    ).all()
    link = url_for("workshops.show", session_id=session.id)
    for person in people:
        notify(person, kind, link=link, workshop=session.workshop.title, when=when_text(session))
    return len(people)


def create_session(workshop: Workshop, data: dict, by) -> WorkshopSession:
    session = WorkshopSession(workshop_id=workshop.id, status="draft", queue_seq=0, **data)
    db.session.add(session)
    db.session.flush()
    audit("workshops.session_created", session, workshop.title, actor=by)
    return session


def set_session_status(
    session: WorkshopSession, action: str, by, now: datetime | None = None
) -> None:
    """publish (draft -> published), cancel (notifies registrants), complete (after the start)."""
    now = _now(now)
    session = _lock_session(session.id)
    if action == "publish":
        if session.status != "draft":
            raise Refused(_("Hanya draf yang dapat diterbitkan."))
        if as_utc(session.starts_at) <= now:
            raise Refused(_("Sesi yang sudah lewat tidak dapat diterbitkan."))
        session.status = "published"
        promote_waitlist(session, now)
    elif action == "cancel":
        if session.status not in ("draft", "published"):
            raise Refused(_("Sesi ini tidak dapat dibatalkan."))
        was_published = session.status == "published"
        session.status = "cancelled"
        if was_published:
            _notify_registrants(session, "workshops.session_cancelled")
    elif action == "complete":
        if session.status != "published" or as_utc(session.starts_at) > now:
            raise Refused(_("Hanya sesi terbit yang sudah dimulai dapat ditandai selesai."))
        session.status = "completed"
    else:
        abort(400)
    session.updated_at = now
    audit(f"workshops.session_{action}", session, actor=by)


def save_workshop(
    workshop: Workshop | None, data: dict, topic_ids: list[int], organizer_ids: list[int], by
) -> Workshop:
    if workshop is None:
        workshop = Workshop(created_by_id=by.id)
        db.session.add(workshop)
    for key, value in data.items():
        setattr(workshop, key, value)
    workshop.topics = list(db.session.scalars(select(Topic).where(Topic.id.in_(topic_ids or [0]))))
    ids = set(organizer_ids or []) | {by.id}
    workshop.organizers = list(db.session.scalars(select(Employee).where(Employee.id.in_(ids))))
    db.session.flush()
    audit("workshops.workshop_saved", workshop, workshop.title, actor=by)
    return workshop


def organizer_candidates() -> list[Employee]:
    from blueprints.auth.models import EmployeeRole

    return list(
        db.session.scalars(
            select(Employee)
            .join(EmployeeRole, EmployeeRole.employee_id == Employee.id)
            .where(EmployeeRole.role == "organizer", Employee.active.is_(True))
            .order_by(Employee.name)
        )
    )


def managed_workshops(user) -> list[tuple[Workshop, int, int]]:
    """(workshop, upcoming sessions, sessions total) for the workshops this person organizes."""
    now = utcnow()
    rows = db.session.execute(
        select(
            Workshop,
            func.count(
                case(
                    (
                        and_(
                            WorkshopSession.starts_at > now, WorkshopSession.status != "cancelled"
                        ),
                        1,
                    )
                )
            ),
            func.count(WorkshopSession.id),
        )
        .join(workshop_organizer, workshop_organizer.c.workshop_id == Workshop.id)
        .outerjoin(WorkshopSession, WorkshopSession.workshop_id == Workshop.id)
        .where(workshop_organizer.c.employee_id == user.id)
        .group_by(Workshop.id)
        .order_by(Workshop.title)
    ).all()
    return [(w, int(up), int(total)) for w, up, total in rows]


def managed_sessions(
    user, workshop_id: int | None = None, upcoming_only: bool = True, limit: int = 50
) -> list:
    """Rows (session, taken, waiting, pending, attended) for the organizer's sessions."""
    stmt = (
        select(
            WorkshopSession,
            _seats_taken_expr().label("taken"),
            _waiting_expr().label("waiting"),
            select(func.count(Registration.id))
            .where(
                Registration.session_id == WorkshopSession.id,
                Registration.status == "pending_approval",
            )
            .correlate(WorkshopSession)
            .scalar_subquery()
            .label("pending"),
            select(func.count(Registration.id))
            .where(Registration.session_id == WorkshopSession.id, Registration.attended.is_(True))
            .correlate(WorkshopSession)
            .scalar_subquery()
            .label("attended"),
        )
        .join(WorkshopSession.workshop)
        .join(workshop_organizer, workshop_organizer.c.workshop_id == Workshop.id)
        .where(workshop_organizer.c.employee_id == user.id)
        .options(contains_eager(WorkshopSession.workshop))
    )
    if workshop_id is not None:
        stmt = stmt.where(WorkshopSession.workshop_id == workshop_id)
    if upcoming_only:
        stmt = stmt.where(
            WorkshopSession.ends_at > utcnow() - timedelta(days=7),
            WorkshopSession.status != "cancelled",
        )
        stmt = stmt.order_by(WorkshopSession.starts_at)
    else:
        stmt = stmt.order_by(WorkshopSession.starts_at.desc())
    return db.session.execute(stmt.limit(limit)).all()


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


# --- JP ledger ------------------------------------------------------------------------------
@dataclass(frozen=True)
class JpTarget:
    """kind 'min': at least `value` JP a year (PNS); kind 'max': at most `value` (PPPK)."""

    kind: str
    value: int


def jp_target(employee: Employee) -> JpTarget:
    if employee.employment_type == "PPPK":
        return JpTarget("max", get_setting("jp_max_pppk"))
    return JpTarget("min", get_setting("jp_target_pns"))


def jp_sources(employee_ids, year: int):
    """UNION ALL of (employee_id, jp): attended sessions that started in the WIB year (not
    cancelled) and verified external records dated in that year."""
    start, end = wib_year_bounds(year)
    attended = (
        select(
            Registration.employee_id.label("employee_id"), WorkshopSession.jp_credited.label("jp")
        )
        .join(WorkshopSession, WorkshopSession.id == Registration.session_id)
        .where(
            Registration.employee_id.in_(employee_ids),
            Registration.status == "confirmed",
            Registration.attended.is_(True),
            WorkshopSession.status != "cancelled",
            WorkshopSession.starts_at >= start,
            WorkshopSession.starts_at < end,
        )
    )
    external = select(
        ExternalLearning.employee_id.label("employee_id"), ExternalLearning.jp.label("jp")
    ).where(
        ExternalLearning.employee_id.in_(employee_ids),
        ExternalLearning.status == "verified",
        ExternalLearning.learned_on >= date(year, 1, 1),
        ExternalLearning.learned_on <= date(year, 12, 31),
    )
    return union_all(attended, external).subquery()


def jp_by_employee(employee_ids, year: int) -> dict[int, int]:
    """JP per employee for a calendar year (WIB), in one SQL query.

    employee_ids: a SELECT of employee ids (e.g. a leader's scope) or a list of ids.
    Employees with no JP are absent from the result: use .get(id, 0).
    """
    if isinstance(employee_ids, Select) and len(employee_ids.selected_columns) != 1:
        employee_ids = employee_ids.with_only_columns(Employee.id)
    sources = jp_sources(employee_ids, year)
    rows = db.session.execute(
        select(sources.c.employee_id, func.sum(sources.c.jp)).group_by(sources.c.employee_id)
    )
    return {int(emp): int(total or 0) for emp, total in rows}


def jp_for_year(employee: Employee, year: int) -> int:
    """JP one person earned in a calendar year (WIB): attended sessions + verified records."""
    return jp_by_employee([employee.id], year).get(employee.id, 0)


@dataclass
class Ledger:
    employee: Employee
    year: int
    sessions: list[Registration]
    external: list[ExternalLearning]
    total: int
    target: JpTarget
    certificates: dict[int, str]

    @property
    def sessions_jp(self) -> int:
        return sum(r.session.jp_credited for r in self.sessions)

    @property
    def external_jp(self) -> int:
        return sum(r.jp for r in self.external if r.status == "verified")

    @property
    def progress(self) -> float:
        return min(1.0, self.total / self.target.value) if self.target.value else 1.0

    @property
    def met(self) -> bool:
        if self.target.kind == "min":
            return self.total >= self.target.value
        return self.total <= self.target.value


def ledger(employee: Employee, year: int) -> Ledger:
    start, end = wib_year_bounds(year)
    sessions = list(
        db.session.scalars(
            select(Registration)
            .join(Registration.session)
            .where(
                Registration.employee_id == employee.id,
                Registration.status == "confirmed",
                Registration.attended.is_(True),
                WorkshopSession.status != "cancelled",
                WorkshopSession.starts_at >= start,
                WorkshopSession.starts_at < end,
            )
            .options(contains_eager(Registration.session).joinedload(WorkshopSession.workshop))
            .order_by(WorkshopSession.starts_at)
        )
    )
    external = list(
        db.session.scalars(
            select(ExternalLearning)
            .where(
                ExternalLearning.employee_id == employee.id,
                extract("year", ExternalLearning.learned_on) == year,
            )
            .order_by(ExternalLearning.learned_on, ExternalLearning.id)
        )
    )
    certificates = dict(
        db.session.execute(
            select(Certificate.registration_id, Certificate.code).where(
                Certificate.registration_id.in_([r.id for r in sessions] or [0])
            )
        ).all()
    )
    return Ledger(
        employee,
        year,
        sessions,
        external,
        jp_for_year(employee, year),
        jp_target(employee),
        certificates,
    )


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


# --- external learning ----------------------------------------------------------------------
SIGNATURES = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
)


def sniff_evidence(head: bytes) -> tuple[str, str] | None:
    """(mime type, extension) from the file's first bytes, or None for anything else."""
    for magic, mime, ext in SIGNATURES:
        if head.startswith(magic):
            return mime, ext
    return None


def evidence_dir() -> str:
    path = os.path.join(current_app.config["UPLOAD_FOLDER"], "external")
    os.makedirs(path, exist_ok=True)
    return path


def read_evidence(storage) -> tuple[bytes, str, str]:
    """Validate an uploaded file: at most 5 MB and really a PDF, JPG or PNG (by content)."""
    data = storage.stream.read(EVIDENCE_MAX_BYTES + 1)
    if not data:
        raise Refused(_("Berkas bukti kosong."))
    if len(data) > EVIDENCE_MAX_BYTES:
        raise Refused(_("Berkas bukti lebih dari 5 MB."))
    kind = sniff_evidence(data[:16])
    if kind is None:
        raise Refused(_("Berkas bukti harus PDF, JPG atau PNG."))
    return data, kind[0], kind[1]


def create_external(employee: Employee, data: dict, storage) -> ExternalLearning:
    content, mime, ext = read_evidence(storage)
    name = f"{secrets.token_hex(16)}.{ext}"
    path = os.path.join(evidence_dir(), name)
    with open(path, "xb") as fh:
        fh.write(content)
    original = os.path.basename((storage.filename or "bukti").replace("\\", "/"))[:200]
    record = ExternalLearning(
        employee_id=employee.id,
        evidence_file=name,
        evidence_name=original or f"bukti.{ext}",
        evidence_type=mime,
        evidence_size=len(content),
        status="pending",
        **data,
    )
    db.session.add(record)
    return record


def evidence_path(record: ExternalLearning) -> str:
    return os.path.join(evidence_dir(), os.path.basename(record.evidence_file))


def pending_external_count() -> int:
    return int(
        db.session.scalar(
            select(func.count(ExternalLearning.id)).where(ExternalLearning.status == "pending")
        )
        or 0
    )


def pending_external(limit: int = 100) -> list[ExternalLearning]:
    return list(
        db.session.scalars(
            select(ExternalLearning)
            .where(ExternalLearning.status == "pending")
            .options(joinedload(ExternalLearning.employee).joinedload(Employee.unit))
            .order_by(ExternalLearning.created_at, ExternalLearning.id)
            .limit(limit)
        )
    )


def review_external(record_id: int, by, verify: bool, reason: str = "") -> ExternalLearning:
    if not is_organizer(by):
        abort(403)
    record = db.session.get(ExternalLearning, record_id)
    if record is None:
        abort(404)
    if record.employee_id == by.id:
        raise Refused(_("Catatan Anda sendiri diverifikasi oleh penyelenggara lain."))
    if record.status != "pending":
        raise Refused(_("Catatan ini sudah diperiksa."))
    reason = (reason or "").strip()
    if not verify and not reason:
        raise Refused(_("Tuliskan alasan penolakan."))
    record.status = "verified" if verify else "rejected"
    record.review_reason = reason
    record.reviewed_by_id = by.id
    record.reviewed_at = utcnow()
    link = url_for("workshops.ledger")
    if verify:
        notify(
            record.employee,
            "workshops.external_verified",
            link=link,
            title=record.title,
            jp=record.jp,
        )
    else:
        notify(
            record.employee,
            "workshops.external_rejected",
            link=link,
            title=record.title,
            reason=reason,
        )
    audit(f"workshops.external_{record.status}", record, reason, actor=by)
    return record


# --- certificates ---------------------------------------------------------------------------
def certificate_allowed(registration: Registration | None) -> bool:
    return bool(
        registration
        and registration.status == "confirmed"
        and registration.attended
        and registration.session.status != "cancelled"
        and has_started(registration.session)
    )


def get_certificate_registration_or_404(registration_id: int, user) -> Registration:
    """The attendee themself, or an organizer of the workshop."""
    registration = db.session.scalars(
        select(Registration)
        .where(Registration.id == registration_id)
        .options(
            joinedload(Registration.session).joinedload(WorkshopSession.workshop),
            joinedload(Registration.employee),
        )
    ).first()
    if registration is None:
        abort(404)
    if registration.employee_id != user.id and not organizes(
        user, registration.session.workshop_id
    ):
        abort(404)
    if not certificate_allowed(registration):
        abort(404)
    return registration


def issue_certificate(registration: Registration) -> Certificate:
    """Issued once per attendance; later downloads reuse the same code."""
    existing = db.session.scalars(
        select(Certificate).where(Certificate.registration_id == registration.id)
    ).first()
    if existing is not None:
        return existing
    session = registration.session
    certificate = Certificate(
        registration_id=registration.id,
        code=secrets.token_urlsafe(18),
        holder_name=registration.employee.name,
        workshop_title=session.workshop.title,
        session_date=to_wib(session.starts_at).date(),
        jp=session.jp_credited,
    )
    try:
        with db.session.begin_nested():
            db.session.add(certificate)
    except IntegrityError:  # a concurrent download issued it first
        return db.session.scalars(
            select(Certificate).where(Certificate.registration_id == registration.id)
        ).one()
    return certificate


def verify_certificate(code: str) -> Certificate | None:
    """Valid while the attendance it certifies stands."""
    if not code or len(code) > 64:
        return None
    return db.session.scalars(
        select(Certificate)
        .join(Certificate.registration)
        .where(
            Certificate.code == code,
            Registration.status == "confirmed",
            Registration.attended.is_(True),
        )
    ).first()


_LATIN1_FIXES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2026": "...",
        "\u00a0": " ",
    }
)


def latin1(text: str) -> str:
    """The PDF core fonts speak Latin-1: transliterate what we can, replace the rest."""
    text = (text or "").translate(_LATIN1_FIXES)
    out = []
    for char in text:
        try:
            char.encode("latin-1")
            out.append(char)
        except UnicodeEncodeError:
            decomposed = unicodedata.normalize("NFKD", char)
            ascii_part = decomposed.encode("ascii", "ignore").decode("ascii")
            out.append(ascii_part or "?")
    return "".join(out)


def certificate_pdf(certificate: Certificate, verify_url: str) -> bytes:
    import segno
    from fpdf import FPDF

    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_title(latin1(_("Sertifikat %(title)s", title=certificate.workshop_title)))
    pdf.set_author("Kecamatan Medan Marelan")
    pdf.add_page()
    pdf.set_draw_color(11, 93, 75)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, 277, 190)
    pdf.set_line_width(0.4)
    pdf.rect(14, 14, 269, 182)

    def line(text, size, style="", gap=4.0):
        pdf.set_font("Helvetica", style, size)
        pdf.multi_cell(0, size * 0.5, latin1(text), align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    pdf.set_y(28)
    pdf.set_text_color(11, 93, 75)
    line(_("Kecamatan Medan Marelan · Kota Medan"), 12, gap=6)
    line(_("SERTIFIKAT"), 30, "B", gap=2)
    pdf.set_text_color(28, 36, 48)
    line(_("Diberikan kepada"), 13)
    line(certificate.holder_name, 24, "B")
    line(_("atas kehadirannya sebagai peserta"), 13)
    line(certificate.workshop_title, 18, "B")
    line(
        _(
            "pada %(date)s, setara %(jp)d JP (jam pelajaran)",
            date=format_date(certificate.session_date, "long"),
            jp=certificate.jp,
        ),
        13,
        gap=10,
    )
    qr = segno.make(verify_url, error="m")
    buffer = io.BytesIO()
    qr.save(buffer, kind="png", scale=6, border=2)
    buffer.seek(0)
    pdf.image(buffer, x=24, y=150, w=38, h=38)
    pdf.set_xy(68, 160)
    pdf.set_font("Helvetica", "", 10)
    pdf.multi_cell(200, 5, latin1(_("Kode verifikasi:")), new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(68)
    pdf.set_font("Courier", "B", 12)
    pdf.multi_cell(200, 6, latin1(certificate.code), new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(68)
    pdf.set_font("Helvetica", "", 9)
    pdf.multi_cell(
        200,
        5,
        latin1(_("Periksa keaslian di %(url)s", url=verify_url)),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    return bytes(pdf.output())


# --- calendar -------------------------------------------------------------------------------
def _event(session: WorkshopSession, status: str = "CONFIRMED"):
    from icalendar import Event

    event = Event()
    event.add("uid", f"sesi-{session.id}@karier-asn-marelan")
    event.add("dtstamp", as_utc(session.updated_at or utcnow()))
    event.add("dtstart", to_wib(session.starts_at))
    event.add("dtend", to_wib(session.ends_at))
    event.add("summary", session.workshop.title)
    event.add("location", session.venue or session.online_url)
    description = session.workshop.description or ""
    if session.online_url:
        description = f"{description}\n{session.online_url}".strip()
    event.add("description", description)
    event.add("url", url_for("workshops.show", session_id=session.id, _external=True))
    event.add("status", "CANCELLED" if session.status == "cancelled" else status)
    return event


def _ical(name: str):
    from icalendar import Calendar

    cal = Calendar()
    cal.add("prodid", "-//Karier ASN Marelan//Pelatihan//ID")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Asia/Jakarta")
    return cal


def session_ics(session: WorkshopSession) -> bytes:
    cal = _ical(session.workshop.title)
    cal.add_component(_event(session))
    cal.add_missing_timezones()
    return cal.to_ical()


def calendar_token(employee: Employee, reset: bool = False) -> CalendarToken:
    token = db.session.get(CalendarToken, employee.id)
    if token is None:
        token = CalendarToken(employee_id=employee.id, token=secrets.token_urlsafe(32))
        db.session.add(token)
    elif reset:
        token.token = secrets.token_urlsafe(32)
        token.created_at = utcnow()
    return token


def feed_ics(token: str) -> bytes | None:
    if not token or len(token) > 64:
        return None
    row = db.session.scalars(select(CalendarToken).where(CalendarToken.token == token)).first()
    if row is None:
        return None
    registrations = db.session.scalars(
        select(Registration)
        .join(Registration.session)
        .where(
            Registration.employee_id == row.employee_id,
            Registration.status.in_(ACTIVE_REGISTRATION),
            WorkshopSession.status != "draft",
            WorkshopSession.starts_at > utcnow() - timedelta(days=366),
        )
        .options(contains_eager(Registration.session).joinedload(WorkshopSession.workshop))
        .order_by(WorkshopSession.starts_at)
        .limit(500)
    )
    cal = _ical(_("Pelatihan saya"))
    for registration in registrations:
        status = "CONFIRMED" if registration.status == "confirmed" else "TENTATIVE"
        cal.add_component(_event(registration.session, status))
    cal.add_missing_timezones()
    return cal.to_ical()


# --- topics (admin) -------------------------------------------------------------------------
def all_topics_with_use() -> list[tuple[Topic, int]]:
    rows = db.session.execute(
        select(Topic, func.count(workshop_topic_link.c.workshop_id))
        .outerjoin(workshop_topic_link, workshop_topic_link.c.topic_id == Topic.id)
        .group_by(Topic.id)
        .order_by(Topic.name)
    ).all()
    return [(t, int(n)) for t, n in rows]


def kind_label(kind: str) -> str:
    return str(ALL_KINDS.get(kind, kind))
