"""Evidence files of external learning records: check an upload (size, real type) and where
the files live; serving them goes through access.get_evidence_or_404."""

from __future__ import annotations

import os

from flask import current_app
from flask_babel import gettext as _

from blueprints.common.refusals import Refused
from blueprints.workshops.models import ExternalLearning
from blueprints.workshops.rules import EVIDENCE_MAX_BYTES

SIGNATURES = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
)


def sniff_evidence(head: bytes) -> tuple[str, str] | None:
    """(mime type, extension) from the file's first bytes, or None for anything else."""
    for magic, mime, ext in SIGNATURES:
        if head.startswith(magic):
            return mime, ext
    return None


def evidence_dir() -> str:
    path = os.path.join(current_app.config["UPLOAD_FOLDER"], "external")
    os.makedirs(path, exist_ok=True)
    return path


def read_evidence(storage) -> tuple[bytes, str, str]:
    """Validate an uploaded file: at most 5 MB and really a PDF, JPG or PNG (by content)."""
    data = storage.stream.read(EVIDENCE_MAX_BYTES + 1)
    if not data:
        raise Refused(_("Berkas bukti kosong."))
    if len(data) > EVIDENCE_MAX_BYTES:
        raise Refused(_("Berkas bukti lebih dari 5 MB."))
    kind = sniff_evidence(data[:16])
    if kind is None:
        raise Refused(_("Berkas bukti harus PDF, JPG atau PNG."))
    return data, kind[0], kind[1]


def evidence_path(record: ExternalLearning) -> str:
    return os.path.join(evidence_dir(), os.path.basename(record.evidence_file))
