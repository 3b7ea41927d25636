"""Every CSV/XLSX export of the app (found in the url_map) opens right (issue 13): CSV with the
locale's separator and decimal mark, UTF-8 with BOM, one date format, a single charset; XLSX
with date cells, a frozen and filtered header, NIP as text, column widths. A ZIP export (My data)
is opened and each CSV and XLSX in it checked the same way."""

import csv
import io
import json
import re
import zipfile
from datetime import date, datetime

import pytest
from flask import current_app, url_for
from openpyxl import load_workbook

from blueprints.common import exports
from blueprints.common.timefmt import as_utc
from blueprints.workshops.certificates import issue_certificate
from extensions import db
from tests import factories_feedback as ff
from tests import factories_surveys as fs
from tests import factories_workshops as wf

ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
DMY = re.compile(r"^\d{2}/\d{2}/\d{4}( \d{2}\.\d{2})?$")
SPACED_NIP = re.compile(r"^\d{8} \d{6} \d \d{3}$")
# exports whose data hold dates: their XLSX must have date cells
HOLD_DATES = {
    "workshops.export",
    "feedback.export_list",
    "feedback.export_one",
    "surveys.export",
    "dashboard.leader_export",
    "workshops.attendance_recap",
    "workshops.history_export",
    "workshops.unit_history_export",
}


@pytest.fixture
def world(org):
    wf.fast_logins()
    ws = wf.workshop(org.organizer, "Komunikasi Efektif")
    session = wf.session(ws, starts_at=wf.utc(2026, 3, 2, 2, 0), hours=3)
    attended = wf.registration(session, org.staff_a1, "confirmed", attended=True)
    wf.registration(session, org.staff_b1, "confirmed")
    certificate = issue_certificate(attended)
    db.session.commit()
    feedback = ff.feedback(org.lurah_a, org.staff_a1, acknowledged=True)
    t = fs.instrument()
    wave = fs.wave(t.inst, [org.kec], k=3, comment_k=3)
    fs.responses(wave, org.kel_a, fs.uniform(t, 4, 3) + fs.uniform(t, 2, 2))
    fs.responses(wave, org.kel_b, fs.uniform(t, 5, 3))
    fs.responses(wave, org.sek, fs.uniform(t, 3, 4))
    return {
        "session": session,
        "feedback": feedback,
        "wave": wave,
        "org": org,
        "certificate": certificate,
    }


def _urls(world):
    """(endpoint, url, user) of each export; formats expanded."""
    org, session = world["org"], world["session"]
    known = {
        "workshops.export": lambda: [
            (url_for("workshops.export", session_id=session.id, fmt=f), org.organizer)
            for f in ("csv", "xlsx")
        ],
        "feedback.export_list": lambda: [
            (url_for("feedback.export_list", fmt=f), org.lurah_a) for f in ("csv", "xlsx")
        ],
        "feedback.export_one": lambda: [
            (url_for("feedback.export_one", feedback_id=world["feedback"].id, fmt=f), org.lurah_a)
            for f in ("csv", "xlsx")
        ],
        "surveys.export": lambda: [
            (url_for("surveys.export", wave_id=world["wave"].id, fmt="csv"), org.camat),
            (
                url_for("surveys.export", wave_id=world["wave"].id, fmt="csv", tabel="unit"),
                org.camat,
            ),
            (url_for("surveys.export", wave_id=world["wave"].id, fmt="xlsx"), org.camat),
        ],
        "dashboard.leader_export": lambda: [(url_for("dashboard.leader_export"), org.camat)],
        "admin.import_template": lambda: [(url_for("admin.import_template"), org.admin)],
        "workshops.attendance_recap": lambda: [
            (url_for("workshops.attendance_recap", session_id=session.id, fmt=f), org.organizer)
            for f in ("csv", "xlsx")
        ],
        "workshops.history_export": lambda: [
            (url_for("workshops.history_export", year=2026, fmt="xlsx"), org.staff_a1)
        ],
        "workshops.unit_history_export": lambda: [
            (
                url_for(
                    "workshops.unit_history_export", unit_id=org.kel_a.id, year=2026, fmt="xlsx"
                ),
                org.admin,
            )
        ],
        "dashboard.my_data": lambda: [(url_for("dashboard.my_data"), org.staff_a1)],
    }
    found = []
    for rule in current_app.url_map.iter_rules():
        text = str(rule)
        if not ("csv" in text or "xlsx" in text or "<fmt>" in text or text.endswith(".zip")):
            continue
        if rule.endpoint in known:
            found += [(rule.endpoint, url, user) for url, user in known[rule.endpoint]()]
        else:  # a new export: tried with default arguments by every kind of user
            args = {name: (2026 if name == "year" else 1) for name in rule.arguments}
            users = (org.admin, org.organizer, org.camat, org.staff_a1)
            for fmt in ("csv", "xlsx") if "fmt" in rule.arguments else (None,):
                if fmt:
                    args["fmt"] = fmt
                found.append((rule.endpoint, url_for(rule.endpoint, **args), users))
    return found


def _get(client, login_as, url, users):
    for user in users if isinstance(users, tuple) else (users,):
        login_as(user)
        response = client.get(url)
        if response.status_code == 200:
            return response, user
    raise AssertionError(f"{url}: no user gets it ({response.status_code})")


def _check_csv(body: bytes, separator: str, decimal: str) -> list[list[str]]:
    assert body.startswith("\ufeff".encode()), "UTF-8 with BOM"
    text = body.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=separator))
    header = rows[0]
    assert len(header) >= 2, f"one column only: wrong separator? {header}"
    for row in rows[1:]:
        assert len(row) == len(header), row
        for name, cell in zip(header, row, strict=True):
            assert not ISO_DATE.search(cell), f"{name}: {cell} (one date format: dd/mm/yyyy)"
            if "/" in cell and cell[:2].isdigit() and len(cell) >= 10 and cell[2] == "/":
                assert DMY.match(cell), cell
            if name.upper().startswith("NIP") and cell:
                assert SPACED_NIP.match(cell), cell  # text in every spreadsheet
            wrong = "." if decimal == "," else ","
            if re.fullmatch(r"-?\d+[.,]\d+%?", cell):
                assert wrong not in cell, f"{name}: {cell} (decimal mark {decimal})"
    return rows


def _check_xlsx(body: bytes) -> dict:
    book = load_workbook(io.BytesIO(body))
    date_cells = 0
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        assert sheet.auto_filter.ref and sheet.auto_filter.ref.startswith("A1:"), sheet.title
        assert sheet["A1"].font.bold, sheet.title
        assert sheet.column_dimensions["A"].width and sheet.column_dimensions["A"].width >= 8
        header = [c.value for c in sheet[1]]
        for row in sheet.iter_rows(min_row=2):
            for name, cell in zip(header, row, strict=False):
                if cell.is_date:
                    date_cells += 1
                    assert cell.number_format.startswith("dd/mm/yyyy"), cell.number_format
                    assert isinstance(cell.value, (date, datetime))
                if name and str(name).upper().startswith("NIP") and cell.value:
                    assert cell.data_type == "s" and cell.number_format == "@", cell
                if isinstance(cell.value, float) and "%" in (name or "") + cell.number_format:
                    assert cell.number_format == "0.0%", (name, cell.number_format)
                assert cell.data_type != "f"
                if isinstance(cell.value, str):  # a date is never text
                    assert not ISO_DATE.search(cell.value), (sheet.title, name, cell.value)
                    assert not DMY.match(cell.value), (sheet.title, name, cell.value)
    return {"date_cells": date_cells, "book": book}


def _same_cells(endpoint, rows_id, rows_en):
    """The English CSV holds the same cells, numbers with a decimal point."""
    assert len(rows_en) == len(rows_id) and len(rows_en[0]) == len(rows_id[0]), endpoint
    for row_id, row_en in zip(rows_id[1:], rows_en[1:], strict=True):
        for a, b in zip(row_id, row_en, strict=True):
            if re.fullmatch(r"-?\d+(,\d+)?%?", a):
                assert b == a.replace(",", "."), (endpoint, a, b)


def _check_zip(body: bytes, separator: str, decimal: str) -> dict:
    """Each CSV and XLSX in the archive, checked; {name: CSV rows}."""
    archive = zipfile.ZipFile(io.BytesIO(body))
    tables = {}
    for name in archive.namelist():
        member = archive.read(name)
        if name.endswith(".csv"):
            if member == "\ufeff".encode():  # an empty dataset
                tables[name] = []
                continue
            tables[name] = _check_csv(member, separator, decimal)
        elif name.endswith(".xlsx"):
            _check_xlsx(member)
    assert tables, "a ZIP export without a CSV"
    return tables


def _english(client, login_as, user, url):
    user.locale = "en"
    db.session.commit()
    login_as(user)
    english = client.get(url)
    user.locale = "id"
    db.session.commit()
    assert english.status_code == 200
    return english


def test_every_export_opens_right_in_both_locales(app, client, login_as, world):
    with app.test_request_context():
        urls = _urls(world)
    endpoints = {endpoint for endpoint, _u, _users in urls}
    assert {
        "workshops.export",
        "surveys.export",
        "feedback.export_list",
        "dashboard.my_data",
    } <= endpoints
    for endpoint, url, users in urls:
        response, user = _get(client, login_as, url, users)
        content_type = response.headers["Content-Type"]
        path = url.split("?")[0]
        if path.endswith("csv"):
            assert content_type == "text/csv; charset=utf-8", (endpoint, content_type)
            rows_id = _check_csv(response.data, ";", ",")
            english = _english(client, login_as, user, url)
            assert english.headers["Content-Type"] == "text/csv; charset=utf-8"
            _same_cells(endpoint, rows_id, _check_csv(english.data, ",", "."))
        elif path.endswith(".zip"):
            assert content_type == "application/zip", (endpoint, content_type)
            tables_id = _check_zip(response.data, ";", ",")
            tables_en = _check_zip(_english(client, login_as, user, url).data, ",", ".")
            assert tables_en.keys() == tables_id.keys(), endpoint
            for name, rows_id in tables_id.items():
                if rows_id:
                    _same_cells(f"{endpoint} {name}", rows_id, tables_en[name])
        else:
            assert content_type == exports.XLSX_TYPE, (endpoint, content_type)
            assert "charset" not in content_type
            checked = _check_xlsx(response.data)
            if endpoint in HOLD_DATES:
                assert checked["date_cells"] >= 1, f"{endpoint}: no date cell"


def test_my_data_csv_goes_through_the_export_helper(client, login_as, world):
    """My data's CSVs as every other export: dates dd/mm/yyyy, NIP with its spaces, the
    certificate with its stored number and the holder's NIP (the JSON keeps ISO dates)."""
    org, certificate = world["org"], world["certificate"]
    login_as(org.staff_a1)
    body = client.get("/karier/data-saya.zip").data
    tables = _check_zip(body, ";", ",")
    header, *rows = tables["sertifikat.csv"]
    assert len(rows) == 1
    row = dict(zip(header, rows[0], strict=True))
    assert row["nomor"] == certificate.number and certificate.number
    assert row["nip_pemegang"] == exports.spaced_nip(org.staff_a1.nip)
    assert row["tanggal"] == "02/03/2026"
    header, *rows = tables["profil.csv"]
    assert dict(zip(header, rows[0], strict=True))["nip"] == exports.spaced_nip(org.staff_a1.nip)
    header, *rows = tables["pendaftaran_pelatihan.csv"]
    assert dict(zip(header, rows[0], strict=True))["mulai"] == "02/03/2026 09.00"  # WIB
    data = json.loads(zipfile.ZipFile(io.BytesIO(body)).read("data-saya.json"))
    [held] = data["sertifikat"]
    assert held["nomor"] == certificate.number and held["nip_pemegang"] == org.staff_a1.nip
    assert held["tanggal"] == "2026-03-02"
    assert data["pendaftaran_pelatihan"][0]["mulai"] == "2026-03-02T09:00:00+07:00"


def test_csv_cells_match_the_screen_values(client, login_as, world):
    """The participant list: NIP, name, unit and dates as the organizer's page shows them."""
    org, session = world["org"], world["session"]
    login_as(org.organizer)
    base = f"/pelatihan/kelola/sesi/{session.id}"
    rows = _check_csv(client.get(f"{base}/peserta.csv").data, ";", ",")
    header = rows[0]
    by_name = {row[header.index("Nama")]: row for row in rows[1:]}
    row = by_name["Staf A1"]
    assert row[header.index("NIP")] == exports.spaced_nip(org.staff_a1.nip)
    assert row[header.index("Unit")] == org.kel_a.name
    assert row[header.index("Hadir")] == "Ya"
    page = client.get(f"{base}/peserta").get_data(as_text=True)
    for name in by_name:
        assert name in page


def test_helper_types_and_formula_escaping():
    values = [
        date(2026, 11, 29),
        exports.Percent(0.4714285714285714),
        3.25,
        "198070220202710001"[:18],
        "=SUM(A1)",
        None,
    ]
    assert [exports.csv_text(v, ",") for v in values] == [
        "29/11/2026",
        "47,1%",
        "3,25",
        "19807022 020271 0 001",
        "'=SUM(A1)",
        "",
    ]
    assert exports.csv_text(3.25, ".") == "3.25"
    when = as_utc(datetime(2026, 11, 29, 6, 30))
    assert exports.csv_text(when, ",") == "29/11/2026 13.30"  # WIB
