"""Organizers declare what a workshop develops: competencies and the level it aims at."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints.auth.access import role_required
from blueprints.common.forms import EmptyForm
from blueprints.common.refusals import refusals
from blueprints.competencies import career, dictionary
from blueprints.competencies.blueprint import bp
from blueprints.workshops.access import get_managed_workshop_or_404
from extensions import db


@bp.get("/pelatihan/<int:workshop_id>")
@role_required("organizer")
def workshop(workshop_id):
    item = get_managed_workshop_or_404(workshop_id, current_user)
    declared = {wc.competency_id: wc.target_level for wc in career.workshop_competencies(item.id)}
    return render_template(
        "competencies/workshop.html",
        workshop=item,
        declared=declared,
        competencies=dictionary.all_competencies(),
        form=EmptyForm(),
    )


@bp.post("/pelatihan/<int:workshop_id>")
@role_required("organizer")
@refusals(back=lambda workshop_id: url_for("competencies.workshop", workshop_id=workshop_id))
def workshop_update(workshop_id):
    item = get_managed_workshop_or_404(workshop_id, current_user)
    if EmptyForm().validate_on_submit():
        levels = {}
        for comp in dictionary.all_competencies():
            raw = request.form.get(f"level-{comp.id}", "")
            levels[comp.id] = int(raw) if raw.isdigit() else None
        career.set_workshop_competencies(item, levels, current_user)
        db.session.commit()
        flash(_("Kompetensi pelatihan disimpan."), "success")
    return redirect(url_for("competencies.workshop", workshop_id=workshop_id), 303)
