"""Survey actions: a leader's plan for a unit after a wave, as a list of actions (what, why,
owner, due date, status, notes, an optional linked session or sosialisasi).

Rules, in one place:
- a leader of the unit (the unit is in their subtree) or an admin adds and edits them;
- the owner is the editing leader themself or someone in their subtree (auth.access.is_above);
  an admin may name anyone in the unit's own subtree;
- owners see their open actions on their home page; leaders see open actions due within
  DUE_SOON_DAYS days, or overdue, on their dashboard.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask import abort
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from blueprints.admin.audit import audit
from blueprints.auth.access import has_role, is_above, subtree_unit_ids, units_in_scope_stmt
from blueprints.auth.models import Employee, Unit
from blueprints.auth.services import find_account
from blueprints.common.refusals import Refused
from blueprints.common.timefmt import format_wib, today_wib, utcnow
from blueprints.surveys.models import SurveyAction, SurveyDimension, SurveyWave
from blueprints.workshops.models import Workshop, WorkshopSession
from extensions import db

ACTION_STATUS_LABELS = {
    "rencana": _l("Direncanakan"),
    "berjalan": _l("Sedang berjalan"),
    "selesai": _l("Selesai"),
    "batal": _l("Dibatalkan"),
}
OPEN_STATUSES = ("rencana", "berjalan")
DUE_SOON_DAYS = 14
SESSION_CHOICES = 100


def can_edit_actions(user, unit_id: int) -> bool:
    if has_role(user, "admin"):
        return True
    return has_role(user, "leader") and unit_id in subtree_unit_ids(user)


def _unit_subtree_ids(unit: Unit) -> set[int]:
    return set(db.session.scalars(units_in_scope_stmt(unit)))


def owner_allowed(user, unit: Unit, owner: Employee) -> bool:
    if owner is None or not owner.active:
        return False
    if has_role(user, "leader") and unit.id in subtree_unit_ids(user):
        return owner.id == user.id or is_above(user, owner)
    return owner.unit_id in _unit_subtree_ids(unit)  # an admin: the unit's own people


def actions_for(wave_id: int, unit_id: int) -> list[SurveyAction]:
    return list(
        db.session.scalars(
            select(SurveyAction)
            .where(SurveyAction.wave_id == wave_id, SurveyAction.unit_id == unit_id)
            .options(
                joinedload(SurveyAction.owner),
                joinedload(SurveyAction.dimension),
                joinedload(SurveyAction.session).joinedload(WorkshopSession.workshop),
            )
            .order_by(SurveyAction.due_on, SurveyAction.id)
        )
    )


def get_action_or_404(action_id: int, user) -> SurveyAction:
    action = db.session.get(SurveyAction, action_id)
    if action is None or not can_edit_actions(user, action.unit_id):
        abort(404)
    return action


def session_choices() -> list[tuple[int, str]]:
    """Sessions an action may link to: published ones from a month ago on (bounded)."""
    rows = db.session.execute(
        select(WorkshopSession.id, Workshop.title, WorkshopSession.starts_at)
        .join(WorkshopSession.workshop)
        .where(
            WorkshopSession.status.in_(("published", "completed")),
            WorkshopSession.starts_at >= utcnow() - timedelta(days=30),
        )
        .order_by(WorkshopSession.starts_at, WorkshopSession.id)
        .limit(SESSION_CHOICES)
    ).all()
    return [(sid, f"{title} · {format_wib(starts, 'd MMM yyyy')}") for sid, title, starts in rows]


def save_action(
    wave: SurveyWave, unit: Unit, user, data: dict, action: SurveyAction | None = None
) -> SurveyAction:
    """Add (action None) or edit an action. Refused: a dimension of another instrument, an
    owner outside the leader's subtree, an unknown or cancelled session."""
    if not can_edit_actions(user, unit.id):
        abort(403)
    dimension = db.session.get(SurveyDimension, data["dimension_id"] or 0)
    if dimension is None or dimension.instrument_id != wave.instrument_id:
        raise Refused(_("Pilih dimensi dari instrumen survei ini."))
    owner = find_account(data["owner"] or "")
    if not owner_allowed(user, unit, owner):
        raise Refused(_("Penanggung jawab harus Anda sendiri atau pegawai di unit bawahan Anda."))
    session_id = data.get("session_id") or None
    if session_id is not None:
        session = db.session.get(WorkshopSession, session_id)
        if session is None or session.status in ("draft", "cancelled"):
            raise Refused(_("Sesi pelatihan yang dipilih tidak tersedia."))
    if action is None:
        action = SurveyAction(wave_id=wave.id, unit_id=unit.id, author_id=user.id)
        db.session.add(action)
    action.what = data["what"].strip()
    action.dimension_id = dimension.id
    action.owner_id = owner.id
    action.due_on = data["due_on"]
    action.status = data.get("status") or "rencana"
    action.notes = (data.get("notes") or "").strip()
    action.session_id = session_id
    action.updated_at = utcnow()
    db.session.flush()
    audit("survey.action_saved", action, f"wave {wave.id} unit {unit.id}")
    return action


def schedule_briefing(action: SurveyAction, user, data: dict) -> WorkshopSession:
    """A sosialisasi the leader holds: a workshop of that kind with one published session
    (JP as given; 0 means it earns none), organised by the leader, linked to the action.

    Listed as its organizer, the leader (or the admin who scheduled it) manages its session
    without holding the organizer role: participant list, attendance, walk-ins and the QR
    check-in screen (workshops.access, the session rule for a sosialisasi)."""
    if not can_edit_actions(user, action.unit_id):
        abort(403)
    starts_at, ends_at = data["starts_at"], data["ends_at"]
    if ends_at <= starts_at:
        raise Refused(_("Waktu selesai harus setelah waktu mulai."))
    workshop = Workshop(
        title=_("Sosialisasi: %(what)s", what=action.what)[:200],
        description=action.notes,
        competency_type="manajerial",
        learning_form="klasikal",
        learning_kind="sosialisasi",
        created_by_id=user.id,
    )
    workshop.organizers = [user]
    db.session.add(workshop)
    db.session.flush()
    session = WorkshopSession(
        workshop_id=workshop.id,
        starts_at=starts_at,
        ends_at=ends_at,
        venue=data.get("venue") or "",
        capacity=data["capacity"],
        jp_credited=data.get("jp") or 0,
        status="published",
        queue_seq=0,
    )
    db.session.add(session)
    db.session.flush()
    action.session_id = session.id
    action.updated_at = utcnow()
    audit("survey.briefing_scheduled", action, f"session {session.id}")
    return session


def _open_actions_stmt():
    return (
        select(SurveyAction)
        .where(SurveyAction.status.in_(OPEN_STATUSES))
        .options(joinedload(SurveyAction.dimension), joinedload(SurveyAction.unit))
        .order_by(SurveyAction.due_on, SurveyAction.id)
    )


def my_actions_stmt(user):
    """Open actions I own, soonest first (the home page shows the first few)."""
    return _open_actions_stmt().where(SurveyAction.owner_id == user.id)


def due_actions_stmt(unit_ids_stmt, today: date | None = None, days: int = DUE_SOON_DAYS):
    """Open actions of these units due within `days` days or overdue (the leader dashboard)."""
    today = today or today_wib()
    return (
        _open_actions_stmt()
        .where(
            SurveyAction.unit_id.in_(unit_ids_stmt),
            SurveyAction.due_on <= today + timedelta(days=days),
        )
        .options(joinedload(SurveyAction.owner))
    )


def is_overdue(action: SurveyAction, today: date | None = None) -> bool:
    return action.status in OPEN_STATUSES and action.due_on < (today or today_wib())


def status_label(status: str) -> str:
    return str(ACTION_STATUS_LABELS.get(status, status))
