"""The certificate as an official document: A4 landscape, the kop, the number, the holder with
NIP, pangkat/golongan and jabatan, the workshop with its dates and JP, place and date of issue,
the signatory, and the QR with the verification code. Everything it states comes from the
Certificate row as issued. Fonts embedded (documents.new_pdf); the text is tagged."""

from __future__ import annotations

import io

from flask_babel import format_date
from flask_babel import gettext as _

from blueprints.workshops.documents import (
    FONT,
    MONO,
    draw_kop,
    new_pdf,
    render,
    spaced_nip,
    tagged,
)
from blueprints.workshops.models import Certificate

GREEN = (11, 93, 75)
INK = (28, 36, 48)


def date_span(start, end) -> str:
    if end is None or end == start:
        return format_date(start, "d MMMM y")
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{format_date(end, 'd MMMM y')}"
    return f"{format_date(start, 'd MMMM y')} – {format_date(end, 'd MMMM y')}"


def certificate_pdf(certificate: Certificate, verify_url: str) -> bytes:
    return render(lambda full: _draw(certificate, verify_url, full))


def _draw(certificate: Certificate, verify_url: str, full_fonts: bool):
    import segno

    title = _("Sertifikat %(title)s", title=certificate.workshop_title)
    pdf = new_pdf("L", title, full_fonts=full_fonts)
    pdf.add_page()
    pdf.set_draw_color(*GREEN)
    pdf.set_line_width(1.2)
    pdf.rect(8, 8, 281, 194)
    pdf.set_line_width(0.4)
    pdf.rect(11, 11, 275, 188)

    y = draw_kop(pdf, 24, 273, 15)

    def centred(text, size, style="", gap=2.0, role="P", colour=INK):
        pdf.set_text_color(*colour)
        pdf.set_font(FONT, style, size)
        pdf.set_x(24)
        with tagged(pdf, role):
            pdf.multi_cell(249, size * 0.47, text, align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    pdf.set_y(y + 3)
    pdf.ln(4)
    centred(_("SERTIFIKAT"), 28, "B", gap=1, role="H1", colour=GREEN)
    number = certificate.number or "—"
    centred(_("Nomor: %(number)s", number=number), 11, gap=3)
    centred(_("Diberikan kepada:"), 11.5, gap=1.5)
    centred(certificate.holder_name, 21, "B", gap=2.5)

    facts = [
        (_("NIP"), spaced_nip(certificate.holder_nip) or "—"),
        (_("Pangkat/golongan"), certificate.holder_rank or "—"),
        (_("Jabatan"), certificate.holder_position or "—"),
    ]
    pdf.set_text_color(*INK)
    for label, value in facts:
        pdf.set_x(100)
        with tagged(pdf):
            pdf.set_font(FONT, "", 10.5)
            pdf.cell(42, 5.6, label)
            pdf.cell(4, 5.6, ":")
            pdf.multi_cell(120, 5.6, value, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    centred(_("telah mengikuti sebagai peserta"), 11.5, gap=1.5)
    centred(certificate.workshop_title, 16.5, "B", gap=2)
    centred(
        _(
            "pada %(dates)s, dengan beban %(jp)d JP (jam pelajaran).",
            dates=date_span(certificate.session_date, certificate.session_end_date),
            jp=certificate.jp,
        ),
        11.5,
    )

    # the QR and the code, bottom left
    qr = segno.make(verify_url, error="m")
    buffer = io.BytesIO()
    qr.save(buffer, kind="png", scale=6, border=2)
    buffer.seek(0)
    pdf.image(buffer, x=24, y=153, w=36, h=36, alt_text=_("Kode QR verifikasi sertifikat"))
    pdf.set_text_color(*INK)
    pdf.set_xy(63, 162)
    with tagged(pdf):
        pdf.set_font(FONT, "", 9)
        pdf.cell(90, 5, _("Kode verifikasi:"), new_x="LEFT", new_y="NEXT")
        pdf.set_font(MONO, "", 10.5)
        pdf.cell(90, 6, certificate.code, new_x="LEFT", new_y="NEXT")
        pdf.set_font(FONT, "", 8)
        pdf.multi_cell(
            90, 4, _("Periksa keaslian di %(url)s", url=verify_url), align="L", new_x="LEFT"
        )

    # place, date and the signatory, bottom right
    left, width = 178, 95
    issued = certificate.issued_on or certificate.issued_at.date()
    pdf.set_xy(left, 146)
    with tagged(pdf):
        pdf.set_font(FONT, "", 11)
        place = certificate.issued_place or ""
        issued_text = format_date(issued, "d MMMM y")
        line = f"{place}, {issued_text}" if place else issued_text
        pdf.cell(width, 6, line, align="C", new_x="LEFT", new_y="NEXT")
        pdf.multi_cell(width, 5.5, certificate.signatory_title or "", align="C", new_x="LEFT")
    pdf.set_xy(left, 178)
    with tagged(pdf):
        pdf.set_font(FONT, "B", 11)
        name = certificate.signatory_name or "……………………………………"
        pdf.cell(width, 6, name, align="C", new_x="LEFT", new_y="NEXT")
        name_width = min(pdf.get_string_width(name), width)
        pdf.set_line_width(0.3)
        pdf.set_draw_color(*INK)
        pdf.line(
            left + (width - name_width) / 2,
            pdf.get_y(),
            left + (width + name_width) / 2,
            pdf.get_y(),
        )
        pdf.set_font(FONT, "", 10)
        if certificate.signatory_rank:
            pdf.cell(width, 5, certificate.signatory_rank, align="C", new_x="LEFT", new_y="NEXT")
        if certificate.signatory_nip:
            nip = _("NIP %(nip)s", nip=spaced_nip(certificate.signatory_nip))
            pdf.cell(width, 5, nip, align="C", new_x="LEFT", new_y="NEXT")
    return pdf
