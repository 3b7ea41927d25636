"""Calendar files, certificates with verification, and formula-safe exports."""

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from blueprints.common.timefmt import utcnow
from blueprints.workshops.models import Certificate, Registration
from extensions import db
from tests import factories
from tests import factories_workshops as wf
from tests.conftest import YES

WIB = ZoneInfo("Asia/Jakarta")


@pytest.fixture
def org(org):
    wf.fast_logins()
    return org


@pytest.fixture
def ws(org):
    return wf.workshop(org.organizer, "Komunikasi Efektif dengan Masyarakat")


def _events(body: bytes):
    cal = Calendar.from_ical(body)
    return [c for c in cal.walk() if c.name == "VEVENT"], cal


def test_session_ics_parses_with_wib_times(client, org, login_as, ws):
    # 2 Mar 2026 02:00 UTC = 09:00 WIB
    s = wf.session(ws, starts_at=wf.utc(2026, 3, 2, 2, 0), hours=3)
    login_as(org.staff_a1)
    response = client.get(f"/pelatihan/sesi/{s.id}/kalender.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    events, cal = _events(response.data)
    assert len(events) == 1
    start, end = events[0].decoded("dtstart"), events[0].decoded("dtend")
    assert start == datetime(2026, 3, 2, 9, 0, tzinfo=WIB)
    assert (start.hour, end.hour) == (9, 12)
    assert str(start.tzinfo) == "Asia/Jakarta"
    assert "TZID=Asia/Jakarta" in response.get_data(as_text=True)
    assert any(c.name == "VTIMEZONE" for c in cal.walk())
    assert str(events[0]["summary"]) == "Komunikasi Efektif dengan Masyarakat"


def test_personal_feed_at_a_secret_url_that_can_be_reset(client, org, login_as, ws):
    mine = wf.session(ws, starts_at=utcnow() + timedelta(days=3))
    other = wf.session(
        wf.workshop(org.organizer, "Teknik Presentasi"), starts_at=utcnow() + timedelta(days=4)
    )
    wf.registration(mine, org.staff_a1, "confirmed")
    wf.registration(other, org.staff_a2, "confirmed")
    login_as(org.staff_a1)
    page = client.get("/pelatihan/saya").get_data(as_text=True)
    start = page.index("/pelatihan/kalender/")
    url = page[start : page.index('"', start)]
    client.post("/keluar")
    response = client.get(url)  # no login: calendar apps have no session
    assert response.status_code == 200
    events, _cal = _events(response.data)
    assert [str(e["summary"]) for e in events] == ["Komunikasi Efektif dengan Masyarakat"]
    assert client.get("/pelatihan/kalender/tebakan-acak.ics").status_code == 404
    login_as(org.staff_a1)
    client.post("/pelatihan/kalender/reset", data=YES)
    client.post("/keluar")
    assert client.get(url).status_code == 404


def _attended(ws, person, **kwargs):
    s = wf.session(ws, starts_at=wf.utc(2026, 3, 2, 2, 0), hours=3, **kwargs)
    return s, wf.registration(s, person, "confirmed", attended=True)


def test_certificate_pdf_contains_code_and_verification_page(client, org, login_as, ws):
    s, reg = _attended(ws, org.staff_a1)
    login_as(org.staff_a1)
    response = client.get(f"/pelatihan/sertifikat/{reg.id}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    cert = db.session.scalars(select(Certificate)).one()
    assert len(cert.code) >= 20
    reader = PdfReader(io.BytesIO(response.data))
    text = "".join(page.extract_text() for page in reader.pages)
    assert cert.code in text
    assert len(reader.pages[0].images) == 1  # the QR code
    assert f"/verifikasi/{cert.code}" in text
    assert "Staf A1" in text and "Komunikasi Efektif" in text and "4 JP" in text
    # Downloading again reuses the same certificate.
    client.get(f"/pelatihan/sertifikat/{reg.id}.pdf")
    assert len(db.session.scalars(select(Certificate)).all()) == 1
    client.post("/keluar")
    page = client.get(f"/verifikasi/{cert.code}")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "Staf A1" in body and "Komunikasi Efektif dengan Masyarakat" in body
    assert "2 Maret 2026" in body
    # Nothing else about the person.
    for secret in (org.staff_a1.nip, org.staff_a1.email, org.kel_a.name, "Pelaksana"):
        assert secret not in body
    assert client.get("/verifikasi/kode-karangan-sendiri").status_code == 404
    assert client.get(f"/verifikasi/{cert.code[:-1]}x").status_code == 404


def test_certificate_only_for_attendance_and_to_the_right_people(client, org, login_as, ws):
    s, reg = _attended(ws, org.staff_a1)
    no_show = wf.registration(s, org.staff_a2, "confirmed", attended=False)
    login_as(org.staff_a2)
    assert client.get(f"/pelatihan/sertifikat/{no_show.id}.pdf").status_code == 404
    assert client.get(f"/pelatihan/sertifikat/{reg.id}.pdf").status_code == 404  # not theirs
    login_as(org.organizer)
    assert client.get(f"/pelatihan/sertifikat/{reg.id}.pdf").status_code == 200
    # Unmarking the attendance invalidates the certificate.
    code = db.session.scalars(select(Certificate.code)).one()
    assert client.get(f"/verifikasi/{code}").status_code == 200
    client.post(f"/pelatihan/kelola/pendaftaran/{reg.id}/kehadiran", data={"hadir": "0"})
    assert client.get(f"/verifikasi/{code}").status_code == 404


def test_certificate_keeps_names_outside_latin1(client, org, login_as, ws):
    person = factories.employee(org.kel_a, "Nguyễn Thị Ánh ‘Siti’ — Şahin")
    wf.fast_logins()
    _s, reg = _attended(ws, person)
    login_as(person)
    response = client.get(f"/pelatihan/sertifikat/{reg.id}.pdf")
    assert response.status_code == 200
    text = PdfReader(io.BytesIO(response.data)).pages[0].extract_text()
    assert "Nguyễn Thị Ánh ‘Siti’ — Şahin" in text  # an embedded Unicode font, nothing mangled


def test_exports_are_formula_safe(client, org, login_as, ws):
    evil = factories.employee(org.kel_a, '=HYPERLINK("x")')
    s = wf.session(ws, capacity=1)
    wf.registration(s, evil, "confirmed")
    wf.registration(s, org.staff_a1, "waitlisted")
    login_as(org.organizer)
    response = client.get(f"/pelatihan/kelola/sesi/{s.id}/peserta.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][2] == "Nama"
    cells = [c for c in sheet[2]]
    name_cell = cells[2]
    assert name_cell.data_type == "s"
    assert name_cell.value == '\'=HYPERLINK("x")'
    assert rows[2][2] == "Staf A1" and rows[2][5] == "Daftar tunggu" and rows[2][6] == 1
    csv_text = client.get(f"/pelatihan/kelola/sesi/{s.id}/peserta.csv").get_data(as_text=True)
    assert "'=HYPERLINK" in csv_text
    assert ",=HYPERLINK" not in csv_text and '"=HYPERLINK' not in csv_text
    assert db.session.scalar(select(Registration.id).limit(1))
