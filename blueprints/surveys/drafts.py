"""Drafts that the database cannot read.

A draft (answers saved while filling in) is the only row that ties a person to answers. It is
encrypted with a random key that lives only in that person's session cookie, so the database
file, a backup or a DBA sees the person's id beside ciphertext; and the row is deleted in the
transaction that submits. Losing the session (logging out, another browser) loses the draft:
the page says so.

Cipher: a keystream of HMAC-SHA256(key, nonce || counter) blocks XORed with the plaintext, then
HMAC-SHA256 over nonce || ciphertext as the tag (encrypt-then-MAC, separate derived keys). It
uses only the standard library; the plaintext is a few hundred bytes of JSON.
"""

import base64
import hashlib
import hmac
import json
import secrets

from flask import session

SESSION_KEY = "survey_draft_keys"
NONCE_BYTES = 16
TAG_BYTES = 16


def _subkeys(key: bytes) -> tuple[bytes, bytes]:
    enc = hmac.new(key, b"karier-survey-draft-enc", hashlib.sha256).digest()
    mac = hmac.new(key, b"karier-survey-draft-mac", hashlib.sha256).digest()
    return enc, mac


def _keystream(key: bytes, nonce: bytes, length: int) -> bytes:
    blocks = []
    for counter in range(-(-length // 32)):
        blocks.append(hmac.new(key, nonce + counter.to_bytes(8, "big"), hashlib.sha256).digest())
    return b"".join(blocks)[:length]


def seal(key: bytes, data: dict) -> str:
    enc, mac = _subkeys(key)
    plaintext = json.dumps(data, separators=(",", ":")).encode("utf-8")
    nonce = secrets.token_bytes(NONCE_BYTES)
    ciphertext = bytes(
        a ^ b for a, b in zip(plaintext, _keystream(enc, nonce, len(plaintext)), strict=True)
    )
    tag = hmac.new(mac, nonce + ciphertext, hashlib.sha256).digest()[:TAG_BYTES]
    return base64.urlsafe_b64encode(nonce + ciphertext + tag).decode("ascii")


def unseal(key: bytes, token: str) -> dict | None:
    """The draft's data, or None when it cannot be read with this key (or was tampered with)."""
    try:
        raw = base64.urlsafe_b64decode(token.encode("ascii"))
    except (ValueError, UnicodeError):
        return None
    if len(raw) < NONCE_BYTES + TAG_BYTES:
        return None
    enc, mac = _subkeys(key)
    nonce, ciphertext, tag = raw[:NONCE_BYTES], raw[NONCE_BYTES:-TAG_BYTES], raw[-TAG_BYTES:]
    expected = hmac.new(mac, nonce + ciphertext, hashlib.sha256).digest()[:TAG_BYTES]
    if not hmac.compare_digest(tag, expected):
        return None
    plaintext = bytes(
        a ^ b for a, b in zip(ciphertext, _keystream(enc, nonce, len(ciphertext)), strict=True)
    )
    try:
        data = json.loads(plaintext.decode("utf-8"))
    except (ValueError, UnicodeError):
        return None
    return data if isinstance(data, dict) else None


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
