"""Views of feedback requests: the leader's queue and my requests, asking, declining."""

from flask import abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from blueprints.auth import access
from blueprints.common import htmx
from blueprints.common.pagination import paginate
from blueprints.feedback import requesting
from blueprints.feedback.blueprint import bp
from blueprints.feedback.constants import REQUEST_STATUSES
from blueprints.feedback.forms import DeclineForm, RequestForm
from extensions import db


@bp.get("/permintaan")
@login_required
def requests():
    queue = paginate(requesting.queue_stmt(current_user), per_page=30)
    return render_template(
        "feedback/requests.html",
        mine=requesting.my_requests(current_user),
        queue=queue,
        REQUEST_STATUSES=REQUEST_STATUSES,
    )


@bp.route("/permintaan/baru", methods=["GET", "POST"])
@login_required
def request_new():
    leader = access.direct_superior(current_user)
    form = RequestForm()
    if form.validate_on_submit():
        requesting.create_request(current_user, form.topic.data, form.detail.data or "")
        db.session.commit()
        flash(_("Permintaan terkirim kepada %(name)s.", name=leader.name), "success")
        return htmx.redirect_after_post(url_for("feedback.requests"))
    status = 422 if request.method == "POST" else 200
    return render_template("feedback/request_form.html", form=form, leader=leader), status


@bp.route("/permintaan/<int:request_id>/tolak", methods=["GET", "POST"])
@login_required
def request_decline(request_id):
    request_obj = requesting.get_request_or_404(request_id, current_user)
    if request_obj.leader_id != current_user.id:
        abort(403)
    form = DeclineForm()
    if form.validate_on_submit():
        requesting.decline_request(request_obj, current_user, form.reason.data)
        db.session.commit()
        flash(_("Permintaan ditolak; alasannya dikirim kepada pegawai."), "info")
        return htmx.redirect_after_post(url_for("feedback.requests"))
    status = 422 if request.method == "POST" else 200
    return render_template("feedback/decline.html", form=form, request_obj=request_obj), status
