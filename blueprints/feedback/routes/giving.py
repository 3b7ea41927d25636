"""Views of giving feedback: the form (new, answer a request, edit a draft; catalogue search
and rows without JavaScript), send, delete, addendum, the given list and its export."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from blueprints.auth.access import role_required
from blueprints.auth.models import Employee
from blueprints.common import htmx
from blueprints.common.confirm import ask_first
from blueprints.common.db import db_id, db_id_or_none
from blueprints.common.exports import csv_response, xlsx_response
from blueprints.common.forms import EmptyForm
from blueprints.common.pagination import paginate
from blueprints.common.timefmt import today_wib
from blueprints.feedback import (
    exports,
    followups,
    giving,
    plans,
    requesting,
    tags,
    visibility,
    workshop_link,
)
from blueprints.feedback.blueprint import bp
from blueprints.feedback.constants import BERAKHLAK
from blueprints.feedback.errors import InvalidAction
from blueprints.feedback.forms import FOLLOW_UP_ROWS, TAG_FIELDS, AddendumForm, FeedbackForm
from extensions import db


@bp.get("/diberikan")
@login_required
def given():
    page = paginate(giving.given_stmt(current_user), per_page=25)
    return render_template(
        "feedback/given.html", page=page, to_confirm=followups.to_confirm(current_user)
    )


@bp.get("/ekspor.<any(csv, xlsx):fmt>")
@login_required
def export_list(fmt):
    header, rows = exports.export_rows(current_user)
    db.session.commit()  # the audit entries of the reads
    filename = f"umpan-balik-{today_wib().isoformat()}.{fmt}"
    if fmt == "csv":
        return csv_response(filename, header, rows)
    return xlsx_response(filename, header, rows, title=_("Umpan balik"))


def _fill_choices(form: FeedbackForm, author, request_obj=None, feedback=None) -> None:
    form.offer_tags(keep=feedback.competency_codes if feedback is not None else ())
    if request_obj is not None:
        form.receiver_id.choices = [(request_obj.requester_id, request_obj.requester.name)]
    else:
        form.receiver_id.choices = [(0, _("— pilih pegawai —")), *giving.receiver_choices(author)]
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
        "data-hx-get": url_for("feedback.workshop_search"),
        "data-hx-trigger": "input changed delay:300ms, search",
        "data-hx-target": "#workshop-results",
        "data-hx-include": "#selected-workshops",
        "aria-controls": "workshop-results",
    }


def _input_from(form: FeedbackForm) -> giving.FeedbackInput:
    follow_ups = [
        (entry.form.description.data.strip(), entry.form.due_on.data)
        for entry in form.follow_ups.entries
        if entry.form.description.data and entry.form.description.data.strip()
    ]
    request_id = form.request_id.data
    return giving.FeedbackInput(
        receiver_id=form.receiver_id.data,
        occurred_on=form.occurred_on.data,
        context=form.context.data,
        strengths=form.strengths.data,
        improvements=form.improvements.data,
        values=[v for v in form.values.data or [] if v in BERAKHLAK],
        competencies=form.tag_codes(),  # validated against the dictionary's choices
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
        _fill_choices(form, current_user, request_obj, feedback)
        return _render_form(form, feedback=feedback, request_obj=request_obj)
    # Someone outside the subtree: refused, nothing stored. (An id out of the database's
    # range is left to the form's NumberRange check below.)
    if db_id_or_none(form.receiver_id.data):
        receiver = db.session.get(Employee, form.receiver_id.data)
        if not giving.can_give_to(current_user, receiver):
            abort(403)
    if not form.validate():
        return _render_form(form, feedback=feedback, request_obj=request_obj, status=422)
    saved = giving.save_feedback(current_user, _input_from(form), feedback, send=(action == "send"))
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
        request_obj = requesting.request_for_answer(
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
        request_obj = requesting.request_for_answer(request_id, current_user)
        form.receiver_id.data = request_obj.requester_id
    _fill_choices(form, current_user, request_obj)
    return _handle_form(form, request_obj=request_obj)


def _own_draft_or_error(feedback_id):
    if request.method == "POST":
        feedback = visibility.get_feedback_for_change(feedback_id, current_user)
    else:
        feedback = visibility.get_feedback_or_404(feedback_id, current_user)
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
        **{
            name: [c for c in feedback.competency_codes if tags.kind_of(c) == kind]
            for kind, name in TAG_FIELDS.items()
        },
        "follow_ups": [
            {"description": f.description, "due_on": f.due_on} for f in feedback.follow_ups
        ]
        + [{}] * max(1, FOLLOW_UP_ROWS - len(feedback.follow_ups)),
        "workshops": [w.workshop_id for w in feedback.workshops],
        "request_id": str(feedback.request_id or ""),
    }
    form = FeedbackForm(data=data)
    _fill_choices(form, current_user, feedback.request, feedback)
    return _render_form(form, feedback=feedback, request_obj=feedback.request)


@bp.post("/<int:feedback_id>/ubah")
@login_required
def update(feedback_id):
    feedback = _own_draft_or_error(feedback_id)
    form = FeedbackForm()
    if feedback.request is not None:
        form.request_id.data = str(feedback.request_id)
        form.receiver_id.data = feedback.receiver_id
    _fill_choices(form, current_user, feedback.request, feedback)
    return _handle_form(form, feedback=feedback, request_obj=feedback.request)


@bp.post("/<int:feedback_id>/kirim")
@login_required
def send(feedback_id):
    feedback = visibility.get_feedback_for_change(feedback_id, current_user)
    if not EmptyForm().validate_on_submit():
        abort(400)
    giving.send_feedback(feedback, current_user)
    db.session.commit()
    flash(_("Umpan balik terkirim kepada %(name)s.", name=feedback.receiver.name), "success")
    return htmx.redirect_after_post(url_for("feedback.show", feedback_id=feedback.id))


@bp.post("/<int:feedback_id>/hapus")
@login_required
def delete(feedback_id):
    feedback = visibility.get_feedback_for_change(feedback_id, current_user)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if feedback.author_id == current_user.id and not feedback.is_sent:
        asked = ask_first(
            _("Hapus draf ini?"),
            _("Ya, hapus draf"),
            back=url_for("feedback.show", feedback_id=feedback.id),
            subject=_("Draf umpan balik untuk %(name)s", name=feedback.receiver.name),
        )
        if asked:
            return asked
    giving.delete_draft(feedback, current_user)
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


@bp.route("/<int:feedback_id>/addendum", methods=["GET", "POST"])
@login_required
def addendum(feedback_id):
    feedback = visibility.get_feedback_or_404(feedback_id, current_user)
    if feedback.author_id != current_user.id:  # the author is a party: no read to audit
        abort(403)
    if not feedback.is_sent:
        return redirect(url_for("feedback.edit", feedback_id=feedback.id), 303)
    form = AddendumForm()
    if form.validate_on_submit():
        giving.add_addendum(feedback, current_user, form.body.data)
        db.session.commit()
        flash(_("Addendum ditambahkan."), "success")
        return htmx.redirect_after_post(url_for("feedback.show", feedback_id=feedback.id))
    status = 422 if request.method == "POST" else 200
    return render_template("feedback/addendum.html", feedback=feedback, form=form), status
