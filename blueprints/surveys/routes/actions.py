"""Survey actions: a leader (or an admin) adds actions to a unit's plan from the results page,
edits them on their own page, and may schedule a sosialisasi for one."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints.auth.access import role_required
from blueprints.common.db import db_id
from blueprints.common.refusals import Refused
from blueprints.common.timefmt import wib_to_utc
from blueprints.surveys import actions
from blueprints.surveys import results as survey_results
from blueprints.surveys.blueprint import bp
from blueprints.surveys.forms import ActionForm, BriefingForm
from extensions import db


def action_form(wave, action=None, formdata=None) -> ActionForm:
    """The form with this wave's dimensions and the sessions an action may link to."""
    form = ActionForm(formdata=formdata, obj=action)
    if action is not None and formdata is None:
        form.owner.data = action.owner.email
    form.dimension_id.choices = [(d.id, d.name) for d in wave.instrument.dimensions]
    form.session_id.choices = [(0, _("— tidak ada —")), *actions.session_choices()]
    if (
        action is not None
        and action.session_id
        and action.session_id not in {value for value, _label in form.session_id.choices}
    ):
        form.session_id.choices.append((action.session_id, action.session.workshop.title))
    return form


def _results_url(wave_id: int, unit_id: int) -> str:
    return url_for("surveys.results", wave_id=wave_id, unit=unit_id) + "#aksi"


def _form_page(form, wave, unit, action=None, briefing=None, status=200):
    return render_template(
        "surveys/action_form.html",
        form=form,
        wave=wave,
        unit=unit,
        action=action,
        briefing_form=briefing or BriefingForm(formdata=None),
    ), status


def _submit(form, wave, unit, action=None):
    if form.validate_on_submit():
        try:
            saved = actions.save_action(wave, unit, current_user, form.data, action)
        except Refused as error:
            db.session.rollback()
            form.owner.errors = [*form.owner.errors, error.message]
        else:
            db.session.commit()
            flash(_("Aksi disimpan: %(what)s", what=saved.what), "success")
            return redirect(_results_url(wave.id, unit.id), 303)
    return _form_page(form, wave, unit, action, status=422)


@bp.post("/hasil/<int:wave_id>/aksi")
@role_required("leader", "admin")
def action_create(wave_id: int):
    wave = survey_results.get_results_wave_or_404(wave_id, current_user)
    unit = survey_results.resolve_node(current_user, wave, request.args.get("unit", type=db_id))
    if not actions.can_edit_actions(current_user, unit.id):
        return _form_page(action_form(wave), wave, unit, status=403)
    return _submit(action_form(wave, formdata=request.form), wave, unit)


@bp.route("/aksi/<int:action_id>/ubah", methods=["GET", "POST"])
@role_required("leader", "admin")
def action_edit(action_id: int):
    action = actions.get_action_or_404(action_id, current_user)
    wave, unit = action.wave, action.unit
    if request.method == "GET":
        return _form_page(action_form(wave, action), wave, unit, action)
    return _submit(action_form(wave, action, formdata=request.form), wave, unit, action)


@bp.post("/aksi/<int:action_id>/sosialisasi")
@role_required("leader", "admin")
def action_briefing(action_id: int):
    action = actions.get_action_or_404(action_id, current_user)
    form = BriefingForm()
    if form.validate_on_submit():
        data = {
            "starts_at": wib_to_utc(form.day.data, form.start_time.data),
            "ends_at": wib_to_utc(form.day.data, form.end_time.data),
            "venue": (form.venue.data or "").strip(),
            "capacity": form.capacity.data,
            "jp": form.jp.data or 0,
        }
        try:
            session = actions.schedule_briefing(action, current_user, data)
        except Refused as error:
            db.session.rollback()
            form.end_time.errors = [error.message]
        else:
            db.session.commit()
            flash(_("Sosialisasi dijadwalkan dan terbit di katalog pelatihan."), "success")
            return redirect(url_for("workshops.show", session_id=session.id), 303)
    action = actions.get_action_or_404(action_id, current_user)
    return _form_page(
        action_form(action.wave, action), action.wave, action.unit, action, form, status=422
    )
