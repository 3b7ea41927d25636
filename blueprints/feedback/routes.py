"""Views: parse the request, call a service, render (or redirect). Objects are fetched only
through the services' *_or_404 helpers, where the visibility rules live."""

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from blueprints.auth import access
from blueprints.auth.access import has_role, role_required
from blueprints.auth.models import Employee
from blueprints.common import htmx
from blueprints.common.db import db_id, db_id_or_none
from blueprints.common.exports import csv_response, xlsx_response
from blueprints.common.forms import EmptyForm
from blueprints.common.nav import register_nav
from blueprints.common.pagination import paginate
from blueprints.common.timefmt import as_utc, today_wib
from blueprints.feedback import plans, services, upward, workshop_link
from blueprints.feedback.blueprint import bp
from blueprints.feedback.constants import (
    BERAKHLAK,
    COMPETENCIES,
    GOAL_STATUSES,
    LIKERT,
    REQUEST_STATUSES,
    UPWARD_STATEMENTS,
    competency_label,
)
from blueprints.feedback.forms import (
    FOLLOW_UP_ROWS,
    AddendumForm,
    DeclineForm,
    FeedbackForm,
    GoalForm,
    QuickFeedbackForm,
    ReflectionForm,
    RequestForm,
    ResponseForm,
    RoundForm,
    TeamFilterForm,
    UpwardForm,
)
from blueprints.feedback.models import SentFeedbackIsImmutable, UpwardRound
from blueprints.feedback.services import InvalidAction, NotAllowed
from extensions import db

register_nav("feedback.index", _l("Umpan Balik"), lambda user: True, order=30)
register_nav("feedback.team", _l("Tim Saya"), lambda user: has_role(user, "leader"), order=31)
register_nav(
    "feedback.admin_counts", _l("Rekap Umpan Balik"), lambda user: has_role(user, "admin"), order=85
)

TEAM_PAGE_SIZE = 50


# --- errors of this blueprint -------------------------------------------------------------
def _error_page(status: int, title: str, message: str):
    template = "errors/_fragment.html" if htmx.is_htmx() else "errors/error.html"
    return render_template(template, status=status, title=title, message=message), status


@bp.errorhandler(NotAllowed)
def _not_allowed(error):
    db.session.rollback()
    return _error_page(403, _("Akses ditolak"), _("Anda tidak memiliki akses ke halaman ini."))


@bp.errorhandler(InvalidAction)
@bp.errorhandler(SentFeedbackIsImmutable)
def _invalid(error):
    db.session.rollback()
    message = (
        str(error.args[0])
        if isinstance(error, InvalidAction) and error.args
        else _("Umpan balik yang sudah dikirim tidak dapat diubah.")
    )
    return _error_page(409, _("Tindakan tidak dapat dilakukan"), message)


@bp.context_processor
def _helpers():
    return {
        "BERAKHLAK": BERAKHLAK,
        "COMPETENCIES": COMPETENCIES,
        "competency_label": competency_label,
        "follow_up_state": services.follow_up_state,
        "workshop_url": workshop_link.url,
        "today": today_wib(),
        "button_form": EmptyForm(),
    }


# --- my feedback ------------------------------------------------------------------------------
@bp.get("/")
@login_required
def index():
    page = paginate(services.received_stmt(current_user), per_page=20)
    return render_template(
        "feedback/index.html",
        page=page,
        follow_ups=services.my_open_follow_ups(current_user),
        requests=services.my_requests(current_user),
        queue_count=services.open_request_count(current_user),
        upward_state=upward.eligibility(current_user),
        is_leader=has_role(current_user, "leader"),
        REQUEST_STATUSES=REQUEST_STATUSES,
    )


@bp.get("/diberikan")
@login_required
def given():
    page = paginate(services.given_stmt(current_user), per_page=25)
    return render_template(
        "feedback/given.html", page=page, to_confirm=services.to_confirm(current_user)
    )


@bp.get("/ekspor.<any(csv, xlsx):fmt>")
@login_required
def export_list(fmt):
    header, rows = services.export_rows(current_user)
    db.session.commit()  # the audit entries of the reads
    filename = f"umpan-balik-{today_wib().isoformat()}.{fmt}"
    if fmt == "csv":
        return csv_response(filename, header, rows)
    return xlsx_response(filename, header, rows, title=_("Umpan balik"))


# --- giving ---------------------------------------------------------------------------------
def _fill_choices(form: FeedbackForm, author, request_obj=None) -> None:
    if request_obj is not None:
        form.receiver_id.choices = [(request_obj.requester_id, request_obj.requester.name)]
    else:
        form.receiver_id.choices = [(0, _("— pilih pegawai —")), *services.receiver_choices(author)]
    selected = [wid for wid in (form.workshops.data or []) if db_id_or_none(wid)]
    extra = db_id_or_none(request.form.get("add_workshop", ""))
    if extra and extra not in selected:
        selected.append(extra)
    titles = workshop_link.titles(selected)
    form.workshops.choices = [(wid, titles[wid]) for wid in selected if wid in titles]
    form.workshops.data = [wid for wid in selected if wid in titles]
    for number, entry in enumerate(form.follow_ups.entries, start=1):
        entry.form.description.label.text = _("Tindak lanjut %(n)d", n=number)
        entry.form.due_on.label.text = _("Tenggat tindak lanjut %(n)d", n=number)
    form.workshop_q.render_kw = {
        **(form.workshop_q.render_kw or {}),
        "hx-get": url_for("feedback.workshop_search"),
        "hx-trigger": "input changed delay:300ms, search",
        "hx-target": "#workshop-results",
        "hx-include": "#selected-workshops",
        "aria-controls": "workshop-results",
    }


def _input_from(form: FeedbackForm) -> services.FeedbackInput:
    follow_ups = [
        (entry.form.description.data.strip(), entry.form.due_on.data)
        for entry in form.follow_ups.entries
        if entry.form.description.data and entry.form.description.data.strip()
    ]
    request_id = form.request_id.data
    return services.FeedbackInput(
        receiver_id=form.receiver_id.data,
        occurred_on=form.occurred_on.data,
        context=form.context.data,
        strengths=form.strengths.data,
        improvements=form.improvements.data,
        values=[v for v in form.values.data or [] if v in BERAKHLAK],
        competencies=[
            c
            for c in (form.competencies_managerial.data or [])
            + (form.competencies_technical.data or [])
            if c in COMPETENCIES
        ],
        follow_ups=follow_ups,
        workshop_ids=form.workshops.data or [],
        request_id=db_id_or_none(str(request_id or "")),
    )


def _render_form(form, *, feedback=None, request_obj=None, results=None, status=200):
    receiver_id = db_id_or_none(form.receiver_id.data) or (
        request_obj.requester_id if request_obj else None
    )
    reflection = plans.latest_reflection_for(current_user, receiver_id)
    return (
        render_template(
            "feedback/form.html",
            form=form,
            feedback=feedback,
            request_obj=request_obj,
            results=results,
            reflection=reflection,
            catalogue=workshop_link.available(),
        ),
        status,
    )


def _handle_form(form: FeedbackForm, *, feedback=None, request_obj=None):
    """The actions of the feedback form: search the catalogue, add a workshop or a row (all
    without JavaScript), save as a draft, or send."""
    action = request.form.get("action", "draft")
    if action == "search":
        return _render_form(
            form,
            feedback=feedback,
            request_obj=request_obj,
            results=workshop_link.search(form.workshop_q.data or ""),
        )
    if request.form.get("add_workshop"):
        return _render_form(form, feedback=feedback, request_obj=request_obj)
    if action == "add_row":
        form.follow_ups.append_entry()
        _fill_choices(form, current_user, request_obj)
        return _render_form(form, feedback=feedback, request_obj=request_obj)
    # Someone outside the subtree: refused, nothing stored. (An id out of the database's
    # range is left to the form's NumberRange check below.)
    if db_id_or_none(form.receiver_id.data):
        receiver = db.session.get(Employee, form.receiver_id.data)
        if not services.can_give_to(current_user, receiver):
            abort(403)
    if not form.validate():
        return _render_form(form, feedback=feedback, request_obj=request_obj, status=422)
    saved = services.save_feedback(
        current_user, _input_from(form), feedback, send=(action == "send")
    )
    db.session.commit()
    if saved.is_sent:
        flash(_("Umpan balik terkirim kepada %(name)s.", name=saved.receiver.name), "success")
    else:
        flash(_("Draf tersimpan. Kirim bila sudah siap."), "success")
    return htmx.redirect_after_post(url_for("feedback.show", feedback_id=saved.id))


@bp.get("/baru")
@role_required("leader")
def new():
    request_obj = None
    data = {}
    if request.args.get("request", type=db_id):
        request_obj = services.request_for_answer(
            request.args.get("request", type=db_id), current_user
        )
        data = {
            "receiver_id": request_obj.requester_id,
            "request_id": str(request_obj.id),
            "context": _("Menjawab permintaan tentang: %(topic)s", topic=request_obj.topic),
        }
    elif request.args.get("receiver", type=db_id):
        data = {"receiver_id": request.args.get("receiver", type=db_id)}
    form = FeedbackForm(data=data)
    _fill_choices(form, current_user, request_obj)
    return _render_form(form, request_obj=request_obj)


@bp.post("/baru")
@role_required("leader")
def create():
    form = FeedbackForm()
    request_obj = None
    request_id = db_id_or_none(str(form.request_id.data or ""))
    if request_id:
        request_obj = services.request_for_answer(request_id, current_user)
        form.receiver_id.data = request_obj.requester_id
    _fill_choices(form, current_user, request_obj)
    return _handle_form(form, request_obj=request_obj)


def _own_draft_or_error(feedback_id):
    if request.method == "POST":
        feedback = services.get_feedback_for_change(feedback_id, current_user)
    else:
        feedback = services.get_feedback_or_404(feedback_id, current_user)
    if feedback.author_id != current_user.id:
        abort(403)
    if feedback.is_sent:
        raise InvalidAction(
            _l("Umpan balik yang sudah dikirim tidak dapat diubah. Tambahkan addendum.")
        )
    return feedback


@bp.get("/<int:feedback_id>/ubah")
@login_required
def edit(feedback_id):
    feedback = _own_draft_or_error(feedback_id)
    data = {
        "receiver_id": feedback.receiver_id,
        "occurred_on": feedback.occurred_on,
        "context": feedback.context,
        "strengths": feedback.strengths,
        "improvements": feedback.improvements,
        "values": feedback.value_codes,
        "competencies_managerial": [
            c for c in feedback.competency_codes if COMPETENCIES.get(c, ("", ""))[1] == "manajerial"
        ],
        "competencies_technical": [
            c for c in feedback.competency_codes if COMPETENCIES.get(c, ("", ""))[1] == "teknis"
        ],
        "follow_ups": [
            {"description": f.description, "due_on": f.due_on} for f in feedback.follow_ups
        ]
        + [{}] * max(1, FOLLOW_UP_ROWS - len(feedback.follow_ups)),
        "workshops": [w.workshop_id for w in feedback.workshops],
        "request_id": str(feedback.request_id or ""),
    }
    form = FeedbackForm(data=data)
    _fill_choices(form, current_user, feedback.request)
    return _render_form(form, feedback=feedback, request_obj=feedback.request)


@bp.post("/<int:feedback_id>/ubah")
@login_required
def update(feedback_id):
    feedback = _own_draft_or_error(feedback_id)
    form = FeedbackForm()
    if feedback.request is not None:
        form.request_id.data = str(feedback.request_id)
        form.receiver_id.data = feedback.receiver_id
    _fill_choices(form, current_user, feedback.request)
    return _handle_form(form, feedback=feedback, request_obj=feedback.request)


@bp.post("/<int:feedback_id>/kirim")
@login_required
def send(feedback_id):
    feedback = services.get_feedback_for_change(feedback_id, current_user)
    if not EmptyForm().validate_on_submit():
        abort(400)
    services.send_feedback(feedback, current_user)
    db.session.commit()
    flash(_("Umpan balik terkirim kepada %(name)s.", name=feedback.receiver.name), "success")
    return htmx.redirect_after_post(url_for("feedback.show", feedback_id=feedback.id))


@bp.post("/<int:feedback_id>/hapus")
@login_required
def delete(feedback_id):
    feedback = services.get_feedback_for_change(feedback_id, current_user)
    if not EmptyForm().validate_on_submit():
        abort(400)
    services.delete_draft(feedback, current_user)
    db.session.commit()
    flash(_("Draf dihapus."), "info")
    return htmx.redirect_after_post(url_for("feedback.given"))


@bp.get("/workshop/cari")
@login_required
def workshop_search():
    """Live results for the recommendation picker (a fragment of the feedback form)."""
    selected = set(request.args.getlist("workshops", type=db_id))
    return render_template(
        "feedback/_workshop_results.html",
        results=workshop_link.search(request.args.get("workshop_q", "")[:100]),
        selected=selected,
        searched=True,
        catalogue=workshop_link.available(),
    )


@bp.get("/workshop/<int:workshop_id>/pilih")
@login_required
def workshop_pick(workshop_id):
    titles = workshop_link.titles([workshop_id])
    if workshop_id not in titles:
        abort(404)
    return render_template(
        "feedback/_workshop_choice.html", workshop_id=workshop_id, title=titles[workshop_id]
    )


# --- one feedback -----------------------------------------------------------------------------
def _show_context(feedback, response_form=None):
    return {
        "feedback": feedback,
        "response_form": response_form or ResponseForm(),
        "is_author": feedback.author_id == current_user.id,
        "is_receiver": feedback.receiver_id == current_user.id,
    }


@bp.get("/<int:feedback_id>")
@login_required
def show(feedback_id):
    feedback = services.get_feedback_or_404(feedback_id, current_user, read_as="show")
    return render_template("feedback/show.html", **_show_context(feedback))


@bp.get("/<int:feedback_id>/riwayat")
@login_required
def history(feedback_id):
    feedback = services.get_feedback_or_404(feedback_id, current_user, read_as="history")
    return render_template(
        "feedback/history.html",
        feedback=feedback,
        events=services.history(feedback, current_user),
    )


@bp.get("/<int:feedback_id>/ekspor.<any(csv, xlsx):fmt>")
@login_required
def export_one(feedback_id, fmt):
    feedback = services.get_feedback_or_404(feedback_id, current_user, read_as="export")
    if not feedback.is_sent:
        abort(404)
    header = services.export_header()
    rows = [services.feedback_row(feedback)]
    filename = f"umpan-balik-{feedback.id}.{fmt}"
    if fmt == "csv":
        return csv_response(filename, header, rows)
    return xlsx_response(filename, header, rows, title=_("Umpan balik"))


@bp.route("/<int:feedback_id>/addendum", methods=["GET", "POST"])
@login_required
def addendum(feedback_id):
    feedback = services.get_feedback_or_404(feedback_id, current_user)
    if feedback.author_id != current_user.id:  # the author is a party: no read to audit
        abort(403)
    if not feedback.is_sent:
        return redirect(url_for("feedback.edit", feedback_id=feedback.id), 303)
    form = AddendumForm()
    if form.validate_on_submit():
        services.add_addendum(feedback, current_user, form.body.data)
        db.session.commit()
        flash(_("Addendum ditambahkan."), "success")
        return htmx.redirect_after_post(url_for("feedback.show", feedback_id=feedback.id))
    status = 422 if request.method == "POST" else 200
    return render_template("feedback/addendum.html", feedback=feedback, form=form), status


@bp.post("/<int:feedback_id>/baca")
@login_required
def acknowledge(feedback_id):
    feedback = services.get_feedback_or_404(feedback_id, current_user)
    if not EmptyForm().validate_on_submit():
        abort(400)
    recorded = services.acknowledge(feedback, current_user)
    db.session.commit()
    if htmx.is_partial():
        response = _fragment("feedback/_ack.html", **_show_context(feedback))
        return htmx.trigger(response, "notifications-changed")
    if recorded:
        flash(_("Terima kasih. Konfirmasi baca tercatat."), "success")
    return redirect(url_for("feedback.show", feedback_id=feedback.id), 303)


def _fragment(template, status=200, **context):
    return make_response(render_template(template, **context), status)


@bp.post("/<int:feedback_id>/tanggapan")
@login_required
def respond(feedback_id):
    feedback = services.get_feedback_or_404(feedback_id, current_user)
    if feedback.receiver_id != current_user.id:
        abort(403)
    form = ResponseForm()
    if not form.validate_on_submit():
        if htmx.is_partial():
            return _fragment("feedback/_ack.html", 422, **_show_context(feedback, form))
        return render_template("feedback/show.html", **_show_context(feedback, form)), 422
    services.respond(feedback, current_user, form.response.data)
    db.session.commit()
    if htmx.is_partial():
        return _fragment("feedback/_ack.html", **_show_context(feedback))
    flash(_("Tanggapan Anda terkirim."), "success")
    return redirect(url_for("feedback.show", feedback_id=feedback.id), 303)


@bp.post("/tindak-lanjut/<int:follow_up_id>/<any(selesai, konfirmasi):step>")
@login_required
def follow_up(follow_up_id, step):
    item = services.get_follow_up_or_404(follow_up_id, current_user)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if step == "selesai":
        services.mark_done(item, current_user)
    else:
        services.confirm_done(item, current_user)
    db.session.commit()
    if htmx.is_partial():
        return _fragment(
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


# --- requests -------------------------------------------------------------------------------
@bp.get("/permintaan")
@login_required
def requests():
    queue = paginate(services.queue_stmt(current_user), per_page=30)
    return render_template(
        "feedback/requests.html",
        mine=services.my_requests(current_user),
        queue=queue,
        REQUEST_STATUSES=REQUEST_STATUSES,
    )


@bp.route("/permintaan/baru", methods=["GET", "POST"])
@login_required
def request_new():
    leader = access.direct_superior(current_user)
    form = RequestForm()
    if form.validate_on_submit():
        services.create_request(current_user, form.topic.data, form.detail.data or "")
        db.session.commit()
        flash(_("Permintaan terkirim kepada %(name)s.", name=leader.name), "success")
        return htmx.redirect_after_post(url_for("feedback.requests"))
    status = 422 if request.method == "POST" else 200
    return render_template("feedback/request_form.html", form=form, leader=leader), status


@bp.route("/permintaan/<int:request_id>/tolak", methods=["GET", "POST"])
@login_required
def request_decline(request_id):
    request_obj = services.get_request_or_404(request_id, current_user)
    if request_obj.leader_id != current_user.id:
        abort(403)
    form = DeclineForm()
    if form.validate_on_submit():
        services.decline_request(request_obj, current_user, form.reason.data)
        db.session.commit()
        flash(_("Permintaan ditolak; alasannya dikirim kepada pegawai."), "info")
        return htmx.redirect_after_post(url_for("feedback.requests"))
    status = 422 if request.method == "POST" else 200
    return render_template("feedback/decline.html", form=form, request_obj=request_obj), status


# --- team -----------------------------------------------------------------------------------
def _team_filters(form: TeamFilterForm) -> services.TeamFilter:
    sort = request.args.get("sort", "name")
    direction = request.args.get("dir", "asc")
    show = request.args.get("show", "all")
    return services.TeamFilter(
        q=(form.q.data or "").strip()[:100],
        unit_id=request.args.get("unit", type=db_id) or None,
        show=show if show in services.TEAM_SHOWS else "all",
        sort=sort if sort in services.TEAM_SORTS else "name",
        direction="desc" if direction == "desc" else "asc",
    )


@bp.get("/tim")
@role_required("leader")
def team():
    form = TeamFilterForm(request.args)
    form.unit.choices = [(0, _("Semua unit")), *services.team_units(current_user)]
    filters = _team_filters(form)
    page = paginate(
        services.team_stmt(current_user, filters), per_page=TEAM_PAGE_SIZE, scalars=False
    )
    args = {k: v for k, v in request.args.items() if k != "page" and v}

    def sort_url(key):
        direction = "desc" if filters.sort == key and filters.direction == "asc" else "asc"
        return url_for("feedback.team", **{**args, "sort": key, "dir": direction})

    return htmx.render(
        "feedback/team.html",
        "feedback/_team_results.html",
        form=form,
        rows=page,
        filters=filters,
        sort_url=sort_url,
        summary=services.team_summary(current_user) if not htmx.is_partial() else None,
        queue_count=services.open_request_count(current_user),
        cadence=services.get_setting("feedback_cadence_days"),
    )


@bp.get("/tim/<int:employee_id>")
@role_required("leader")
def member(employee_id):
    employee = services.person_in_team_or_404(employee_id, current_user)
    page = paginate(services.feedback_about_stmt(current_user, employee), per_page=20)
    last_sent = services.last_sent_for(employee)
    cutoff = services.cadence_cutoff()
    return render_template(
        "feedback/member.html",
        employee=employee,
        page=page,
        last_sent=last_sent,
        overdue=last_sent is None or as_utc(last_sent) < cutoff,
        reflections=plans.reflections_of(employee, limit=5),
        goals=plans.goals_of(employee),
        GOAL_STATUSES=GOAL_STATUSES,
    )


@bp.get("/tim/<int:employee_id>/cepat")
@role_required("leader")
def quick(employee_id):
    employee = services.person_in_team_or_404(employee_id, current_user)
    form = QuickFeedbackForm(data={"receiver_id": employee.id})
    return htmx.render("feedback/quick.html", "feedback/_quick.html", form=form, employee=employee)


@bp.post("/cepat")
@role_required("leader")
def quick_create():
    form = QuickFeedbackForm()
    receiver_id = db_id_or_none(str(form.receiver_id.data or ""))
    employee = db.session.get(Employee, receiver_id) if receiver_id else None
    if not services.can_give_to(current_user, employee):
        abort(403)
    if not form.validate_on_submit():
        return htmx.render(
            "feedback/quick.html", "feedback/_quick.html", status=422, form=form, employee=employee
        )
    data = services.FeedbackInput(
        receiver_id=employee.id,
        occurred_on=form.occurred_on.data,
        context=form.context.data,
        strengths=form.strengths.data,
        improvements=form.improvements.data,
    )
    saved = services.save_feedback(current_user, data, send=request.form.get("action") == "send")
    db.session.commit()
    if htmx.is_partial():
        response = _fragment("feedback/_quick_done.html", feedback=saved, employee=employee)
        return htmx.trigger(response, "team-changed")
    if saved.is_sent:
        flash(_("Umpan balik terkirim kepada %(name)s.", name=employee.name), "success")
    else:
        flash(_("Draf tersimpan. Kirim bila sudah siap."), "success")
    return redirect(url_for("feedback.team"), 303)


# --- self-reflection --------------------------------------------------------------------------
@bp.route("/refleksi", methods=["GET", "POST"])
@login_required
def reflections():
    form = ReflectionForm()
    if form.validate_on_submit():
        plans.add_reflection(
            current_user,
            form.went_well.data or "",
            form.was_hard.data or "",
            form.help_wanted.data or "",
        )
        db.session.commit()
        flash(_("Refleksi tersimpan. Atasan Anda dapat membacanya sebelum percakapan."), "success")
        return htmx.redirect_after_post(url_for("feedback.reflections"))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "feedback/reflections.html", form=form, items=plans.reflections_of(current_user, 20)
    ), status


# --- development plan -------------------------------------------------------------------------
@bp.get("/rencana")
@login_required
def my_plan():
    return plan(current_user.id)


@bp.get("/rencana/<int:employee_id>")
@login_required
def plan(employee_id):
    employee = plans.person_or_404(employee_id, current_user)
    goals = plans.goals_of(employee)
    return render_template(
        "feedback/plan.html",
        employee=employee,
        goals=goals,
        attended=plans.attended_for(employee, goals),
        workshop_titles=plans.workshop_titles(goals),
        is_leader=employee.id != current_user.id,
        GOAL_STATUSES=GOAL_STATUSES,
        can_read=lambda fb: services.can_read(current_user, fb),
    )


def _goal_form(employee, goal=None):
    form = GoalForm(obj=goal) if request.method == "GET" and goal else GoalForm()
    form.feedback_id.choices = [(0, _("— tidak ada —")), *plans.feedback_choices(employee)]
    form.workshop_id.choices = [(0, _("— tidak ada —")), *workshop_link.choices()]
    if request.method == "GET" and goal:
        form.feedback_id.data = goal.feedback_id or 0
        form.workshop_id.data = goal.workshop_id or 0
    return form


def _goal_input(form) -> plans.GoalInput:
    return plans.GoalInput(
        competency=form.competency.data if form.competency.data in COMPETENCIES else "",
        title=form.title.data,
        reason=form.reason.data or "",
        feedback_id=form.feedback_id.data or None,
        workshop_id=form.workshop_id.data or None,
        external_activity=form.external_activity.data or "",
        target_on=form.target_on.data,
    )


@bp.route("/rencana/<int:employee_id>/baru", methods=["GET", "POST"])
@login_required
def goal_new(employee_id):
    employee = plans.person_or_404(employee_id, current_user)
    form = _goal_form(employee)
    if request.method == "GET" and request.args.get("feedback", type=db_id):
        form.feedback_id.data = request.args.get("feedback", type=db_id)
    if form.validate_on_submit():
        plans.propose_goal(current_user, employee, _goal_input(form))
        db.session.commit()
        flash(_("Sasaran pengembangan tersimpan."), "success")
        return htmx.redirect_after_post(url_for("feedback.plan", employee_id=employee.id))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "feedback/goal_form.html", form=form, employee=employee, goal=None
    ), status


@bp.route("/rencana/sasaran/<int:goal_id>/ubah", methods=["GET", "POST"])
@login_required
def goal_edit(goal_id):
    goal = plans.get_goal_or_404(goal_id, current_user)
    form = _goal_form(goal.employee, goal)
    if form.validate_on_submit():
        plans.update_goal(current_user, goal, _goal_input(form))
        db.session.commit()
        flash(_("Sasaran pengembangan diperbarui."), "success")
        return htmx.redirect_after_post(url_for("feedback.plan", employee_id=goal.employee_id))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "feedback/goal_form.html", form=form, employee=goal.employee, goal=goal
    ), status


@bp.post("/rencana/sasaran/<int:goal_id>/<any(setujui, tercapai, batal):step>")
@login_required
def goal_step(goal_id, step):
    goal = plans.get_goal_or_404(goal_id, current_user)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if step == "setujui":
        plans.agree_goal(current_user, goal)
        message = _("Sasaran disetujui.")
    else:
        plans.close_goal(current_user, goal, "done" if step == "tercapai" else "cancelled")
        message = _("Sasaran ditutup.")
    db.session.commit()
    flash(message, "success")
    return htmx.redirect_after_post(url_for("feedback.plan", employee_id=goal.employee_id))


# --- upward feedback --------------------------------------------------------------------------
@bp.route("/ke-atas", methods=["GET", "POST"])
@login_required
def upward_form():
    state = upward.eligibility(current_user)
    form = UpwardForm()
    if request.method == "POST" and state.can_answer and form.validate_on_submit():
        upward.submit(
            current_user,
            {code: getattr(form, code).data for code in UPWARD_STATEMENTS},
            form.comment.data or "",
        )
        db.session.commit()
        flash(_("Terima kasih. Jawaban Anda tersimpan tanpa nama."), "success")
        return htmx.redirect_after_post(url_for("feedback.upward_form"))
    if request.method == "POST" and not state.can_answer:
        raise InvalidAction(
            _l("Anda sudah mengisi putaran ini. Terima kasih.")
            if state.answered
            else _l("Tidak ada putaran umpan balik yang dapat Anda isi.")
        )
    status = 422 if request.method == "POST" else 200
    return render_template(
        "feedback/upward.html",
        form=form,
        state=state,
        statements=[getattr(form, code) for code in UPWARD_STATEMENTS],
    ), status


@bp.get("/ke-atas/hasil")
@login_required
def upward_results():
    results = upward.results_for(current_user)
    db.session.commit()  # rounds past their closing date were closed on the way
    return render_template(
        "feedback/upward_results.html",
        results=results,
        UPWARD_STATEMENTS=UPWARD_STATEMENTS,
        LIKERT=LIKERT,
    )


# --- admin: counts only -----------------------------------------------------------------------
@bp.get("/admin")
@role_required("admin")
def admin_counts():
    rows, totals = services.admin_counts()
    rounds = upward.rounds_overview()
    db.session.commit()  # rounds past their closing date were closed on the way
    return render_template(
        "feedback/admin.html",
        rows=rows,
        totals=totals,
        rounds=rounds,
        form=RoundForm(),
        cadence=services.get_setting("feedback_cadence_days"),
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
    rows, totals = services.admin_counts()
    return render_template(
        "feedback/admin.html",
        rows=rows,
        totals=totals,
        rounds=upward.rounds_overview(),
        form=form,
        cadence=services.get_setting("feedback_cadence_days"),
    ), 422


@bp.post("/admin/putaran/<int:round_id>/tutup")
@role_required("admin")
def round_close(round_id):
    round_ = db.session.get(UpwardRound, round_id) or abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    upward.close_round(current_user, round_)
    db.session.commit()
    flash(_("Putaran ditutup. Pimpinan kini dapat melihat hasil yang memenuhi ambang."), "success")
    return htmx.redirect_after_post(url_for("feedback.admin_counts"))
