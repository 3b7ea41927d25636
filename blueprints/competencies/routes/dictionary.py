"""The competency dictionary: everyone reads it; admins edit entries and add technical ones."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from blueprints.auth.access import role_required
from blueprints.common.forms import EmptyForm
from blueprints.common.refusals import refusals
from blueprints.competencies import dictionary
from blueprints.competencies.blueprint import bp
from blueprints.competencies.forms import CompetencyForm
from extensions import db


@bp.get("/kamus")
@login_required
def dictionary_index():
    return render_template(
        "competencies/dictionary.html",
        competencies=dictionary.all_competencies(active_only=False),
        button_form=EmptyForm(),
    )


@bp.post("/kamus/pasang")
@role_required("admin")
def dictionary_install():
    if EmptyForm().validate_on_submit():
        added = dictionary.install_builtin()
        db.session.commit()
        flash(_("%(n)d kompetensi bawaan ditambahkan.", n=added), "success")
    return redirect(url_for("competencies.dictionary_index"), 303)


@bp.get("/kamus/baru")
@role_required("admin")
def competency_new():
    return render_template(
        "competencies/competency_form.html", form=CompetencyForm(), competency=None
    )


@bp.post("/kamus/baru")
@role_required("admin")
@refusals(back=lambda **_kw: url_for("competencies.competency_new"))
def competency_create():
    form = CompetencyForm()
    if not form.validate_on_submit():
        return render_template("competencies/competency_form.html", form=form, competency=None), 422
    dictionary.save(None, form.data, current_user)
    db.session.commit()
    flash(_("Kompetensi disimpan."), "success")
    return redirect(url_for("competencies.dictionary_index"), 303)


@bp.get("/kamus/<int:competency_id>/ubah")
@role_required("admin")
def competency_edit(competency_id):
    competency = dictionary.get_or_404(competency_id)
    form = CompetencyForm(obj=competency)
    return render_template("competencies/competency_form.html", form=form, competency=competency)


@bp.post("/kamus/<int:competency_id>/ubah")
@role_required("admin")
@refusals(
    back=lambda competency_id: url_for("competencies.competency_edit", competency_id=competency_id)
)
def competency_update(competency_id):
    competency = dictionary.get_or_404(competency_id)
    form = CompetencyForm()
    form.code.data = competency.code
    if not form.validate_on_submit():
        return render_template(
            "competencies/competency_form.html", form=form, competency=competency
        ), 422
    dictionary.save(competency, form.data, current_user)
    db.session.commit()
    flash(_("Kompetensi disimpan."), "success")
    return redirect(url_for("competencies.dictionary_index"), 303)
