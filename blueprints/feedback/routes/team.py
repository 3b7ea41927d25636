"""Views of the leader's team: the team table, one member's page, quick feedback."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from blueprints.admin.settings import get_setting
from blueprints.auth.access import has_role, role_required
from blueprints.auth.models import Employee
from blueprints.common import htmx
from blueprints.common.db import db_id, db_id_or_none
from blueprints.common.nav import register_nav
from blueprints.common.pagination import paginate
from blueprints.common.timefmt import as_utc
from blueprints.feedback import giving, plans, requesting
from blueprints.feedback import team as teams
from blueprints.feedback.blueprint import bp
from blueprints.feedback.constants import GOAL_STATUSES
from blueprints.feedback.forms import QuickFeedbackForm, TeamFilterForm
from blueprints.feedback.routes.shared import fragment
from extensions import db

register_nav("feedback.team", _l("Tim Saya"), lambda user: has_role(user, "leader"), order=31)

TEAM_PAGE_SIZE = 50


def _team_filters(form: TeamFilterForm) -> teams.TeamFilter:
    sort = request.args.get("sort", "name")
    direction = request.args.get("dir", "asc")
    show = request.args.get("show", "all")
    return teams.TeamFilter(
        q=(form.q.data or "").strip()[:100],
        unit_id=request.args.get("unit", type=db_id) or None,
        show=show if show in teams.TEAM_SHOWS else "all",
        sort=sort if sort in teams.TEAM_SORTS else "name",
        direction="desc" if direction == "desc" else "asc",
    )


@bp.get("/tim")
@role_required("leader")
def team():
    form = TeamFilterForm(request.args)
    form.unit.choices = [(0, _("Semua unit")), *teams.team_units(current_user)]
    filters = _team_filters(form)
    page = paginate(
        teams.team_stmt(current_user, filters),
        per_page=TEAM_PAGE_SIZE,
        scalars=False,
        count_stmt=teams.team_count_stmt(current_user, filters),
    )
    page.items = teams.with_overdue(page.items)
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
        summary=teams.team_summary(current_user) if not htmx.is_partial() else None,
        queue_count=requesting.open_request_count(current_user),
        cadence=get_setting("feedback_cadence_days"),
    )


@bp.get("/tim/<int:employee_id>")
@role_required("leader")
def member(employee_id):
    employee = teams.person_in_team_or_404(employee_id, current_user)
    page = paginate(teams.feedback_about_stmt(current_user, employee), per_page=20)
    last_sent = teams.last_sent_for(employee)
    cutoff = teams.cadence_cutoff()
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
    employee = teams.person_in_team_or_404(employee_id, current_user)
    form = QuickFeedbackForm(data={"receiver_id": employee.id})
    return htmx.render("feedback/quick.html", "feedback/_quick.html", form=form, employee=employee)


@bp.post("/cepat")
@role_required("leader")
def quick_create():
    form = QuickFeedbackForm()
    receiver_id = db_id_or_none(str(form.receiver_id.data or ""))
    employee = db.session.get(Employee, receiver_id) if receiver_id else None
    if not giving.can_give_to(current_user, employee):
        abort(403)
    if not form.validate_on_submit():
        return htmx.render(
            "feedback/quick.html", "feedback/_quick.html", status=422, form=form, employee=employee
        )
    data = giving.FeedbackInput(
        receiver_id=employee.id,
        occurred_on=form.occurred_on.data,
        context=form.context.data,
        strengths=form.strengths.data,
        improvements=form.improvements.data,
    )
    saved = giving.save_feedback(current_user, data, send=request.form.get("action") == "send")
    db.session.commit()
    if htmx.is_partial():
        response = fragment("feedback/_quick_done.html", feedback=saved, employee=employee)
        return htmx.trigger(response, "team-changed")
    if saved.is_sent:
        flash(_("Umpan balik terkirim kepada %(name)s.", name=employee.name), "success")
    else:
        flash(_("Draf tersimpan. Kirim bila sudah siap."), "success")
    return redirect(url_for("feedback.team"), 303)
