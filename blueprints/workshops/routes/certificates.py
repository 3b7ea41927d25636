"""Certificate views: download an attendance certificate (PDF) and the public verification
page of its code."""

from flask import Response, abort, render_template
from flask_login import current_user, login_required

from blueprints.common.links import public_url
from blueprints.workshops.blueprint import bp
from blueprints.workshops.certificate_pdf import certificate_pdf
from blueprints.workshops.certificates import (
    get_certificate_registration_or_404,
    issue_certificate,
    verify_certificate,
)
from extensions import db


@bp.get("/pelatihan/sertifikat/<int:registration_id>.pdf")
@login_required
def certificate(registration_id: int):
    registration = get_certificate_registration_or_404(registration_id, current_user)
    cert = issue_certificate(registration)
    db.session.commit()
    pdf = certificate_pdf(cert, public_url("workshops.verify", code=cert.code))
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="sertifikat-{cert.id}.pdf"'
    return response


@bp.get("/verifikasi/<code>")
def verify(code: str):
    cert = verify_certificate(code)
    if cert is None:
        abort(404)
    return render_template("workshops/verify.html", cert=cert)
