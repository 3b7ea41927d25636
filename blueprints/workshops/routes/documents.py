"""Document settings (admins): the kop, place of issue, certificate number pattern, default
signatory and the emblem image of certificates and daftar hadir."""

from flask import flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, StringField
from wtforms.validators import Length

from blueprints.admin.audit import audit
from blueprints.auth.access import role_required
from blueprints.common.htmx import redirect_after_post
from blueprints.common.refusals import refusals
from blueprints.workshops import documents
from blueprints.workshops.blueprint import bp
from extensions import db


def _form_class():
    class DocumentSettingsForm(FlaskForm):
        emblem = FileField(_("Lambang (PNG atau JPEG, paling besar 1 MB)"))
        remove_emblem = BooleanField(_("Hapus lambang"))

    for key, spec in documents.TEXT_SPECS.items():
        field = StringField(
            spec.label, description=spec.help, validators=[Length(max=spec.max_length)]
        )
        setattr(DocumentSettingsForm, key, field)
    return DocumentSettingsForm


def _back() -> str:
    return url_for("workshops.document_settings")


def _page(form, status=200):
    return (
        render_template(
            "workshops/document_settings.html",
            form=form,
            specs=documents.TEXT_SPECS,
            has_emblem=documents.emblem_path() is not None,
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
