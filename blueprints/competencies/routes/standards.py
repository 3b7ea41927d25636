"""Admin pages: job competency standards (with XLSX export and import) and assessment-centre
results. Admins keep the standards and see counts, never a person's assessments."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from blueprints.auth.access import has_role, role_required
from blueprints.common.exports import xlsx_workbook_response
from blueprints.common.forms import EmptyForm
from blueprints.common.nav import register_nav
from blueprints.common.refusals import refusals
from blueprints.competencies import dictionary, profiles, standards
from blueprints.competencies.blueprint import bp
from blueprints.competencies.forms import CentreForm, ImportForm
from extensions import db

register_nav(
    "competencies.standards_index",
    _l("Standar Kompetensi"),
    lambda user: has_role(user, "admin"),
    order=92,
)


@bp.get("/standar")
@role_required("admin")
def standards_index():
    return render_template(
        "competencies/standards.html",
        overview=standards.jabatan_overview(),
        import_form=ImportForm(),
        counts=profiles.source_counts(),
    )


@bp.get("/standar/jabatan")
@role_required("admin")
def standard_edit():
    jabatan = (request.args.get("jabatan") or "").strip()[:200]
    return render_template(
        "competencies/standard_form.html",
        jabatan=jabatan,
        levels=standards.standard_for(jabatan) if jabatan else {},
        competencies=dictionary.all_competencies(),
        form=EmptyForm(),
    )


@bp.post("/standar/jabatan")
@role_required("admin")
@refusals(back=lambda **_kw: url_for("competencies.standards_index"))
def standard_update():
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("competencies.standards_index"), 303)
    jabatan = (request.form.get("jabatan") or "").strip()[:200]
    levels = {}
    for comp in dictionary.all_competencies():
        raw = request.form.get(f"level-{comp.id}", "")
        levels[comp.id] = int(raw) if raw.isdigit() else None
    standards.save_standard(jabatan, levels, current_user)
    db.session.commit()
    flash(_("Standar kompetensi %(jabatan)s disimpan.", jabatan=jabatan), "success")
    return redirect(url_for("competencies.standard_edit", jabatan=jabatan), 303)


@bp.get("/standar/skj.xlsx")
@role_required("admin")
def standards_export():
    return xlsx_workbook_response("standar-kompetensi-jabatan.xlsx", standards.workbook())


@bp.post("/standar/impor")
@role_required("admin")
@refusals(back=lambda **_kw: url_for("competencies.standards_index"))
def standards_import():
    form = ImportForm()
    if not form.validate_on_submit():
        flash(_("Pilih berkas XLSX."), "error")
        return redirect(url_for("competencies.standards_index"), 303)
    result = standards.import_xlsx(form.file.data.read(), current_user)
    db.session.commit()
    flash(
        _("%(n)d baris standar dari %(j)d jabatan diimpor.", n=result.saved, j=len(result.jabatan)),
        "success",
    )
    return redirect(url_for("competencies.standards_index"), 303)


def _centre_form():
    form = CentreForm()
    form.competency.choices = dictionary.choices()
    return form


@bp.get("/assessment-center")
@role_required("admin")
def centre():
    return render_template(
        "competencies/centre.html", form=_centre_form(), counts=profiles.source_counts()
    )


@bp.post("/assessment-center")
@role_required("admin")
@refusals(back=lambda **_kw: url_for("competencies.centre"))
def centre_create():
    form = _centre_form()
    if not form.validate_on_submit():
        return render_template(
            "competencies/centre.html", form=form, counts=profiles.source_counts()
        ), 422
    employee = profiles.employee_by_nip(form.nip.data)
    if employee is None:
        form.nip.errors = [_("Pegawai dengan NIP ini tidak ditemukan.")]
        return render_template(
            "competencies/centre.html", form=form, counts=profiles.source_counts()
        ), 422
    profiles.assess(
        current_user,
        employee,
        "assessment_centre",
        profiles.AssessmentInput(
            form.competency.data, form.level.data, form.note.data or "", form.assessed_on.data
        ),
    )
    db.session.commit()
    flash(_("Hasil assessment center disimpan."), "success")
    return redirect(url_for("competencies.centre"), 303)
