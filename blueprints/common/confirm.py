"""Confirmation before a destructive action, with and without JavaScript.

The form of a destructive action is a plain GET form to a confirmation page (this module renders
it: the question, the form's fields, a button that posts them to the action, and a way back), and
carries `data-hx-post` to the action itself plus `data-confirm` with the question: with JavaScript,
app.js asks in a dialog and htmx posts at once; without it, the first click opens the page. The
action's POST route is unchanged (its own checks decide)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import render_template, request, url_for


def confirm_page(question: str, button: str, action: str, back: str | None = None, fields=()):
    """fields: (name, value) pairs posted with the confirmation (a reason, a `next` URL)."""
    target = back or request.referrer or ""
    if target.startswith(request.host_url):
        target = "/" + target[len(request.host_url) :]
    parts = urlsplit(target)
    if not target.startswith("/") or target.startswith("//") or parts.scheme or parts.netloc:
        target = url_for("dashboard.home")
    return render_template(
        "confirm.html",
        question=question,
        button=button,
        action=action,
        back=target,
        fields=[(name, value) for name, value in fields if value is not None],
    )
