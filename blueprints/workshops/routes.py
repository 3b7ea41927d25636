"""Views: parse the request, call a service, render or redirect (303), or return a fragment."""

import os

from flask import (
    Response,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from blueprints.auth.access import can_view_employee, has_role, role_required
from blueprints.auth.models import Employee
from blueprints.auth.services import is_safe_next
from blueprints.common.exports import csv_response, xlsx_response
from blueprints.common.forms import EmptyForm
from blueprints.common.htmx import is_htmx, redirect_after_post, render, trigger
from blueprints.common.nav import register_nav
from blueprints.common.timefmt import to_wib, today_wib
from blueprints.workshops import services
from blueprints.workshops.blueprint import bp
from blueprints.workshops.forms import (
    AddPeopleForm,
    CatalogueForm,
    DeclineForm,
    EvaluationForm,
    ExternalLearningForm,
    RejectForm,
    SessionForm,
    TopicForm,
    WalkInForm,
    WorkshopForm,
)
from blueprints.workshops.models import (
    ALL_KINDS,
    COMPETENCY_TYPES,
    EXTERNAL_STATUSES,
    LEARNING_FORMS,
    REGISTRATION_STATUSES,
    SESSION_STATUSES,
    Registration,
    Topic,
)
from blueprints.workshops.services import Refused
from extensions import db

register_nav("workshops.index", _l("Pelatihan"), lambda user: True, order=20)
register_nav("workshops.ledger", _l("JP Saya"), lambda user: True, order=21)
register_nav(
    "workshops.manage", _l("Kelola Pelatihan"), lambda user: has_role(user, "organizer"), order=22
)
register_nav(
    "workshops.approvals", _l("Izin Pelatihan"), lambda user: has_role(user, "leader"), order=23
)
register_nav(
    "workshops.topics", _l("Topik Pelatihan"), lambda user: has_role(user, "admin"), order=91
)


def _decline_form_for(registration):
    """A decline form per request row (prefixed ids: many rows on one page)."""
    return DeclineForm(prefix=f"tolak-{registration.id}", formdata=None)


def _reject_form_for(record):
    return RejectForm(prefix=f"tolak-{record.id}", formdata=None)


bp.add_app_template_global(_decline_form_for, "workshops_decline_form")
bp.add_app_template_global(_reject_form_for, "reject_form_for")


@bp.app_context_processor
def _labels():
    return {
        "ws_labels": {
            "competency": COMPETENCY_TYPES,
            "forms": LEARNING_FORMS,
            "kinds": ALL_KINDS,
            "session": SESSION_STATUSES,
            "registration": REGISTRATION_STATUSES,
            "external": EXTERNAL_STATUSES,
        }
    }


def _month_label(month: str) -> str:
    bounds = services.month_bounds(month)
    if bounds is None:
        return month
    return format_date(services.to_wib(bounds[0]).date(), "MMMM yyyy")


def _refused(error: Refused, location: str):
    """A rule said no: nothing changed (roll back); say why on the page we return to.
    (htmx requests get HX-Redirect: the 4xx answers are not swapped.)"""
    db.session.rollback()
    flash(error.message, "error")
    return redirect_after_post(location)


# Refusals that come back as an updated fragment use 422: base.html's htmx config swaps it.
REFUSED = 422


# --- catalogue ------------------------------------------------------------------------------
@bp.get("/pelatihan/")
@login_required
def index():
    form = CatalogueForm(formdata=request.args)
    topics = services.active_topics()
    months = services.upcoming_months()
    if request.args.get("month") and request.args["month"] not in months:
        months.append(request.args["month"])
    form.fill_choices(topics, months, _month_label)
    form.validate()
    filters = services.CatalogueFilters(
        q=(form.q.data or "").strip() if not form.q.errors else "",
        topic=form.topic.data if not form.topic.errors else None,
        competency=form.competency.data if form.competency.data in COMPETENCY_TYPES else "",
        month=form.month.data if not form.month.errors else "",
        seats=bool(form.seats.data),
    )
    page = services.catalogue(filters, current_user)
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
    session = services.get_visible_session_or_404(session_id, current_user)
    view = services.session_view(session, current_user)
    return render_template(
        "workshops/show.html",
        v=view,
        s=session,
        can_manage=services.can_manage(current_user, session),
    )


@bp.get("/pelatihan/program/<int:workshop_id>")
@login_required
def workshop(workshop_id: int):
    """A programme and its upcoming sessions (the page other blueprints link to)."""
    item = services.get_visible_workshop_or_404(workshop_id, current_user)
    views = services.workshop_sessions(item, current_user)
    return render_template("workshops/workshop.html", workshop=item, views=views)


def _box_response(
    session_id: int,
    outcome_message: str | None,
    kind: str = "success",
    clashes=None,
    status: int = 200,
):
    session = services.get_visible_session_or_404(session_id, current_user)
    view = services.session_view(session, current_user)
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


@bp.post("/pelatihan/sesi/<int:session_id>/daftar")
@login_required
def register(session_id: int):
    if not EmptyForm().validate_on_submit():
        abort(400)
    location = url_for("workshops.show", session_id=session_id)
    try:
        outcome = services.register(
            session_id, current_user, confirm_clash=request.form.get("confirm_clash") == "1"
        )
    except Refused as error:
        db.session.rollback()
        if is_htmx():
            return _box_response(session_id, error.message, "error", status=REFUSED)
        flash(error.message, "error")
        return redirect(location, 303)
    if outcome.kind == "clash":
        db.session.rollback()
        if is_htmx():
            return _box_response(session_id, None, clashes=outcome.clashes)
        flash(outcome.message, "warning")
        return redirect(location, 303)
    db.session.commit()
    if is_htmx():
        return _box_response(session_id, outcome.message)
    flash(outcome.message, "success" if outcome.kind == "confirmed" else "info")
    return redirect(location, 303)


@bp.post("/pelatihan/sesi/<int:session_id>/batal")
@login_required
def cancel(session_id: int):
    if not EmptyForm().validate_on_submit():
        abort(400)
    location = url_for("workshops.show", session_id=session_id)
    try:
        outcome = services.cancel_own(session_id, current_user)
    except Refused as error:
        db.session.rollback()
        if is_htmx():
            return _box_response(session_id, error.message, "error", status=REFUSED)
        flash(error.message, "error")
        return redirect(location, 303)
    db.session.commit()
    if is_htmx():
        return _box_response(session_id, outcome.message)
    flash(outcome.message, "success")
    return redirect(location, 303)


@bp.get("/pelatihan/sesi/<int:session_id>/kalender.ics")
@login_required
def session_ics(session_id: int):
    session = services.get_visible_session_or_404(session_id, current_user)
    response = Response(services.session_ics(session), mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="sesi-{session.id}.ics"'
    return response


@bp.route("/pelatihan/sesi/<int:session_id>/evaluasi", methods=["GET", "POST"])
@login_required
def evaluate(session_id: int):
    session = services.get_visible_session_or_404(session_id, current_user)
    view = services.session_view(session, current_user)
    if not view.can_evaluate:
        flash(
            _("Evaluasi hanya untuk peserta yang hadir, setelah sesi selesai, dan hanya sekali."),
            "info",
        )
        return redirect(url_for("workshops.show", session_id=session.id), 303)
    form = EvaluationForm()
    if form.validate_on_submit():
        try:
            services.submit_evaluation(
                session,
                current_user,
                form.relevance.data,
                form.usefulness.data,
                form.facilitator.data,
                form.comment.data,
            )
        except Refused as error:
            return _refused(error, url_for("workshops.show", session_id=session.id))
        db.session.commit()
        flash(_("Terima kasih, evaluasi Anda tersimpan."), "success")
        return redirect(url_for("workshops.show", session_id=session.id), 303)
    status = 422 if request.method == "POST" else 200
    return render_template("workshops/evaluate.html", form=form, s=session), status


# --- my registrations, calendar feed --------------------------------------------------------
@bp.get("/pelatihan/saya")
@login_required
def mine():
    token = services.calendar_token(current_user)
    if token in db.session.new:
        db.session.commit()  # before loading the list: a commit expires loaded rows
    registrations = services.my_registrations(current_user)
    return render_template(
        "workshops/mine.html", registrations=registrations, token=token, form=EmptyForm()
    )


@bp.post("/pelatihan/kalender/reset")
@login_required
def feed_reset():
    if EmptyForm().validate_on_submit():
        services.calendar_token(current_user, reset=True)
        db.session.commit()
        flash(_("Alamat kalender baru dibuat; alamat lama tidak berlaku lagi."), "success")
    return redirect(url_for("workshops.mine"), 303)


@bp.get("/pelatihan/kalender/<token>.ics")
def feed(token: str):
    body = services.feed_ics(token)
    if body is None:
        abort(404)
    response = Response(body, mimetype="text/calendar")
    response.headers["Cache-Control"] = "private, no-store"
    return response


# --- JP ledger and external learning --------------------------------------------------------
def _year_arg() -> int:
    this_year = today_wib().year
    try:
        year = int(request.args.get("tahun", this_year))
    except ValueError:
        return this_year
    return year if 2000 <= year <= this_year + 1 else this_year


@bp.get("/pelatihan/jp")
@login_required
def ledger():
    year = _year_arg()
    data = services.ledger(current_user, year)
    return render_template(
        "workshops/ledger.html",
        ledger=data,
        own=True,
        years=range(today_wib().year, today_wib().year - 5, -1),
    )


@bp.get("/pelatihan/jp/pegawai/<int:employee_id>")
@login_required
def ledger_of(employee_id: int):
    employee = db.session.get(Employee, employee_id)
    if employee is None:
        abort(404)
    if not (can_view_employee(current_user, employee) or services.is_organizer(current_user)):
        abort(404)
    year = _year_arg()
    data = services.ledger(employee, year)
    return render_template(
        "workshops/ledger.html",
        ledger=data,
        own=employee.id == current_user.id,
        years=range(today_wib().year, today_wib().year - 5, -1),
    )


@bp.route("/pelatihan/jp/eksternal/baru", methods=["GET", "POST"])
@login_required
def external_new():
    form = ExternalLearningForm()
    if form.validate_on_submit():
        try:
            services.create_external(current_user, form.to_data(), form.evidence.data)
        except Refused as error:
            db.session.rollback()
            form.evidence.errors = [*form.evidence.errors, error.message]
            return render_template("workshops/external_new.html", form=form), 422
        db.session.commit()
        flash(_("Catatan pembelajaran tersimpan dan menunggu verifikasi penyelenggara."), "success")
        return redirect(url_for("workshops.ledger", tahun=form.learned_on.data.year), 303)
    status = 422 if request.method == "POST" else 200
    return render_template("workshops/external_new.html", form=form), status


@bp.get("/pelatihan/eksternal/<int:record_id>/bukti")
@login_required
def evidence(record_id: int):
    record = services.get_evidence_or_404(record_id, current_user)
    if not os.path.exists(services.evidence_path(record)):
        abort(404)  # the file is gone (restored database without its uploads): not a crash
    response = send_file(
        services.evidence_path(record),
        mimetype=record.evidence_type,
        as_attachment=True,
        download_name=record.evidence_name,
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


# --- certificates ---------------------------------------------------------------------------
@bp.get("/pelatihan/sertifikat/<int:registration_id>.pdf")
@login_required
def certificate(registration_id: int):
    registration = services.get_certificate_registration_or_404(registration_id, current_user)
    cert = services.issue_certificate(registration)
    db.session.commit()
    pdf = services.certificate_pdf(
        cert, url_for("workshops.verify", code=cert.code, _external=True)
    )
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="sertifikat-{cert.id}.pdf"'
    return response


@bp.get("/verifikasi/<code>")
def verify(code: str):
    cert = services.verify_certificate(code)
    if cert is None:
        abort(404)
    return render_template("workshops/verify.html", cert=cert)


# --- izin atasan ----------------------------------------------------------------------------
@bp.get("/pelatihan/persetujuan")
@login_required
def approvals():
    items = services.pending_approvals_for(current_user)
    return render(
        "workshops/approvals.html", "workshops/_approvals.html", approvals=items, decline_forms={}
    )


def _back_from_approvals() -> str:
    """Plain forms return to the page that showed the request (the home page or ours)."""
    target = request.form.get("next")
    return target if is_safe_next(target) else url_for("workshops.approvals")


def _approvals_response(
    message: str | None = None, kind: str = "success", decline_forms=None, status: int = 200
):
    items = services.pending_approvals_for(current_user)
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
    return trigger(response, "approvals-changed")


@bp.post("/pelatihan/persetujuan/<int:registration_id>/setujui")
@login_required
def approve(registration_id: int):
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        registration = services.approve(registration_id, current_user)
    except Refused as error:
        db.session.rollback()
        if is_htmx():
            return _approvals_response(error.message, "error", status=REFUSED)
        flash(error.message, "error")
        return redirect(_back_from_approvals(), 303)
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


@bp.post("/pelatihan/persetujuan/<int:registration_id>/tolak")
@login_required
def decline(registration_id: int):
    form = DeclineForm(prefix=f"tolak-{registration_id}")
    if not form.validate_on_submit():
        items = services.pending_approvals_for(current_user)
        if all(item.id != registration_id for item in items):
            abort(404)
        if is_htmx():
            return _approvals_response(decline_forms={registration_id: form}, status=422)
        return render_template(
            "workshops/approvals.html", approvals=items, decline_forms={registration_id: form}
        ), 422
    try:
        registration = services.decline(registration_id, current_user, form.reason.data)
    except Refused as error:
        db.session.rollback()
        if is_htmx():
            return _approvals_response(error.message, "error", status=REFUSED)
        flash(error.message, "error")
        return redirect(_back_from_approvals(), 303)
    name = registration.employee.name
    db.session.commit()
    message = _("Permohonan %(name)s ditolak; alasannya dikirim kepadanya.", name=name)
    if is_htmx():
        return _approvals_response(message)
    flash(message, "success")
    return redirect(_back_from_approvals(), 303)


# --- organizer: workshops and sessions ------------------------------------------------------
@bp.get("/pelatihan/kelola")
@role_required("organizer")
def manage():
    return render_template(
        "workshops/manage.html",
        workshops=services.managed_workshops(current_user),
        sessions=services.managed_sessions(current_user),
        pending_external=services.pending_external_count(),
    )


def _workshop_form(workshop=None):
    form = WorkshopForm(
        obj=workshop,
        topics=services.active_topics()
        if workshop is None
        else sorted({*services.active_topics(), *workshop.topics}, key=lambda t: t.name),
        organizers=services.organizer_candidates(),
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
        workshop = services.save_workshop(
            None, form.to_data(), form.topics.data, form.organizers.data, current_user
        )
        db.session.commit()
        flash(_("Program pelatihan dibuat. Tambahkan sesinya."), "success")
        return redirect(url_for("workshops.workshop_manage", workshop_id=workshop.id), 303)
    status = 422 if request.method == "POST" else 200
    return render_template("workshops/workshop_form.html", form=form, workshop=None), status


@bp.get("/pelatihan/kelola/program/<int:workshop_id>")
@role_required("organizer")
def workshop_manage(workshop_id: int):
    workshop = services.get_managed_workshop_or_404(workshop_id, current_user)
    rows = services.managed_sessions(
        current_user, workshop_id=workshop.id, upcoming_only=False, limit=200
    )
    return render_template(
        "workshops/workshop_manage.html", workshop=workshop, rows=rows, form=EmptyForm()
    )


@bp.route("/pelatihan/kelola/program/<int:workshop_id>/ubah", methods=["GET", "POST"])
@role_required("organizer")
def workshop_edit(workshop_id: int):
    workshop = services.get_managed_workshop_or_404(workshop_id, current_user)
    form = _workshop_form(workshop)
    if form.validate_on_submit():
        services.save_workshop(
            workshop, form.to_data(), form.topics.data, form.organizers.data, current_user
        )
        db.session.commit()
        flash(_("Program pelatihan disimpan."), "success")
        return redirect(url_for("workshops.workshop_manage", workshop_id=workshop.id), 303)
    status = 422 if request.method == "POST" else 200
    return render_template("workshops/workshop_form.html", form=form, workshop=workshop), status


@bp.route("/pelatihan/kelola/program/<int:workshop_id>/sesi/baru", methods=["GET", "POST"])
@role_required("organizer")
def session_new(workshop_id: int):
    workshop = services.get_managed_workshop_or_404(workshop_id, current_user)
    form = SessionForm()
    if form.validate_on_submit():
        session = services.create_session(workshop, form.to_data(), current_user)
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
@role_required("organizer")
def session_edit(session_id: int):
    session = services.get_managed_session_or_404(session_id, current_user)
    form = SessionForm()
    if request.method == "GET":
        form.fill_from(session)
    if form.validate_on_submit():
        try:
            promoted = services.update_session(session, form.to_data(), current_user)
        except Refused as error:
            db.session.rollback()
            form.capacity.errors = [*form.capacity.errors, error.message]
            session = services.get_managed_session_or_404(session_id, current_user)
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


@bp.post("/pelatihan/kelola/sesi/<int:session_id>/status/<action>")
@role_required("organizer")
def session_status(session_id: int, action: str):
    if action not in STATUS_ACTIONS:
        abort(404)
    session = services.get_managed_session_or_404(session_id, current_user)
    workshop_id = session.workshop_id
    location = (
        request.form.get("back") == "peserta"
        and url_for("workshops.participants", session_id=session_id)
        or url_for("workshops.workshop_manage", workshop_id=workshop_id)
    )
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        services.set_session_status(session, action, current_user)
    except Refused as error:
        return _refused(error, location)
    db.session.commit()
    flash(str(STATUS_ACTIONS[action]), "success")
    return redirect_after_post(location)


# --- organizer: participants, attendance, exports, report -----------------------------------
def _participants_context(session):
    return {
        "s": session,
        "groups": services.participants(session.id),
        "counts": services.counts_for(session.id),
        "day_begun": services.session_day_begun(session),
        "started": services.has_started(session),
        "form": EmptyForm(),
    }


@bp.get("/pelatihan/kelola/sesi/<int:session_id>/peserta")
@role_required("organizer")
def participants(session_id: int):
    session = services.get_managed_session_or_404(session_id, current_user)
    return render(
        "workshops/participants.html",
        "workshops/_participants.html",
        add_form=AddPeopleForm(),
        walk_in_form=WalkInForm(),
        **_participants_context(session),
    )


@bp.post("/pelatihan/kelola/sesi/<int:session_id>/peserta/tambah")
@role_required("organizer")
def participants_add(session_id: int):
    session = services.get_managed_session_or_404(session_id, current_user)
    location = url_for("workshops.participants", session_id=session_id)
    form = AddPeopleForm()
    people, missing = ([], [])
    if form.validate_on_submit():
        people, missing = services.find_people(form.people.data)
        if missing:
            form.people.errors = [_("Tidak ditemukan: %(list)s", list=", ".join(missing[:20]))]
    if form.errors or not people:
        if not form.errors:
            form.people.errors = [_("Tidak ada pegawai yang ditemukan.")]
        return render_template(
            "workshops/participants.html",
            add_form=form,
            walk_in_form=WalkInForm(),
            **_participants_context(session),
        ), 422
    try:
        result = services.add_participants(session, people, current_user)
    except Refused as error:
        return _refused(error, location)
    db.session.commit()
    flash(
        _(
            "%(c)d terdaftar, %(w)d masuk daftar tunggu, %(a)d sudah terdaftar sebelumnya.",
            c=len(result.confirmed),
            w=len(result.waitlisted),
            a=len(result.already),
        ),
        "success",
    )
    return redirect(location, 303)


@bp.post("/pelatihan/kelola/sesi/<int:session_id>/peserta/walk-in")
@role_required("organizer")
def walk_in(session_id: int):
    session = services.get_managed_session_or_404(session_id, current_user)
    location = url_for("workshops.participants", session_id=session_id)
    form = WalkInForm()
    people = []
    if form.validate_on_submit():
        people, _missing = services.find_people(form.person.data)
        if len(people) != 1:
            form.person.errors = [_("Pegawai tidak ditemukan.")]
    if form.errors:
        return render_template(
            "workshops/participants.html",
            add_form=AddPeopleForm(),
            walk_in_form=form,
            **_participants_context(session),
        ), 422
    try:
        services.add_walk_in(session, people[0], current_user)
    except Refused as error:
        return _refused(error, location)
    db.session.commit()
    flash(_("%(name)s dicatat hadir sebagai peserta langsung.", name=people[0].name), "success")
    return redirect(location, 303)


@bp.post("/pelatihan/kelola/pendaftaran/<int:registration_id>/kehadiran")
@role_required("organizer")
def attendance(registration_id: int):
    if not EmptyForm().validate_on_submit():
        abort(400)
    attended = request.form.get("hadir") == "1"
    try:
        registration = services.set_attendance(registration_id, current_user, attended)
    except Refused as error:
        registration = db.session.get(Registration, registration_id)
        return _refused(
            error, url_for("workshops.participants", session_id=registration.session_id)
        )
    session_id = registration.session_id
    db.session.commit()
    if is_htmx():
        registration = db.session.get(Registration, registration_id)
        return trigger(
            make_response(
                render_template(
                    "workshops/_attendance_row.html",
                    r=registration,
                    day_begun=True,
                    form=EmptyForm(),
                )
            ),
            "attendance-changed",
        )
    return redirect(
        url_for("workshops.participants", session_id=session_id, _anchor=f"reg-{registration_id}"),
        303,
    )


@bp.post("/pelatihan/kelola/sesi/<int:session_id>/hadir-semua")
@role_required("organizer")
def all_present(session_id: int):
    session = services.get_managed_session_or_404(session_id, current_user)
    location = url_for("workshops.participants", session_id=session_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        count = services.mark_all_present(session)
    except Refused as error:
        return _refused(error, location)
    db.session.commit()
    if is_htmx():
        session = services.get_managed_session_or_404(session_id, current_user)
        return render_template(
            "workshops/_participants.html",
            message=_("%(n)d peserta ditandai hadir.", n=count),
            **_participants_context(session),
        )
    flash(_("%(n)d peserta ditandai hadir.", n=count), "success")
    return redirect(location, 303)


@bp.post("/pelatihan/kelola/pendaftaran/<int:registration_id>/keluarkan")
@role_required("organizer")
def remove(registration_id: int):
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        registration = services.remove_participant(registration_id, current_user)
    except Refused as error:
        registration = db.session.get(Registration, registration_id)
        return _refused(
            error, url_for("workshops.participants", session_id=registration.session_id)
        )
    session_id, name = registration.session_id, registration.employee.name
    db.session.commit()
    message = _("%(name)s dikeluarkan dari sesi.", name=name)
    if is_htmx():
        session = services.get_managed_session_or_404(session_id, current_user)
        return render_template(
            "workshops/_participants.html", message=message, **_participants_context(session)
        )
    flash(message, "success")
    return redirect(url_for("workshops.participants", session_id=session_id), 303)


@bp.get("/pelatihan/kelola/sesi/<int:session_id>/peserta.<fmt>")
@role_required("organizer")
def export(session_id: int, fmt: str):
    session = services.get_managed_session_or_404(session_id, current_user)
    header, rows = services.export_rows(session.id)
    name = f"peserta-sesi-{session.id}"
    if fmt == "csv":
        return csv_response(f"{name}.csv", header, rows)
    if fmt == "xlsx":
        return xlsx_response(f"{name}.xlsx", header, rows, title=_("Peserta"))
    abort(404)


@bp.get("/pelatihan/kelola/sesi/<int:session_id>/laporan")
@role_required("organizer")
def report(session_id: int):
    session = services.get_managed_session_or_404(session_id, current_user)
    return render_template(
        "workshops/report.html",
        s=session,
        report=services.session_report(session),
        min_group=services.EVALUATION_MIN_GROUP,
    )


# --- organizer: external learning records ---------------------------------------------------
@bp.get("/pelatihan/kelola/eksternal")
@role_required("organizer")
def external_queue():
    return render_template(
        "workshops/external_queue.html",
        records=services.pending_external(),
        form=EmptyForm(),
        reject_forms={},
    )


@bp.post("/pelatihan/kelola/eksternal/<int:record_id>/<decision>")
@role_required("organizer")
def external_review(record_id: int, decision: str):
    if decision not in ("verifikasi", "tolak"):
        abort(404)
    location = url_for("workshops.external_queue")
    verify_it = decision == "verifikasi"
    form = RejectForm(prefix=f"tolak-{record_id}")
    if verify_it:
        if not EmptyForm().validate_on_submit():
            abort(400)
    elif not form.validate_on_submit():
        return render_template(
            "workshops/external_queue.html",
            records=services.pending_external(),
            form=EmptyForm(),
            reject_forms={record_id: form},
        ), 422
    try:
        record = services.review_external(
            record_id, current_user, verify_it, form.reason.data if not verify_it else ""
        )
    except Refused as error:
        return _refused(error, location)
    title = record.title
    db.session.commit()
    flash(
        _('Catatan "%(title)s" diverifikasi.', title=title)
        if verify_it
        else _('Catatan "%(title)s" ditolak; alasannya dikirim ke pegawai.', title=title),
        "success",
    )
    return redirect(location, 303)


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
            services.audit("workshops.topic_added", None, name)
            db.session.commit()
            flash(_("Topik ditambahkan."), "success")
            return redirect(url_for("workshops.topics"), 303)
    status = 422 if form.errors else 200
    return render_template(
        "workshops/topics.html",
        form=form,
        rows=services.all_topics_with_use(),
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
        services.audit("workshops.topic_toggled", topic, "aktif" if topic.active else "nonaktif")
        db.session.commit()
    return redirect_after_post(url_for("workshops.topics"))


@bp.app_template_filter("ws_when")
def ws_when(session) -> str:
    """'Senin, 30 November 2026, 09.00–12.00 WIB' (the session's WIB day and hours)."""
    start, end = to_wib(session.starts_at), to_wib(session.ends_at)
    day = format_date(start.date(), "EEEE, d MMMM yyyy")
    if start.date() == end.date():
        return _(
            "%(day)s, %(start)s–%(end)s WIB", day=day, start=f"{start:%H.%M}", end=f"{end:%H.%M}"
        )
    return _(
        "%(day)s %(start)s – %(end_day)s %(end)s WIB",
        day=day,
        start=f"{start:%H.%M}",
        end_day=format_date(end.date(), "d MMMM yyyy"),
        end=f"{end:%H.%M}",
    )
