"""Views of anonymous upward feedback: answering a round, a leader's results."""

from flask import flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from blueprints.common import htmx
from blueprints.feedback import upward
from blueprints.feedback.blueprint import bp
from blueprints.feedback.constants import LIKERT, UPWARD_STATEMENTS
from blueprints.feedback.errors import InvalidAction
from blueprints.feedback.forms import UpwardForm
from extensions import db


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
