"""Views of self-reflection and development plans (goals proposed, agreed, closed)."""

from flask import abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from blueprints.common import htmx
from blueprints.common.confirm import ask_first
from blueprints.common.db import db_id
from blueprints.common.forms import EmptyForm
from blueprints.feedback import plans, tags, visibility, workshop_link
from blueprints.feedback.blueprint import bp
from blueprints.feedback.constants import GOAL_STATUSES
from blueprints.feedback.forms import GoalForm, ReflectionForm
from extensions import db


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
        can_read=lambda fb: visibility.can_read(current_user, fb),
    )


def _goal_form(employee, goal=None):
    form = GoalForm(obj=goal) if request.method == "GET" and goal else GoalForm()
    # A goal keeps its competency even after the dictionary deactivated it.
    form.competency.choices = [
        ("", _("— pilih —")),
        *tags.choices(keep=[goal.competency] if goal else ()),
    ]
    form.feedback_id.choices = [(0, _("— tidak ada —")), *plans.feedback_choices(employee)]
    form.workshop_id.choices = [(0, _("— tidak ada —")), *workshop_link.choices()]
    if request.method == "GET" and goal:
        form.feedback_id.data = goal.feedback_id or 0
        form.workshop_id.data = goal.workshop_id or 0
    return form


def _goal_input(form) -> plans.GoalInput:
    return plans.GoalInput(
        competency=form.competency.data,  # one of the dictionary's choices (validated)
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
    if step == "batal" and goal.status not in ("done", "cancelled"):
        asked = ask_first(
            _("Batalkan sasaran ini?"),
            _("Ya, batalkan sasaran"),
            back=url_for("feedback.plan", employee_id=goal.employee_id),
            subject=goal.title,
        )
        if asked:
            return asked
    if step == "setujui":
        plans.agree_goal(current_user, goal)
        message = _("Sasaran disetujui.")
    else:
        plans.close_goal(current_user, goal, "done" if step == "tercapai" else "cancelled")
        message = _("Sasaran ditutup.")
    db.session.commit()
    flash(message, "success")
    return htmx.redirect_after_post(url_for("feedback.plan", employee_id=goal.employee_id))
