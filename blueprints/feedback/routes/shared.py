"""What every feedback view shares: the blueprint's error pages (NotAllowed 403; InvalidAction
and SentFeedbackIsImmutable 409 with the message), the template helpers, fragment() and the
context of one entry's page (show_context)."""

from flask import make_response, render_template
from flask_babel import gettext as _
from flask_login import current_user

from blueprints.common import htmx
from blueprints.common.forms import EmptyForm
from blueprints.common.timefmt import today_wib
from blueprints.feedback import followups, tags, workshop_link
from blueprints.feedback.blueprint import bp
from blueprints.feedback.constants import BERAKHLAK
from blueprints.feedback.errors import InvalidAction, NotAllowed
from blueprints.feedback.forms import ResponseForm
from blueprints.feedback.models import SentFeedbackIsImmutable
from extensions import db


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
        "competency_label": tags.label,  # the dictionary's name, read once per request
        "competency_labels": tags.labels,
        "follow_up_state": followups.follow_up_state,
        "workshop_url": workshop_link.url,
        "today": today_wib(),
        "button_form": EmptyForm(),
    }


def fragment(template, status=200, **context):
    return make_response(render_template(template, **context), status)


def show_context(feedback, response_form=None):
    return {
        "feedback": feedback,
        "response_form": response_form or ResponseForm(),
        "is_author": feedback.author_id == current_user.id,
        "is_receiver": feedback.receiver_id == current_user.id,
    }
