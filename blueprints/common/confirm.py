"""Confirmation before a destructive action, with and without JavaScript.

Every destructive button is a form with `data-confirm` (the question): with JavaScript, app.js
asks in the page's dialog, adds `confirmed=1` and sends the form (through htmx when the form
uses it). Without JavaScript the server asks, on the page this module renders (confirm.html: the
question, what it is about, a button that posts the form's fields again and a way back). Two
shapes, one page:

- `ask_first(...)` in the action's own POST view, after its access checks and before it acts:
  a POST without `confirmed=1` answers the confirmation page, which posts every field of the
  form again with `confirmed=1`; nothing changes until then. The form stays a plain POST form.
- `confirm_page(...)` for a form that is a GET form to a confirmation view of its own and carries
  `data-hx-post` to the action (cancelling a registration, declining a request, removing a
  participant): the first click without JavaScript opens that view; with JavaScript htmx posts
  at once after the dialog. The action's POST route is unchanged (its own checks decide)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Response, make_response, render_template, request, url_for

from blueprints.common.htmx import is_htmx

#: The field app.js adds (and the confirmation page posts) once the person said yes.
CONFIRMED = "confirmed"


def _safe_back(back: str | None) -> str:
    target = back or request.referrer or ""
    if target.startswith(request.host_url):
        target = "/" + target[len(request.host_url) :]
    parts = urlsplit(target)
    if not target.startswith("/") or target.startswith("//") or parts.scheme or parts.netloc:
        target = url_for("dashboard.home")
    return target


def _context(question, button, action, back, fields, subject) -> dict:
    return {
        "question": question,
        "button": button,
        "action": action,
        "back": _safe_back(back),
        "fields": [(name, value) for name, value in fields if value is not None],
        "subject": subject,
    }


def confirm_page(
    question: str,
    button: str,
    action: str,
    back: str | None = None,
    fields=(),
    subject: str | None = None,
):
    """fields: (name, value) pairs posted with the confirmation (a reason, a `next` URL);
    subject: what the question is about (a name, a title), shown above it."""
    return render_template(
        "confirm.html", **_context(question, button, action, back, fields, subject)
    )


def confirmed() -> bool:
    """The person said yes: in app.js's dialog or on the confirmation page."""
    return request.form.get(CONFIRMED) == "1"


def ask_first(
    question: str, button: str, back: str | None = None, subject: str | None = None
) -> Response | None:
    """None when the POST is confirmed; otherwise the confirmation page, which posts the same
    fields to the same URL with `confirmed=1` (a plain page; for an htmx request, which app.js
    always confirms first, the page's content in place of the main column)."""
    if confirmed():
        return None
    action = request.path
    if request.query_string:
        action += "?" + request.query_string.decode("latin-1")
    fields = [
        (name, value)
        for name, value in request.form.items(multi=True)
        if name not in ("csrf_token", CONFIRMED)
    ]
    fields.append((CONFIRMED, "1"))
    context = _context(question, button, action, back, fields, subject)
    if is_htmx():
        response = make_response(render_template("_confirm.html", **context))
        response.headers["HX-Retarget"] = "#main"
        response.headers["HX-Reswap"] = "innerHTML"
        return response
    return make_response(render_template("confirm.html", **context))
