"""Admin: the instrument builder (htmx, and plain forms without JavaScript) and waves.

A refused change (a frozen instrument, an opened wave, ...) is answered by the ``refusals``
decorator: the builder with the message for htmx, a flash and a 303 back otherwise."""

from functools import partial

from flask import flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from blueprints.auth.access import role_required
from blueprints.auth.models import Unit
from blueprints.common.confirm import ask_first
from blueprints.common.forms import EmptyForm
from blueprints.common.htmx import is_partial, redirect_after_post, trigger
from blueprints.common.refusals import refusals
from blueprints.surveys import builder as survey_builder
from blueprints.surveys import waves
from blueprints.surveys.access import Frozen, SurveyError
from blueprints.surveys.blueprint import bp
from blueprints.surveys.forms import DimensionForm, InstrumentForm, QuestionForm, WaveForm
from blueprints.surveys.scoring import tree_key
from extensions import db


@bp.get("/kelola")
@role_required("admin")
def manage():
    return render_template(
        "surveys/manage.html",
        instruments=survey_builder.instruments(),
        waves=waves.waves(),
        builtin=survey_builder.builtin_instrument(),
        form=EmptyForm(),
    )


@bp.post("/kelola/instrumen/pasang")
@role_required("admin")
def install_builtin():
    if EmptyForm().validate_on_submit():
        inst, created = survey_builder.install_builtin_instrument()
        db.session.commit()
        flash(
            _("Instrumen bawaan dipasang.") if created else _("Instrumen bawaan sudah ada."),
            "success",
        )
        return redirect(url_for("surveys.builder", instrument_id=inst.id), 303)
    return redirect(url_for("surveys.manage"), 303)


# --- instruments ------------------------------------------------------------------------------
@bp.route("/kelola/instrumen/baru", methods=["GET", "POST"])
@role_required("admin")
def new_instrument():
    form = InstrumentForm()
    if form.validate_on_submit():
        inst = survey_builder.create_instrument(form.name.data, form.description.data)
        db.session.commit()
        flash(_("Instrumen dibuat. Tambahkan dimensi dan pertanyaannya."), "success")
        return redirect(url_for("surveys.builder", instrument_id=inst.id), 303)
    status = 422 if form.is_submitted() else 200
    return render_template("surveys/instrument_new.html", form=form), status


def _builder_context(inst, **forms):
    question_form = forms.get("question_form") or QuestionForm(formdata=None)
    question_form.set_dimensions(inst)
    return {
        "inst": inst,
        "frozen": survey_builder.instrument_frozen(inst),
        "meta_form": forms.get("meta_form") or InstrumentForm(obj=inst, formdata=None),
        "dimension_form": forms.get("dimension_form") or DimensionForm(formdata=None),
        "question_form": question_form,
        "button": EmptyForm(),
        "error": forms.get("error"),
    }


def _builder_response(inst, status=200, **forms):
    """htmx gets the builder fragment; a plain request the whole page."""
    context = _builder_context(inst, **forms)
    template = "surveys/_builder.html" if is_partial() else "surveys/builder.html"
    response = make_response(render_template(template, **context), status)
    return trigger(response, "instrument-changed") if status == 200 and is_partial() else response


def _after_change(inst, message: str):
    db.session.commit()
    # Both ways say what happened: htmx shows the flash out of band beside the new builder.
    flash(message, "success")
    if is_partial():
        db.session.refresh(inst)
        return _builder_response(inst)
    return redirect(url_for("surveys.builder", instrument_id=inst.id) + "#pertanyaan", 303)


def _instrument_of(instrument_id=None, dimension_id=None, question_id=None):
    """The instrument a builder view changes, from the view's URL arguments."""
    if dimension_id is not None:
        return survey_builder.get_dimension_or_404(dimension_id).instrument
    if question_id is not None:
        return survey_builder.get_question_or_404(question_id).instrument
    return survey_builder.get_instrument_or_404(instrument_id)


def _builder_url(**view_kwargs) -> str:
    return url_for("surveys.builder", instrument_id=_instrument_of(**view_kwargs).id)


def _builder_refused(message, **view_kwargs):
    return _builder_response(_instrument_of(**view_kwargs), 409, error=message)


#: A builder change the service refuses: htmx gets the builder with the message (409), a plain
#: post a flash and a 303 to the builder.
builder_refusals = refusals(back=_builder_url, fragment=_builder_refused)


def _change_with_form(inst, form, form_name: str, change, message: str):
    """Validate `form` (invalid: the builder showing it, 422), then `change(form)`; the builder
    after the change."""
    if not form.validate_on_submit():
        return _builder_response(inst, 422, **{form_name: form})
    change(form)
    return _after_change(inst, message)


def _change_with_button(inst, change, message: str, ask=None):
    """A builder button (CSRF token only): `change()`, then the builder after it.
    ask: (question, button, subject) of a destructive one, asked first (common/confirm.py)."""
    builder_url = url_for("surveys.builder", instrument_id=inst.id)
    if not EmptyForm().validate_on_submit():
        return redirect(builder_url, 303)
    if (
        ask
        and not survey_builder.instrument_frozen(inst)
        and (asked := ask_first(*ask[:2], back=builder_url, subject=ask[2]))
    ):
        return asked
    change()
    return _after_change(inst, message)


def _question_saved(form, save) -> bool:
    """Validate the question form and `save(kind, text, dimension_id, reverse)` from it (the
    service adds or updates). False, with the form's errors and nothing kept, when the form is
    invalid or the service refuses its dimension; a frozen instrument raises for
    builder_refusals."""
    if not form.validate_on_submit():
        return False
    try:
        save(
            form.kind.data,
            form.text.data,
            form.dimension_id.data or None,
            form.reverse_keyed.data,
        )
    except Frozen:
        raise
    except SurveyError as exc:
        db.session.rollback()
        form.dimension_id.errors = [str(exc)]
        return False
    return True


@bp.get("/kelola/instrumen/<int:instrument_id>")
@role_required("admin")
def builder(instrument_id: int):
    inst = survey_builder.get_instrument_or_404(instrument_id)
    return _builder_response(inst)


@bp.post("/kelola/instrumen/<int:instrument_id>")
@role_required("admin")
@builder_refusals
def update_instrument(instrument_id: int):
    inst = survey_builder.get_instrument_or_404(instrument_id)
    return _change_with_form(
        inst,
        InstrumentForm(),
        "meta_form",
        lambda form: survey_builder.update_instrument(inst, form.name.data, form.description.data),
        _("Instrumen disimpan."),
    )


@bp.post("/kelola/instrumen/<int:instrument_id>/salin")
@role_required("admin")
def copy_instrument(instrument_id: int):
    inst = survey_builder.get_instrument_or_404(instrument_id)
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("surveys.builder", instrument_id=inst.id), 303)
    copy = survey_builder.copy_instrument(inst)
    db.session.commit()
    flash(_("Salinan dibuat; salinan ini dapat diubah."), "success")
    return redirect_after_post(url_for("surveys.builder", instrument_id=copy.id))


@bp.post("/kelola/instrumen/<int:instrument_id>/dimensi")
@role_required("admin")
@builder_refusals
def add_dimension(instrument_id: int):
    inst = survey_builder.get_instrument_or_404(instrument_id)
    return _change_with_form(
        inst,
        DimensionForm(),
        "dimension_form",
        lambda form: survey_builder.add_dimension(
            inst, form.name.data, form.construct.data, form.description.data
        ),
        _("Dimensi ditambahkan."),
    )


@bp.post("/kelola/dimensi/<int:dimension_id>/hapus")
@role_required("admin")
@builder_refusals
def delete_dimension(dimension_id: int):
    dim = survey_builder.get_dimension_or_404(dimension_id)
    return _change_with_button(
        dim.instrument,
        lambda: survey_builder.delete_dimension(dim),
        _("Dimensi dihapus."),
        ask=(_("Hapus dimensi ini?"), _("Ya, hapus dimensi"), dim.name),
    )


@bp.post("/kelola/instrumen/<int:instrument_id>/pertanyaan")
@role_required("admin")
@builder_refusals
def add_question(instrument_id: int):
    inst = survey_builder.get_instrument_or_404(instrument_id)
    form = QuestionForm()
    form.set_dimensions(inst)
    if not _question_saved(form, partial(survey_builder.add_question, inst)):
        return _builder_response(inst, 422, question_form=form)
    return _after_change(inst, _("Pertanyaan ditambahkan."))


@bp.route("/kelola/pertanyaan/<int:question_id>/ubah", methods=["GET", "POST"])
@role_required("admin")
@builder_refusals
def edit_question(question_id: int):
    question = survey_builder.get_question_or_404(question_id)
    inst = question.instrument
    form = (
        QuestionForm(obj=question)
        if request.method == "POST"
        else QuestionForm(obj=question, formdata=None)
    )
    form.set_dimensions(inst)
    if request.method == "GET":
        form.dimension_id.data = question.dimension_id or 0
    if request.method == "POST":
        if _question_saved(form, partial(survey_builder.update_question, question)):
            return _after_change(inst, _("Pertanyaan disimpan."))
        status = 422
    else:
        status = 200
    template = "surveys/_question_edit.html" if is_partial() else "surveys/question_edit.html"
    response = make_response(
        render_template(
            template,
            form=form,
            question=question,
            inst=inst,
            frozen=survey_builder.instrument_frozen(inst),
        ),
        status,
    )
    if is_partial() and request.method == "POST":
        response.headers["HX-Retarget"] = f"#question-{question.id}"
        response.headers["HX-Reswap"] = "outerHTML"
    return response


@bp.post("/kelola/pertanyaan/<int:question_id>/pindah")
@role_required("admin")
@builder_refusals
def move_question(question_id: int):
    question = survey_builder.get_question_or_404(question_id)
    direction = "up" if request.form.get("arah") == "naik" else "down"
    return _change_with_button(
        question.instrument,
        lambda: survey_builder.move_question(question, direction),
        _("Urutan pertanyaan diubah."),
    )


@bp.post("/kelola/pertanyaan/<int:question_id>/hapus")
@role_required("admin")
@builder_refusals
def delete_question(question_id: int):
    question = survey_builder.get_question_or_404(question_id)
    return _change_with_button(
        question.instrument,
        lambda: survey_builder.delete_question(question),
        _("Pertanyaan dihapus."),
        ask=(_("Hapus pertanyaan ini?"), _("Ya, hapus pertanyaan"), question.text),
    )


# --- waves ------------------------------------------------------------------------------------
def _wave_form(wave=None, formdata=True) -> WaveForm:
    kwargs = {} if formdata else {"formdata": None}
    form = WaveForm(obj=wave, **kwargs)
    form.instrument_id.choices = [
        (inst.id, inst.name) for inst, _q, _w in survey_builder.instruments()
    ]
    units = sorted(
        db.session.scalars(select(Unit).where(Unit.active.is_(True))),
        key=lambda u: tree_key(u.path),
    )
    form.unit_ids.choices = [(u.id, "\u2003" * u.depth + u.name) for u in units]
    if not formdata:
        if wave is not None:
            form.unit_ids.data = wave.target_unit_ids
        else:
            defaults = waves.wave_defaults()
            form.min_group.data = defaults["min_group"]
            form.comment_min_group.data = defaults["comment_min_group"]
            builtin = survey_builder.builtin_instrument()
            if builtin is not None:
                form.instrument_id.data = builtin.id
    return form


def _wave_saved(form, save, message: str):
    """Validate the wave form and `save(data)` (the service creates or updates; returns the
    wave): the redirect to the saved wave, or None to show the form again (its errors, or the
    refusal flashed; nothing kept)."""
    if not form.validate_on_submit():
        return None
    try:
        wave = save({**form.data})
    except SurveyError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return None
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("surveys.wave", wave_id=wave.id), 303)


@bp.route("/kelola/gelombang/baru", methods=["GET", "POST"])
@role_required("admin")
def new_wave():
    form = _wave_form(formdata=request.method == "POST")
    if request.method == "POST":
        saved = _wave_saved(
            form,
            lambda data: waves.create_wave(data, current_user),
            _("Gelombang disimpan sebagai draf. Periksa lalu buka gelombang."),
        )
        if saved is not None:
            return saved
    status = 422 if request.method == "POST" else 200
    return render_template("surveys/wave_form.html", form=form, wave=None), status


@bp.route("/kelola/gelombang/<int:wave_id>", methods=["GET", "POST"])
@role_required("admin")
def wave(wave_id: int):
    wave = waves.get_wave_or_404(wave_id)
    waves.ensure_closed_if_due(wave)
    form = _wave_form(wave, formdata=request.method == "POST")
    status = 200
    if request.method == "POST":

        def update(data):
            waves.update_wave(wave, data)
            return wave

        saved = _wave_saved(form, update, _("Gelombang disimpan."))
        if saved is not None:
            return saved
        status = 422
    submitted, invited = waves.participation_summary(wave)
    return render_template(
        "surveys/wave.html",
        wave=wave,
        form=form,
        button=EmptyForm(),
        submitted=submitted,
        invited=invited,
    ), status


#: A wave action the service refuses (open twice, close a draft, ...): a flash and back.
wave_refusals = refusals(back=lambda wave_id: url_for("surveys.wave", wave_id=wave_id))


def _wave_action(wave_id: int, action, ask=None):
    """ask: (question, button, the status the wave must be in) of an action that cannot be
    undone, asked first (in another status the service refuses at once)."""
    wave = waves.get_wave_or_404(wave_id)
    wave_url = url_for("surveys.wave", wave_id=wave.id)
    if not EmptyForm().validate_on_submit():
        return redirect(wave_url, 303)
    if (
        ask
        and wave.status == ask[2]
        and (asked := ask_first(*ask[:2], back=wave_url, subject=wave.title))
    ):
        return asked
    message = action(wave)
    db.session.commit()
    flash(message, "success")
    return redirect_after_post(url_for("surveys.wave", wave_id=wave.id))


@bp.post("/kelola/gelombang/<int:wave_id>/buka")
@role_required("admin")
@wave_refusals
def open_wave(wave_id: int):
    def action(wave):
        count = waves.open_wave(wave, current_user)
        return _("Gelombang dibuka; %(count)d pegawai diberi tahu.", count=count)

    ask = (
        _("Buka gelombang ini? Setelah dibuka, pengaturannya tidak dapat diubah."),
        _("Ya, buka gelombang"),
        "draft",
    )
    return _wave_action(wave_id, action, ask=ask)


@bp.post("/kelola/gelombang/<int:wave_id>/tutup")
@role_required("admin")
@wave_refusals
def close_wave(wave_id: int):
    def action(wave):
        waves.close_wave(wave, current_user)
        return _("Gelombang ditutup; hasilnya dihitung dan disimpan.")

    ask = (
        _("Tutup gelombang ini sekarang? Pengisian berhenti dan tidak dapat dibuka lagi."),
        _("Ya, tutup gelombang"),
        "open",
    )
    return _wave_action(wave_id, action, ask=ask)


@bp.post("/kelola/gelombang/<int:wave_id>/ingatkan")
@role_required("admin")
@wave_refusals
def remind(wave_id: int):
    def action(wave):
        count = waves.send_reminders(wave, current_user)
        return _(
            "Pengingat dikirim kepada %(count)d pegawai yang belum mengisi. Nama mereka tidak "
            "ditampilkan.",
            count=count,
        )

    return _wave_action(wave_id, action)
