"""Sealing: authenticated encryption with the standard library, for rows the database must not
be able to read (survey drafts, and answers waiting in the anonymity inbox).

Cipher: a keystream of HMAC-SHA256(enc_key, nonce || counter) blocks XORed with the plaintext,
then HMAC-SHA256(mac_key, aad || nonce || ciphertext) as the tag (encrypt-then-MAC; the two keys
are derived from one key and a purpose label). ``aad`` (associated data) binds a sealed value to
where it belongs: a sealed answer moved to another wave or row does not open.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets

NONCE_BYTES = 16
TAG_BYTES = 16


def _subkeys(key: bytes, purpose: bytes) -> tuple[bytes, bytes]:
    enc = hmac.new(key, purpose + b"-enc", hashlib.sha256).digest()
    mac = hmac.new(key, purpose + b"-mac", hashlib.sha256).digest()
    return enc, mac


def _keystream(key: bytes, nonce: bytes, length: int) -> bytes:
    blocks = []
    for counter in range(-(-length // 32)):
        blocks.append(hmac.new(key, nonce + counter.to_bytes(8, "big"), hashlib.sha256).digest())
    return b"".join(blocks)[:length]


def _xor(data: bytes, stream: bytes) -> bytes:
    return bytes(a ^ b for a, b in zip(data, stream, strict=True))


def seal(key: bytes, data: dict, *, purpose: bytes, aad: bytes = b"") -> str:
    """``data`` as JSON, encrypted and authenticated; URL-safe base64 text."""
    enc, mac = _subkeys(key, purpose)
    plaintext = json.dumps(data, separators=(",", ":")).encode("utf-8")
    nonce = secrets.token_bytes(NONCE_BYTES)
    ciphertext = _xor(plaintext, _keystream(enc, nonce, len(plaintext)))
    tag = hmac.new(mac, aad + nonce + ciphertext, hashlib.sha256).digest()[:TAG_BYTES]
    return base64.urlsafe_b64encode(nonce + ciphertext + tag).decode("ascii")


def unseal(key: bytes, token: str, *, purpose: bytes, aad: bytes = b"") -> dict | None:
    """The sealed data, or None when this key (and aad) does not open it or it was altered."""
    try:
        raw = base64.urlsafe_b64decode(token.encode("ascii"))
    except (ValueError, UnicodeError):
        return None
    if len(raw) < NONCE_BYTES + TAG_BYTES:
        return None
    enc, mac = _subkeys(key, purpose)
    nonce, ciphertext, tag = raw[:NONCE_BYTES], raw[NONCE_BYTES:-TAG_BYTES], raw[-TAG_BYTES:]
    expected = hmac.new(mac, aad + nonce + ciphertext, hashlib.sha256).digest()[:TAG_BYTES]
    if not hmac.compare_digest(tag, expected):
        return None
    try:
        data = json.loads(_xor(ciphertext, _keystream(enc, nonce, len(ciphertext))))
    except (ValueError, UnicodeError):
        return None
    return data if isinstance(data, dict) else None


def instance_key(config, name: str = "ANONYMITY_KEY") -> bytes:
    """The key for sealed rows of this installation: ``config[name]`` when set (any string of at
    least 32 characters), otherwise derived from SECRET_KEY. It is never stored in the database,
    so neither the database files nor their backups can open what it seals; every app instance
    must share it (docs/deploy.md)."""
    explicit = config.get(name)
    if explicit:
        if len(str(explicit)) < 32:
            raise RuntimeError(f"{name} must be at least 32 characters long.")
        material = str(explicit).encode("utf-8")
        return hashlib.sha256(b"karier-anonymity-key|" + material).digest()
    secret = config.get("SECRET_KEY")
    if not secret:
        raise RuntimeError("SECRET_KEY is not set: nothing to derive the sealing key from.")
    secret_bytes = secret if isinstance(secret, bytes) else str(secret).encode("utf-8")
    return hmac.new(secret_bytes, b"karier-anonymity-inbox-v1", hashlib.sha256).digest()
