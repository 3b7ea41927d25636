"""Sealing: authenticated encryption with the standard library, for rows the database must not
be able to read (survey drafts, and answers waiting in the anonymity inbox).

Cipher: a keystream of HMAC-SHA256(enc_key, nonce || counter) blocks XORed with the plaintext,
then HMAC-SHA256(mac_key, aad || nonce || ciphertext) as the tag (encrypt-then-MAC; the two keys
are derived from one key and a purpose label). ``aad`` (associated data) binds a sealed value to
where it belongs: a sealed answer moved to another wave or row does not open.

Length: a ciphertext is exactly as long as its plaintext, and the length of a sealed row is
visible to anyone holding the database (WAL frames, ``length(sealed)``, dead rows). An answer's
length would then pair the readable answer with the sealed row its author wrote. So callers
pass ``size``: every value they seal for one wave or round is padded to that many bytes, the
longest plaintext their form allows (``widest_plaintext``), and the ciphertexts are all alike.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import unicodedata

NONCE_BYTES = 16
TAG_BYTES = 16
#: The widest character ``sealable_text`` lets through, in the JSON a sealed value is written
#: as (UTF-8, no escapes): four bytes. Quotes, backslashes, newlines and tabs take two.
WIDEST_CHARACTER = "\U0001f600"


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
    if len(data) != len(stream):
        raise ValueError("keystream and data differ in length")
    return (int.from_bytes(data, "big") ^ int.from_bytes(stream, "big")).to_bytes(len(data), "big")


def _plaintext(data: dict) -> bytes:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def widest_plaintext(data: dict) -> int:
    """The bytes of ``data`` written as a sealed plaintext: give it the widest values a form
    allows (``WIDEST_CHARACTER * limit`` for a text) to get the ``size`` to seal with."""
    return len(_plaintext(data))


def sealable_text(value: str | None, limit: int) -> str:
    """Free text as it may be sealed: trimmed, at most ``limit`` characters, line ends as
    ``\n``, without control characters (JSON writes them six bytes wide) or lone surrogates
    (UTF-8 cannot hold them), so that ``limit`` characters never exceed the ``size``."""
    text = (value or "").replace("\r\n", "\n").replace("\r", "\n")
    kept = (ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cs"))
    return "".join(kept).strip()[:limit]


def seal(
    key: bytes, data: dict, *, purpose: bytes, aad: bytes = b"", size: int | None = None
) -> str:
    """``data`` as JSON, encrypted and authenticated; URL-safe base64 text.

    With ``size``, the JSON is padded with spaces (which JSON ignores) to ``size`` bytes, so
    every value sealed with one size has one length. A value longer than ``size`` (a caller's
    bound was wrong) is padded to a multiple of it rather than refused: the answer is kept."""
    enc, mac = _subkeys(key, purpose)
    plaintext = _plaintext(data)
    if size:
        blocks = max(1, -(-len(plaintext) // size))
        plaintext = plaintext.ljust(blocks * size, b" ")
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
