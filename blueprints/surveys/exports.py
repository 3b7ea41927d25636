"""CSV and XLSX of exactly the tables the results page shows, built from the same ResultsView.

Hidden groups are rows with the unit's name and no figure; formulas are escaped by
blueprints/common/exports.py.
"""

from flask_babel import gettext as _
from openpyxl import Workbook

from blueprints.common.exports import Percent, add_sheet, csv_response, xlsx_workbook_response
from blueprints.surveys.results import ResultsView


def _score(value):
    return None if value is None else round(value, 2)


def _pct(value):
    """A share as a percentage cell, rounded as the screen shows it (whole per cent)."""
    return Percent(None if value is None else round(value, 2))


def construct_label(construct: str) -> str:
    return {"readiness": _("Kesiapan"), "resistance": _("Resistensi")}.get(construct, _("Lainnya"))


def dimension_table(view: ResultsView) -> tuple[list[str], list[list]]:
    header = [
        _("Unit"),
        _("Dimensi"),
        _("Jenis"),
        _("Rata-rata (1–5)"),
        _("Persen setuju (4–5)"),
        _("Dinilai"),
        "% 1",
        "% 2",
        "% 3",
        "% 4",
        "% 5",
        _("Ditandai"),
    ]
    rows = []
    hidden = _("Tidak ditampilkan")
    for result in view.results:
        cell = result.cell
        if cell is None:
            rows.append(
                [
                    view.unit.name,
                    result.dimension.name,
                    construct_label(result.dimension.construct),
                    hidden,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                ]
            )
            continue
        rows.append(
            [
                view.unit.name,
                result.dimension.name,
                construct_label(result.dimension.construct),
                _score(cell.mean),
                _pct(cell.favourable),
                cell.n,
                *[_pct(share) for share in cell.shares],
                _("ya") if result.flagged else _("tidak"),
            ]
        )
    for label, value in (
        (_("Indeks kesiapan"), view.readiness),
        (_("Indeks resistensi"), view.resistance),
    ):
        rows.append(
            [
                view.unit.name,
                label,
                "",
                _score(value) if value is not None else hidden,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
            ]
        )
    return header, rows


def unit_table(view: ResultsView) -> tuple[list[str], list[list]]:
    header = [
        _("Unit"),
        _("Responden"),
        _("Tingkat respons (%)"),
        *[d.name for d in view.dimensions],
        _("Indeks kesiapan"),
        _("Indeks resistensi"),
    ]
    rows = []
    for row in view.heat_rows:
        if not row.node.visible:
            rows.append(
                [
                    row.unit.name,
                    _("Tidak ditampilkan"),
                    None,
                    *[None for _d in view.dimensions],
                    None,
                    None,
                ]
            )
            continue
        rows.append(
            [
                row.unit.name,
                row.node.n,
                _pct(row.node.response_rate),
                *[_score(cell.mean) if cell else None for cell in row.cells],
                _score(row.readiness),
                _score(row.resistance),
            ]
        )
    return header, rows


def comment_table(view: ResultsView) -> tuple[list[str], list[list]]:
    header = [_("Pertanyaan"), _("Komentar")]
    rows = []
    if view.comments_visible:
        for question, texts in view.comments:
            rows.extend([question.text, body] for body in texts)
    return header, rows


def wave_table(view: ResultsView) -> tuple[list[str], list[list]]:
    """What the page heading says about the wave: its title, the unit, its dates."""
    header = [_("Gelombang"), _("Unit"), _("Dibuka"), _("Ditutup")]
    return header, [[view.wave.title, view.unit.name, view.wave.opens_on, view.wave.closes_on]]


def _filename(view: ResultsView, ext: str, part: str = "") -> str:
    code = "".join(
        ch if ch.isalnum() or ch in "-_" else "-" for ch in (view.unit.code or str(view.unit.id))
    )
    suffix = f"-{part}" if part else ""
    return f"hasil-survei-{view.wave.id}-{code}{suffix}.{ext}"


def csv_export(view: ResultsView, table: str):
    if table == "unit":
        header, rows = unit_table(view)
    else:
        table = "dimensi"
        header, rows = dimension_table(view)
    if not view.figures_available:
        rows = []
    return csv_response(_filename(view, "csv", table), header, rows)


def xlsx_export(view: ResultsView):
    workbook = Workbook()
    sheets = [(_("Dimensi"), dimension_table(view)), (_("Unit"), unit_table(view))]
    if view.comments_visible:
        sheets.append((_("Komentar"), comment_table(view)))
    for title, (header, rows) in sheets:
        add_sheet(workbook, title, header, rows if view.figures_available else [])
    add_sheet(workbook, _("Gelombang"), *wave_table(view))
    return xlsx_workbook_response(_filename(view, "xlsx"), workbook)
