"""Ledger views: a person's JP ledger by year, adding an external learning record, and the
organizer's queue that verifies or rejects those records."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from blueprints.auth.access import can_view_employee, role_required
from blueprints.auth.models import Employee
from blueprints.common.confirm import ask_first
from blueprints.common.forms import EmptyForm
from blueprints.common.nav import register_nav
from blueprints.common.refusals import Refused, refusals
from blueprints.common.timefmt import today_wib
from blueprints.workshops.access import is_organizer
from blueprints.workshops.blueprint import bp
from blueprints.workshops.forms import ExternalLearningForm, RejectForm
from blueprints.workshops.jp_period import current_period, period_label
from blueprints.workshops.ledger import create_external, pending_external, review_external
from blueprints.workshops.ledger import ledger as build_ledger
from blueprints.workshops.models import ExternalLearning
from extensions import db

register_nav("workshops.ledger", _l("JP Saya"), lambda user: True, order=21)


def _reject_form_for(record):
    return RejectForm(prefix=f"tolak-{record.id}", formdata=None)


bp.add_app_template_global(_reject_form_for, "reject_form_for")


# --- JP ledger and external learning --------------------------------------------------------
def _year_arg(employee: Employee) -> int:
    """The JP period asked for by its label; by default the person's period under way (for a
    PPPK with a contract start it may carry last year's label)."""
    this_year = current_period(employee).label
    try:
        year = int(request.args.get("tahun", this_year))
    except ValueError:
        return this_year
    return year if 2000 <= year <= today_wib().year + 1 else this_year


def _ledger_page(employee: Employee, own: bool):
    year = _year_arg(employee)
    this_year = current_period(employee).label
    return render_template(
        "workshops/ledger.html",
        ledger=build_ledger(employee, year),
        own=own,
        years=range(this_year, this_year - 5, -1),
    )


@bp.get("/pelatihan/jp")
@login_required
def ledger():
    return _ledger_page(current_user, own=True)


@bp.get("/pelatihan/jp/pegawai/<int:employee_id>")
@login_required
def ledger_of(employee_id: int):
    employee = db.session.get(Employee, employee_id)
    if employee is None:
        abort(404)
    if not (can_view_employee(current_user, employee) or is_organizer(current_user)):
        abort(404)
    return _ledger_page(employee, own=employee.id == current_user.id)


@bp.route("/pelatihan/jp/eksternal/baru", methods=["GET", "POST"])
@login_required
def external_new():
    form = ExternalLearningForm()
    if form.validate_on_submit():
        try:
            create_external(current_user, form.to_data(), form.evidence.data)
        except Refused as error:
            # A refusal here is about the uploaded file: the form is shown again with it.
            db.session.rollback()
            form.evidence.errors = [*form.evidence.errors, error.message]
            return render_template("workshops/external_new.html", form=form), 422
        db.session.commit()
        flash(_("Catatan pembelajaran tersimpan dan menunggu verifikasi penyelenggara."), "success")
        label = period_label(current_user, form.learned_on.data)
        return redirect(url_for("workshops.ledger", tahun=label), 303)
    status = 422 if request.method == "POST" else 200
    return render_template("workshops/external_new.html", form=form), status


# --- organizer: external learning records ---------------------------------------------------
@bp.get("/pelatihan/kelola/eksternal")
@role_required("organizer")
def external_queue():
    return render_template(
        "workshops/external_queue.html",
        records=pending_external(),
        form=EmptyForm(),
        reject_forms={},
    )


def _queue_url(**_view_args) -> str:
    return url_for("workshops.external_queue")


@bp.post("/pelatihan/kelola/eksternal/<int:record_id>/<decision>")
@role_required("organizer")
@refusals(back=_queue_url)
def external_review(record_id: int, decision: str):
    if decision not in ("verifikasi", "tolak"):
        abort(404)
    verify_it = decision == "verifikasi"
    form = RejectForm(prefix=f"tolak-{record_id}")
    if verify_it:
        if not EmptyForm().validate_on_submit():
            abort(400)
    elif not form.validate_on_submit():
        return render_template(
            "workshops/external_queue.html",
            records=pending_external(),
            form=EmptyForm(),
            reject_forms={record_id: form},
        ), 422
    if not verify_it:
        pending = db.session.get(ExternalLearning, record_id)
        if (
            pending is not None
            and pending.status == "pending"
            and pending.employee_id != current_user.id
        ):
            asked = ask_first(
                _("Tolak catatan ini? Alasannya dikirim kepada pegawai."),
                _("Ya, tolak"),
                back=_queue_url(),
                subject=f"{pending.employee.name}: {pending.title}",
            )
            if asked:
                return asked
    record = review_external(
        record_id, current_user, verify_it, form.reason.data if not verify_it else ""
    )
    title = record.title
    db.session.commit()
    flash(
        _('Catatan "%(title)s" diverifikasi.', title=title)
        if verify_it
        else _('Catatan "%(title)s" ditolak; alasannya dikirim ke pegawai.', title=title),
        "success",
    )
    return redirect(_queue_url(), 303)
