"""CSV and XLSX downloads, written once for every export.

- Cells keep their type until here: ``date`` and ``datetime`` (shown in WIB), numbers,
  ``Percent`` (a share 0–1), ``Nip`` (and any 18-digit string: NIP / NI PPPK) and text.
- CSV follows the interface language so that a spreadsheet in that locale splits it into the
  same cells as the screen: Indonesian ``;`` and decimal comma, English ``,`` and point. Both
  UTF-8 with a BOM (Excel needs it), one date format ``dd/mm/yyyy`` (times ``dd/mm/yyyy HH.MM``
  WIB), NIP written with its spaces (``19800101 200501 1 001``) so that no spreadsheet turns it
  into a number.
- XLSX (the recommended format): dates as date cells ``dd/mm/yyyy``, shares as percentages, NIP
  as text, column widths from the content, the header row bold, frozen and filtered.
- Every cell a spreadsheet could read as a formula is made text (OWASP "CSV injection").
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

from flask import Response, has_request_context
from flask_babel import get_locale
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from blueprints.common.timefmt import as_utc, to_wib

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
PERCENT_FORMAT = "0.0%"
MAX_WIDTH = 60


class Percent:
    """A share between 0 and 1, shown as a percentage (``None`` stays empty)."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value

    def __repr__(self) -> str:
        return f"Percent({self.value!r})"


class Nip(str):
    """An identifier written as text (NIP, NI PPPK): never a number in a spreadsheet."""


def safe_cell(value):
    """Neutralise spreadsheet formulas (OWASP 'CSV injection'): prefix with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _is_nip(value) -> bool:
    return isinstance(value, Nip) or (
        isinstance(value, str) and len(value) == 18 and value.isascii() and value.isdigit()
    )


def spaced_nip(value: str) -> str:
    digits = "".join(ch for ch in value if ch.isdigit())
    if len(digits) != 18:
        return value
    return f"{digits[:8]} {digits[8:14]} {digits[14]} {digits[15:]}"


def _wib_naive(value: datetime) -> datetime:
    return to_wib(as_utc(value)).replace(tzinfo=None)


# --- CSV --------------------------------------------------------------------------------------
def csv_dialect() -> tuple[str, str]:
    """(field separator, decimal mark) of the current interface language."""
    locale = str(get_locale() or "id") if has_request_context() else "id"
    return (",", ".") if locale.startswith("en") else (";", ",")


def _number(value, decimal: str) -> str:
    text = format(value, "f") if isinstance(value, Decimal) else repr(float(value))
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    elif text.endswith(".0"):
        text = text[:-2]
    return text.replace(".", decimal)


def csv_text(value, decimal: str) -> str:
    """One cell as CSV text (also what the tests compare with the screen)."""
    if value is None:
        return ""
    if isinstance(value, Percent):
        if value.value is None:
            return ""
        return _number(round(value.value * 100, 1), decimal) + "%"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, datetime):
        return _wib_naive(value).strftime("%d/%m/%Y %H.%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (float, Decimal)):
        return _number(value, decimal)
    text = str(value)
    if _is_nip(text):
        return spaced_nip(text)
    return safe_cell(text)


def csv_bytes(header: Sequence, rows: Iterable[Sequence]) -> bytes:
    separator, decimal = csv_dialect()
    buffer = io.StringIO()
    buffer.write("\ufeff")  # Excel opens UTF-8 CSV correctly only with a BOM
    writer = csv.writer(buffer, delimiter=separator, lineterminator="\r\n")
    writer.writerow([safe_cell(str(h)) for h in header])
    for row in rows:
        writer.writerow([csv_text(v, decimal) for v in row])
    return buffer.getvalue().encode("utf-8")


def csv_response(filename: str, header: Sequence, rows: Iterable[Sequence]) -> Response:
    return _download(csv_bytes(header, rows), filename, "text/csv; charset=utf-8")


# --- XLSX -------------------------------------------------------------------------------------
def add_sheet(workbook: Workbook, title: str, header: Sequence, rows: Iterable[Sequence]):
    """A sheet of typed cells; the layout (widths, frozen filtered header) is set on saving."""
    first = workbook.worksheets[0] if len(workbook.worksheets) == 1 else None
    if first is not None and not first._cells:
        sheet = first  # the empty sheet a new Workbook starts with
        sheet.title = title[:31]
    else:
        sheet = workbook.create_sheet(title=title[:31])
    sheet.append([str(h) for h in header])
    for row in rows:
        values = list(row)
        sheet.append([_xlsx_value(v) for v in values])
        for cell, value in zip(sheet[sheet.max_row], values, strict=False):
            _style(cell, value)
    return sheet


def _xlsx_value(value):
    if isinstance(value, Percent):
        return None if value.value is None else float(value.value)
    if isinstance(value, datetime):
        return _wib_naive(value)
    if isinstance(value, Decimal):
        return float(value)
    return value


def _style(cell, value) -> None:
    if isinstance(value, Percent):
        cell.number_format = PERCENT_FORMAT
    elif isinstance(value, datetime):
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, date):
        cell.number_format = DATE_FORMAT
    elif _is_nip(value):
        cell.number_format = "@"


def xlsx_response(
    filename: str, header: Sequence, rows: Iterable[Sequence], title: str = "Data"
) -> Response:
    workbook = Workbook()
    add_sheet(workbook, title, header, rows)
    return xlsx_workbook_response(filename, workbook)


def finish_workbook(workbook: Workbook) -> bytes:
    """Every string cell made formula-safe and stored as text (openpyxl would otherwise write a
    string starting with "=" as a formula); every sheet gets its header bold, frozen and
    filtered, and column widths from its content."""
    bold = Font(bold=True)
    for sheet in workbook.worksheets:
        widths: dict[int, int] = {}
        for row in sheet.iter_rows():
            for cell in row:
                value = cell.value
                if isinstance(value, str):
                    cell.value = safe_cell(value)
                    cell.data_type = "s"
                    length = max((len(part) for part in cell.value.splitlines()), default=0)
                elif isinstance(value, (date, datetime)):
                    length = 16 if isinstance(value, datetime) else 10
                elif value is None:
                    length = 0
                else:
                    length = len(str(value)) + 1
                widths[cell.column] = max(widths.get(cell.column, 0), length)
        if sheet.max_row >= 1 and sheet["A1"].value is not None:
            for cell in sheet[1]:
                cell.font = bold
            sheet.freeze_panes = "A2"
            sheet.auto_filter.ref = f"A1:{get_column_letter(sheet.max_column)}{sheet.max_row}"
        for column, width in widths.items():
            sheet.column_dimensions[get_column_letter(column)].width = min(
                max(width + 2, 8), MAX_WIDTH
            )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_workbook_response(filename: str, workbook: Workbook) -> Response:
    return _download(finish_workbook(workbook), filename, XLSX_TYPE)


def export_response(
    fmt: str, stem: str, header: Sequence, rows: Iterable[Sequence], title: str = "Data"
) -> Response:
    """``stem``.csv or ``stem``.xlsx of one table."""
    if fmt == "csv":
        return csv_response(f"{stem}.csv", header, rows)
    return xlsx_response(f"{stem}.xlsx", header, rows, title=title)


def _download(body: bytes, filename: str, content_type: str) -> Response:
    response = Response(body, content_type=content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
