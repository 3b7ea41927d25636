"""Training history for SIASN / MyASN (issue 13): exactly the person's attended sessions and
verified external records of the year, with the JP the ledger counts; the ZIP of certificates;
per unit for admins and organizers; the column mapping is configurable."""

import io
import os
import zipfile
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from blueprints.admin.models import AuditEntry
from blueprints.workshops.evidence import evidence_dir
from blueprints.workshops.ledger import jp_for_year
from extensions import db
from tests import factories_workshops as wf


@pytest.fixture
def org(org):
    wf.fast_logins()
    return org


@pytest.fixture
def year_of(org):
    """staff_a1's 2026: two attended sessions and one verified record count; the rest not."""
    ws = wf.workshop(org.organizer, "Pelayanan Publik yang Berempati")
    ws2 = wf.workshop(org.organizer, "Teknik Presentasi", learning_kind="workshop")
    a = wf.session(ws, starts_at=wf.utc(2026, 2, 10, 2, 0), hours=3)
    b = wf.session(ws2, starts_at=wf.utc(2026, 5, 4, 1, 0), hours=7.5)
    missed = wf.session(ws, starts_at=wf.utc(2026, 6, 1, 2, 0))
    cancelled = wf.session(ws, starts_at=wf.utc(2026, 7, 1, 2, 0), status="cancelled")
    last_year = wf.session(ws, starts_at=wf.utc(2025, 12, 31, 17, 30), hours=2)  # 1 Jan 2026 WIB
    old = wf.session(ws, starts_at=wf.utc(2025, 12, 31, 10, 0), hours=2)  # 31 Dec 2025 WIB
    person = org.staff_a1
    for s in (a, b, last_year):
        wf.registration(s, person, "confirmed", attended=True)
    wf.registration(missed, person, "confirmed", attended=False)
    wf.registration(cancelled, person, "confirmed", attended=True)
    wf.registration(old, person, "confirmed", attended=True)
    wf.registration(a, org.staff_a2, "confirmed", attended=True)
    wf.registration(a, org.staff_b1, "confirmed", attended=True)
    with open(os.path.join(evidence_dir(), "bukti-uji.pdf"), "wb") as handle:
        handle.write(b"%PDF-1.4 bukti")
    wf.external(person, jp=5, learned_on=date(2026, 3, 3), evidence_file="bukti-uji.pdf")
    wf.external(person, jp=7, status="pending", learned_on=date(2026, 3, 4), title="Menunggu")
    wf.external(person, jp=9, status="rejected", learned_on=date(2026, 3, 5), title="Ditolak")
    wf.external(person, jp=2, learned_on=date(2025, 3, 5), title="Tahun lalu")
    return {"a": a, "b": b, "first_jan": last_year}


def _rows(body: bytes):
    sheet = load_workbook(io.BytesIO(body)).active
    header = [c.value for c in sheet[1]]
    return (
        header,
        [
            dict(zip(header, row, strict=True))
            for row in sheet.iter_rows(min_row=2, values_only=True)
        ],
        sheet,
    )


def test_personal_history_lists_exactly_what_the_ledger_counts(client, org, login_as, year_of):
    login_as(org.staff_a1)
    response = client.get("/pelatihan/riwayat-siasn/2026.xlsx")
    assert response.status_code == 200
    header, rows, sheet = _rows(response.data)
    assert header[:6] == [
        "NIP",
        "Nama",
        "Jenis Diklat/Kursus",
        "Jenis Kompetensi",
        "Nama Diklat/Kursus",
        "Institusi Penyelenggara",
    ]
    titles = sorted((r["Nama Diklat/Kursus"], r["Tanggal Mulai"].date()) for r in rows)
    assert titles == [
        ("E-learning Pelayanan Prima", date(2026, 3, 3)),
        ("Pelayanan Publik yang Berempati", date(2026, 1, 1)),
        ("Pelayanan Publik yang Berempati", date(2026, 2, 10)),
        ("Teknik Presentasi", date(2026, 5, 4)),
    ]
    assert sum(r["Jumlah JP"] for r in rows) == jp_for_year(org.staff_a1, 2026)
    assert {r["NIP"] for r in rows} == {org.staff_a1.nip}
    assert all(r["Tahun"] == 2026 for r in rows)
    internal = [r for r in rows if r["Sumber"] == "Pelatihan internal"]
    assert len(internal) == 3
    assert all(
        r["Nomor Sertifikat"].endswith("/SERT/KEC-MRL/" + str(date.today().year)) for r in internal
    )
    assert len({r["Nomor Sertifikat"] for r in internal}) == 3
    external = next(r for r in rows if r["Sumber"] != "Pelatihan internal")
    assert (
        external["Institusi Penyelenggara"] == "LAN RI"
        and external["Jenis Diklat/Kursus"] == "E-learning"
    )
    assert (
        next(r for r in rows if r["Nama Diklat/Kursus"] == "Teknik Presentasi")[
            "Jenis Diklat/Kursus"
        ]
        == "Workshop/lokakarya"
    )
    nip_cell = sheet["A2"]
    assert nip_cell.data_type == "s" and nip_cell.number_format == "@"
    assert sheet["H2"].is_date and sheet["H2"].number_format == "dd/mm/yyyy"
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref

    archive = zipfile.ZipFile(io.BytesIO(client.get("/pelatihan/riwayat-siasn/2026.zip").data))
    names = sorted(archive.namelist())
    assert len(names) == 4
    files = {r["Berkas Sertifikat"] for r in rows}
    assert set(names) == files
    for name in names:
        assert archive.read(name).startswith(b"%PDF")


def test_unit_history_for_admins_and_organizers(client, org, login_as, year_of):
    url = f"/pelatihan/kelola/riwayat-siasn/unit-{org.kel_a.id}/2026.xlsx"
    login_as(org.staff_a1)
    assert client.get(url).status_code == 403
    login_as(org.lurah_a)
    assert client.get(url).status_code == 403
    for user in (org.admin, org.organizer):
        login_as(user)
        _header, rows, _sheet = _rows(client.get(url).data)
        assert {r["Nama"] for r in rows} == {"Staf A1", "Staf A2"}  # not Kelurahan B
        for person in (org.staff_a1, org.staff_a2):
            mine = [r for r in rows if r["NIP"] == person.nip]
            assert sum(r["Jumlah JP"] for r in mine) == jp_for_year(person, 2026)
    whole = f"/pelatihan/kelola/riwayat-siasn/unit-{org.kec.id}/2026.xlsx"
    _header, rows, _sheet = _rows(client.get(whole).data)
    assert {r["Nama"] for r in rows} == {"Staf A1", "Staf A2", "Staf B1"}
    page = client.get(f"/pelatihan/kelola/riwayat-siasn?unit={org.kel_a.id}&tahun=2026")
    assert url in page.get_data(as_text=True)
    audited = db.session.scalars(
        select(AuditEntry.target_id).where(AuditEntry.action == "workshops.history_export")
    ).all()
    assert sorted(audited) == sorted([org.kel_a.id, org.kel_a.id, org.kec.id])


def test_column_mapping_is_configurable(client, org, login_as, year_of):
    login_as(org.admin)
    client.post(
        "/pelatihan/dokumen/pengaturan",
        data={"siasn_columns": "nama_diklat = Nama Kursus\njp = JP\nunit = Unit Kerja"},
    )
    login_as(org.staff_a1)
    header, rows, _sheet = _rows(client.get("/pelatihan/riwayat-siasn/2026.xlsx").data)
    assert header == ["Nama Kursus", "JP", "Unit Kerja"]
    assert {r["Unit Kerja"] for r in rows} == {org.kel_a.name}
    login_as(org.admin)
    client.post("/pelatihan/dokumen/pengaturan", data={"siasn_columns": "gaji = Gaji"})
    login_as(org.staff_a1)
    header, _rows_, _sheet = _rows(client.get("/pelatihan/riwayat-siasn/2026.xlsx").data)
    assert header == ["Nama Kursus", "JP", "Unit Kerja"]  # the refused mapping was not stored


def test_linked_from_career_and_in_my_data(client, org, login_as, year_of):
    login_as(org.staff_a1)
    page = client.get("/karier").get_data(as_text=True)
    assert "/pelatihan/riwayat-siasn/" in page
    archive = zipfile.ZipFile(io.BytesIO(client.get("/karier/data-saya.zip").data))
    assert {"riwayat-diklat-siasn-2025.xlsx", "riwayat-diklat-siasn-2026.xlsx"} <= set(
        archive.namelist()
    )
    _header, rows, _sheet = _rows(archive.read("riwayat-diklat-siasn-2026.xlsx"))
    assert sum(r["Jumlah JP"] for r in rows) == jp_for_year(org.staff_a1, 2026)


def test_unit_history_queries_do_not_grow_with_people(client, org, login_as, year_of, queries):
    url = f"/pelatihan/kelola/riwayat-siasn/unit-{org.kec.id}/2026.xlsx"
    login_as(org.admin)
    client.get(url)  # issues the missing certificates
    with queries() as few:
        client.get(url)
    ws = wf.workshop(org.organizer, "Tambahan")
    s = wf.session(ws, starts_at=wf.utc(2026, 8, 3, 2, 0))
    for person in wf.many_staff(org.kel_b, 15):
        wf.registration(s, person, "confirmed", attended=True)
        wf.external(person, jp=2, learned_on=date(2026, 8, 4))
    client.get(url)
    with queries() as many:
        client.get(url)
    assert len(many.statements) == len(few.statements)
