"""Catalogue views: the staff catalogue, a session and a programme page; the organizer's
workshops and sessions (create, edit, publish/cancel/complete); the admin's topics."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from blueprints.admin.audit import audit
from blueprints.auth.access import has_role, role_required
from blueprints.common.confirm import ask_first
from blueprints.common.forms import EmptyForm
from blueprints.common.htmx import redirect_after_post, render
from blueprints.common.nav import register_nav
from blueprints.common.refusals import Refused, refusals
from blueprints.common.timefmt import to_wib
from blueprints.workshops import checkin
from blueprints.workshops.access import (
    SESSION_MANAGER_ROLES,
    can_manage,
    can_see_meeting_link,
    get_managed_session_or_404,
    get_managed_workshop_or_404,
    get_visible_session_or_404,
    get_visible_workshop_or_404,
    is_organizer,
)
from blueprints.workshops.blueprint import bp
from blueprints.workshops.catalogue import (
    CatalogueFilters,
    active_topics,
    all_topics_with_use,
    catalogue,
    create_session,
    managed_sessions,
    managed_workshops,
    organizer_candidates,
    save_workshop,
    session_view,
    set_session_status,
    update_session,
    workshop_sessions,
)
from blueprints.workshops.forms import CatalogueForm, SessionForm, TopicForm, WorkshopForm
from blueprints.workshops.ledger import pending_external_count
from blueprints.workshops.models import COMPETENCY_TYPES, Topic, WorkshopSession
from blueprints.workshops.routes.display import ws_when
from blueprints.workshops.rules import month_bounds, upcoming_months
from extensions import db

register_nav("workshops.index", _l("Pelatihan"), lambda user: True, order=20)
register_nav(
    "workshops.manage", _l("Kelola Pelatihan"), lambda user: has_role(user, "organizer"), order=22
)
register_nav(
    "workshops.topics", _l("Topik Pelatihan"), lambda user: has_role(user, "admin"), order=91
)


def _month_label(month: str) -> str:
    bounds = month_bounds(month)
    if bounds is None:
        return month
    return format_date(to_wib(bounds[0]).date(), "MMMM yyyy")


# --- catalogue ------------------------------------------------------------------------------
@bp.get("/pelatihan/")
@login_required
def index():
    form = CatalogueForm(formdata=request.args)
    topics = active_topics()
    months = upcoming_months()
    if request.args.get("month") and request.args["month"] not in months:
        months.append(request.args["month"])
    form.fill_choices(topics, months, _month_label)
    form.validate()
    filters = CatalogueFilters(
        q=(form.q.data or "").strip() if not form.q.errors else "",
        topic=form.topic.data if not form.topic.errors else None,
        competency=form.competency.data if form.competency.data in COMPETENCY_TYPES else "",
        month=form.month.data if not form.month.errors else "",
        seats=bool(form.seats.data),
    )
    page = catalogue(filters, current_user)
    return render(
        "workshops/index.html",
        "workshops/_results.html",
        form=form,
        results=page,
        button_form=EmptyForm(),
    )


@bp.get("/pelatihan/sesi/<int:session_id>")
@login_required
def show(session_id: int):
    session = get_visible_session_or_404(session_id, current_user)
    view = session_view(session, current_user)
    return render_template(
        "workshops/show.html",
        v=view,
        s=session,
        can_manage=can_manage(current_user, session),
        meeting_link=can_see_meeting_link(current_user, session, view.mine),
        checkin_open=checkin.is_open(session),
    )


@bp.get("/pelatihan/program/<int:workshop_id>")
@login_required
def workshop(workshop_id: int):
    """A programme and its upcoming sessions (the page other blueprints link to)."""
    item = get_visible_workshop_or_404(workshop_id, current_user)
    views = workshop_sessions(item, current_user)
    return render_template("workshops/workshop.html", workshop=item, views=views)


# --- organizer: workshops and sessions ------------------------------------------------------
@bp.get("/pelatihan/kelola")
@role_required("organizer")
def manage():
    return render_template(
        "workshops/manage.html",
        workshops=managed_workshops(current_user),
        sessions=managed_sessions(current_user),
        pending_external=pending_external_count(),
    )


def _workshop_form(workshop=None):
    form = WorkshopForm(
        obj=workshop,
        topics=active_topics()
        if workshop is None
        else sorted({*active_topics(), *workshop.topics}, key=lambda t: t.name),
        organizers=organizer_candidates(),
    )
    if workshop is not None and request.method == "GET":
        form.topics.data = [t.id for t in workshop.topics]
        form.organizers.data = [p.id for p in workshop.organizers]
    return form


@bp.route("/pelatihan/kelola/program/baru", methods=["GET", "POST"])
@role_required("organizer")
def workshop_new():
    form = _workshop_form()
    if form.validate_on_submit():
        workshop = save_workshop(
            None, form.to_data(), form.topics.data, form.organizers.data, current_user
        )
        db.session.commit()
        flash(_("Pelatihan dibuat. Tambahkan sesinya."), "success")
        return redirect(url_for("workshops.workshop_manage", workshop_id=workshop.id), 303)
    status = 422 if request.method == "POST" else 200
    return render_template("workshops/workshop_form.html", form=form, workshop=None), status


@bp.get("/pelatihan/kelola/program/<int:workshop_id>")
@role_required("organizer")
def workshop_manage(workshop_id: int):
    workshop = get_managed_workshop_or_404(workshop_id, current_user)
    rows = managed_sessions(current_user, workshop_id=workshop.id, upcoming_only=False, limit=200)
    return render_template(
        "workshops/workshop_manage.html", workshop=workshop, rows=rows, form=EmptyForm()
    )


@bp.route("/pelatihan/kelola/program/<int:workshop_id>/ubah", methods=["GET", "POST"])
@role_required("organizer")
def workshop_edit(workshop_id: int):
    workshop = get_managed_workshop_or_404(workshop_id, current_user)
    form = _workshop_form(workshop)
    if form.validate_on_submit():
        save_workshop(
            workshop, form.to_data(), form.topics.data, form.organizers.data, current_user
        )
        db.session.commit()
        flash(_("Pelatihan disimpan."), "success")
        return redirect(url_for("workshops.workshop_manage", workshop_id=workshop.id), 303)
    status = 422 if request.method == "POST" else 200
    return render_template("workshops/workshop_form.html", form=form, workshop=workshop), status


@bp.route("/pelatihan/kelola/program/<int:workshop_id>/sesi/baru", methods=["GET", "POST"])
@role_required("organizer")
def session_new(workshop_id: int):
    workshop = get_managed_workshop_or_404(workshop_id, current_user)
    form = SessionForm()
    if form.validate_on_submit():
        session = create_session(workshop, form.to_data(), current_user)
        db.session.commit()
        flash(_("Sesi tersimpan sebagai draf. Terbitkan agar pegawai dapat mendaftar."), "success")
        return redirect(
            url_for(
                "workshops.workshop_manage", workshop_id=workshop.id, _anchor=f"sesi-{session.id}"
            ),
            303,
        )
    status = 422 if request.method == "POST" else 200
    return render_template(
        "workshops/session_form.html", form=form, workshop=workshop, session=None
    ), status


@bp.route("/pelatihan/kelola/sesi/<int:session_id>/ubah", methods=["GET", "POST"])
@role_required(*SESSION_MANAGER_ROLES)
def session_edit(session_id: int):
    session = get_managed_session_or_404(session_id, current_user)
    form = SessionForm()
    if request.method == "GET":
        form.fill_from(session)
    if form.validate_on_submit():
        try:
            promoted = update_session(session, form.to_data(), current_user)
        except Refused as error:
            # A refusal here is about the form (capacity): the form is shown again with it.
            db.session.rollback()
            form.capacity.errors = [*form.capacity.errors, error.message]
            session = get_managed_session_or_404(session_id, current_user)
            return render_template(
                "workshops/session_form.html", form=form, workshop=session.workshop, session=session
            ), 422
        db.session.commit()
        flash(
            _(
                "Sesi disimpan. Peserta terdaftar sudah diberi tahu bila jadwal atau tempat berubah."
            ),
            "success",
        )
        if promoted:
            flash(_("%(n)d orang naik dari daftar tunggu.", n=len(promoted)), "success")
        return redirect(url_for("workshops.participants", session_id=session_id), 303)
    status = 422 if request.method == "POST" else 200
    return render_template(
        "workshops/session_form.html", form=form, workshop=session.workshop, session=session
    ), status


STATUS_ACTIONS = {
    "publish": _l("Sesi diterbitkan."),
    "cancel": _l("Sesi dibatalkan; peserta terdaftar diberi tahu."),
    "complete": _l("Sesi ditandai selesai; peserta yang hadir dapat mengisi evaluasi."),
}


def _status_back(session_id: int, action: str = "") -> str:
    """Back to the participants page when the button was there (or for a leader managing
    their sosialisasi, who may not open the programme page), else to the programme."""
    if request.form.get("back") == "peserta" or not is_organizer(current_user):
        return url_for("workshops.participants", session_id=session_id)
    session = db.session.get(WorkshopSession, session_id)
    return url_for("workshops.workshop_manage", workshop_id=session.workshop_id)


@bp.post("/pelatihan/kelola/sesi/<int:session_id>/status/<action>")
@role_required(*SESSION_MANAGER_ROLES)
@refusals(back=_status_back)
def session_status(session_id: int, action: str):
    if action not in STATUS_ACTIONS:
        abort(404)
    session = get_managed_session_or_404(session_id, current_user)
    location = _status_back(session_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if action == "cancel" and session.status in ("draft", "published"):
        asked = ask_first(
            _("Batalkan sesi ini? Semua peserta diberi tahu."),
            _("Ya, batalkan sesi"),
            back=location,
            subject=f"{session.workshop.title} · {ws_when(session)}",
        )
        if asked:
            return asked
    set_session_status(session, action, current_user)
    db.session.commit()
    flash(str(STATUS_ACTIONS[action]), "success")
    return redirect_after_post(location)


# --- admin: topics --------------------------------------------------------------------------
@bp.route("/pelatihan/topik", methods=["GET", "POST"])
@role_required("admin")
def topics():
    form = TopicForm()
    if form.validate_on_submit():
        name = form.name.data.strip()
        exists = db.session.scalars(select(Topic).where(Topic.name == name)).first()
        if exists:
            form.name.errors = [_("Topik ini sudah ada.")]
        else:
            db.session.add(Topic(name=name, active=True))
            audit("workshops.topic_added", None, name)
            db.session.commit()
            flash(_("Topik ditambahkan."), "success")
            return redirect(url_for("workshops.topics"), 303)
    status = 422 if form.errors else 200
    return render_template(
        "workshops/topics.html",
        form=form,
        rows=all_topics_with_use(),
        button_form=EmptyForm(),
    ), status


@bp.post("/pelatihan/topik/<int:topic_id>/aktif")
@role_required("admin")
def topic_toggle(topic_id: int):
    topic = db.session.get(Topic, topic_id)
    if topic is None:
        abort(404)
    if EmptyForm().validate_on_submit():
        topic.active = not topic.active
        audit("workshops.topic_toggled", topic, "aktif" if topic.active else "nonaktif")
        db.session.commit()
    return redirect_after_post(url_for("workshops.topics"))
