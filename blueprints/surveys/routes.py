"""Staff answer surveys; leaders and admins read thresholded results and record action plans."""

from flask import flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from blueprints.auth.access import role_required
from blueprints.common.db import db_id
from blueprints.common.htmx import is_htmx, is_partial, redirect_after_post, render, trigger
from blueprints.common.nav import register_nav
from blueprints.surveys import exports, presenters, services
from blueprints.surveys.blueprint import bp
from blueprints.surveys.forms import (
    ActionPlanForm,
    ReviewForm,
    answer_field_name,
    answer_form_class,
    answers_from_form,
)
from extensions import db

register_nav("surveys.index", _l("Survei"), lambda user: True, order=40)
register_nav("surveys.results_index", _l("Hasil Survei"), services.can_see_results, order=45)


bp.add_app_template_filter(presenters.score, "score")


# --- staff ------------------------------------------------------------------------------------
@bp.get("/")
@login_required
def index():
    return render_template("surveys/index.html", open_waves=services.open_waves_for(current_user))


@bp.get("/tentang")
@login_required
def about():
    return render_template("surveys/about.html")


def _answer_page(wave, form, status=200, draft_lost=False):
    return render_template(
        "surveys/answer.html",
        wave=wave,
        form=form,
        draft_lost=draft_lost,
        field_name=answer_field_name,
    ), status


@bp.get("/<int:wave_id>")
@login_required
def answer(wave_id: int):
    wave = services.get_answerable_wave_or_404(wave_id, current_user)
    if services.has_submitted(wave, current_user):
        return render_template("surveys/submitted.html", wave=wave, already=True)
    if not services.is_open_today(wave):
        return render_template("surveys/closed.html", wave=wave, today=services.today())
    saved, draft_lost = services.load_draft(wave, current_user)
    form = answer_form_class(wave)(
        formdata=None, data={answer_field_name(qid): str(v) for qid, v in saved.items()}
    )
    return _answer_page(wave, form, draft_lost=draft_lost)


@bp.post("/<int:wave_id>/draf")
@login_required
def save_draft(wave_id: int):
    wave = services.get_answerable_wave_or_404(wave_id, current_user)
    form = answer_form_class(wave)()
    if not form.validate_on_submit():
        if is_partial():
            return render_template("surveys/_draft_status.html", error=True), 422
        return _answer_page(wave, form, 422)
    try:
        services.save_draft(wave, current_user, answers_from_form(form, wave))
    except services.SurveyError as exc:
        db.session.rollback()
        if is_partial():
            return render_template("surveys/_draft_status.html", error=True, message=str(exc)), 409
        flash(str(exc), "warning")
        return redirect(url_for("surveys.answer", wave_id=wave.id), 303)
    db.session.commit()
    if is_partial():
        return render_template("surveys/_draft_status.html", saved=True)
    flash(
        _("Jawaban sementara disimpan. Anda dapat melanjutkannya nanti dari peramban ini."),
        "success",
    )
    return redirect(url_for("surveys.answer", wave_id=wave.id), 303)


@bp.post("/<int:wave_id>/kirim")
@login_required
def submit(wave_id: int):
    wave = services.get_answerable_wave_or_404(wave_id, current_user)
    form = answer_form_class(wave)()
    if not form.validate_on_submit():
        return _answer_page(wave, form, 422)
    try:
        services.submit(wave, current_user, answers_from_form(form, wave))
    except services.AlreadySubmitted:
        db.session.rollback()
        return render_template("surveys/submitted.html", wave=wave, already=True, refused=True), 409
    except services.SurveyError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return _answer_page(wave, form, 422)
    db.session.commit()
    return redirect_after_post(url_for("surveys.submitted", wave_id=wave.id))


@bp.get("/<int:wave_id>/terkirim")
@login_required
def submitted(wave_id: int):
    wave = services.get_answerable_wave_or_404(wave_id, current_user)
    if not services.has_submitted(wave, current_user):
        return redirect(url_for("surveys.answer", wave_id=wave.id))
    return render_template("surveys/submitted.html", wave=wave, already=False)


# --- results ----------------------------------------------------------------------------------
@bp.get("/hasil")
@role_required("leader", "admin")
def results_index():
    return render_template(
        "surveys/results_index.html", waves=services.results_waves_for(current_user)
    )


def _unit_arg() -> int | None:
    return request.args.get("unit", type=db_id)


def _results_context(wave, unit):
    view = services.results_view(wave, unit)
    units = services.viewable_unit_ids(current_user, wave)
    tree = services.tree_for(wave)
    context = {
        "view": view,
        "p": presenters,
        "wave": wave,
        "units": units,
        "allowed": set(units),
        "trail": services.unit_trail(unit, units, tree),
        "tree": tree,
        "can_edit_plan": services.can_edit_plan(current_user, unit.id),
        "plan": services.plan_for(wave, unit.id),
        "previous_wave": services.previous_wave(wave),
    }
    previous = context["previous_wave"]
    context["previous_plan"] = services.plan_for(previous, unit.id) if previous else None
    context["plan_form"] = ActionPlanForm(obj=context["plan"], formdata=None)
    context["review_form"] = ReviewForm(obj=context["previous_plan"], formdata=None)
    return context


@bp.get("/hasil/<int:wave_id>")
@role_required("leader", "admin")
def results(wave_id: int):
    wave = services.get_results_wave_or_404(wave_id, current_user)
    unit = services.resolve_node(current_user, wave, _unit_arg())
    return render(
        "surveys/results.html", "surveys/_results_body.html", **_results_context(wave, unit)
    )


@bp.get("/hasil/<int:wave_id>/ekspor.<fmt>")
@role_required("leader", "admin")
def export(wave_id: int, fmt: str):
    wave = services.get_results_wave_or_404(wave_id, current_user)
    unit = services.resolve_node(current_user, wave, _unit_arg())
    view = services.results_view(wave, unit, with_comments=None, breakdown_depth=None)
    if fmt == "csv":
        return exports.csv_export(view, request.args.get("tabel", "dimensi"))
    if fmt == "xlsx":
        return exports.xlsx_export(view)
    return make_response(_("Format tidak dikenal."), 404)


@bp.post("/hasil/<int:wave_id>/rencana")
@role_required("leader")
def save_plan(wave_id: int):
    wave = services.get_results_wave_or_404(wave_id, current_user)
    unit = services.resolve_node(current_user, wave, _unit_arg())
    form = ActionPlanForm()
    if not form.validate_on_submit():
        context = _results_context(wave, unit)
        context["plan_form"] = form
        if is_partial():
            return render_template("surveys/_plan.html", **context), 422
        return render_template("surveys/results.html", **context), 422
    services.save_plan(wave, unit.id, current_user, form.data)
    db.session.commit()
    if is_htmx():
        context = _results_context(wave, unit)
        response = make_response(render_template("surveys/_plan.html", saved=True, **context))
        return trigger(response, "action-plan-saved")
    flash(_("Rencana aksi disimpan."), "success")
    return redirect(
        url_for("surveys.results", wave_id=wave.id, unit=unit.id) + "#rencana-aksi", 303
    )


@bp.post("/hasil/<int:wave_id>/tinjauan/<int:plan_id>")
@role_required("leader")
def review_plan(wave_id: int, plan_id: int):
    wave = services.get_results_wave_or_404(wave_id, current_user)
    plan = services.get_plan_or_404(plan_id, current_user)
    unit = services.resolve_node(current_user, wave, plan.unit_id)
    form = ReviewForm()
    if not form.validate_on_submit():
        context = _results_context(wave, unit)
        context["review_form"] = form
        if is_partial():
            return render_template("surveys/_plan.html", **context), 422
        return render_template("surveys/results.html", **context), 422
    services.review_plan(plan, current_user, form.review.data, form.status.data)
    db.session.commit()
    if is_htmx():
        context = _results_context(wave, unit)
        return make_response(render_template("surveys/_plan.html", saved=True, **context))
    flash(_("Tinjauan rencana aksi disimpan."), "success")
    return redirect(
        url_for("surveys.results", wave_id=wave.id, unit=unit.id) + "#rencana-aksi", 303
    )


from blueprints.surveys import routes_admin  # noqa: E402,F401  (admin views; split next)
