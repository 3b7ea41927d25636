"""QR self check-in on the workshop day.

The organizer's screen shows a QR code of a check-in URL that carries a short-lived token, and a
six-digit code to type instead. Both are HMACs (keyed from the app's SECRET_KEY) of the session
and the current time step, so they rotate every ``STEP_SECONDS`` and nothing needs storing: a
token of an older step than ``GRACE_STEPS`` back is expired, one with a wrong MAC is forged.
Works offline: the QR is drawn by the server (segno) and points at this server.

A confirmed participant who checks in is marked present through attendance.record_attendance
(so JP and certificates follow exactly as for the organizer's list); anyone else lands in a queue
of CheckinRequest rows that the organizer accepts (attendance.add_walk_in) or refuses.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import abort, current_app, url_for
from flask_babel import gettext as _
from sqlalchemy import and_, case, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from blueprints.admin.audit import audit
from blueprints.admin.settings import get_setting
from blueprints.auth.models import Employee
from blueprints.common.links import public_url
from blueprints.common.refusals import Refused
from blueprints.common.timefmt import as_utc, format_wib
from blueprints.notifications.services import notify
from blueprints.workshops.access import get_managed_session_or_404
from blueprints.workshops.attendance import add_walk_in, record_attendance
from blueprints.workshops.models import CheckinRequest, Registration, WorkshopSession
from blueprints.workshops.rules import attendance_opens_at, resolve_now, when_text
from blueprints.workshops.seats import registration_of
from extensions import db

STEP_SECONDS = 60  # the QR and the code change every minute
GRACE_STEPS = 2  # a token stays valid for two more steps: 2 to 3 minutes in all
CODE_DIGITS = 6
QUEUE_LIMIT = 100  # the screen lists at most this many waiting walk-ins
OPEN_STATUSES = ("published", "completed")


# --- the window -------------------------------------------------------------------------------
def _margins() -> tuple[timedelta, timedelta]:
    """The settings: minutes before the start and after the end (defaults: 30 and 0)."""
    return (
        timedelta(minutes=get_setting("checkin_opens_before_minutes")),
        timedelta(minutes=get_setting("checkin_closes_after_minutes")),
    )


def window(
    session: WorkshopSession, margins: tuple[timedelta, timedelta] | None = None
) -> tuple[datetime, datetime]:
    """[opens, closes] of self check-in: from the setting's minutes before the start to the
    setting's minutes after the end, but never before the session's day begins in WIB.

    Why the day, and not the other way round (attendance from the window's opening): an office
    keeps attendance per day of the event. The daftar hadir and the SIASN history carry the
    session's date, and the organizer's list takes marks from that day on
    (rules.attendance_opens_at, the one rule). A window opening the evening before a session
    at 00.10 WIB would let a participant scan at 23.50 and then be refused by that rule;
    opening attendance itself the evening before would let the list mark people present a day
    early. Early arrivals for a session just after midnight scan from 00.00 WIB."""
    before, after = margins or _margins()
    opens = max(as_utc(session.starts_at) - before, attendance_opens_at(session))
    return opens, as_utc(session.ends_at) + after


def is_open(
    session: WorkshopSession,
    now: datetime | None = None,
    margins: tuple[timedelta, timedelta] | None = None,
) -> bool:
    opens, closes = window(session, margins)
    return session.status in OPEN_STATUSES and opens <= resolve_now(now) <= closes


def require_open(session: WorkshopSession, now: datetime | None = None) -> None:
    if session.status not in OPEN_STATUSES:
        raise Refused(_("Presensi tidak dibuka untuk sesi ini."))
    if not is_open(session, now):
        opens, closes = window(session)
        raise Refused(
            _(
                "Presensi sesi ini dibuka %(opens)s sampai %(closes)s.",
                opens=format_wib(opens, "d MMM yyyy HH.mm"),
                closes=format_wib(closes, "d MMM yyyy HH.mm"),
            )
        )


# --- tokens and codes ---------------------------------------------------------------------------
def _key() -> bytes:
    secret = current_app.config["SECRET_KEY"]
    secret = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(secret, b"karier-workshop-checkin-v1", hashlib.sha256).digest()


def _mac(purpose: str, session_id: int, step: int) -> bytes:
    return hmac.new(_key(), f"{purpose}:{session_id}:{step}".encode(), hashlib.sha256).digest()


def step_of(now: datetime | None = None) -> int:
    return int(resolve_now(now).timestamp()) // STEP_SECONDS


def make_token(session_id: int, step: int) -> str:
    sig = base64.urlsafe_b64encode(_mac("token", session_id, step)[:15]).decode()
    return f"{step}.{sig}"


def make_code(session_id: int, step: int) -> str:
    number = int.from_bytes(_mac("code", session_id, step)[:8], "big") % 10**CODE_DIGITS
    return f"{number:0{CODE_DIGITS}d}"


def seconds_left(now: datetime | None = None) -> int:
    """Until the screen's token rotates."""
    return STEP_SECONDS - int(resolve_now(now).timestamp()) % STEP_SECONDS


def _live_steps(now: datetime | None) -> range:
    current = step_of(now)
    return range(current, current - GRACE_STEPS - 1, -1)


def verify_token(session_id: int, token: str, now: datetime | None = None) -> None:
    """Refuse a forged token, and one whose step is older than the grace (or in the future)."""
    step_text, _dot, sig = (token or "").partition(".")
    if not step_text.isdigit() or len(step_text) > 12 or not sig:
        raise Refused(_("Kode presensi tidak sah."))
    step = int(step_text)
    if not hmac.compare_digest(make_token(session_id, step), f"{step}.{sig}"):
        raise Refused(_("Kode presensi tidak sah."))
    if step not in _live_steps(now):
        raise Refused(
            _("Kode presensi sudah kedaluwarsa. Pindai ulang kode di layar penyelenggara.")
        )


def sessions_open_now(now: datetime | None = None, limit: int = 50) -> list[WorkshopSession]:
    """Sessions whose check-in window holds ``now`` (a bounded handful on any day)."""
    now = resolve_now(now)
    margins = _margins()
    before, after = margins
    candidates = db.session.scalars(
        select(WorkshopSession)
        .where(
            WorkshopSession.status.in_(OPEN_STATUSES),
            WorkshopSession.starts_at <= now + before,
            WorkshopSession.ends_at >= now - after,
        )
        .options(joinedload(WorkshopSession.workshop))
        .order_by(WorkshopSession.starts_at, WorkshopSession.id)
        .limit(limit)
    )
    # The query takes the settings' margins; window() also holds the start of the day.
    return [s for s in candidates if is_open(s, now, margins)]


def session_for_code(code: str, person: Employee, now: datetime | None = None) -> WorkshopSession:
    """The open session whose current (or recent) code this is. Should two match, the one the
    person is registered for wins."""
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    if len(code) != CODE_DIGITS:
        raise Refused(_("Kode presensi terdiri dari %(n)d angka.", n=CODE_DIGITS))
    matches = [
        s
        for s in sessions_open_now(now)
        if any(hmac.compare_digest(make_code(s.id, step), code) for step in _live_steps(now))
    ]
    if not matches:
        raise Refused(_("Kode presensi tidak sah atau sudah kedaluwarsa."))
    if len(matches) > 1:
        registered = set(
            db.session.scalars(
                select(Registration.session_id).where(
                    Registration.employee_id == person.id,
                    Registration.session_id.in_([s.id for s in matches]),
                    Registration.status == "confirmed",
                )
            )
        )
        matches.sort(key=lambda s: s.id not in registered)
    return matches[0]


# --- checking in --------------------------------------------------------------------------------
@dataclass
class Outcome:
    kind: str  # present | already | queued | accepted | refused
    session: WorkshopSession


def check_in(session: WorkshopSession, person: Employee, now: datetime | None = None) -> Outcome:
    """Mark a confirmed participant present (again: harmless); anyone else waits in the queue."""
    require_open(session, now)
    registration = registration_of(session.id, person.id)
    if registration is not None and registration.status == "confirmed":
        if registration.attended:
            return Outcome("already", session)
        record_attendance(session, registration, True, now)
        audit("workshops.checked_in", registration, "qr", actor=person)
        return Outcome("present", session)
    request = _request_of(session.id, person.id)
    if request is None:
        request = CheckinRequest(session_id=session.id, employee_id=person.id, status="pending")
        try:
            with db.session.begin_nested():
                db.session.add(request)
        except IntegrityError:  # a second scan at the same moment: the first one stands
            request = _request_of(session.id, person.id)
        return Outcome("queued", session)
    return Outcome("queued" if request.status == "pending" else request.status, session)


def _request_of(session_id: int, employee_id: int) -> CheckinRequest | None:
    return db.session.scalars(
        select(CheckinRequest).where(
            CheckinRequest.session_id == session_id, CheckinRequest.employee_id == employee_id
        )
    ).first()


def decide(request_id: int, by, accept: bool, now: datetime | None = None) -> CheckinRequest:
    """The organizer's answer to a walk-in in the queue (accepting records them present)."""
    request = db.session.get(CheckinRequest, request_id)
    if request is None:
        abort(404)
    session = get_managed_session_or_404(request.session_id, by)
    if request.status != "pending":
        raise Refused(_("Permintaan ini sudah diputuskan."))
    now = resolve_now(now)
    if accept:
        add_walk_in(session, request.employee, by, now)
        request = db.session.get(CheckinRequest, request_id)  # add_walk_in expires the session
    request.status = "accepted" if accept else "refused"
    request.decided_by_id = by.id
    request.decided_at = now
    notify(
        request.employee,
        "workshops.checkin_accepted" if accept else "workshops.checkin_refused",
        link=url_for("workshops.show", session_id=session.id),
        workshop=session.workshop.title,
        when=when_text(session),
    )
    audit(f"workshops.checkin_{request.status}", request, request.employee.nip, actor=by)
    return request


# --- the organizer's screen -----------------------------------------------------------------------
@dataclass
class Live:
    attended: int  # everyone marked present (booked seats and walk-ins)
    expected: int  # confirmed participants holding a booked seat
    queue: list[CheckinRequest]
    queue_total: int


def live(session: WorkshopSession) -> Live:
    """The counts (one aggregate query) and the waiting walk-ins (one query)."""
    row = db.session.execute(
        select(
            func.count(case((and_(Registration.status == "confirmed", Registration.attended), 1))),
            func.count(
                case((and_(Registration.status == "confirmed", Registration.walk_in.is_(False)), 1))
            ),
        ).where(Registration.session_id == session.id)
    ).one()
    waiting = CheckinRequest.session_id == session.id, CheckinRequest.status == "pending"
    queue = list(
        db.session.scalars(
            select(CheckinRequest)
            .where(*waiting)
            .options(joinedload(CheckinRequest.employee).joinedload(Employee.unit))
            .order_by(CheckinRequest.created_at, CheckinRequest.id)
            .limit(QUEUE_LIMIT)
        )
    )
    total = len(queue)
    if total == QUEUE_LIMIT:
        total = int(db.session.scalar(select(func.count(CheckinRequest.id)).where(*waiting)))
    return Live(attended=int(row[0]), expected=int(row[1]), queue=queue, queue_total=total)


def scan_url(session: WorkshopSession, now: datetime | None = None) -> str:
    token = make_token(session.id, step_of(now))
    return public_url("workshops.checkin_scan", session_id=session.id, token=token)


def qr_svg(url: str) -> str:
    """The QR as inline SVG (no image request, no CDN); sized by CSS."""
    import segno

    return segno.make(url, error="m").svg_inline(
        scale=1, border=2, omitsize=True, dark="#000", light="#fff", svgclass="checkin-qr-svg"
    )
