"""A person's profile and gaps: one's own page, a leader's view of someone below them, the
assessment forms, the career target and goals proposed from gaps."""

from flask import flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from blueprints.auth import access
from blueprints.common import htmx
from blueprints.common.forms import EmptyForm
from blueprints.common.nav import register_nav
from blueprints.common.refusals import REFUSED, refusals
from blueprints.competencies import career, dictionary, gaps, profiles
from blueprints.competencies.blueprint import bp
from blueprints.competencies.forms import AssessForm, SelfAssessForm, TargetForm
from blueprints.competencies.standards import jabatan_choices
from extensions import db

register_nav("competencies.mine", _l("Kompetensi"), lambda user: True, order=25)


@bp.app_template_global()
def competency_gaps_for(user):
    """For Karier Saya (an include): the person's own gaps."""
    return gaps.gap_view(user, with_details=False)


@bp.app_context_processor
def _helpers():
    return {"COMPETENCY_SOURCES": profiles.SOURCES, "COMPETENCY_KINDS": dictionary.KINDS}


def _assess_form(view, prefix=""):
    form = AssessForm()
    form.competency.choices = [(r.competency.id, r.competency.name) for r in view.rows] or [
        (c.id, c.name) for c in dictionary.all_competencies()
    ]
    return form


def _page(employee, view, *, assess_form=None, self_form=None, status=200, partial=False):
    is_self = current_user.id == employee.id
    context = dict(
        employee=employee,
        view=view,
        is_self=is_self,
        can_assess=profiles.can_assess(current_user, employee, "leader"),
        assess_form=assess_form or _assess_form(view),
        history=profiles.history_of(employee.id),
    )
    if is_self:
        form = self_form or SelfAssessForm()
        form.competency.choices = [(r.competency.id, r.competency.name) for r in view.rows] or [
            (c.id, c.name) for c in dictionary.all_competencies()
        ]
        context["self_form"] = form
        context["target_form"] = TargetForm(
            data={"jabatan": view.target.jabatan if view.target else ""}
        )
        context["jabatan_options"] = jabatan_choices()
    template = "competencies/_gaps.html" if partial else "competencies/profile.html"
    response = make_response(render_template(template, **context), status)
    response.headers["Vary"] = "HX-Request"
    return response


@bp.get("/")
@login_required
def mine():
    return _page(current_user, gaps.gap_view(current_user))


@bp.get("/pegawai/<int:employee_id>")
@login_required
def person(employee_id):
    if employee_id == current_user.id:
        return redirect(url_for("competencies.mine"))
    employee = profiles.person_or_404(employee_id, current_user, read_as="profile")
    return _page(employee, gaps.gap_view(employee, viewer=current_user))


def _back(employee_id, **_kw):
    if employee_id == current_user.id:
        return url_for("competencies.mine")
    return url_for("competencies.person", employee_id=employee_id)


def _refused_fragment(message, employee_id, **_kw):
    employee = profiles.person_or_404(employee_id, current_user)
    flash(message, "error")
    return _page(
        employee, gaps.gap_view(employee, viewer=current_user), status=REFUSED, partial=True
    )


@bp.post("/pegawai/<int:employee_id>/nilai")
@login_required
@refusals(back=_back, fragment=_refused_fragment)
def assess(employee_id):
    employee = profiles.person_or_404(employee_id, current_user)
    view = gaps.gap_view(employee, viewer=current_user)
    form = _assess_form(view)
    if not form.validate_on_submit():
        if htmx.is_partial():
            return _page(employee, view, assess_form=form, status=422, partial=True)
        return _page(employee, view, assess_form=form, status=422)
    source = "leader"
    profiles.assess(
        current_user,
        employee,
        source,
        profiles.AssessmentInput(
            form.competency.data, form.level.data, form.note.data or "", form.assessed_on.data
        ),
    )
    db.session.commit()
    flash(_("Penilaian kompetensi disimpan."), "success")
    if htmx.is_partial():
        return htmx.trigger(
            _page(employee, gaps.gap_view(employee, viewer=current_user), partial=True),
            "competencies-changed",
        )
    return redirect(_back(employee_id), 303)


@bp.post("/saya/nilai-diri")
@login_required
@refusals(back=lambda **_kw: url_for("competencies.mine"))
def self_assess():
    view = gaps.gap_view(current_user)
    form = SelfAssessForm()
    form.competency.choices = [(r.competency.id, r.competency.name) for r in view.rows] or [
        (c.id, c.name) for c in dictionary.all_competencies()
    ]
    if not form.validate_on_submit():
        return _page(current_user, view, self_form=form, status=422)
    me = current_user._get_current_object()
    profiles.assess(
        me,
        me,
        "self",
        profiles.AssessmentInput(form.competency.data, form.level.data, form.note.data or ""),
    )
    db.session.commit()
    flash(
        _(
            "Penilaian diri disimpan. Penilaian diri ditampilkan terpisah dan tidak mengubah level resmi."
        ),
        "success",
    )
    return htmx.redirect_after_post(url_for("competencies.mine"))


@bp.post("/saya/arah-karier")
@login_required
def target():
    form = TargetForm()
    if not form.validate_on_submit():
        return _page(current_user, gaps.gap_view(current_user), status=422)
    career.set_target(current_user._get_current_object(), form.jabatan.data or "")
    db.session.commit()
    flash(_("Arah karier disimpan."), "success")
    return htmx.redirect_after_post(url_for("competencies.mine"))


@bp.post("/pegawai/<int:employee_id>/sasaran")
@login_required
@refusals(back=_back)
def propose_goal(employee_id):
    employee = profiles.person_or_404(employee_id, current_user)
    competency_id = request.form.get("competency", type=int) or 0
    if not EmptyForm().validate_on_submit():
        return redirect(_back(employee_id), 303)
    goal = career.propose_goal_from_gap(current_user, employee, competency_id)
    db.session.commit()
    flash(_("Sasaran pengembangan “%(title)s” ditambahkan.", title=goal.title), "success")
    if access.is_above(current_user, employee):
        return htmx.redirect_after_post(url_for("feedback.plan", employee_id=employee.id))
    return htmx.redirect_after_post(url_for("feedback.my_plan"))
