"""The refused-action shape, written once: a service raises ``Refused`` and the view answers.

A service that says no raises ``Refused(message)`` (or a subclass) before or after writing; the
``refusals`` decorator on the view rolls the transaction back and answers the way the request
asked: an htmx request gets the view's fragment with the message (status 422, which the htmx
config in base.html swaps), a plain form post gets a flash and a 303 back to where it came from.
Views therefore read: parse, call, commit, respond.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import Response, flash, redirect

from blueprints.common.htmx import is_htmx, redirect_after_post
from extensions import db

#: Status of a refused htmx request (swapped by the htmx config in base.html).
REFUSED = 422


class Refused(Exception):
    """A rule says no. ``message`` is shown to the user; nothing the service wrote is kept."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


def refusals(
    back: Callable[..., str],
    fragment: Callable[..., Response] | None = None,
) -> Callable:
    """Decorate a view whose service may raise ``Refused``.

    ``back(**view_kwargs)`` is the URL a plain request returns to (flash + 303).
    ``fragment(message, **view_kwargs)`` answers an htmx request; it sets its own status
    (usually ``REFUSED``). Without it, htmx requests get the flash and an ``HX-Redirect``.
    """

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            try:
                return view(*args, **kwargs)
            except Refused as error:
                db.session.rollback()
                if fragment is not None and is_htmx():
                    return fragment(error.message, **kwargs)
                flash(error.message, "error")
                if is_htmx():
                    return redirect_after_post(back(**kwargs))
                return redirect(back(**kwargs), 303)

        return wrapper

    return decorate
