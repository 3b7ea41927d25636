"""The certificate as an official document (issue 13): kop, number, NIP, pangkat/golongan,
jabatan, place and date, signatory; fonts embedded; numbers unique and sequential per year,
also under concurrent issuing (SQLite and, with TEST_DATABASE_URL, PostgreSQL)."""

import http.client
import io
import os
import subprocess
import threading
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from blueprints.common.refusals import Refused
from blueprints.workshops import documents
from blueprints.workshops.certificates import issue_certificate
from blueprints.workshops.models import Certificate, CertificateCounter
from extensions import db
from tests import factories
from tests import factories_workshops as wf
from tests.test_workshops_concurrency import Server

PNG_1PX = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99"
    b"=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def org(org):
    wf.fast_logins()
    org.camat.golongan = "IV/a"
    org.staff_a1.golongan = "III/b"
    org.staff_a1.jabatan = "Pengadministrasi Umum"
    db.session.commit()
    return org


@pytest.fixture
def ws(org):
    return wf.workshop(org.organizer, "Komunikasi Efektif dengan Masyarakat")


def _attended(ws, person, day=2):
    s = wf.session(ws, starts_at=wf.utc(2026, 3, day, 2, 0), hours=3)
    return s, wf.registration(s, person, "confirmed", attended=True)


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _fonts(pdf: bytes) -> list[dict]:
    """Every font dictionary of every page, with its descriptor."""
    fonts = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        resources = page["/Resources"].get_object()
        for font in resources["/Font"].get_object().values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            target = descendants[0].get_object() if descendants else font
            fonts.append(
                {
                    "base": str(font["/BaseFont"]),
                    "subtype": str(font["/Subtype"]),
                    "descriptor": target.get("/FontDescriptor"),
                }
            )
    return fonts


def assert_fonts_embedded(pdf: bytes) -> None:
    fonts = _fonts(pdf)
    assert fonts
    for font in fonts:
        assert font["subtype"] == "/Type0", font  # a CID font, not a core Latin-1 font
        descriptor = font["descriptor"].get_object()
        assert any(key in descriptor for key in ("/FontFile2", "/FontFile3", "/FontFile")), font
        assert "Helvetica" not in font["base"] and "Courier" not in font["base"]


def test_certificate_is_an_official_document(client, org, login_as, ws):
    ws.signatory_title = ""  # the default signatory: the head of the top unit
    _s, reg = _attended(ws, org.staff_a1)
    login_as(org.staff_a1)
    response = client.get(f"/pelatihan/sertifikat/{reg.id}.pdf")
    assert response.status_code == 200
    cert = db.session.scalars(select(Certificate)).one()
    year = cert.issued_on.year
    assert cert.number == f"001/SERT/KEC-MRL/{year}"
    text = _text(response.data)
    for expected in (
        "PEMERINTAH KOTA MEDAN",
        "KECAMATAN MEDAN MARELAN",
        "Kota Medan, Sumatera Utara",
        "SERTIFIKAT",
        f"Nomor: 001/SERT/KEC-MRL/{year}",
        "Staf A1",
        documents.spaced_nip(org.staff_a1.nip),
        "Penata Muda Tingkat I, III/b",
        "Pengadministrasi Umum",
        "Komunikasi Efektif dengan Masyarakat",
        "2 Maret 2026",
        "4 JP",
        "Medan, ",
        "Camat Medan Marelan",
        "Camat Uji",
        "Pembina, IV/a",
        "NIP " + documents.spaced_nip(org.camat.nip),
        cert.code,
    ):
        assert expected in text, expected
    assert_fonts_embedded(response.data)
    reader = PdfReader(io.BytesIO(response.data))
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog and catalog["/MarkInfo"]["/Marked"]
    assert str(catalog["/Lang"]) == "id-ID"
    # the verification page shows the number
    client.post("/keluar")
    body = client.get(f"/verifikasi/{cert.code}").get_data(as_text=True)
    assert cert.number in body and org.staff_a1.nip not in body


def test_workshop_signatory_settings_and_uploaded_emblem(client, org, login_as, ws, app):
    ws.signatory_name = "Drs. Budi Santoso, M.Si"
    ws.signatory_nip = factories.nip_for(77)
    ws.signatory_rank = "Pembina Tingkat I, IV/b"
    ws.signatory_title = "Sekretaris Camat"
    db.session.commit()
    login_as(org.admin)
    response = client.post(
        "/pelatihan/dokumen/pengaturan",
        data={
            "kop_address": "Jl. Contoh No. 1, Medan Marelan 20255",
            "issue_place": "Medan Marelan",
            "number_pattern": "SERT-{year}-{seq:04d}",
            "emblem": (io.BytesIO(PNG_1PX), "lambang.png"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    assert documents.emblem_path() is not None
    _s, reg = _attended(ws, org.staff_a1)
    login_as(org.staff_a1)
    pdf = client.get(f"/pelatihan/sertifikat/{reg.id}.pdf").data
    text = _text(pdf)
    cert = db.session.scalars(select(Certificate)).one()
    assert cert.number == f"SERT-{cert.issued_on.year}-0001"
    for expected in (
        "Jl. Contoh No. 1, Medan Marelan 20255",
        "Medan Marelan, ",
        "Sekretaris Camat",
        "Drs. Budi Santoso, M.Si",
        "Pembina Tingkat I, IV/b",
        cert.number,
    ):
        assert expected in text, expected
    assert len(PdfReader(io.BytesIO(pdf)).pages[0].images) == 2  # emblem and QR


def test_emblem_must_be_a_small_png_or_jpeg(client, org, login_as):
    login_as(org.admin)
    for name, data in (
        ("x.png", b"GIF89a" + b"\0" * 20),
        ("x.png", b"\x89PNG\r\n\x1a\n" + b"garbage"),
    ):
        client.post(
            "/pelatihan/dokumen/pengaturan",
            data={"emblem": (io.BytesIO(data), name)},
            content_type="multipart/form-data",
        )
        assert documents.emblem_path() is None
    too_big = FileStorage(io.BytesIO(PNG_1PX + b"\0" * documents.EMBLEM_MAX_BYTES), "x.png")
    with pytest.raises(Refused):
        documents.save_emblem(too_big)
    assert documents.emblem_path() is None
    login_as(org.organizer)
    assert client.get("/pelatihan/dokumen/pengaturan").status_code == 403


def test_bad_number_pattern_is_refused(client, org, login_as):
    login_as(org.admin)
    for pattern, error in (
        ("SERT/{year}", "Pola nomor harus memuat {seq}."),
        ("{nomor}/{year}", "Pola nomor hanya boleh memakai {seq} dan {year}."),
        ("{seq", "Pola nomor hanya boleh memakai {seq} dan {year}."),
        ("{seq!s:.1}/{year}", "Pola nomor harus memuat {seq}."),  # 1 and 11 alike
        # the sequence restarts every year: without the year, next year's numbers repeat
        ("SERT-{seq:04d}", "Pola nomor harus memuat {year}"),
        ("{{year}}-{seq:04d}", "Pola nomor harus memuat {year}"),
        ("{seq:03d}/{year!s:.2}", "Pola nomor harus memuat {year}"),
        ("{seq:999999999}/{year}", "Pola nomor terlalu panjang."),  # refused before formatting
        ("{seq:{year}}/{year}", "Pola nomor hanya boleh memakai {seq} dan {year}."),
    ):
        response = client.post("/pelatihan/dokumen/pengaturan", data={"number_pattern": pattern})
        assert response.status_code == 422, pattern
        assert error in response.get_data(as_text=True), pattern  # under the field
        assert documents.text_setting("number_pattern") == "{seq:03d}/SERT/KEC-MRL/{year}"
        with pytest.raises(Refused):
            documents.check_number_pattern(pattern)
    for pattern in ("SERT-{year}-{seq:04d}", "{seq}{year}", "{year}/{seq:05d}/DIKLAT"):
        assert documents.check_number_pattern(pattern) == pattern


def test_numbers_are_sequential_per_year_and_downloads_reuse_them(client, org, login_as, ws):
    people = wf.many_staff(org.kel_a, 5)
    regs = [_attended(ws, person, day=2 + i)[1] for i, person in enumerate(people)]
    login_as(org.organizer)
    for reg in regs[:3]:
        assert client.get(f"/pelatihan/sertifikat/{reg.id}.pdf").status_code == 200
    assert client.get(f"/pelatihan/sertifikat/{regs[0].id}.pdf").status_code == 200
    rows = db.session.execute(
        select(Certificate.registration_id, Certificate.number_seq).order_by(Certificate.id)
    ).all()
    assert [seq for _r, seq in rows] == [1, 2, 3]
    year = db.session.scalar(select(Certificate.number_year).limit(1))
    # a certificate issued in the next year starts again at 1, in that year's number
    new_year = issue_certificate(regs[3], today=date(year + 1, 1, 2))
    db.session.commit()
    assert (new_year.number_year, new_year.number_seq) == (year + 1, 1)
    assert new_year.number == f"001/SERT/KEC-MRL/{year + 1}"
    assert new_year.issued_on == date(year + 1, 1, 2)
    assert db.session.get(CertificateCounter, year).last == 3
    assert db.session.get(CertificateCounter, year + 1).last == 1
    # and this year's sequence goes on where it was
    assert client.get(f"/pelatihan/sertifikat/{regs[4].id}.pdf").status_code == 200
    last = db.session.scalars(
        select(Certificate).where(Certificate.registration_id == regs[4].id)
    ).one()
    assert (last.number_year, last.number_seq) == (year, 4)
    assert last.number == f"004/SERT/KEC-MRL/{year}"
    pdf = client.get(f"/pelatihan/sertifikat/{new_year.registration_id}.pdf").data
    assert f"Nomor: 001/SERT/KEC-MRL/{year + 1}" in _text(pdf)


def test_a_number_already_taken_is_refused_not_a_server_error(client, org, login_as, ws):
    """The counter out of step with the certificates (a restored backup, a year-less pattern kept
    from before the rule): the number is on another certificate. The download says so (409), keeps
    nothing, and the other downloads go on working."""
    people = wf.many_staff(org.kel_a, 2)
    first, second = (_attended(ws, person, day=2 + i)[1] for i, person in enumerate(people))
    login_as(org.organizer)
    assert client.get(f"/pelatihan/sertifikat/{first.id}.pdf").status_code == 200
    year = db.session.scalar(select(Certificate.number_year))
    db.session.get(CertificateCounter, year).last = 0
    db.session.commit()
    response = client.get(f"/pelatihan/sertifikat/{second.id}.pdf")
    assert response.status_code == 409
    body = response.get_data(as_text=True)
    assert f"001/SERT/KEC-MRL/{year}" in body and "Pengaturan dokumen" in body
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Certificate.id))) == 1
    assert db.session.get(CertificateCounter, year).last == 0  # rolled back with the savepoint
    assert client.get(f"/pelatihan/sertifikat/{first.id}.pdf").status_code == 200
    # the unit's SIASN ZIP, which issues the owed certificates too, answers the same way
    zipped = client.get(f"/pelatihan/kelola/riwayat-siasn/unit-{org.kel_a.id}/2026.zip")
    assert zipped.status_code == 409
    assert db.session.scalar(select(func.count(Certificate.id))) == 1
    # once the counter is mended, the number is the next free one
    db.session.get(CertificateCounter, year).last = 1
    db.session.commit()
    login_as(org.organizer)
    assert client.get(f"/pelatihan/sertifikat/{second.id}.pdf").status_code == 200
    assert (
        db.session.scalars(
            select(Certificate.number).where(Certificate.registration_id == second.id)
        ).one()
        == f"002/SERT/KEC-MRL/{year}"
    )


def test_a_year_less_pattern_kept_from_before_the_rule_refuses_cleanly(client, org, login_as, ws):
    documents._put("number_pattern", {"text": "SERT-{seq:04d}"})  # stored before the rule
    db.session.commit()
    _s, reg = _attended(ws, org.staff_a1)
    login_as(org.staff_a1)
    response = client.get(f"/pelatihan/sertifikat/{reg.id}.pdf")
    assert response.status_code == 409
    assert "Pengaturan dokumen" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Certificate.id))) == 0
    # the admin sees the error under the field until the pattern is mended
    login_as(org.admin)
    page = client.post("/pelatihan/dokumen/pengaturan", data={"number_pattern": "SERT-{seq:04d}"})
    assert page.status_code == 422
    fixed = client.post(
        "/pelatihan/dokumen/pengaturan", data={"number_pattern": "SERT-{seq:04d}/{year}"}
    )
    assert fixed.status_code == 303
    login_as(org.staff_a1)
    assert client.get(f"/pelatihan/sertifikat/{reg.id}.pdf").status_code == 200


def test_concurrent_issuing_gives_unique_gapless_numbers(app, org, ws):
    people = wf.many_staff(org.kel_a, 12)
    regs = [_attended(ws, person)[1] for person in people]
    reg_ids = [r.id for r in regs]
    server = Server(app)
    try:
        status, _body, headers = server.request(
            "POST",
            "/masuk",
            data={"identifier": org.organizer.email, "password": factories.PASSWORD},
        )
        assert status == 303
        cookie = "; ".join(c.split(";", 1)[0] for c in headers.get_all("Set-Cookie"))
        # two downloads of each certificate at once: one certificate and one number each
        paths = [f"/pelatihan/sertifikat/{rid}.pdf" for rid in reg_ids for _ in range(2)]
        barrier = threading.Barrier(len(paths))
        statuses = [None] * len(paths)

        def fetch(i):
            barrier.wait()
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
            conn.request("GET", paths[i], headers={"Cookie": cookie})
            response = conn.getresponse()
            response.read()
            statuses[i] = response.status
            conn.close()

        threads = [threading.Thread(target=fetch, args=(i,)) for i in range(len(paths))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=180)
    finally:
        server.stop()
    assert statuses == [200] * len(paths)
    db.session.expire_all()
    rows = db.session.execute(select(Certificate.registration_id, Certificate.number_seq)).all()
    assert sorted(r for r, _s in rows) == sorted(reg_ids)
    assert sorted(s for _r, s in rows) == list(range(1, len(reg_ids) + 1))


def test_render_certificate_png_for_review(client, org, login_as, ws, tmp_path):
    """pdftoppm renders the page (the picture is kept with KEEP_RENDERS for a human look)."""
    person = factories.employee(org.kel_a, "Nguyễn Thị Ánh ‘Siti’ — Ţuţu Şahin")
    wf.fast_logins()
    _s, reg = _attended(ws, person)
    login_as(person)
    pdf = client.get(f"/pelatihan/sertifikat/{reg.id}.pdf").data
    assert "Nguyễn Thị Ánh ‘Siti’ — Ţuţu Şahin" in _text(pdf)
    out = os.environ.get("KEEP_RENDERS") or str(tmp_path)
    path = os.path.join(out, "certificate.pdf")
    with open(path, "wb") as handle:
        handle.write(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "60", path, path[:-4]], check=True)
    assert os.path.getsize(path[:-4] + "-1.png") > 5000


def test_organizer_sets_the_workshops_signatory(client, org, login_as, ws):
    login_as(org.organizer)
    data = {
        "title": ws.title,
        "competency_type": "teknis",
        "learning_form": "klasikal",
        "learning_kind": "pelatihan",
        "active": "y",
        "signatory_title": "Sekretaris Camat Medan Marelan",
        "signatory_name": "Sekcam Uji",
        "signatory_nip": documents.spaced_nip(org.sekcam.nip),
        "signatory_rank": "Penata Tingkat I, III/d",
    }
    response = client.post(f"/pelatihan/kelola/program/{ws.id}/ubah", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)[:300]
    db.session.refresh(ws)
    assert ws.signatory_nip == org.sekcam.nip
    bad = client.post(
        f"/pelatihan/kelola/program/{ws.id}/ubah", data={**data, "signatory_nip": "123"}
    )
    assert bad.status_code == 422
    _s, reg = _attended(ws, org.staff_a1)
    text = _text(client.get(f"/pelatihan/sertifikat/{reg.id}.pdf").data)
    for expected in ("Sekretaris Camat Medan Marelan", "Sekcam Uji", "Penata Tingkat I, III/d"):
        assert expected in text
    assert "NIP " + documents.spaced_nip(org.sekcam.nip) in text


def test_a_name_outside_the_reduced_fonts_is_drawn_with_the_full_ones(client, org, login_as, ws):
    person = factories.employee(org.kel_a, "Արամ Petrosyan")  # Armenian: only the full font
    wf.fast_logins()
    _s, reg = _attended(ws, person)
    login_as(person)
    pdf = client.get(f"/pelatihan/sertifikat/{reg.id}.pdf").data
    assert "Արամ Petrosyan" in _text(pdf)
    assert_fonts_embedded(pdf)


def test_the_printed_verification_address_is_the_public_one(app, client, org, login_as, ws):
    """A certificate downloaded on the server's own address still prints the address every
    reader reaches (PUBLIC_BASE_URL), for the text and the QR alike."""
    _s, reg = _attended(ws, org.staff_a1)
    login_as(org.staff_a1)
    before = app.config["PUBLIC_BASE_URL"]
    app.config["PUBLIC_BASE_URL"] = "https://karier.marelan.go.id"
    try:
        response = client.get(f"/pelatihan/sertifikat/{reg.id}.pdf")  # on http://localhost
    finally:
        app.config["PUBLIC_BASE_URL"] = before
    cert = db.session.scalars(select(Certificate)).one()
    text = " ".join(_text(response.data).split())
    assert f"https://karier.marelan.go.id/verifikasi/{cert.code}" in text.replace(" ", "")
    assert "localhost" not in text
