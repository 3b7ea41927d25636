"""Views of the admin's feedback page: counts only (never texts), opening and closing upward
rounds."""

from flask import abort, flash, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from blueprints.admin.settings import get_setting
from blueprints.auth.access import has_role, role_required
from blueprints.common import htmx
from blueprints.common.confirm import ask_first
from blueprints.common.forms import EmptyForm
from blueprints.common.nav import register_nav
from blueprints.feedback import counts, upward
from blueprints.feedback.blueprint import bp
from blueprints.feedback.forms import RoundForm
from blueprints.feedback.models import UpwardRound
from extensions import db

register_nav(
    "feedback.admin_counts", _l("Rekap Umpan Balik"), lambda user: has_role(user, "admin"), order=85
)


@bp.get("/admin")
@role_required("admin")
def admin_counts():
    rows, totals = counts.admin_counts()
    rounds = upward.rounds_overview()
    db.session.commit()  # rounds past their closing date were closed on the way
    return render_template(
        "feedback/admin.html",
        rows=rows,
        totals=totals,
        rounds=rounds,
        form=RoundForm(),
        cadence=get_setting("feedback_cadence_days"),
    )


@bp.post("/admin/putaran")
@role_required("admin")
def round_open():
    form = RoundForm()
    if form.validate_on_submit():
        upward.open_round(current_user, form.title.data, form.closes_on.data)
        db.session.commit()
        flash(_("Putaran umpan balik ke atas dibuka."), "success")
        return htmx.redirect_after_post(url_for("feedback.admin_counts"))
    rows, totals = counts.admin_counts()
    return render_template(
        "feedback/admin.html",
        rows=rows,
        totals=totals,
        rounds=upward.rounds_overview(),
        form=form,
        cadence=get_setting("feedback_cadence_days"),
    ), 422


@bp.post("/admin/putaran/<int:round_id>/tutup")
@role_required("admin")
def round_close(round_id):
    round_ = db.session.get(UpwardRound, round_id) or abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if round_.closed_at is None:
        asked = ask_first(
            _("Tutup putaran ini sekarang?"),
            _("Ya, tutup putaran"),
            back=url_for("feedback.admin_counts"),
            subject=round_.title,
        )
        if asked:
            return asked
    upward.close_round(current_user, round_)
    db.session.commit()
    flash(_("Putaran ditutup. Pimpinan kini dapat melihat hasil yang memenuhi ambang."), "success")
    return htmx.redirect_after_post(url_for("feedback.admin_counts"))
