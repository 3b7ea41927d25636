"""Known devices: a browser that has logged in to an account is not locked out by strangers.

The per-account login limit (5 failures a minute, whatever the spelling) counts everyone's
failures against the account, so anyone who knows a NIP could keep its owner out by failing
five times a minute. A successful login therefore leaves a signed cookie naming the account(s)
this browser has logged in to; a login attempt for one of them from that browser is exempt from
the per-account limit and counted instead on a limit of its own (the device's failures). A
stranger has no such cookie (it is signed with SECRET_KEY and cannot be made up), so the
owner's usual browser keeps working while the account is throttled for everyone else.
"""

from __future__ import annotations

import secrets

from flask import Response, current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

COOKIE = "karier_device"
MAX_AGE = 180 * 24 * 3600  # seconds: half a year, then a full login limit again
MAX_ACCOUNTS = 5  # a shared office computer remembers the last few people who logged in


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="known-login-device")


def current() -> dict | None:
    """The verified cookie of this request: {"n": device id, "a": [account ids]} or None."""
    raw = request.cookies.get(COOKIE)
    if not raw:
        return None
    try:
        data = _serializer().loads(raw, max_age=MAX_AGE)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("n"), str):
        return None
    accounts = data.get("a")
    if not isinstance(accounts, list) or not all(isinstance(a, int) for a in accounts):
        return None
    return data


def knows(account_id: int | None) -> bool:
    data = current()
    return account_id is not None and data is not None and account_id in data["a"]


def device_id() -> str | None:
    data = current()
    return data["n"] if data else None


def remember(response: Response, account_id: int) -> Response:
    """After a successful login: this browser now knows the account."""
    data = current() or {"n": secrets.token_urlsafe(16), "a": []}
    accounts = [account_id, *[a for a in data["a"] if a != account_id]][:MAX_ACCOUNTS]
    response.set_cookie(
        COOKIE,
        _serializer().dumps({"n": data["n"], "a": accounts}),
        max_age=MAX_AGE,
        path=request.path,
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
        httponly=True,
        samesite="Lax",
    )
    return response
