"""Administration pages: parse the form, call a service, render or redirect. Admins only."""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from blueprints.admin import audit_sentences, importer, services
from blueprints.admin.blueprint import bp
from blueprints.admin.forms import (
    AuditFilterForm,
    EmployeeFilterForm,
    EmployeeForm,
    ImportForm,
    RolesForm,
    UnitCreateForm,
    UnitForm,
    UnitHeadForm,
    UnitMoveForm,
    settings_form_class,
)
from blueprints.admin.settings import SPECS
from blueprints.auth import nip as nip_rules
from blueprints.auth.access import direct_superior, has_role, role_required
from blueprints.auth.constants import ROLE_LABELS
from blueprints.common.confirm import ask_first
from blueprints.common.db import db_id
from blueprints.common.exports import csv_response
from blueprints.common.forms import EmptyForm
from blueprints.common.htmx import redirect_after_post, render
from blueprints.common.nav import register_nav
from blueprints.common.pagination import paginate
from blueprints.common.refusals import refusals
from extensions import db

register_nav("admin.index", _l("Administrasi"), lambda user: has_role(user, "admin"), order=90)


def _me():
    return current_user._get_current_object()


def _attach(form, error: services.AdminError) -> None:
    """Show a service's refusal beside the field it concerns (or above the form)."""
    target = getattr(form, error.field, None) if error.field else None
    if target is not None:
        target.errors = (
            [*target.errors, str(error.message)] if target.errors else [str(error.message)]
        )
    else:
        flash(str(error.message), "error")


def _submit(form, save, done, page):
    """The create/update shape, written once: validate the form, call the service (which
    audits), commit, flash and redirect. ``done(result)`` gives the (message, URL) of success;
    an invalid or refused form re-renders ``page()`` (422), a refusal beside its field."""
    if form.validate_on_submit():
        try:
            result = save()
        except services.AdminError as error:
            db.session.rollback()
            _attach(form, error)
        else:
            db.session.commit()
            message, location = done(result)
            flash(message, "success")
            return redirect_after_post(location)
    return page()


def _unit_url(unit_id: int, **_kwargs) -> str:
    return url_for("admin.unit_edit", unit_id=unit_id)


def _employee_url(employee_id: int, **_kwargs) -> str:
    return url_for("admin.employee_edit", employee_id=employee_id)


# --- home ----------------------------------------------------------------------------------
@bp.get("/")
@role_required("admin")
def index():
    return render_template(
        "admin/index.html",
        figures=services.overview(),
        recent=audit_sentences.lines(services.recent_audit()),
    )


# --- units ---------------------------------------------------------------------------------
@bp.get("/unit")
@role_required("admin")
def units():
    return render_template("admin/units.html", rows=services.unit_tree())


def _unit_create_form(**kwargs) -> UnitCreateForm:
    form = UnitCreateForm(**kwargs)
    choices = services.unit_choices()
    form.parent_id.choices = choices or [("", _("— unit akar —"))]
    return form


@bp.get("/unit/baru")
@role_required("admin")
def unit_new():
    parent = request.args.get("induk", type=db_id)
    form = _unit_create_form(parent_id=parent)
    return render_template("admin/unit_new.html", form=form)


@bp.post("/unit/baru")
@role_required("admin")
def unit_create():
    form = _unit_create_form()
    return _submit(
        form,
        lambda: services.create_unit(
            form.code.data, form.name.data, form.kind.data, form.parent_id.data
        ),
        lambda unit: (_("Unit %(name)s dibuat.", name=unit.name), _unit_url(unit.id)),
        lambda: (render_template("admin/unit_new.html", form=form), 422),
    )


def _unit_page(unit, form=None, move_form=None, head_form=None, status=200):
    form = form or UnitForm(obj=unit)
    move_form = move_form or UnitMoveForm(prefix="move", parent_id=unit.parent_id)
    move_form.parent_id.choices = [("", _("— pilih —")), *services.unit_choices(exclude=unit)]
    head_form = head_form or UnitHeadForm(prefix="head", head_id=unit.head_id)
    head_form.head_id.choices = [("", _("— tanpa pimpinan —")), *services.head_choices(unit)]
    return (
        render_template(
            "admin/unit_edit.html",
            unit=unit,
            form=form,
            move_form=move_form,
            head_form=head_form,
            action_form=EmptyForm(),
        ),
        status,
    )


@bp.get("/unit/<int:unit_id>")
@role_required("admin")
def unit_edit(unit_id: int):
    return _unit_page(services.get_unit_or_404(unit_id))


@bp.post("/unit/<int:unit_id>")
@role_required("admin")
def unit_update(unit_id: int):
    unit = services.get_unit_or_404(unit_id)
    form = UnitForm()
    return _submit(
        form,
        lambda: services.update_unit(unit, form.code.data, form.name.data, form.kind.data),
        lambda _none: (_("Unit disimpan."), _unit_url(unit_id)),
        lambda: _unit_page(unit, form=form, status=422),
    )


@bp.post("/unit/<int:unit_id>/pindah")
@role_required("admin")
def unit_move(unit_id: int):
    unit = services.get_unit_or_404(unit_id)
    move_form = UnitMoveForm(prefix="move")
    move_form.parent_id.choices = services.unit_choices(exclude=unit)
    return _submit(
        move_form,
        lambda: services.move_unit(unit, move_form.parent_id.data),
        lambda _none: (_("Unit dipindahkan beserta seluruh sub-unitnya."), _unit_url(unit_id)),
        lambda: _unit_page(services.get_unit_or_404(unit_id), move_form=move_form, status=422),
    )


@bp.post("/unit/<int:unit_id>/pimpinan")
@role_required("admin")
def unit_head(unit_id: int):
    unit = services.get_unit_or_404(unit_id)
    head_form = UnitHeadForm(prefix="head")
    head_form.head_id.choices = [("", "-"), *services.head_choices(unit)]
    return _submit(
        head_form,
        lambda: services.set_unit_head(unit, head_form.head_id.data),
        lambda _none: (_("Pimpinan unit disimpan."), _unit_url(unit_id)),
        lambda: _unit_page(unit, head_form=head_form, status=422),
    )


def _unit_action(unit_id: int, action, done_message: str, ask=None):
    """A button on the unit page; a refusal is answered by the view's ``refusals``.
    ask: (question, button) of a destructive one, asked first (common/confirm.py)."""
    unit = services.get_unit_or_404(unit_id)
    if EmptyForm().validate_on_submit():
        if (
            ask
            and unit.active
            and (asked := ask_first(*ask, back=_unit_url(unit_id), subject=unit.name))
        ):
            return asked
        action(unit)
        db.session.commit()
        flash(done_message, "success")
    return redirect_after_post(_unit_url(unit_id))


@bp.post("/unit/<int:unit_id>/nonaktifkan")
@role_required("admin")
@refusals(back=_unit_url)
def unit_deactivate(unit_id: int):
    return _unit_action(
        unit_id,
        services.deactivate_unit,
        _("Unit dinonaktifkan."),
        ask=(_("Nonaktifkan unit ini?"), _("Ya, nonaktifkan unit")),
    )


@bp.post("/unit/<int:unit_id>/aktifkan")
@role_required("admin")
@refusals(back=_unit_url)
def unit_reactivate(unit_id: int):
    return _unit_action(unit_id, services.reactivate_unit, _("Unit diaktifkan kembali."))


# --- employees -----------------------------------------------------------------------------
@bp.get("/pegawai")
@role_required("admin")
def employees():
    """One URL: the full page, or (htmx) only the results fragment for the live search."""
    filters = EmployeeFilterForm(request.args)
    unit_options = services.unit_choices(active_only=False)
    filters.unit.choices = [("", _("Semua unit")), *unit_options]
    valid_units = {value for value, _label in unit_options}
    unit = services.get_unit_or_404(filters.unit.data) if filters.unit.data in valid_units else None
    role = filters.role.data if filters.role.data in services.ROLE_FILTERS else ""
    status = filters.status.data if filters.status.data in services.STATUS_FILTERS else "active"
    stmt = services.employee_search_stmt(
        q=(filters.q.data or "")[:100],
        unit=unit,
        subtree=filters.scope.data != "unit",
        role=role,
        status=status,
    )
    page = paginate(stmt, per_page=current_app.config.get("PAGE_SIZE", 25), scalars=False)
    return render(
        "admin/employees.html",
        "admin/_employee_results.html",
        results=page,
        filters=filters,
        display_nip=nip_rules.display,
    )


def _employee_form(**kwargs) -> EmployeeForm:
    form = EmployeeForm(**kwargs)
    form.unit_id.choices = services.unit_choices()
    return form


def _employee_data(form: EmployeeForm) -> services.EmployeeData:
    return services.EmployeeData(
        nip=form.nip.data,
        name=form.name.data,
        email=form.email.data,
        employment_type=form.employment_type.data,
        golongan=form.golongan.data or None,
        jenis_jabatan=form.jenis_jabatan.data,
        jabatan=form.jabatan.data or "",
        unit_id=form.unit_id.data,
        superior_nip=form.superior_nip.data or "",
        contract_start=form.contract_start.data,
    )


@bp.get("/pegawai/baru")
@role_required("admin")
def employee_new():
    form = _employee_form(unit_id=request.args.get("unit", type=db_id))
    return render_template("admin/employee_new.html", form=form)


@bp.post("/pegawai/baru")
@role_required("admin")
def employee_create():
    form = _employee_form()
    return _submit(
        form,
        lambda: services.create_employee(_employee_data(form)),
        lambda employee: (
            _(
                "Pegawai %(name)s ditambahkan. Akun belum punya kata sandi: gunakan "
                "\u201cSetel ulang kata sandi\u201d untuk memberi kata sandi sementara.",
                name=employee.name,
            ),
            _employee_url(employee.id),
        ),
        lambda: (render_template("admin/employee_new.html", form=form), 422),
    )


def _employee_page(employee, form=None, roles_form=None, status=200, temporary_password=None):
    if form is None:
        form = _employee_form(
            obj=employee,
            nip=nip_rules.display(employee.nip, employee.employment_type),
            superior_nip=employee.superior.nip if employee.superior else "",
            golongan=employee.golongan or "",
        )
    roles_form = roles_form or RolesForm(
        prefix="roles",
        admin="admin" in employee.stored_roles,
        organizer="organizer" in employee.stored_roles,
    )
    return (
        render_template(
            "admin/employee_edit.html",
            employee=employee,
            form=form,
            roles_form=roles_form,
            action_form=EmptyForm(),
            led_units=services.led_unit_names(employee),
            superior=direct_superior(employee),
            temporary_password=temporary_password,
            display_nip=nip_rules.display,
            role_labels=ROLE_LABELS,
        ),
        status,
    )


@bp.get("/pegawai/<int:employee_id>")
@role_required("admin")
def employee_edit(employee_id: int):
    return _employee_page(services.get_employee_or_404(employee_id))


@bp.post("/pegawai/<int:employee_id>")
@role_required("admin")
def employee_update(employee_id: int):
    employee = services.get_employee_or_404(employee_id)
    form = _employee_form()
    return _submit(
        form,
        lambda: services.update_employee(employee, _employee_data(form)),
        lambda _none: (_("Data pegawai disimpan."), _employee_url(employee_id)),
        lambda: _employee_page(services.get_employee_or_404(employee_id), form=form, status=422),
    )


@bp.post("/pegawai/<int:employee_id>/peran")
@role_required("admin")
def employee_roles(employee_id: int):
    employee = services.get_employee_or_404(employee_id)
    roles_form = RolesForm(prefix="roles")
    if roles_form.validate_on_submit():
        roles = {name for name in ("admin", "organizer") if roles_form[name].data}
        try:
            services.set_roles(employee, roles, _me())
        except services.AdminError as error:
            db.session.rollback()
            flash(str(error.message), "error")
            employee = services.get_employee_or_404(employee_id)
            return _employee_page(employee, roles_form=roles_form, status=422)
        db.session.commit()
        flash(_("Peran disimpan."), "success")
    return redirect_after_post(_employee_url(employee_id))


def _employee_action(employee_id: int, action, done_message: str, ask=None):
    """A button on the employee page; a refusal is answered by the view's ``refusals``.
    ask: (question, button) of a destructive one, asked first (common/confirm.py)."""
    employee = services.get_employee_or_404(employee_id)
    if EmptyForm().validate_on_submit():
        if ask and (asked := _ask_about(employee, *ask)):
            return asked
        action(employee)
        db.session.commit()
        flash(done_message, "success")
    return redirect_after_post(_employee_url(employee_id))


def _ask_about(employee, question: str, button: str):
    """The confirmation page, unless the service will refuse (own account) or do nothing."""
    if employee.id == current_user.id or not employee.active:
        return None
    return ask_first(question, button, back=_employee_url(employee.id), subject=employee.name)


@bp.post("/pegawai/<int:employee_id>/nonaktifkan")
@role_required("admin")
@refusals(back=_employee_url)
def employee_deactivate(employee_id: int):
    return _employee_action(
        employee_id,
        lambda employee: services.deactivate_employee(employee, _me()),
        _("Akun dinonaktifkan. Riwayatnya tetap tersimpan."),
        ask=(_("Nonaktifkan akun ini? Riwayatnya tetap tersimpan."), _("Ya, nonaktifkan akun")),
    )


@bp.post("/pegawai/<int:employee_id>/aktifkan")
@role_required("admin")
@refusals(back=_employee_url)
def employee_reactivate(employee_id: int):
    return _employee_action(
        employee_id, services.reactivate_employee, _("Akun diaktifkan kembali.")
    )


@bp.post("/pegawai/<int:employee_id>/reset-sandi")
@role_required("admin")
@refusals(back=_employee_url)
def employee_reset_password(employee_id: int):
    """The temporary password is shown once, in this response only (never stored readable,
    never put in a flash message or a URL)."""
    employee = services.get_employee_or_404(employee_id)
    if not EmptyForm().validate_on_submit():
        return redirect_after_post(_employee_url(employee_id))
    asked = _ask_about(
        employee, _("Setel ulang kata sandi akun ini?"), _("Ya, setel ulang kata sandi")
    )
    if asked:
        return asked
    temporary = services.reset_password(employee, _me())
    db.session.commit()
    return _employee_page(employee, temporary_password=temporary)


# --- import --------------------------------------------------------------------------------
@bp.get("/impor")
@role_required("admin")
def import_form():
    return render_template(
        "admin/import.html",
        form=ImportForm(),
        columns=importer.ALL_COLUMNS,
        unit_codes=services.unit_codes(),
    )


@bp.get("/impor/contoh.csv")
@role_required("admin")
def import_template():
    return csv_response(
        "contoh-impor-pegawai.csv",
        importer.ALL_COLUMNS,
        [
            [
                "19800101 200501 1 001",
                "Contoh Nama Pegawai",
                "contoh@marelan.go.id",
                "KEL-TJ",
                "Pengadministrasi Umum",
                "pelaksana",
                "III/a",
                "PNS",
                "",
                "",  # awal_kontrak: PPPK only
            ]
        ],
    )


@bp.post("/impor")
@role_required("admin")
def import_upload():
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        raw = upload.read(importer.MAX_IMPORT_BYTES + 1)
        filename = upload.filename or "impor.csv"
        if len(raw) > importer.MAX_IMPORT_BYTES:
            form.file.errors.append(_("Berkas lebih besar dari 2 MB."))
        elif not filename.lower().endswith(".csv"):
            form.file.errors.append(_("Berkas harus berakhiran .csv."))
        else:
            try:
                text = importer.decode(raw)
            except importer.ImportFileError as error:
                form.file.errors.append(str(error.args[0]))
            else:
                token = importer.store_upload(text, current_user.id, filename)
                return redirect_after_post(url_for("admin.import_preview", token=token))
    return render_template("admin/import.html", form=form, columns=importer.ALL_COLUMNS), 422


def _load_or_404(token: str):
    stored = importer.load_upload(token, current_user.id)
    if stored is None:
        flash(
            _("Pratinjau impor tidak ditemukan atau sudah kedaluwarsa. Unggah berkasnya lagi."),
            "error",
        )
        return None
    return stored


@bp.get("/impor/<token>")
@role_required("admin")
def import_preview(token: str):
    stored = _load_or_404(token)
    if stored is None:
        return redirect(url_for("admin.import_form"))
    text, meta = stored
    plan = importer.validate(text)
    return render_template(
        "admin/import_preview.html", plan=plan, token=token, meta=meta, form=EmptyForm()
    )


@bp.post("/impor/<token>")
@role_required("admin")
def import_commit(token: str):
    stored = _load_or_404(token)
    if stored is None:
        return redirect_after_post(url_for("admin.import_form"))
    form = EmptyForm()
    text, meta = stored
    if not form.validate_on_submit():
        return redirect_after_post(url_for("admin.import_preview", token=token))
    # Checked again: the data may have changed since the preview. All rows or none.
    plan = importer.validate(text)
    if plan.ok:
        try:
            result = importer.apply(plan, actor=_me(), source=meta.get("filename", ""))
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            flash(
                _("Data pegawai berubah selama impor; tidak ada yang disimpan. Periksa lagi."),
                "error",
            )
            plan = importer.validate(text)
        else:
            importer.discard_upload(token)
            flash(
                _(
                    "Impor selesai: %(created)d pegawai baru, %(updated)d diperbarui.",
                    created=result.created,
                    updated=result.updated,
                ),
                "success",
            )
            return redirect_after_post(url_for("admin.employees"))
    return (
        render_template("admin/import_preview.html", plan=plan, token=token, meta=meta, form=form),
        422,
    )


# --- audit log -----------------------------------------------------------------------------
@bp.get("/audit")
@role_required("admin")
def audit_log():
    filters = AuditFilterForm(request.args)
    actions = services.audit_actions()
    filters.action.choices = [("", _("Semua tindakan")), *audit_sentences.action_choices(actions)]
    action = filters.action.data if filters.action.data in actions else ""
    page = paginate(
        services.audit_stmt(action=action, actor=(filters.actor.data or "")[:100]),
        per_page=current_app.config.get("PAGE_SIZE", 25) * 2,
    )
    return render(
        "admin/audit.html",
        "admin/_audit_results.html",
        results=page,
        filters=filters,
        lines=audit_sentences.lines(page.items),
    )


# --- settings ------------------------------------------------------------------------------
@bp.get("/pengaturan")
@role_required("admin")
def settings():
    form = settings_form_class()(data=services.current_settings())
    return render_template("admin/settings.html", form=form, specs=SPECS)


@bp.post("/pengaturan")
@role_required("admin")
def settings_update():
    form = settings_form_class()()
    if form.validate_on_submit():
        changed = services.update_settings({key: form[key].data for key in SPECS})
        db.session.commit()
        if changed:
            flash(_("Pengaturan disimpan."), "success")
        else:
            flash(_("Tidak ada perubahan."), "info")
        return redirect_after_post(url_for("admin.settings"))
    return render_template("admin/settings.html", form=form, specs=SPECS), 422
