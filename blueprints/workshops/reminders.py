"""Reminders the daily job sends for workshops (dashboard.notices decides once-only delivery):
the day before a session to its confirmed participants, and to the direct superior for a
registration still waiting for their approval. A change of time or place is told at once by
catalogue.update_session, not here."""

from __future__ import annotations

from datetime import date, time, timedelta

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, joinedload

from blueprints.auth.access import direct_superior
from blueprints.auth.models import Employee
from blueprints.common.timefmt import utcnow, wib_to_utc
from blueprints.notifications.services import notify
from blueprints.workshops.models import Registration, Workshop, WorkshopSession
from blueprints.workshops.rules import approval_link, when_text
from extensions import db


def sessions_starting_on(day: date) -> list[WorkshopSession]:
    """Published sessions of active workshops that start on this WIB day."""
    start = wib_to_utc(day, time())
    return list(
        db.session.scalars(
            select(WorkshopSession)
            .join(WorkshopSession.workshop)
            .where(
                WorkshopSession.status == "published",
                Workshop.active.is_(True),
                WorkshopSession.starts_at >= start,
                WorkshopSession.starts_at < start + timedelta(days=1),
            )
            .options(contains_eager(WorkshopSession.workshop))
            .order_by(WorkshopSession.starts_at, WorkshopSession.id)
        )
    )


def remind_participants(session: WorkshopSession) -> int:
    """Every confirmed participant of the session, once (the caller records the send)."""
    people = db.session.scalars(
        select(Employee)
        .join(Registration, Registration.employee_id == Employee.id)
        .where(
            Registration.session_id == session.id,
            Registration.status == "confirmed",
            Employee.active.is_(True),
        )
        .order_by(Employee.id)
    ).all()
    link = url_for("workshops.show", session_id=session.id)
    venue = f", {session.venue}" if session.venue else ""
    for person in people:
        notify(
            person,
            "workshops.reminder_day_before",
            link=link,
            workshop=session.workshop.title,
            when=when_text(session),
            venue=venue,
        )
    return len(people)


def waiting_approvals(today: date, limit: int = 5000) -> list[Registration]:
    """Requests made before today (WIB) that still wait, for sessions not yet started."""
    return list(
        db.session.scalars(
            select(Registration)
            .join(Registration.session)
            .join(WorkshopSession.workshop)
            .where(
                Registration.status == "pending_approval",
                Registration.status_changed_at < wib_to_utc(today, time()),
                WorkshopSession.status == "published",
                WorkshopSession.starts_at > utcnow(),
                Workshop.active.is_(True),
            )
            .options(
                joinedload(Registration.employee),
                contains_eager(Registration.session).contains_eager(WorkshopSession.workshop),
            )
            .order_by(Registration.id)
            .limit(limit)
        )
    )


def remind_superior(registration: Registration) -> bool:
    """Remind the person's direct superior (the one who decides); False when there is none."""
    superior = direct_superior(registration.employee)
    if superior is None or not superior.active:
        return False
    session = registration.session
    notify(
        superior,
        "workshops.approval_reminder",
        link=approval_link(registration.id),
        name=registration.employee.name,
        workshop=session.workshop.title,
        when=when_text(session),
    )
    return True
