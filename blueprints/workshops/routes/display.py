"""Template helpers of the workshops pages: the label tables, the session-time filter and
where a session's management pages lead back to."""

from flask import g, url_for
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from flask_login import current_user

from blueprints.common.timefmt import to_wib
from blueprints.workshops.access import is_organizer
from blueprints.workshops.blueprint import bp
from blueprints.workshops.models import (
    ALL_KINDS,
    COMPETENCY_TYPES,
    EXTERNAL_STATUSES,
    LEARNING_FORMS,
    REGISTRATION_STATUSES,
    SESSION_STATUSES,
)

_LABEL_TABLES = {
    "competency": COMPETENCY_TYPES,
    "forms": LEARNING_FORMS,
    "kinds": ALL_KINDS,
    "session": SESSION_STATUSES,
    "registration": REGISTRATION_STATUSES,
    "external": EXTERNAL_STATUSES,
}


class _Labels:
    """ws_labels.<table>[key]: each table translated once per request, on first use (a list
    of sessions would otherwise look up the same lazy strings again on every row)."""

    def __getattr__(self, name: str) -> dict:
        cache = g.setdefault("ws_labels", {})
        key = (name, str(get_locale()))  # one app context may render for several languages
        if key not in cache:
            if name not in _LABEL_TABLES:
                raise AttributeError(name)
            cache[key] = {code: str(label) for code, label in _LABEL_TABLES[name].items()}
        return cache[key]


_LABELS = _Labels()


def _row_texts() -> dict[str, str]:
    """The fixed words of a catalogue row and its registration box, translated once per
    request; patterns keep their %(name)s placeholders (templates fill them with |format)."""
    return {
        "online": _("Daring"),
        "jp": _("%(n)d JP"),
        "needs_approval": _("perlu izin atasan"),
        "topics": _("Topik"),
        "full": _("Penuh"),
        "seats_left": _("%(left)d dari %(cap)d kursi tersisa"),
        "registered": _("Anda terdaftar"),
        "mandatory": _("(peserta wajib)"),
        "register": _("Daftar"),
        "register_anyway": _("Tetap daftar"),
        "ask_approval": _("Ajukan izin atasan"),
        "join_waitlist": _("Masuk daftar tunggu"),
        "cancel_request": _("Batalkan permohonan"),
        "leave_waitlist": _("Keluar dari daftar tunggu"),
        "cancel_registration": _("Batalkan pendaftaran"),
    }


def ws_text() -> dict[str, str]:
    cache = g.setdefault("ws_text", {})
    locale = str(get_locale())
    if locale not in cache:
        cache[locale] = _row_texts()
    return cache[locale]


@bp.app_context_processor
def _labels():
    return {"ws_labels": _LABELS, "ws_text": ws_text}


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


@bp.app_template_global("ws_back_url")
def ws_back_url(session) -> str:
    """Where a session's management pages lead back to: its programme page for an organizer;
    the session's own page for a leader managing their sosialisasi, who may not open the
    programme pages (access.SESSION_MANAGER_ROLES)."""
    if is_organizer(current_user):
        return url_for("workshops.workshop_manage", workshop_id=session.workshop_id)
    return url_for("workshops.show", session_id=session.id)
