"""Drafts that the database cannot read.

A draft (answers saved while filling in) is the only row that ties a person to answers. It is
encrypted with a random key that lives only in that person's session cookie, so the database
file, a backup or a DBA sees the person's id beside ciphertext; and the row is deleted in the
transaction that submits. Losing the session (logging out, another browser) loses the draft:
the page says so.

The cipher is blueprints/common/sealing.py (purpose "karier-survey-draft").
"""

import secrets

from flask import session

from blueprints.common import sealing

SESSION_KEY = "survey_draft_keys"
PURPOSE = b"karier-survey-draft"


def seal(key: bytes, data: dict, size: int) -> str:
    """``size``: every draft of a wave is padded to one length (``mixing.sealed_size``), or a
    draft's length, beside the person's id, would match the answer they later submit."""
    return sealing.seal(key, data, purpose=PURPOSE, size=size)


def unseal(key: bytes, token: str) -> dict | None:
    """The draft's data, or None when it cannot be read with this key (or was tampered with)."""
    return sealing.unseal(key, token, purpose=PURPOSE)


def session_key(wave_id: int, employee_id: int, create: bool = False) -> bytes | None:
    """This browser session's key for one person's draft of one wave (made on first save)."""
    name = f"{employee_id}:{wave_id}"
    keys = session.get(SESSION_KEY) or {}
    value = keys.get(name)
    if value is None and create:
        value = secrets.token_hex(32)
        keys = {**keys, name: value}
        session[SESSION_KEY] = keys
    return bytes.fromhex(value) if value else None


def forget_key(wave_id: int, employee_id: int) -> None:
    keys = dict(session.get(SESSION_KEY) or {})
    if keys.pop(f"{employee_id}:{wave_id}", None) is not None:
        session[SESSION_KEY] = keys
