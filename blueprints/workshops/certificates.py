"""Certificates: who may download one, issuing it once per attendance, its verification
code, and the PDF."""

from __future__ import annotations

import io
import secrets
import unicodedata

from flask import abort
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from blueprints.common.timefmt import to_wib
from blueprints.workshops.access import organizes
from blueprints.workshops.models import Certificate, Registration, WorkshopSession
from blueprints.workshops.rules import certificate_allowed
from extensions import db


def get_certificate_registration_or_404(registration_id: int, user) -> Registration:
    """The attendee themself, or an organizer of the workshop."""
    registration = db.session.scalars(
        select(Registration)
        .where(Registration.id == registration_id)
        .options(
            joinedload(Registration.session).joinedload(WorkshopSession.workshop),
            joinedload(Registration.employee),
        )
    ).first()
    if registration is None:
        abort(404)
    if registration.employee_id != user.id and not organizes(
        user, registration.session.workshop_id
    ):
        abort(404)
    if not certificate_allowed(registration):
        abort(404)
    return registration


def issue_certificate(registration: Registration) -> Certificate:
    """Issued once per attendance; later downloads reuse the same code."""
    existing = db.session.scalars(
        select(Certificate).where(Certificate.registration_id == registration.id)
    ).first()
    if existing is not None:
        return existing
    session = registration.session
    certificate = Certificate(
        registration_id=registration.id,
        code=secrets.token_urlsafe(18),
        holder_name=registration.employee.name,
        workshop_title=session.workshop.title,
        session_date=to_wib(session.starts_at).date(),
        jp=session.jp_credited,
    )
    try:
        with db.session.begin_nested():
            db.session.add(certificate)
    except IntegrityError:  # a concurrent download issued it first
        return db.session.scalars(
            select(Certificate).where(Certificate.registration_id == registration.id)
        ).one()
    return certificate


def verify_certificate(code: str) -> Certificate | None:
    """Valid while the attendance it certifies stands."""
    if not code or len(code) > 64:
        return None
    return db.session.scalars(
        select(Certificate)
        .join(Certificate.registration)
        .where(
            Certificate.code == code,
            Registration.status == "confirmed",
            Registration.attended.is_(True),
        )
    ).first()


_LATIN1_FIXES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2026": "...",
        "\u00a0": " ",
    }
)


def latin1(text: str) -> str:
    """The PDF core fonts speak Latin-1: transliterate what we can, replace the rest."""
    text = (text or "").translate(_LATIN1_FIXES)
    out = []
    for char in text:
        try:
            char.encode("latin-1")
            out.append(char)
        except UnicodeEncodeError:
            decomposed = unicodedata.normalize("NFKD", char)
            ascii_part = decomposed.encode("ascii", "ignore").decode("ascii")
            out.append(ascii_part or "?")
    return "".join(out)


def certificate_pdf(certificate: Certificate, verify_url: str) -> bytes:
    import segno
    from fpdf import FPDF

    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_title(latin1(_("Sertifikat %(title)s", title=certificate.workshop_title)))
    pdf.set_author("Kecamatan Medan Marelan")
    pdf.add_page()
    pdf.set_draw_color(11, 93, 75)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, 277, 190)
    pdf.set_line_width(0.4)
    pdf.rect(14, 14, 269, 182)

    def line(text, size, style="", gap=4.0):
        pdf.set_font("Helvetica", style, size)
        pdf.multi_cell(0, size * 0.5, latin1(text), align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    pdf.set_y(28)
    pdf.set_text_color(11, 93, 75)
    line(_("Kecamatan Medan Marelan · Kota Medan"), 12, gap=6)
    line(_("SERTIFIKAT"), 30, "B", gap=2)
    pdf.set_text_color(28, 36, 48)
    line(_("Diberikan kepada"), 13)
    line(certificate.holder_name, 24, "B")
    line(_("atas kehadirannya sebagai peserta"), 13)
    line(certificate.workshop_title, 18, "B")
    line(
        _(
            "pada %(date)s, setara %(jp)d JP (jam pelajaran)",
            date=format_date(certificate.session_date, "long"),
            jp=certificate.jp,
        ),
        13,
        gap=10,
    )
    qr = segno.make(verify_url, error="m")
    buffer = io.BytesIO()
    qr.save(buffer, kind="png", scale=6, border=2)
    buffer.seek(0)
    pdf.image(buffer, x=24, y=150, w=38, h=38)
    pdf.set_xy(68, 160)
    pdf.set_font("Helvetica", "", 10)
    pdf.multi_cell(200, 5, latin1(_("Kode verifikasi:")), new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(68)
    pdf.set_font("Courier", "B", 12)
    pdf.multi_cell(200, 6, latin1(certificate.code), new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(68)
    pdf.set_font("Helvetica", "", 9)
    pdf.multi_cell(
        200,
        5,
        latin1(_("Periksa keaslian di %(url)s", url=verify_url)),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    return bytes(pdf.output())
