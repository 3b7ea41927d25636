from flask import redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from blueprints.common.forms import EmptyForm
from blueprints.common.htmx import is_htmx, redirect_after_post
from blueprints.common.pagination import paginate
from blueprints.notifications import services
from blueprints.notifications.blueprint import bp
from blueprints.notifications.models import Notification
from extensions import db


@bp.get("/")
@login_required
def index():
    page = paginate(
        select(Notification)
        .where(Notification.recipient_id == current_user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc()),
        per_page=30,
    )
    return render_template(
        "notifications/index.html", page=page, render_text=services.render_text, form=EmptyForm()
    )


@bp.get("/jumlah")
@login_required
def count():
    """The header badge; htmx polls it and refreshes it on `notifications-changed`."""
    return render_template("notifications/_badge.html", unread=services.unread_count(current_user))


@bp.post("/<int:notification_id>/buka")
@login_required
def open(notification_id: int):
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("notifications.index"), 303)
    note = services.mark_read(current_user, notification_id)
    db.session.commit()
    target = (
        note.link if note and note.link.startswith("/") and not note.link.startswith("//") else None
    )
    return redirect(target or url_for("notifications.index"), 303)


@bp.post("/baca-semua")
@login_required
def read_all():
    if EmptyForm().validate_on_submit():
        services.mark_all_read(current_user)
        db.session.commit()
    response = redirect_after_post(url_for("notifications.index"))
    if is_htmx():
        response.headers["HX-Trigger"] = "notifications-changed"
    return response
