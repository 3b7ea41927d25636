"""Leaders and admins read thresholded results, export them and record action plans."""

from flask import flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from blueprints.auth.access import role_required
from blueprints.common.db import db_id
from blueprints.common.htmx import is_htmx, is_partial, render, trigger
from blueprints.common.nav import register_nav
from blueprints.common.pagination import current_page
from blueprints.common.timefmt import today_wib
from blueprints.surveys import actions, exports, plans, presenters, pulse
from blueprints.surveys import results as survey_results
from blueprints.surveys.access import can_see_results
from blueprints.surveys.blueprint import bp
from blueprints.surveys.forms import ActionPlanForm, ReviewForm
from blueprints.surveys.routes.actions import action_form
from extensions import db

register_nav("surveys.results_index", _l("Hasil Survei"), can_see_results, order=45)


bp.add_app_template_filter(presenters.score, "score")


# --- results ----------------------------------------------------------------------------------
@bp.get("/hasil")
@role_required("leader", "admin")
def results_index():
    return render_template(
        "surveys/results_index.html", waves=survey_results.results_waves_for(current_user)
    )


def _unit_arg() -> int | None:
    return request.args.get("unit", type=db_id)


def _results_context(wave, unit):
    view = survey_results.results_view(wave, unit, page=current_page())
    units = survey_results.viewable_unit_ids(current_user, wave)
    tree = survey_results.tree_for(wave)
    context = {
        "view": view,
        "p": presenters,
        "wave": wave,
        "units": units,
        "allowed": set(units),
        "trail": survey_results.unit_trail(unit, units, tree),
        "tree": tree,
        "can_edit_plan": plans.can_edit_plan(current_user, unit.id),
        "plan": plans.plan_for(wave, unit.id),
        "previous_wave": plans.previous_wave(wave),
    }
    previous = context["previous_wave"]
    context["previous_plan"] = plans.plan_for(previous, unit.id) if previous else None
    context["plan_form"] = ActionPlanForm(obj=context["plan"], formdata=None)
    context["review_form"] = ReviewForm(obj=context["previous_plan"], formdata=None)
    context["actions"] = actions.actions_for(wave.id, unit.id)
    context["action_labels"] = actions.ACTION_STATUS_LABELS
    context["can_edit_actions"] = actions.can_edit_actions(current_user, unit.id)
    context["today"] = today_wib()
    if context["can_edit_actions"]:
        context["action_form"] = action_form(wave)
    context["can_open_pulse"] = (
        wave.status == "closed"
        and wave.baseline_wave_id is None
        and pulse.can_open_pulse(current_user)
    )
    pair_units = [row.unit.id for row in view.heat_rows] or [unit.id]
    context["pair"] = pulse.before_after(wave, pair_units)
    context["baseline_actions"] = pulse.baseline_actions(wave, unit.id)
    return context


@bp.get("/hasil/<int:wave_id>")
@role_required("leader", "admin")
def results(wave_id: int):
    wave = survey_results.get_results_wave_or_404(wave_id, current_user)
    unit = survey_results.resolve_node(current_user, wave, _unit_arg())
    return render(
        "surveys/results.html", "surveys/_results_body.html", **_results_context(wave, unit)
    )


@bp.get("/hasil/<int:wave_id>/ekspor.<fmt>")
@role_required("leader", "admin")
def export(wave_id: int, fmt: str):
    wave = survey_results.get_results_wave_or_404(wave_id, current_user)
    unit = survey_results.resolve_node(current_user, wave, _unit_arg())
    view = survey_results.results_view(wave, unit, with_comments=None, breakdown_depth=None)
    if fmt == "csv":
        return exports.csv_export(view, request.args.get("tabel", "dimensi"))
    if fmt == "xlsx":
        return exports.xlsx_export(view)
    return make_response(_("Format tidak dikenal."), 404)


@bp.post("/hasil/<int:wave_id>/rencana")
@role_required("leader")
def save_plan(wave_id: int):
    wave = survey_results.get_results_wave_or_404(wave_id, current_user)
    unit = survey_results.resolve_node(current_user, wave, _unit_arg())
    form = ActionPlanForm()
    if not form.validate_on_submit():
        context = _results_context(wave, unit)
        context["plan_form"] = form
        if is_partial():
            return render_template("surveys/_plan.html", **context), 422
        return render_template("surveys/results.html", **context), 422
    plans.save_plan(wave, unit.id, current_user, form.data)
    db.session.commit()
    saved = _("Rencana aksi disimpan.")  # one message, with and without JavaScript
    if is_htmx():
        context = _results_context(wave, unit)
        response = make_response(render_template("surveys/_plan.html", saved=saved, **context))
        return trigger(response, "action-plan-saved")
    flash(saved, "success")
    return redirect(
        url_for("surveys.results", wave_id=wave.id, unit=unit.id) + "#rencana-aksi", 303
    )


@bp.post("/hasil/<int:wave_id>/tinjauan/<int:plan_id>")
@role_required("leader")
def review_plan(wave_id: int, plan_id: int):
    wave = survey_results.get_results_wave_or_404(wave_id, current_user)
    plan = plans.get_plan_or_404(plan_id, current_user)
    unit = survey_results.resolve_node(current_user, wave, plan.unit_id)
    form = ReviewForm()
    if not form.validate_on_submit():
        context = _results_context(wave, unit)
        context["review_form"] = form
        if is_partial():
            return render_template("surveys/_plan.html", **context), 422
        return render_template("surveys/results.html", **context), 422
    plans.review_plan(plan, current_user, form.review.data, form.status.data)
    db.session.commit()
    if is_htmx():
        context = _results_context(wave, unit)
        return make_response(render_template("surveys/_plan.html", saved=True, **context))
    flash(_("Tinjauan rencana aksi disimpan."), "success")
    return redirect(
        url_for("surveys.results", wave_id=wave.id, unit=unit.id) + "#rencana-aksi", 303
    )
