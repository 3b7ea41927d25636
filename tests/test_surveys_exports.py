"""Exports hold exactly the numbers the screen shows, nothing under threshold, formulas escaped."""

import io
from html.parser import HTMLParser

from openpyxl import load_workbook

from tests import factories_surveys as fs


class TableParser(HTMLParser):
    """Rows of every <table> on a page, as lists of cell texts (the caption as the first row)."""

    def __init__(self):
        super().__init__()
        self.tables, self._row, self._cell = [], None, None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self._row = []
        elif tag == "caption":
            self._row, self._cell = [], []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "caption" and self._cell is not None:
            self.tables[-1].append([" ".join("".join(self._cell).split())])
            self._row, self._cell = None, None
        elif tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[-1].append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def tables(html: str) -> list[list[list[str]]]:
    parser = TableParser()
    parser.feed(html)
    return parser.tables


def _setup(org):
    t = fs.instrument()
    w = fs.wave(t.inst, [org.kec], k=3, comment_k=3)
    fs.responses(w, org.kel_a, fs.uniform(t, 4, 3) + fs.uniform(t, 2, 2))
    fs.responses(w, org.kel_b, fs.uniform(t, 5, 3))
    fs.responses(w, org.sek, fs.uniform(t, 3, 4, comment='=HYPERLINK("http://x")'))
    return t, w


def test_unit_export_matches_the_heatmap_table(org, client, login_as):
    _t, w = _setup(org)
    login_as(org.camat)
    html = client.get(f"/survei/hasil/{w.id}").get_data(as_text=True)
    heat = next(
        tb for tb in tables(html) if tb and tb[0] and tb[0][0] == "Rata-rata per unit dan dimensi"
    )
    screen = {row[0]: [fs.number(c) for c in row[1:]] for row in heat[2:]}
    rows = fs.parse_csv(client.get(f"/survei/hasil/{w.id}/ekspor.csv?tabel=unit").data)
    export = {row[0]: [fs.number(c) for c in row[3:]] for row in rows[1:]}
    assert screen.keys() == export.keys()
    assert screen == export
    assert screen["Kelurahan A"][0] == 3.2  # (3*4 + 2*2) / 5


def test_dimension_export_matches_the_dimension_table(org, client, login_as):
    _t, w = _setup(org)
    login_as(org.camat)
    html = client.get(f"/survei/hasil/{w.id}?unit={org.kel_a.id}").get_data(as_text=True)
    dims = next(
        tb
        for tb in tables(html)
        if tb and tb[0] and tb[0][0].startswith("Rata-rata skor per dimensi")
    )
    screen = {row[0].replace(" ditandai", ""): [fs.number(c) for c in row[1:4]] for row in dims[2:]}
    rows = fs.parse_csv(client.get(f"/survei/hasil/{w.id}/ekspor.csv?unit={org.kel_a.id}").data)
    export = {
        row[1]: [fs.number(row[3]), fs.number(row[4]), fs.number(row[5])]
        for row in rows[1:]
        if row[1].startswith("Dimensi")
    }
    assert screen == export
    book = load_workbook(
        io.BytesIO(client.get(f"/survei/hasil/{w.id}/ekspor.xlsx?unit={org.kel_a.id}").data)
    )
    sheet = book["Dimensi"]
    xlsx = {
        r[1]: [r[3], None if r[4] is None else round(r[4] * 100, 1), r[5]]  # a percentage cell
        for r in sheet.iter_rows(min_row=2, values_only=True)
        if str(r[1]).startswith("Dimensi")
    }
    assert xlsx == export


def test_exported_text_cannot_run_as_a_formula(org, client, login_as):
    _t, w = _setup(org)
    login_as(org.camat)
    book = load_workbook(
        io.BytesIO(client.get(f"/survei/hasil/{w.id}/ekspor.xlsx?unit={org.kec.id}").data)
    )
    comments = [r[1] for r in book["Komentar"].iter_rows(min_row=2, values_only=True)]
    assert len(comments) == 4
    assert all(c.startswith("'=HYPERLINK") for c in comments)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f"
