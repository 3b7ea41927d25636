"""Training history for SIASN / MyASN: one's own per year (linked from Karier Saya and My data),
and per unit for admins and organizers (there is no staffing/kepegawaian role: docs/siasn.md)."""

from flask import Response, abort, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import select

from blueprints.admin.audit import audit
from blueprints.auth.access import role_required
from blueprints.auth.models import Unit
from blueprints.common.exports import XLSX_TYPE
from blueprints.common.links import public_url
from blueprints.common.timefmt import today_wib
from blueprints.workshops import history
from blueprints.workshops.blueprint import bp
from blueprints.workshops.certificate_pdf import certificate_pdf
from blueprints.workshops.certificates import issue_certificate
from blueprints.workshops.rules import certificate_allowed
from extensions import db

YEARS = range(2000, 2101)


def _issue(registration):
    return issue_certificate(registration) if certificate_allowed(registration) else None


def _render(certificate):
    return certificate_pdf(certificate, public_url("workshops.verify", code=certificate.code))


def _download(body: bytes, filename: str, mimetype: str) -> Response:
    response = Response(body, content_type=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _answer(employee_ids, year: int, stem: str, fmt: str, record=None) -> Response:
    """Certificates still owed are issued and committed first, so that no write lock is held
    while the file is built (on SQLite it would hold up every writer); ``record()`` (the audit
    entry) is written after."""
    if year not in YEARS:
        abort(404)
    issued = []

    def issue(registration):
        certificate = _issue(registration)
        if certificate is not None:
            issued.append(certificate)
        return certificate

    rows = history.entries(employee_ids, year, issue)
    if issued:
        db.session.commit()  # the numbers are taken; reading again costs a constant
        rows = history.entries(employee_ids, year, history.no_certificate)
    if fmt == "zip":
        body = history.certificates_zip(rows, _render)
        name, mimetype = f"{stem}.zip", "application/zip"
    else:
        body, name, mimetype = history.history_xlsx(rows, year), f"{stem}.xlsx", XLSX_TYPE
    if record is not None:
        record()
        db.session.commit()
    return _download(body, name, mimetype)


@bp.get("/pelatihan/riwayat-siasn/<int:year>.<any(xlsx, zip):fmt>")
@login_required
def history_export(year: int, fmt: str = "xlsx"):
    stem = f"riwayat-diklat-{current_user.nip}-{year}"
    if fmt == "zip":
        stem = f"sertifikat-{current_user.nip}-{year}"
    return _answer([current_user.id], year, stem, fmt)


@bp.get("/pelatihan/kelola/riwayat-siasn")
@role_required("admin", "organizer")
def unit_history():
    units = db.session.scalars(select(Unit).where(Unit.active.is_(True)).order_by(Unit.path)).all()
    year = request.args.get("tahun", type=int) or today_wib().year
    return render_template(
        "workshops/unit_history.html",
        units=units,
        year=year if year in YEARS else today_wib().year,
        chosen=request.args.get("unit", type=int),
    )


@bp.get("/pelatihan/kelola/riwayat-siasn/unit-<int:unit_id>/<int:year>.<any(xlsx, zip):fmt>")
@role_required("admin", "organizer")
def unit_history_export(unit_id: int, year: int, fmt: str = "xlsx"):
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        abort(404)
    code = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in unit.code)
    stem = f"riwayat-diklat-{code}-{year}" if fmt == "xlsx" else f"sertifikat-{code}-{year}"
    return _answer(
        history.unit_employee_ids(unit),
        year,
        stem,
        fmt,
        record=lambda: audit("workshops.history_export", unit, f"{year} {fmt}"),
    )
