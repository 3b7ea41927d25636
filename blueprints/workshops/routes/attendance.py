"""Attendance views: the organizer's participant lists (add people, walk-ins, attendance,
removal), the participant export and the session report; the attendee's evaluation form."""

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select

from blueprints.auth.access import role_required
from blueprints.common.confirm import confirm_page
from blueprints.common.exports import csv_response, xlsx_response
from blueprints.common.forms import EmptyForm
from blueprints.common.htmx import is_htmx, render, trigger
from blueprints.common.refusals import refusals
from blueprints.workshops.access import (
    SESSION_MANAGER_ROLES,
    get_managed_session_or_404,
    get_visible_session_or_404,
)
from blueprints.workshops.attendance import (
    add_participants,
    add_walk_in,
    export_rows,
    find_people,
    mark_all_present,
    remove_participant,
    session_report,
    set_attendance,
    submit_evaluation,
)
from blueprints.workshops.attendance import participants as participant_groups
from blueprints.workshops.blueprint import bp
from blueprints.workshops.catalogue import session_view
from blueprints.workshops.forms import AddPeopleForm, EvaluationForm, WalkInForm
from blueprints.workshops.models import Registration
from blueprints.workshops.rules import EVALUATION_MIN_GROUP, has_started, session_day_begun
from blueprints.workshops.seats import counts_for
from extensions import db


def _show_url(session_id: int) -> str:
    return url_for("workshops.show", session_id=session_id)


def _participants_url(session_id: int) -> str:
    return url_for("workshops.participants", session_id=session_id)


def _participants_url_of(registration_id: int) -> str:
    registration = db.session.get(Registration, registration_id)
    return _participants_url(registration.session_id)


# --- evaluation -----------------------------------------------------------------------------
@bp.route("/pelatihan/sesi/<int:session_id>/evaluasi", methods=["GET", "POST"])
@login_required
@refusals(back=_show_url)
def evaluate(session_id: int):
    session = get_visible_session_or_404(session_id, current_user)
    view = session_view(session, current_user)
    if not view.can_evaluate:
        flash(
            _("Evaluasi hanya untuk peserta yang hadir, setelah sesi selesai, dan hanya sekali."),
            "info",
        )
        return redirect(url_for("workshops.show", session_id=session.id), 303)
    form = EvaluationForm()
    if form.validate_on_submit():
        submit_evaluation(
            session,
            current_user,
            form.relevance.data,
            form.usefulness.data,
            form.facilitator.data,
            form.comment.data,
        )
        db.session.commit()
        flash(_("Terima kasih, evaluasi Anda tersimpan."), "success")
        return redirect(url_for("workshops.show", session_id=session.id), 303)
    status = 422 if request.method == "POST" else 200
    return render_template("workshops/evaluate.html", form=form, s=session), status


# --- organizer: participants, attendance, exports, report -----------------------------------
def _attended_count(session_id: int) -> int:
    """Confirmed participants marked present, counted in SQL."""
    return db.session.scalar(
        select(func.count(Registration.id)).where(
            Registration.session_id == session_id,
            Registration.status == "confirmed",
            Registration.attended.is_(True),
        )
    )


def _participants_context(session):
    return {
        "s": session,
        "groups": participant_groups(session.id),
        "counts": counts_for(session.id),
        "day_begun": session_day_begun(session),
        "started": has_started(session),
        "form": EmptyForm(),
    }


@bp.get("/pelatihan/kelola/sesi/<int:session_id>/peserta")
@role_required(*SESSION_MANAGER_ROLES)
def participants(session_id: int):
    session = get_managed_session_or_404(session_id, current_user)
    return render(
        "workshops/participants.html",
        "workshops/_participants.html",
        add_form=AddPeopleForm(),
        walk_in_form=WalkInForm(),
        **_participants_context(session),
    )


@bp.post("/pelatihan/kelola/sesi/<int:session_id>/peserta/tambah")
@role_required(*SESSION_MANAGER_ROLES)
@refusals(back=_participants_url)
def participants_add(session_id: int):
    session = get_managed_session_or_404(session_id, current_user)
    form = AddPeopleForm()
    people, missing = ([], [])
    if form.validate_on_submit():
        people, missing = find_people(form.people.data)
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
    result = add_participants(session, people, current_user)
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
    return redirect(_participants_url(session_id), 303)


@bp.post("/pelatihan/kelola/sesi/<int:session_id>/peserta/walk-in")
@role_required(*SESSION_MANAGER_ROLES)
@refusals(back=_participants_url)
def walk_in(session_id: int):
    session = get_managed_session_or_404(session_id, current_user)
    form = WalkInForm()
    people = []
    if form.validate_on_submit():
        people, _missing = find_people(form.person.data)
        if len(people) != 1:
            form.person.errors = [_("Pegawai tidak ditemukan.")]
    if form.errors:
        return render_template(
            "workshops/participants.html",
            add_form=AddPeopleForm(),
            walk_in_form=form,
            **_participants_context(session),
        ), 422
    add_walk_in(session, people[0], current_user)
    db.session.commit()
    flash(_("%(name)s dicatat hadir sebagai peserta langsung.", name=people[0].name), "success")
    return redirect(_participants_url(session_id), 303)


@bp.post("/pelatihan/kelola/pendaftaran/<int:registration_id>/kehadiran")
@role_required(*SESSION_MANAGER_ROLES)
@refusals(back=_participants_url_of)
def attendance(registration_id: int):
    if not EmptyForm().validate_on_submit():
        abort(400)
    attended = request.form.get("hadir") == "1"
    registration = set_attendance(registration_id, current_user, attended)
    session_id = registration.session_id
    db.session.commit()
    if is_htmx():
        registration = db.session.get(Registration, registration_id)
        row = render_template(
            "workshops/_attendance_row.html", r=registration, day_begun=True, form=EmptyForm()
        )
        # Every figure the toggle changes: the "hadir" count above the list, out of band.
        count = render_template(
            "workshops/_attended_count.html",
            s=registration.session,
            attended=_attended_count(session_id),
            oob=True,
        )
        return trigger(make_response(row + count), "attendance-changed")
    return redirect(
        url_for("workshops.participants", session_id=session_id, _anchor=f"reg-{registration_id}"),
        303,
    )


@bp.post("/pelatihan/kelola/sesi/<int:session_id>/hadir-semua")
@role_required(*SESSION_MANAGER_ROLES)
@refusals(back=_participants_url)
def all_present(session_id: int):
    session = get_managed_session_or_404(session_id, current_user)
    if not EmptyForm().validate_on_submit():
        abort(400)
    count = mark_all_present(session)
    db.session.commit()
    if is_htmx():
        session = get_managed_session_or_404(session_id, current_user)
        return render_template(
            "workshops/_participants.html",
            message=_("%(n)d peserta ditandai hadir.", n=count),
            **_participants_context(session),
        )
    flash(_("%(n)d peserta ditandai hadir.", n=count), "success")
    return redirect(_participants_url(session_id), 303)


@bp.get("/pelatihan/kelola/pendaftaran/<int:registration_id>/keluarkan")
@role_required(*SESSION_MANAGER_ROLES)
def remove_confirm(registration_id: int):
    """Without JavaScript, removing a participant asks first (the seat goes to the next one)."""
    registration = db.get_or_404(Registration, registration_id)
    get_managed_session_or_404(registration.session_id, current_user)
    return confirm_page(
        _(
            "Keluarkan %(name)s dari sesi ini? Kursinya diberikan kepada orang berikutnya.",
            name=registration.employee.name,
        ),
        _("Ya, keluarkan"),
        url_for("workshops.remove", registration_id=registration_id),
        back=_participants_url(registration.session_id),
    )


@bp.post("/pelatihan/kelola/pendaftaran/<int:registration_id>/keluarkan")
@role_required(*SESSION_MANAGER_ROLES)
@refusals(back=_participants_url_of)
def remove(registration_id: int):
    if not EmptyForm().validate_on_submit():
        abort(400)
    registration = remove_participant(registration_id, current_user)
    session_id, name = registration.session_id, registration.employee.name
    db.session.commit()
    message = _("%(name)s dikeluarkan dari sesi.", name=name)
    if is_htmx():
        session = get_managed_session_or_404(session_id, current_user)
        return render_template(
            "workshops/_participants.html", message=message, **_participants_context(session)
        )
    flash(message, "success")
    return redirect(_participants_url(session_id), 303)


@bp.get("/pelatihan/kelola/sesi/<int:session_id>/peserta.<fmt>")
@role_required(*SESSION_MANAGER_ROLES)
def export(session_id: int, fmt: str):
    session = get_managed_session_or_404(session_id, current_user)
    header, rows = export_rows(session.id)
    name = f"peserta-sesi-{session.id}"
    if fmt == "csv":
        return csv_response(f"{name}.csv", header, rows)
    if fmt == "xlsx":
        return xlsx_response(f"{name}.xlsx", header, rows, title=_("Peserta"))
    abort(404)


@bp.get("/pelatihan/kelola/sesi/<int:session_id>/laporan")
@role_required(*SESSION_MANAGER_ROLES)
def report(session_id: int):
    session = get_managed_session_or_404(session_id, current_user)
    return render_template(
        "workshops/report.html",
        s=session,
        report=session_report(session),
        min_group=EVALUATION_MIN_GROUP,
    )
