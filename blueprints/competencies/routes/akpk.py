"""AKPK per year (organizers: every unit; leaders: their subtree), its XLSX, and assigning a
session as mandatory to the people with a gap (organizers)."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from openpyxl import Workbook

from blueprints.auth.access import has_role, role_required
from blueprints.common.exports import add_sheet, xlsx_workbook_response
from blueprints.common.nav import register_nav
from blueprints.common.refusals import refusals
from blueprints.common.timefmt import format_wib_date, to_wib, utcnow
from blueprints.competencies import akpk, dictionary
from blueprints.competencies.blueprint import bp
from blueprints.competencies.forms import MandatoryForm
from blueprints.workshops.access import get_managed_session_or_404
from extensions import db

register_nav("competencies.akpk_index", _l("AKPK"), akpk.can_view, order=34)


def _year() -> int:
    year = request.args.get("tahun", type=int)
    return year if akpk.year_allowed(year) else to_wib(utcnow()).year


def _mandatory_form(analysis, form: MandatoryForm | None = None):
    form = MandatoryForm() if form is None else form
    form.session.choices = [
        (s.id, f"{title} — {format_wib_date(s.starts_at)}")
        for cid, items in akpk.matching_workshops(
            list({r.competency.id for r in analysis.rows})
        ).items()
        for s, title, _level in items
    ]
    seen, unique = set(), []
    for choice in form.session.choices:
        if choice[0] not in seen:
            seen.add(choice[0])
            unique.append(choice)
    form.session.choices = unique
    form.competency.choices = dictionary.choices()
    units = {r.unit.id: r.unit.name for r in analysis.rows}
    form.unit.choices = [(0, _("Semua unit")), *sorted(units.items(), key=lambda i: i[1])]
    return form


@bp.get("/akpk")
@login_required
def akpk_index():
    if not akpk.can_view(current_user):
        abort(403)
    analysis = akpk.build(current_user, _year())
    form = None
    if has_role(current_user, "organizer"):
        form = _mandatory_form(analysis)
        form.year.data = analysis.year  # assigning acts on the year shown
    return render_template(
        "competencies/akpk.html",
        analysis=analysis,
        columns=akpk.AKPK_COLUMNS,
        form=form,
        this_year=to_wib(utcnow()).year,
    )


@bp.get("/akpk/akpk-<int:year>.xlsx")
@login_required
def akpk_export(year):
    if not akpk.can_view(current_user):
        abort(403)
    analysis = akpk.build(current_user, year)
    workbook = Workbook()
    add_sheet(workbook, f"AKPK {year}", *akpk.worksheet(analysis))
    add_sheet(workbook, _("Sinyal survei"), *akpk.survey_sheet(analysis))
    return xlsx_workbook_response(f"akpk-{year}.xlsx", workbook)


@bp.post("/akpk/wajib")
@role_required("organizer")
@refusals(back=lambda **_kw: url_for("competencies.akpk_index"))
def akpk_assign():
    # The year of the AKPK the organizer was looking at (a hidden field of the form): the
    # choices and the people with a gap are both of that year, never silently today's.
    form = MandatoryForm()
    year = akpk.checked_year(form.year.data)
    analysis = akpk.build(current_user, year)
    _mandatory_form(analysis, form)
    back = url_for("competencies.akpk_index", tahun=year)
    if not form.validate_on_submit():
        flash(_("Periksa kembali isian penugasan."), "error")
        return redirect(back, 303)
    session = get_managed_session_or_404(form.session.data, current_user)
    result = akpk.assign_mandatory(
        current_user,
        session,
        form.competency.data,
        form.unit.data or None,
        form.min_gap.data,
        year=form.year.data,
    )
    db.session.commit()
    flash(
        _(
            "Ditugaskan: %(c)d terdaftar, %(w)d daftar tunggu, %(a)d sudah terdaftar.",
            c=len(result.confirmed),
            w=len(result.waitlisted),
            a=len(result.already),
        ),
        "success",
    )
    return redirect(back, 303)
