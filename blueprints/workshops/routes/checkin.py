"""QR check-in views: the organizer's screen (QR, code, live count, walk-in queue) and the
participant's side (the scanned URL with its confirm button, and the typed-code fallback)."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from blueprints.auth.access import role_required
from blueprints.common.forms import EmptyForm
from blueprints.common.htmx import is_htmx, render
from blueprints.common.refusals import Refused, refusals
from blueprints.workshops import checkin
from blueprints.workshops.access import (
    SESSION_MANAGER_ROLES,
    get_managed_session_or_404,
    get_visible_session_or_404,
)
from blueprints.workshops.blueprint import bp
from blueprints.workshops.forms import CheckinCodeForm
from blueprints.workshops.models import CheckinRequest
from extensions import db, limiter

CODE_ATTEMPTS = "10 per minute"


def _screen_url(session_id: int) -> str:
    return url_for("workshops.checkin_screen", session_id=session_id)


def _screen_url_of(request_id: int, action: str = "") -> str:
    row = db.session.get(CheckinRequest, request_id)
    if row is None:
        abort(404)
    return _screen_url(row.session_id)


def _screen_context(session, message: str | None = None) -> dict:
    context = {
        "s": session,
        "live": checkin.live(session),
        "is_open": checkin.is_open(session),
        "window": checkin.window(session),
        "form": EmptyForm(),
        "message": message,
    }
    if context["is_open"]:
        url = checkin.scan_url(session)
        step = checkin.step_of()
        context.update(
            scan_url=url,
            qr=checkin.qr_svg(url),
            code=checkin.make_code(session.id, step),
            seconds_left=checkin.seconds_left(),
        )
    return context


# --- organizer ----------------------------------------------------------------------------------
@bp.get("/pelatihan/kelola/sesi/<int:session_id>/presensi")
@role_required(*SESSION_MANAGER_ROLES)
def checkin_screen(session_id: int):
    """One URL: the full screen, or (htmx polling every few seconds) its live part only."""
    session = get_managed_session_or_404(session_id, current_user)
    return render(
        "workshops/checkin_screen.html",
        "workshops/checkin_live.html",
        **_screen_context(session),
    )


def _queue_fragment(message: str, request_id: int, action: str):
    session_id = db.session.get(CheckinRequest, request_id).session_id
    session = get_managed_session_or_404(session_id, current_user)
    return render_template(
        "workshops/checkin_live.html", **_screen_context(session, message=message)
    ), 422


@bp.post("/pelatihan/kelola/presensi/<int:request_id>/<action>")
@role_required(*SESSION_MANAGER_ROLES)
@refusals(back=_screen_url_of, fragment=_queue_fragment)
def checkin_decide(request_id: int, action: str):
    if action not in ("terima", "tolak"):
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    row = checkin.decide(request_id, current_user, accept=action == "terima")
    session_id, name, status = row.session_id, row.employee.name, row.status
    db.session.commit()
    if status == "accepted":
        message = _("%(name)s diterima dan dicatat hadir.", name=name)
    else:
        message = _("Presensi %(name)s ditolak.", name=name)
    if is_htmx():
        session = get_managed_session_or_404(session_id, current_user)
        return render_template(
            "workshops/checkin_live.html", **_screen_context(session, message=message)
        )
    flash(message, "success")
    return redirect(_screen_url(session_id), 303)


# --- participant --------------------------------------------------------------------------------
def _outcome_message(outcome: checkin.Outcome) -> tuple[str, str]:
    title = outcome.session.workshop.title
    return {
        "present": (_("Anda tercatat hadir di %(title)s.", title=title), "success"),
        "already": (_("Anda sudah tercatat hadir di %(title)s.", title=title), "info"),
        "accepted": (
            _("Anda sudah diterima sebagai peserta langsung %(title)s.", title=title),
            "info",
        ),
        "queued": (
            _(
                "Anda tidak terdaftar di %(title)s. Permintaan presensi Anda menunggu keputusan "
                "penyelenggara.",
                title=title,
            ),
            "info",
        ),
        "refused": (
            _("Penyelenggara tidak menerima presensi Anda di %(title)s.", title=title),
            "error",
        ),
    }[outcome.kind]


def _done(outcome: checkin.Outcome):
    message, category = _outcome_message(outcome)
    flash(message, category)
    return redirect(url_for("workshops.show", session_id=outcome.session.id), 303)


@bp.get("/pelatihan/hadir/<int:session_id>/<token>")
@login_required
def checkin_scan(session_id: int, token: str):
    """What the QR opens: a confirm button (a GET changes nothing)."""
    session = get_visible_session_or_404(session_id, current_user)
    try:
        checkin.verify_token(session.id, token)
        checkin.require_open(session)
    except Refused as error:
        return render_template(
            "workshops/checkin.html", s=session, error=error.message, form=CheckinCodeForm()
        ), 422
    return render_template("workshops/checkin.html", s=session, token=token, form=EmptyForm())


@bp.post("/pelatihan/hadir/<int:session_id>/<token>")
@login_required
def checkin_confirm(session_id: int, token: str):
    session = get_visible_session_or_404(session_id, current_user)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        checkin.verify_token(session.id, token)
        outcome = checkin.check_in(session, current_user)
    except Refused as error:
        db.session.rollback()
        return render_template(
            "workshops/checkin.html", s=session, error=error.message, form=CheckinCodeForm()
        ), 422
    db.session.commit()
    return _done(outcome)


@bp.route("/pelatihan/hadir", methods=["GET", "POST"])
@login_required
@limiter.limit(
    CODE_ATTEMPTS,
    methods=["POST"],
    key_func=lambda: f"checkin-code:{current_user.get_id()}",
    scope="checkin-code",
)
def checkin_code():
    form = CheckinCodeForm()
    if form.validate_on_submit():
        try:
            session = checkin.session_for_code(form.code.data, current_user)
            outcome = checkin.check_in(session, current_user)
        except Refused as error:
            db.session.rollback()
            form.code.errors = [error.message]
        else:
            db.session.commit()
            return _done(outcome)
    status = 422 if request.method == "POST" else 200
    return render_template("workshops/checkin.html", s=None, form=form), status
