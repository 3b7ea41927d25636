"""Registration views: staff register and cancel (htmx box or plain form), their own list of
registrations, and the direct superior's approvals page."""

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from blueprints.auth.access import has_role
from blueprints.auth.services import is_safe_next
from blueprints.common.confirm import confirm_page
from blueprints.common.forms import EmptyForm
from blueprints.common.htmx import is_htmx, render, trigger
from blueprints.common.nav import register_nav
from blueprints.common.refusals import REFUSED, refusals
from blueprints.workshops.access import get_visible_session_or_404
from blueprints.workshops.blueprint import bp
from blueprints.workshops.calendar import calendar_token
from blueprints.workshops.catalogue import session_view
from blueprints.workshops.forms import DeclineForm
from blueprints.workshops.registration import approve as approve_request
from blueprints.workshops.registration import cancel_own, my_registrations, pending_approvals_for
from blueprints.workshops.registration import decline as decline_request
from blueprints.workshops.registration import register as register_for_session
from extensions import db

register_nav(
    "workshops.approvals", _l("Izin Pelatihan"), lambda user: has_role(user, "leader"), order=23
)


def _decline_form_for(registration):
    """A decline form per request row (prefixed ids: many rows on one page)."""
    return DeclineForm(prefix=f"tolak-{registration.id}", formdata=None)


bp.add_app_template_global(_decline_form_for, "workshops_decline_form")


# --- register and cancel --------------------------------------------------------------------
def _box_response(
    session_id: int,
    outcome_message: str | None,
    kind: str = "success",
    clashes=None,
    status: int = 200,
):
    session = get_visible_session_or_404(session_id, current_user)
    view = session_view(session, current_user)
    if clashes is not None:
        view.clashes = clashes
    response = make_response(
        render_template(
            "workshops/_register_box.html",
            v=view,
            message=outcome_message,
            message_kind=kind,
            compact=request.form.get("compact") == "1",
        ),
        status,
    )
    return trigger(response, "registrations-changed", "notifications-changed")


def _show_url(session_id: int) -> str:
    return url_for("workshops.show", session_id=session_id)


def _box_refused(message: str, session_id: int):
    return _box_response(session_id, message, "error", status=REFUSED)


@bp.post("/pelatihan/sesi/<int:session_id>/daftar")
@login_required
@refusals(back=_show_url, fragment=_box_refused)
def register(session_id: int):
    if not EmptyForm().validate_on_submit():
        abort(400)
    outcome = register_for_session(
        session_id, current_user, confirm_clash=request.form.get("confirm_clash") == "1"
    )
    if outcome.kind == "clash":
        db.session.rollback()
        if is_htmx():
            return _box_response(session_id, None, clashes=outcome.clashes)
        flash(outcome.message, "warning")
        return redirect(_show_url(session_id), 303)
    db.session.commit()
    if is_htmx():
        return _box_response(session_id, outcome.message)
    flash(outcome.message, "success" if outcome.kind == "confirmed" else "info")
    return redirect(_show_url(session_id), 303)


@bp.get("/pelatihan/sesi/<int:session_id>/batal")
@login_required
def cancel_confirm(session_id: int):
    """Without JavaScript, cancelling asks first: the seat goes to the next person at once."""
    get_visible_session_or_404(session_id, current_user)
    return confirm_page(
        _(
            "Batalkan pendaftaran Anda untuk sesi ini? Kursi atau tempat Anda di daftar tunggu "
            "langsung diberikan kepada orang berikutnya."
        ),
        _("Ya, batalkan pendaftaran"),
        url_for("workshops.cancel", session_id=session_id),
        back=_show_url(session_id),
    )


@bp.post("/pelatihan/sesi/<int:session_id>/batal")
@login_required
@refusals(back=_show_url, fragment=_box_refused)
def cancel(session_id: int):
    if not EmptyForm().validate_on_submit():
        abort(400)
    outcome = cancel_own(session_id, current_user)
    db.session.commit()
    if is_htmx():
        return _box_response(session_id, outcome.message)
    flash(outcome.message, "success")
    return redirect(_show_url(session_id), 303)


# --- my registrations -----------------------------------------------------------------------
@bp.get("/pelatihan/saya")
@login_required
def mine():
    token = calendar_token(current_user)
    if token in db.session.new:
        db.session.commit()  # before loading the list: a commit expires loaded rows
    registrations = my_registrations(current_user)
    return render_template(
        "workshops/mine.html", registrations=registrations, token=token, form=EmptyForm()
    )


# --- izin atasan ----------------------------------------------------------------------------
@bp.get("/pelatihan/persetujuan")
@login_required
def approvals():
    items = pending_approvals_for(current_user)
    return render(
        "workshops/approvals.html", "workshops/_approvals.html", approvals=items, decline_forms={}
    )


def _back_from_approvals(**_view_args) -> str:
    """Plain forms return to the page that showed the request (the home page or ours)."""
    target = request.form.get("next")
    return target if is_safe_next(target) else url_for("workshops.approvals")


def _approvals_response(
    message: str | None = None, kind: str = "success", decline_forms=None, status: int = 200
):
    items = pending_approvals_for(current_user)
    response = make_response(
        render_template(
            "workshops/_approvals.html",
            approvals=items,
            message=message,
            message_kind=kind,
            decline_forms=decline_forms or {},
        ),
        status,
    )
    # The home page's figures listen for approvals-changed (dashboard/_needs_summary.html); the
    # header badge for notifications-changed (the request's notification is read now).
    return trigger(response, "approvals-changed", "notifications-changed")


def _approvals_refused(message: str, **_view_args):
    return _approvals_response(message, "error", status=REFUSED)


@bp.post("/pelatihan/persetujuan/<int:registration_id>/setujui")
@login_required
@refusals(back=_back_from_approvals, fragment=_approvals_refused)
def approve(registration_id: int):
    if not EmptyForm().validate_on_submit():
        abort(400)
    registration = approve_request(registration_id, current_user)
    name = registration.employee.name
    status = registration.status
    db.session.commit()
    message = (
        _("Disetujui: %(name)s terdaftar.", name=name)
        if status == "confirmed"
        else _("Disetujui: sesi penuh, %(name)s masuk daftar tunggu.", name=name)
    )
    if is_htmx():
        return _approvals_response(message)
    flash(message, "success")
    return redirect(_back_from_approvals(), 303)


@bp.get("/pelatihan/persetujuan/<int:registration_id>/tolak")
@login_required
def decline_confirm(registration_id: int):
    """Without JavaScript, declining asks first; the reason typed is carried along."""
    if all(item.id != registration_id for item in pending_approvals_for(current_user)):
        abort(404)
    reason_field = f"tolak-{registration_id}-reason"
    return confirm_page(
        _("Tolak permohonan izin ini? Alasannya dikirim kepada pegawai."),
        _("Ya, tolak"),
        url_for("workshops.decline", registration_id=registration_id),
        back=_back_from_approvals_get(),
        fields=[
            (reason_field, request.args.get(reason_field, "")),
            ("next", request.args.get("next")),
        ],
    )


def _back_from_approvals_get() -> str:
    target = request.args.get("next")
    return target if is_safe_next(target) else url_for("workshops.approvals")


@bp.post("/pelatihan/persetujuan/<int:registration_id>/tolak")
@login_required
@refusals(back=_back_from_approvals, fragment=_approvals_refused)
def decline(registration_id: int):
    form = DeclineForm(prefix=f"tolak-{registration_id}")
    if not form.validate_on_submit():
        items = pending_approvals_for(current_user)
        if all(item.id != registration_id for item in items):
            abort(404)
        if is_htmx():
            return _approvals_response(decline_forms={registration_id: form}, status=422)
        return render_template(
            "workshops/approvals.html", approvals=items, decline_forms={registration_id: form}
        ), 422
    registration = decline_request(registration_id, current_user, form.reason.data)
    name = registration.employee.name
    db.session.commit()
    message = _("Permohonan %(name)s ditolak; alasannya dikirim kepadanya.", name=name)
    if is_htmx():
        return _approvals_response(message)
    flash(message, "success")
    return redirect(_back_from_approvals(), 303)
