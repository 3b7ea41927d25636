"""Shared workshop rules: JP arithmetic, session time checks, when a certificate may exist,
and the notification kinds. The lowest workshops module (it imports only the models)."""

from __future__ import annotations

import calendar as _calendar
from datetime import date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l

from blueprints.common.timefmt import as_utc, stored_moment, to_wib, today_wib, utcnow, wib_to_utc
from blueprints.notifications.services import register_kind
from blueprints.workshops.models import ALL_KINDS, Registration, WorkshopSession

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

register_kind(
    "workshops.checkin_accepted",
    _l("Penyelenggara menerima Anda sebagai peserta langsung %(workshop)s (%(when)s)."),
)
register_kind(
    "workshops.checkin_refused",
    _l("Penyelenggara tidak menerima presensi Anda di %(workshop)s (%(when)s)."),
)
register_kind(
    "workshops.reminder_day_before",
    _l("Pengingat: besok Anda mengikuti %(workshop)s (%(when)s)%(venue)s."),
)
register_kind(
    "workshops.approval_reminder",
    _l("Permohonan %(name)s mengikuti %(workshop)s (%(when)s) masih menunggu izin Anda."),
)


# --- small helpers ---------------------------------------------------------------------------
def default_jp(starts_at: datetime, ends_at: datetime) -> int:
    """Whole 45-minute units in the session's duration: 3 hours -> 4 JP."""
    minutes = int((as_utc(ends_at) - as_utc(starts_at)).total_seconds() // 60)
    return max(0, minutes // JP_MINUTES)


def when_text(session: WorkshopSession) -> str:
    """The session's start for notification texts (stored with the notification, shown in the
    reader's style: timefmt.stored_moment)."""
    return stored_moment(session.starts_at)


def approval_link(registration_id: int) -> str:
    """Where the notifications asking a superior to decide one request lead: that request on the
    approvals page. One link per request, so deciding it marks exactly its notifications read."""
    from flask import url_for

    return url_for("workshops.approvals", _anchor=f"izin-{registration_id}")


def resolve_now(now: datetime | None) -> datetime:
    return as_utc(now) if now is not None else utcnow()


def has_started(session: WorkshopSession, now: datetime | None = None) -> bool:
    return as_utc(session.starts_at) <= resolve_now(now)


def has_ended(session: WorkshopSession, now: datetime | None = None) -> bool:
    return session.status == "completed" or (
        session.status == "published" and as_utc(session.ends_at) <= resolve_now(now)
    )


def attendance_opens_at(session: WorkshopSession) -> datetime:
    """00.00 WIB of the session's day, in UTC: the one moment from which its attendance is
    recorded, by the organizer's list, a walk-in or the QR check-in (checkin.window never
    opens earlier; see there why)."""
    return wib_to_utc(to_wib(session.starts_at).date(), time())


def session_day_begun(session: WorkshopSession, now: datetime | None = None) -> bool:
    """Attendance and walk-ins: from the session's day (WIB) on."""
    return resolve_now(now) >= attendance_opens_at(session)


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


def certificate_allowed(registration: Registration | None) -> bool:
    return bool(
        registration
        and registration.status == "confirmed"
        and registration.attended
        and registration.session.status != "cancelled"
        and has_started(registration.session)
    )


def kind_label(kind: str) -> str:
    return str(ALL_KINDS.get(kind, kind))
