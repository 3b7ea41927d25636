"""The pulse re-measure: an admin (or a leader, when the setting allows) opens a pulse wave
from a closed wave's results page; the pulse's results show before and after."""

from datetime import timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints.auth.access import role_required
from blueprints.common.refusals import Refused
from blueprints.common.timefmt import today_wib
from blueprints.surveys import pulse
from blueprints.surveys import results as survey_results
from blueprints.surveys.access import SurveyError
from blueprints.surveys.blueprint import bp
from blueprints.surveys.forms import PulseForm
from extensions import db


def pulse_form(wave, formdata=None) -> PulseForm:
    form = PulseForm(formdata=formdata)
    form.dimension_ids.choices = [(d.id, d.name) for d in wave.instrument.dimensions]
    if formdata is None:
        form.dimension_ids.data = pulse.targeted_dimension_ids(wave)
        form.title.data = _("Denyut: %(title)s", title=wave.title)[:200]
        form.opens_on.data = today_wib()
        form.closes_on.data = today_wib() + timedelta(days=14)
    return form


@bp.route("/hasil/<int:wave_id>/denyut", methods=["GET", "POST"])
@role_required("leader", "admin")
def pulse_new(wave_id: int):
    wave = survey_results.get_results_wave_or_404(wave_id, current_user)
    if not pulse.can_open_pulse(current_user):
        return render_template("surveys/pulse_new.html", wave=wave, form=None), 403
    form = pulse_form(wave, request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate_on_submit():
        try:
            created = pulse.create_pulse(
                wave,
                current_user,
                form.dimension_ids.data or [],
                form.title.data.strip(),
                form.opens_on.data,
                form.closes_on.data,
            )
        except (Refused, SurveyError) as error:
            db.session.rollback()
            form.dimension_ids.errors = [str(error)]
        else:
            db.session.commit()
            flash(_("Survei denyut dibuka: %(title)s", title=created.title), "success")
            return redirect(url_for("surveys.results", wave_id=created.id), 303)
    status = 422 if request.method == "POST" else 200
    return render_template(
        "surveys/pulse_new.html",
        wave=wave,
        form=form,
        not_yet_due=pulse.actions_not_yet_due(wave),
    ), status
