"""Template helpers of the workshops pages: the label tables and the session-time filter."""

from flask_babel import format_date
from flask_babel import gettext as _

from blueprints.common.timefmt import to_wib
from blueprints.workshops.blueprint import bp
from blueprints.workshops.models import (
    ALL_KINDS,
    COMPETENCY_TYPES,
    EXTERNAL_STATUSES,
    LEARNING_FORMS,
    REGISTRATION_STATUSES,
    SESSION_STATUSES,
)


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
