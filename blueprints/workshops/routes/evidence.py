"""Evidence view: download the evidence file of an external learning record (those allowed
by access.get_evidence_or_404 only; never cached)."""

import os

from flask import abort, send_file
from flask_login import current_user, login_required

from blueprints.workshops.access import get_evidence_or_404
from blueprints.workshops.blueprint import bp
from blueprints.workshops.evidence import evidence_path


@bp.get("/pelatihan/eksternal/<int:record_id>/bukti")
@login_required
def evidence(record_id: int):
    record = get_evidence_or_404(record_id, current_user)
    if not os.path.exists(evidence_path(record)):
        abort(404)  # the file is gone (restored database without its uploads): not a crash
    response = send_file(
        evidence_path(record),
        mimetype=record.evidence_type,
        as_attachment=True,
        download_name=record.evidence_name,
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response
