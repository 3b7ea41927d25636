"""Calendar views: a session's .ics download, the personal feed at its secret URL, and
resetting that URL."""

from flask import Response, abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from blueprints.common.confirm import ask_first
from blueprints.common.forms import EmptyForm
from blueprints.workshops.access import get_visible_session_or_404
from blueprints.workshops.blueprint import bp
from blueprints.workshops.calendar import calendar_token, feed_ics
from blueprints.workshops.calendar import session_ics as session_calendar
from extensions import db


@bp.get("/pelatihan/sesi/<int:session_id>/kalender.ics")
@login_required
def session_ics(session_id: int):
    session = get_visible_session_or_404(session_id, current_user)
    response = Response(session_calendar(session, current_user), mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="sesi-{session.id}.ics"'
    return response


@bp.post("/pelatihan/kalender/reset")
@login_required
def feed_reset():
    if EmptyForm().validate_on_submit():
        asked = ask_first(
            _("Alamat lama akan berhenti berfungsi. Lanjutkan?"),
            _("Ya, buat alamat baru"),
            back=url_for("workshops.mine"),
        )
        if asked:
            return asked
        calendar_token(current_user, reset=True)
        db.session.commit()
        flash(_("Alamat kalender baru dibuat; alamat lama tidak berlaku lagi."), "success")
    return redirect(url_for("workshops.mine"), 303)


@bp.get("/pelatihan/kalender/<token>.ics")
def feed(token: str):
    body = feed_ics(token)
    if body is None:
        abort(404)
    response = Response(body, mimetype="text/calendar")
    response.headers["Cache-Control"] = "private, no-store"
    return response
