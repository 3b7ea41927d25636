"""Survey action plans: who may record them, a unit's plan for a wave, the previous wave's
plan to review, and the latest plans for the leader dashboard."""

from __future__ import annotations

from flask import abort
from sqlalchemy import select

from blueprints.admin.audit import audit
from blueprints.auth.access import has_role, subtree_unit_ids
from blueprints.common.timefmt import utcnow
from blueprints.surveys.models import SurveyActionPlan, SurveyWave
from extensions import db


def can_edit_plan(user, unit_id: int) -> bool:
    """Leaders record plans for units in their subtree; admins read them."""
    return has_role(user, "leader") and unit_id in subtree_unit_ids(user)


def plan_for(wave: SurveyWave, unit_id: int) -> SurveyActionPlan | None:
    return db.session.scalars(
        select(SurveyActionPlan).where(
            SurveyActionPlan.wave_id == wave.id, SurveyActionPlan.unit_id == unit_id
        )
    ).first()


def previous_wave(wave: SurveyWave) -> SurveyWave | None:
    """The wave of the same instrument before this one (its plan is revisited now)."""
    return db.session.scalars(
        select(SurveyWave)
        .where(
            SurveyWave.instrument_id == wave.instrument_id,
            SurveyWave.status != "draft",
            SurveyWave.id != wave.id,
            SurveyWave.opens_on <= wave.opens_on,
        )
        .order_by(SurveyWave.opens_on.desc(), SurveyWave.id.desc())
        .limit(1)
    ).first()


def save_plan(wave: SurveyWave, unit_id: int, user, data: dict) -> SurveyActionPlan:
    if not can_edit_plan(user, unit_id):
        abort(403)
    plan = plan_for(wave, unit_id)
    if plan is None:
        plan = SurveyActionPlan(wave_id=wave.id, unit_id=unit_id)
        db.session.add(plan)
    plan.author_id = user.id
    plan.focus = (data.get("focus") or "").strip()
    plan.actions = (data.get("actions") or "").strip()
    plan.due_on = data.get("due_on")
    plan.status = data.get("status") or "rencana"
    plan.updated_at = utcnow()
    db.session.flush()
    audit("survey.action_plan_saved", plan, f"wave {wave.id} unit {unit_id}")
    return plan


def review_plan(plan: SurveyActionPlan, user, review: str, status: str) -> None:
    if not can_edit_plan(user, plan.unit_id):
        abort(403)
    plan.review = (review or "").strip()
    plan.status = status
    plan.updated_at = utcnow()
    audit("survey.action_plan_reviewed", plan, f"wave {plan.wave_id} unit {plan.unit_id}")


def get_plan_or_404(plan_id: int, user) -> SurveyActionPlan:
    plan = db.session.get(SurveyActionPlan, plan_id)
    if plan is None or not (has_role(user, "admin") or plan.unit_id in subtree_unit_ids(user)):
        abort(404)
    return plan


def plans_for_units(unit_ids: list[int], limit: int = 20) -> list[SurveyActionPlan]:
    """Latest action plans of the given units (for the leader dashboard)."""
    if not unit_ids:
        return []
    return list(
        db.session.scalars(
            select(SurveyActionPlan)
            .where(SurveyActionPlan.unit_id.in_(unit_ids))
            .order_by(SurveyActionPlan.updated_at.desc())
            .limit(limit)
        )
    )
