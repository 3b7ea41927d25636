"""Views of reading feedback: my feedback page, one entry (show, history, its export),
acknowledging and responding, and the follow-up steps (done by the receiver, confirmed by the
author)."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from blueprints.auth.access import has_role
from blueprints.common import htmx
from blueprints.common.exports import csv_response, xlsx_response
from blueprints.common.forms import EmptyForm
from blueprints.common.nav import register_nav
from blueprints.common.pagination import paginate
from blueprints.feedback import (
    exports,
    followups,
    giving,
    receiving,
    requesting,
    upward,
    visibility,
)
from blueprints.feedback.blueprint import bp
from blueprints.feedback.constants import REQUEST_STATUSES
from blueprints.feedback.forms import ResponseForm
from blueprints.feedback.routes.shared import fragment, show_context
from extensions import db

register_nav("feedback.index", _l("Umpan Balik"), lambda user: True, order=30)


@bp.get("/")
@login_required
def index():
    page = paginate(receiving.received_stmt(current_user), per_page=20)
    return render_template(
        "feedback/index.html",
        page=page,
        follow_ups=followups.my_open_follow_ups(current_user),
        requests=requesting.my_requests(current_user),
        queue_count=requesting.open_request_count(current_user),
        upward_state=upward.eligibility(current_user),
        is_leader=has_role(current_user, "leader"),
        REQUEST_STATUSES=REQUEST_STATUSES,
    )


@bp.get("/<int:feedback_id>")
@login_required
def show(feedback_id):
    feedback = visibility.get_feedback_or_404(feedback_id, current_user, read_as="show")
    return render_template("feedback/show.html", **show_context(feedback))


@bp.get("/<int:feedback_id>/riwayat")
@login_required
def history(feedback_id):
    feedback = visibility.get_feedback_or_404(feedback_id, current_user, read_as="history")
    return render_template(
        "feedback/history.html",
        feedback=feedback,
        events=giving.history(feedback, current_user),
    )


@bp.get("/<int:feedback_id>/ekspor.<any(csv, xlsx):fmt>")
@login_required
def export_one(feedback_id, fmt):
    feedback = visibility.get_feedback_or_404(feedback_id, current_user, read_as="export")
    if not feedback.is_sent:
        abort(404)
    header = exports.export_header()
    rows = [exports.feedback_row(feedback)]
    filename = f"umpan-balik-{feedback.id}.{fmt}"
    if fmt == "csv":
        return csv_response(filename, header, rows)
    return xlsx_response(filename, header, rows, title=_("Umpan balik"))


@bp.post("/<int:feedback_id>/baca")
@login_required
def acknowledge(feedback_id):
    feedback = visibility.get_feedback_or_404(feedback_id, current_user)
    if not EmptyForm().validate_on_submit():
        abort(400)
    recorded = receiving.acknowledge(feedback, current_user)
    db.session.commit()
    if htmx.is_partial():
        response = fragment("feedback/_ack.html", **show_context(feedback))
        return htmx.trigger(response, "notifications-changed")
    if recorded:
        flash(_("Terima kasih. Konfirmasi baca tercatat."), "success")
    return redirect(url_for("feedback.show", feedback_id=feedback.id), 303)


@bp.post("/<int:feedback_id>/tanggapan")
@login_required
def respond(feedback_id):
    feedback = visibility.get_feedback_or_404(feedback_id, current_user)
    if feedback.receiver_id != current_user.id:
        abort(403)
    form = ResponseForm()
    if not form.validate_on_submit():
        if htmx.is_partial():
            return fragment("feedback/_ack.html", 422, **show_context(feedback, form))
        return render_template("feedback/show.html", **show_context(feedback, form)), 422
    receiving.respond(feedback, current_user, form.response.data)
    db.session.commit()
    if htmx.is_partial():
        response = fragment("feedback/_ack.html", **show_context(feedback))
        return htmx.trigger(response, "notifications-changed")
    flash(_("Tanggapan Anda terkirim."), "success")
    return redirect(url_for("feedback.show", feedback_id=feedback.id), 303)


@bp.post("/tindak-lanjut/<int:follow_up_id>/<any(selesai, konfirmasi):step>")
@login_required
def follow_up(follow_up_id, step):
    item = followups.get_follow_up_or_404(follow_up_id, current_user)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if step == "selesai":
        followups.mark_done(item, current_user)
    else:
        followups.confirm_done(item, current_user)
    db.session.commit()
    if htmx.is_partial():
        return fragment(
            "feedback/_follow_up_row.html",
            item=item,
            feedback=item.feedback,
            is_author=item.feedback.author_id == current_user.id,
            is_receiver=item.feedback.receiver_id == current_user.id,
        )
    flash(_("Tindak lanjut diperbarui."), "success")
    target = request.form.get("next")
    if target not in ("index", "given"):
        return redirect(url_for("feedback.show", feedback_id=item.feedback_id), 303)
    return redirect(url_for(f"feedback.{target}"), 303)
