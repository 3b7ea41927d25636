"""Who may see and manage which workshop, session, meeting link and learning record: the
object-level rules of this blueprint, in one place (roles and scopes come from auth.access)."""

from __future__ import annotations

from flask import abort
from sqlalchemy import exists, select
from sqlalchemy.orm import joinedload, selectinload

from blueprints.auth.access import has_role, is_above
from blueprints.workshops.models import (
    ExternalLearning,
    Registration,
    Workshop,
    WorkshopSession,
    workshop_organizer,
)
from extensions import db

# Who manages a session (its participant list, attendance, walk-ins, the QR check-in screen,
# the daftar hadir and recap, its report, editing, completing or cancelling it):
# - the workshop's own organizers who hold the stored organizer role (the training office);
# - for a sosialisasi, the briefing a leader holds (surveys.actions.schedule_briefing lists
#   whoever scheduled it as its organizer), also its listed organizers who are leaders or
#   admins, the roles that may schedule one (surveys.actions.can_edit_actions). They hold no
#   organizer role, and their briefing would otherwise have nobody to take attendance.
# The programme pages (creating and editing workshops, adding sessions, the organizer's
# overview, the external-learning queue) stay with the organizer role alone.
BRIEFING_KIND = "sosialisasi"
BRIEFING_HOLDER_ROLES = ("leader", "admin")
# The route gate of the session-management views: role_required(*SESSION_MANAGER_ROLES);
# get_managed_session_or_404 then decides per session.
SESSION_MANAGER_ROLES = ("organizer", *BRIEFING_HOLDER_ROLES)


def is_organizer(user) -> bool:
    return has_role(user, "organizer")


def _listed(user, workshop_id: int) -> bool:
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


def organizes(user, workshop_id: int) -> bool:
    """The user holds the organizer role and is one of this workshop's organizers (the
    programme pages)."""
    return is_organizer(user) and _listed(user, workshop_id)


def _role_manages_sessions(user, workshop: Workshop) -> bool:
    """The role half of the session rule above; the caller checks the listing."""
    if is_organizer(user):
        return True
    return workshop.learning_kind == BRIEFING_KIND and any(
        has_role(user, role) for role in BRIEFING_HOLDER_ROLES
    )


def manages_sessions_of(user, workshop: Workshop) -> bool:
    """The session rule above, for a workshop whose organizers are not loaded."""
    return _role_manages_sessions(user, workshop) and _listed(user, workshop.id)


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
    if not manages_sessions_of(user, session.workshop):
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


def can_manage(user, session: WorkshopSession) -> bool:
    """The session rule above, on a session whose workshop's organizers are (or may be) loaded."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    workshop = session.workshop
    if not (is_organizer(user) or workshop.learning_kind == BRIEFING_KIND):
        return False  # most people, most workshops: without loading the organizers
    listed = any(p.id == user.id for p in workshop.organizers)
    return listed and _role_manages_sessions(user, workshop)


_LOOK_IT_UP = object()


def can_see_meeting_link(user, session: WorkshopSession, registration=_LOOK_IT_UP) -> bool:
    """The session's online meeting link: its confirmed participants and its managers only.

    The one rule for every place that shows the link: the session page, the session's .ics
    and the personal calendar feed. Waitlisted and pending registrations and everyone else
    get the session without it. ``registration`` is the user's registration for this session
    when the caller already has it (None: they have none); otherwise it is looked up.
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if can_manage(user, session):
        return True
    if registration is _LOOK_IT_UP:
        status = db.session.scalar(
            select(Registration.status).where(
                Registration.session_id == session.id, Registration.employee_id == user.id
            )
        )
    elif (
        registration is None
        or registration.session_id != session.id
        or registration.employee_id != user.id
    ):
        return False
    else:
        status = registration.status
    return status == "confirmed"


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
