"""Daftar hadir: the printable A4 sign-in sheet of one session (exactly its confirmed
participants; No, Nama, NIP, Unit, Tanda tangan; the session in the header; pages numbered) and
the attendance recap after the session (CSV/XLSX through common/exports.py)."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select

from blueprints.auth.models import Employee, Unit
from blueprints.common.exports import Percent
from blueprints.common.timefmt import to_wib
from blueprints.workshops.documents import (
    FONT,
    draw_kop,
    new_pdf,
    render,
    spaced_nip,
    tagged,
    text_setting,
    workshop_signatory,
)
from blueprints.workshops.models import Registration, WorkshopSession
from extensions import db

LEFT, RIGHT = 12.0, 198.0
WIDTHS = (10.0, 54.0, 38.0, 48.0, 36.0)  # No, Nama, NIP, Unit, Tanda tangan (mm)
ROW_H = 11.0  # the least height of a row: room to sign
BOTTOM = 282.0
LINE_FACTOR = 0.3528 * 1.15  # mm per pt of font size, with a little leading
CELL_PAD = 1.2  # mm above and below a cell's text
MIN_SIZE = 8.0  # pt: the smallest a name or unit is made before it takes a third line


def confirmed_rows(session_id: int) -> list:
    """(name, nip, unit, attended, walk_in) of the session's confirmed participants, by name."""
    return db.session.execute(
        select(
            Employee.name,
            Employee.nip,
            Unit.name.label("unit"),
            Registration.attended,
            Registration.walk_in,
        )
        .join(Employee, Employee.id == Registration.employee_id)
        .join(Unit, Unit.id == Employee.unit_id)
        .where(Registration.session_id == session_id, Registration.status == "confirmed")
        .order_by(Employee.name, Employee.id)
    ).all()


def session_when(session: WorkshopSession) -> tuple[str, str]:
    """('Senin, 2 Maret 2026', '09.00–12.00 WIB')."""
    start, end = to_wib(session.starts_at), to_wib(session.ends_at)
    day = format_date(start.date(), "EEEE, d MMMM y")
    if end.date() != start.date():
        day = f"{day} – {format_date(end.date(), 'EEEE, d MMMM y')}"
    return day, f"{start:%H.%M}–{end:%H.%M} WIB"


def _labels() -> list[str]:
    return [_("No"), _("Nama"), _("NIP"), _("Unit"), _("Tanda tangan")]


def sign_in_pdf(session: WorkshopSession) -> bytes:
    rows = confirmed_rows(session.id)
    return render(lambda full: _draw(session, rows, full))


def _draw(session: WorkshopSession, rows: list, full_fonts: bool):
    workshop = session.workshop
    title = _("Daftar hadir %(title)s", title=workshop.title)
    pdf = new_pdf("P", title, full_fonts=full_fonts)
    pdf.alias_nb_pages("{nb}")
    day, hours = session_when(session)
    facts = [
        (_("Kegiatan"), workshop.title),
        (_("Hari/tanggal"), day),
        (_("Waktu"), hours),
        (_("Tempat"), session.venue or (_("Daring") if session.online_url else "—")),
        (_("Fasilitator"), session.facilitator or "—"),
        (_("Beban"), _("%(jp)d JP", jp=session.jp_credited)),
    ]

    def footer():
        pdf.set_xy(LEFT, 287)
        pdf.set_font(FONT, "", 8)
        pdf.set_text_color(90, 90, 90)
        text = _(
            "Daftar hadir sesi %(id)d · Halaman %(page)d dari %(pages)s",
            id=session.id,
            page=pdf.page_no(),
            pages="{nb}",
        )
        with tagged(pdf):
            pdf.cell(RIGHT - LEFT, 5, text, align="C")
        pdf.set_text_color(0, 0, 0)

    def table_header(y):
        pdf.set_xy(LEFT, y)
        pdf.set_font(FONT, "B", 9.5)
        pdf.set_fill_color(230, 236, 234)
        with tagged(pdf):
            for label, width in zip(_labels(), WIDTHS, strict=True):
                pdf.cell(width, 8, label, border=1, align="C", fill=True)
        return y + 8

    def new_page(first: bool):
        pdf.add_page()
        if first:
            y = draw_kop(pdf, LEFT, RIGHT, 10)
            pdf.set_xy(LEFT, y + 3)
            pdf.set_font(FONT, "B", 14)
            with tagged(pdf, "H1"):
                pdf.cell(RIGHT - LEFT, 7, _("DAFTAR HADIR"), align="C", new_x="LEFT", new_y="NEXT")
            pdf.ln(2)
            for label, value in facts:
                pdf.set_x(LEFT)
                with tagged(pdf):
                    pdf.set_font(FONT, "", 9.5)
                    pdf.cell(30, 5.2, label)
                    pdf.cell(4, 5.2, ":")
                    pdf.multi_cell(RIGHT - LEFT - 34, 5.2, value, new_x="LMARGIN", new_y="NEXT")
            y = pdf.get_y() + 3
        else:
            pdf.set_xy(LEFT, 12)
            pdf.set_font(FONT, "B", 10)
            with tagged(pdf):
                pdf.cell(RIGHT - LEFT, 6, f"{_('DAFTAR HADIR')} — {workshop.title}", align="L")
                pdf.set_xy(LEFT, 18)
                pdf.set_font(FONT, "", 9)
                pdf.cell(RIGHT - LEFT, 5, f"{day}, {hours}", align="L")
            y = 26
        footer()
        return table_header(y)

    y = new_page(True)
    for number, row in enumerate(rows, start=1):
        cells = [
            _Cell(str(number), 9, "C"),
            _wrapped(pdf, WIDTHS[1], row.name),
            _Cell(spaced_nip(row.nip), 8, "L"),
            _wrapped(pdf, WIDTHS[3], row.unit),
        ]
        height = max(ROW_H, *(cell.height for cell in cells))
        if y + height > BOTTOM:
            y = new_page(False)
        x = LEFT
        with tagged(pdf):
            for cell, width in zip(cells, WIDTHS, strict=False):
                _draw_cell(pdf, x, y, width, height, cell)
                x += width
            # the signature box: numbered left and right in turn, as on paper
            pdf.set_xy(x, y)
            pdf.set_font(FONT, "", 7.5)
            text = f"{number}." if number % 2 else f"{' ' * 14}{number}."
            pdf.cell(WIDTHS[-1], height, text, border=1, align="L")
        y += height
    if not rows:
        pdf.set_xy(LEFT, y)
        pdf.set_font(FONT, "", 9.5)
        with tagged(pdf):
            pdf.cell(
                RIGHT - LEFT, ROW_H, _("Belum ada peserta terkonfirmasi."), border=1, align="C"
            )
        y += ROW_H
    _closing(pdf, session, y, new_page)
    return pdf


@dataclass(frozen=True)
class _Cell:
    """A table cell's text as drawn: its lines, font size and alignment."""

    text: str
    size: float
    align: str
    lines: tuple[str, ...] = ()

    @property
    def line_h(self) -> float:
        return self.size * LINE_FACTOR

    @property
    def height(self) -> float:
        return len(self.lines or (self.text,)) * self.line_h + 2 * CELL_PAD


def _wrapped(pdf, width: float, text: str) -> _Cell:
    """A name or unit on an official sheet is never cut: wrapped onto two lines at 9 pt, made a
    little smaller (down to 8 pt) when two lines at 9 pt are not enough, and given more lines
    (the row grows) only when even that does not hold it."""
    size = 9.0
    while True:
        pdf.set_font(FONT, "", size)
        lines = pdf.multi_cell(width, size * LINE_FACTOR, text, dry_run=True, output="LINES")
        if len(lines) <= 2 or size <= MIN_SIZE:
            return _Cell(text, size, "L", lines=tuple(line.strip() for line in lines))
        size -= 0.5


def _draw_cell(pdf, x: float, y: float, width: float, height: float, cell: _Cell) -> None:
    """The cell's frame, and its lines centred vertically in the row."""
    pdf.rect(x, y, width, height)
    pdf.set_font(FONT, "", cell.size)
    lines = cell.lines or (cell.text,)
    top = y + (height - len(lines) * cell.line_h) / 2
    for index, line in enumerate(lines):
        pdf.set_xy(x, top + index * cell.line_h)
        pdf.cell(width, cell.line_h, line, align=cell.align)


def _closing(pdf, session, y, new_page):
    """Place, date and the signatory under the table (a new page if there is no room): the name
    underlined, then pangkat/golongan and NIP, as on the certificate."""
    if y + 48 > BOTTOM:
        new_page(False)
        y = 30
    signatory = workshop_signatory(session.workshop)
    left, width = 118.0, 80.0
    day = format_date(to_wib(session.starts_at).date(), "d MMMM y")
    pdf.set_xy(left, y + 6)
    pdf.set_font(FONT, "", 9.5)
    with tagged(pdf):
        pdf.cell(
            width, 5, f"{text_setting('issue_place')}, {day}", align="C", new_x="LEFT", new_y="NEXT"
        )
        pdf.multi_cell(width, 5, signatory.title, align="C", new_x="LEFT", new_y="NEXT")
    pdf.set_xy(left, y + 32)
    with tagged(pdf):
        pdf.set_font(FONT, "B", 9.5)
        name = signatory.name or "……………………………"
        pdf.cell(width, 5, name, align="C", new_x="LEFT", new_y="NEXT")
        if signatory.name:
            name_width = min(pdf.get_string_width(name), width)
            pdf.set_line_width(0.25)
            pdf.line(
                left + (width - name_width) / 2,
                pdf.get_y(),
                left + (width + name_width) / 2,
                pdf.get_y(),
            )
        pdf.set_font(FONT, "", 9)
        if signatory.rank:
            pdf.cell(width, 4.6, signatory.rank, align="C", new_x="LEFT", new_y="NEXT")
        if signatory.nip:
            nip = _("NIP %(nip)s", nip=spaced_nip(signatory.nip))
            pdf.cell(width, 4.6, nip, align="C", new_x="LEFT", new_y="NEXT")


# --- the attendance recap ------------------------------------------------------------------
def recap_table(session: WorkshopSession) -> tuple[list[str], list[list]]:
    rows = confirmed_rows(session.id)
    day = to_wib(session.starts_at).date()
    header = [
        _("No"),
        _("Tanggal sesi"),
        _("Nama"),
        _("NIP"),
        _("Unit"),
        _("Kehadiran"),
        _("Peserta langsung"),
        _("JP"),
    ]
    yes, no = _("Ya"), _("Tidak")
    table = [
        [
            number,
            day,
            row.name,
            row.nip,
            row.unit,
            _("Hadir") if row.attended else _("Tidak hadir"),
            yes if row.walk_in else no,
            session.jp_credited if row.attended else 0,
        ]
        for number, row in enumerate(rows, start=1)
    ]
    return header, table


def recap_summary(session: WorkshopSession) -> tuple[list[str], list[list]]:
    rows = confirmed_rows(session.id)
    present = sum(1 for row in rows if row.attended)
    share = Percent(round(present / len(rows), 4) if rows else None)
    header = [
        _("Pelatihan"),
        _("Tanggal sesi"),
        _("Terkonfirmasi"),
        _("Hadir"),
        _("Tingkat kehadiran"),
    ]
    return header, [
        [session.workshop.title, to_wib(session.starts_at).date(), len(rows), present, share]
    ]
