"""Daftar hadir (issue 13): the sign-in sheet of a session lists exactly its confirmed
participants (No, Nama, NIP, Unit, Tanda tangan; the session in the header; pages numbered),
fonts embedded; the attendance recap after the session."""

import io
import os
import subprocess

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from blueprints.common.exports import spaced_nip
from tests import factories
from tests import factories_workshops as wf
from tests.test_documents_certificate import assert_fonts_embedded


@pytest.fixture
def org(org):
    wf.fast_logins()
    return org


def _pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def test_sheet_lists_exactly_the_confirmed_participants(client, org, login_as, tmp_path):
    ws = wf.workshop(org.organizer, "Pelayanan Publik yang Berempati")
    session = wf.session(ws, starts_at=wf.utc(2026, 3, 2, 2, 0), hours=3, venue="Aula Kantor Camat")
    confirmed = wf.many_staff(org.kel_a, 30, prefix="Hadirin")
    for person in confirmed:
        wf.registration(session, person, "confirmed")
    walk_in = factories.employee(org.kel_b, "Şahin Walk-in")
    wf.registration(session, walk_in, "confirmed", walk_in=True)
    wf.registration(session, org.staff_a1, "waitlisted")
    wf.registration(session, org.staff_a2, "cancelled")
    wf.registration(session, org.staff_b1, "pending_approval")
    other = wf.session(ws, starts_at=wf.utc(2026, 3, 9, 2, 0))
    wf.registration(other, org.staff_sek, "confirmed")

    login_as(org.organizer)
    response = client.get(f"/pelatihan/kelola/sesi/{session.id}/daftar-hadir.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pages = _pages(response.data)
    text = "\n".join(pages)
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert f"Halaman {number} dari {len(pages)}" in page
    assert "DAFTAR HADIR" in pages[0]
    for expected in (
        "Pelayanan Publik yang Berempati",
        "Senin, 2 Maret 2026",
        "09.00–12.00 WIB",
        "Aula Kantor Camat",
        "No",
        "Nama",
        "NIP",
        "Unit",
        "Tanda tangan",
        "KECAMATAN MEDAN MARELAN",
    ):
        assert expected in pages[0], expected
    listed = [p for p in [*confirmed, walk_in] if p.name in text and spaced_nip(p.nip) in text]
    assert len(listed) == 31
    for absent in (org.staff_a1, org.staff_a2, org.staff_b1, org.staff_sek):
        assert absent.name not in text and spaced_nip(absent.nip) not in text
    # numbered 1..31 (the signature boxes carry the numbers too)
    assert "31." in text and "32." not in text
    assert_fonts_embedded(response.data)

    out = os.environ.get("KEEP_RENDERS") or str(tmp_path)
    path = os.path.join(out, "daftar-hadir.pdf")
    with open(path, "wb") as handle:
        handle.write(response.data)
    subprocess.run(["pdftoppm", "-png", "-r", "60", path, path[:-4]], check=True)


def _words(text: str) -> str:
    return " ".join(text.split())


def _drawn_lines(pdf: bytes) -> list[str]:
    """Every text line as drawn (one text object each), in order."""
    lines = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        page.extract_text(visitor_text=lambda text, *_args: lines.append(text.strip()))
    return [line for line in lines if line]


def _lines_of(lines: list[str], whole: str) -> int:
    """On how many consecutive drawn lines ``whole`` is written (0: nowhere)."""
    for start in range(len(lines)):
        for end in range(start + 1, min(start + 12, len(lines)) + 1):
            if " ".join(lines[start:end]) == whole:
                return end - start
    return 0


def test_long_names_wrap_and_the_signatory_has_pangkat(client, org, login_as, tmp_path):
    """An official sheet never cuts a unit or a name: a long one wraps onto two lines (a very
    long one makes its row taller). The signatory: name, pangkat/golongan, NIP."""
    unit = factories.unit(
        "KEL-TR",
        "Seksi Ketenteraman dan Ketertiban Umum",
        org.kec,
        kind="kelurahan",
    )
    longest = factories.unit(
        "KEL-PL",
        "Kelurahan Paya Pasir, Seksi Pemberdayaan Masyarakat, Kesejahteraan Sosial, Pendidikan, "
        "Kebudayaan, Pemuda dan Olahraga serta Pembinaan Kelembagaan Kemasyarakatan",
        org.kec,
        kind="kelurahan",
    )
    long_name = "Dr. Hj. Siti Nurhaliza Rahmawati Br. Simanjuntak, S.Sos., M.A.P."
    people = [
        factories.employee(unit, long_name),
        factories.employee(longest, "Budi"),
        factories.employee(org.kel_a, "Ani"),
    ]
    wf.fast_logins()
    org.camat.golongan = "IV/a"
    ws = wf.workshop(org.organizer, "Pelayanan Publik yang Berempati")
    session = wf.session(ws, starts_at=wf.utc(2026, 3, 2, 2, 0), hours=3)
    for person in people:
        wf.registration(session, person, "confirmed")
    login_as(org.organizer)
    pdf = client.get(f"/pelatihan/kelola/sesi/{session.id}/daftar-hadir.pdf").data
    out = os.environ.get("KEEP_RENDERS") or str(tmp_path)  # kept for a human look
    path = os.path.join(out, "daftar-hadir-panjang.pdf")
    with open(path, "wb") as handle:
        handle.write(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "60", path, path[:-4]], check=True)
    assert os.path.getsize(path[:-4] + "-1.png") > 5000
    pages = _pages(pdf)
    text = "\n".join(pages)
    assert "…" not in text  # nothing cut
    words = _words(text)
    for whole in (unit.name, longest.name, long_name):
        assert whole in words, whole
    # as drawn, line by line: the unit and the name on two lines each, the longest unit on more
    lines = _drawn_lines(pdf)
    for whole, count in ((unit.name, 2), (long_name, 2)):
        assert _lines_of(lines, whole) == count, whole
    assert _lines_of(lines, longest.name) > 2
    # the signatory (the Camat by default): name, then pangkat/golongan, then NIP
    signature = _words(pages[-1])
    expected = f"Camat Uji Pembina, IV/a NIP {spaced_nip(org.camat.nip)}"
    assert expected in signature, signature[-200:]
    assert_fonts_embedded(pdf)


def test_sheet_only_for_the_workshops_organizers(client, org, login_as):
    ws = wf.workshop(org.organizer, "Teknik Presentasi")
    session = wf.session(ws)
    url = f"/pelatihan/kelola/sesi/{session.id}/daftar-hadir.pdf"
    login_as(org.staff_a1)
    assert client.get(url).status_code == 403
    other = factories.employee(org.sek, "Penyelenggara Lain", roles=["organizer"])
    wf.fast_logins()
    login_as(other)
    assert client.get(url).status_code in (403, 404)


def test_attendance_recap_after_the_session(client, org, login_as):
    ws = wf.workshop(org.organizer, "Teknik Presentasi")
    session = wf.session(ws, starts_at=wf.utc(2026, 3, 2, 2, 0), hours=3)
    wf.registration(session, org.staff_a1, "confirmed", attended=True)
    wf.registration(session, org.staff_a2, "confirmed", attended=False)
    wf.registration(session, org.staff_b1, "waitlisted")
    login_as(org.organizer)
    book = load_workbook(
        io.BytesIO(client.get(f"/pelatihan/kelola/sesi/{session.id}/rekap-kehadiran.xlsx").data)
    )
    rows = list(book["Rekap kehadiran"].iter_rows(min_row=2, values_only=True))
    by_name = {row[2]: row for row in rows}
    assert set(by_name) == {"Staf A1", "Staf A2"}
    assert by_name["Staf A1"][5] == "Hadir" and by_name["Staf A1"][7] == 4
    assert by_name["Staf A2"][5] == "Tidak hadir" and by_name["Staf A2"][7] == 0
    summary = list(book["Ringkasan"].iter_rows(min_row=2, values_only=True))[0]
    assert summary[2:] == (2, 1, 0.5)
    assert book["Ringkasan"]["E2"].number_format == "0.0%"
