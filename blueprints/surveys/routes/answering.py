"""Staff answer surveys: the list of open waves, the answer form, drafts and submitting."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from blueprints.common.htmx import is_partial, redirect_after_post
from blueprints.common.nav import register_nav
from blueprints.surveys import answering, mixing, waves
from blueprints.surveys.access import AlreadySubmitted, SurveyError
from blueprints.surveys.blueprint import bp
from blueprints.surveys.forms import answer_field_name, answer_form_class, answers_from_form
from extensions import db

register_nav("surveys.index", _l("Survei"), lambda user: True, order=40)


# --- staff ------------------------------------------------------------------------------------
@bp.get("/")
@login_required
def index():
    return render_template("surveys/index.html", open_waves=answering.open_waves_for(current_user))


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
    wave = answering.get_answerable_wave_or_404(wave_id, current_user)
    if answering.has_submitted(wave, current_user):
        return render_template("surveys/submitted.html", wave=wave, already=True)
    if not waves.is_open_today(wave):
        return render_template("surveys/closed.html", wave=wave, today=answering.today())
    saved, draft_lost = answering.load_draft(wave, current_user)
    form = answer_form_class(wave)(
        formdata=None, data={answer_field_name(qid): str(v) for qid, v in saved.items()}
    )
    return _answer_page(wave, form, draft_lost=draft_lost)


@bp.post("/<int:wave_id>/draf")
@login_required
def save_draft(wave_id: int):
    wave = answering.get_answerable_wave_or_404(wave_id, current_user)
    form = answer_form_class(wave)()
    if not form.validate_on_submit():
        if is_partial():
            return render_template("surveys/_draft_status.html", error=True), 422
        return _answer_page(wave, form, 422)
    try:
        answering.save_draft(wave, current_user, answers_from_form(form, wave))
    except SurveyError as exc:
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
    wave = answering.get_answerable_wave_or_404(wave_id, current_user)
    form = answer_form_class(wave)()
    if not form.validate_on_submit():
        return _answer_page(wave, form, 422)
    try:
        answering.submit(wave, current_user, answers_from_form(form, wave))
    except AlreadySubmitted:
        db.session.rollback()
        return render_template("surveys/submitted.html", wave=wave, already=True, refused=True), 409
    except SurveyError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return _answer_page(wave, form, 422)
    db.session.commit()
    mixing.mix_after_submit(wave)  # its own transaction, after the submit's (docs/anonymity.md)
    return redirect_after_post(url_for("surveys.submitted", wave_id=wave.id))


@bp.get("/<int:wave_id>/terkirim")
@login_required
def submitted(wave_id: int):
    wave = answering.get_answerable_wave_or_404(wave_id, current_user)
    if not answering.has_submitted(wave, current_user):
        return redirect(url_for("surveys.answer", wave_id=wave.id))
    return render_template("surveys/submitted.html", wave=wave, already=False)
