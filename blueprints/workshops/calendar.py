"""Calendar files: the .ics of one session and the personal feed at a secret URL."""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from blueprints.auth.models import Employee
from blueprints.common.timefmt import as_utc, to_wib, utcnow
from blueprints.workshops.access import can_see_meeting_link
from blueprints.workshops.models import (
    ACTIVE_REGISTRATION,
    CalendarToken,
    Registration,
    Workshop,
    WorkshopSession,
)
from extensions import db

FEED_REFRESH = timedelta(hours=1)


def _event(session: WorkshopSession, status: str = "CONFIRMED", *, meeting_link: bool = False):
    """One VEVENT. The online meeting link (LOCATION, DESCRIPTION) only if ``meeting_link``:
    callers decide it with access.can_see_meeting_link."""
    from icalendar import Event

    event = Event()
    event.add("uid", f"sesi-{session.id}@karier-asn-marelan")
    event.add("dtstamp", as_utc(session.updated_at or utcnow()))
    event.add("dtstart", to_wib(session.starts_at))
    event.add("dtend", to_wib(session.ends_at))
    event.add("summary", session.workshop.title)
    if meeting_link:
        event.add("location", session.venue or session.online_url)
    elif session.venue:
        event.add("location", session.venue)
    description = session.workshop.description or ""
    if session.online_url and meeting_link:
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


def session_ics(session: WorkshopSession, user) -> bytes:
    """The session's .ics as ``user`` may see it (the meeting link per can_see_meeting_link)."""
    cal = _ical(session.workshop.title)
    cal.add_component(_event(session, meeting_link=can_see_meeting_link(user, session)))
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
    owner = db.session.get(Employee, row.employee_id)
    registrations = db.session.scalars(
        select(Registration)
        .join(Registration.session)
        .where(
            Registration.employee_id == row.employee_id,
            Registration.status.in_(ACTIVE_REGISTRATION),
            WorkshopSession.status != "draft",
            WorkshopSession.starts_at > utcnow() - timedelta(days=366),
        )
        .options(
            contains_eager(Registration.session)
            .joinedload(WorkshopSession.workshop)
            .selectinload(Workshop.organizers)
        )
        .order_by(WorkshopSession.starts_at)
        .limit(500)
    )
    cal = _ical(_("Pelatihan saya"))
    # How often a subscribing calendar app should fetch the feed again (RFC 7986; the X- form
    # for Outlook and older clients).
    cal.add("refresh-interval", FEED_REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    for registration in registrations:
        status = "CONFIRMED" if registration.status == "confirmed" else "TENTATIVE"
        link = can_see_meeting_link(owner, registration.session, registration)
        cal.add_component(_event(registration.session, status, meeting_link=link))
    cal.add_missing_timezones()
    return cal.to_ical()
