"""Documents: the settings of admins (the kop, place of issue, certificate number pattern,
default signatory, the emblem image), the daftar hadir PDF and attendance recap of a session
(organizers of its workshop), and the answer when a certificate cannot be numbered (any view of
the blueprint that issues one)."""

from flask import Response, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from openpyxl import Workbook
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import Length, ValidationError

from blueprints.admin.audit import audit
from blueprints.auth.access import role_required
from blueprints.common.exports import add_sheet, csv_response, xlsx_workbook_response
from blueprints.common.htmx import is_htmx, redirect_after_post
from blueprints.common.refusals import Refused, refusals
from blueprints.workshops import documents, history, sign_in
from blueprints.workshops.access import SESSION_MANAGER_ROLES, get_managed_session_or_404
from blueprints.workshops.blueprint import bp
from extensions import db


def _form_class():
    class DocumentSettingsForm(FlaskForm):
        emblem = FileField(_("Lambang (PNG atau JPEG, paling besar 1 MB)"))
        remove_emblem = BooleanField(_("Hapus lambang"))

    for key, spec in documents.TEXT_SPECS.items():
        kind = TextAreaField if spec.max_length > 200 else StringField
        validators = [Length(max=spec.max_length)]
        if key == "number_pattern":
            validators.append(_valid_number_pattern)
        field = kind(spec.label, description=spec.help, validators=validators)
        setattr(DocumentSettingsForm, key, field)
    return DocumentSettingsForm


def _valid_number_pattern(form, field):
    """The pattern's error under its field (empty = the default pattern)."""
    pattern = (field.data or "").strip() or documents.TEXT_SPECS["number_pattern"].default
    try:
        documents.check_number_pattern(pattern)
    except Refused as error:
        raise ValidationError(str(error.message)) from None


@bp.errorhandler(documents.NumberingError)
def _numbering_error(error):
    """A certificate that cannot be numbered (certificates.issue_certificate): nothing is kept,
    the person is told why and who can mend it."""
    db.session.rollback()  # logged where it was raised
    template = "errors/_fragment.html" if is_htmx() else "errors/error.html"
    page = render_template(
        template,
        status=409,
        title=_("Tindakan tidak dapat dilakukan"),
        message=str(error.message),
    )
    return page, 409


def _back() -> str:
    return url_for("workshops.document_settings")


def _page(form, status=200):
    return (
        render_template(
            "workshops/document_settings.html",
            form=form,
            specs=documents.TEXT_SPECS,
            has_emblem=documents.emblem_path() is not None,
            siasn_fields=history.FIELDS,
            siasn_default=history.DEFAULT_COLUMNS,
        ),
        status,
    )


@bp.get("/pelatihan/dokumen/pengaturan")
@role_required("admin")
def document_settings():
    return _page(_form_class()(data=documents.current_texts()))


@bp.post("/pelatihan/dokumen/pengaturan")
@role_required("admin")
@refusals(back=_back)
def document_settings_update():
    form = _form_class()()
    if not form.validate_on_submit():
        return _page(form, 422)
    if form.siasn_columns.data and form.siasn_columns.data.strip():
        history.parse_columns(form.siasn_columns.data)  # Refused on an unknown column
    changed = documents.update_texts({key: form[key].data for key in documents.TEXT_SPECS})
    upload = request.files.get("emblem")
    if upload is not None and upload.filename:
        documents.save_emblem(upload)
        changed.append("emblem")
    elif form.remove_emblem.data:
        documents.remove_emblem()
        changed.append("emblem")
    if changed:
        audit("document_settings.update", detail=", ".join(changed))
    db.session.commit()
    flash(_("Pengaturan dokumen disimpan."), "success")
    return redirect_after_post(_back())


@bp.get("/pelatihan/kelola/sesi/<int:session_id>/daftar-hadir.pdf")
@role_required(*SESSION_MANAGER_ROLES)
def attendance_sheet(session_id: int):
    session = get_managed_session_or_404(session_id, current_user)
    response = Response(sign_in.sign_in_pdf(session), mimetype="application/pdf")
    response.headers["Content-Disposition"] = (
        f'inline; filename="daftar-hadir-sesi-{session.id}.pdf"'
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/pelatihan/kelola/sesi/<int:session_id>/rekap-kehadiran.<any(csv, xlsx):fmt>")
@role_required(*SESSION_MANAGER_ROLES)
def attendance_recap(session_id: int, fmt: str):
    session = get_managed_session_or_404(session_id, current_user)
    header, rows = sign_in.recap_table(session)
    stem = f"rekap-kehadiran-sesi-{session.id}"
    if fmt == "csv":
        return csv_response(f"{stem}.csv", header, rows)
    workbook = Workbook()
    add_sheet(workbook, _("Rekap kehadiran"), header, rows)
    add_sheet(workbook, _("Ringkasan"), *sign_in.recap_summary(session))
    return xlsx_workbook_response(f"{stem}.xlsx", workbook)
