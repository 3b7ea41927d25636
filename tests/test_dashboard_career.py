"""My career (profil karier) and "my data": one person's records, all of them, nobody else's,
and never a survey or upward-feedback answer."""

import csv
import io
import json
import zipfile
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from blueprints.admin.audit import audit
from blueprints.admin.models import AuditEntry
from blueprints.common.anonymity import random_id
from blueprints.common.exports import spaced_nip
from blueprints.common.timefmt import today_wib
from blueprints.feedback.models import (
    SelfReflection,
    UpwardAnswer,
    UpwardParticipation,
    UpwardRound,
)
from blueprints.notifications.services import notify
from blueprints.surveys.models import SurveyAnswer, SurveyResponse
from blueprints.workshops.certificates import issue_certificate
from extensions import db
from tests import factories_dashboard as fd


@pytest.fixture
def lives(org):
    """staff_a1's records and staff_a2's look-alikes (every text of a2 says MILIK-A2)."""
    a1, a2, lurah = org.staff_a1, org.staff_a2, org.lurah_a
    year = today_wib().year
    w = fd.workshop(org.organizer, "Teknik Presentasi")
    past = fd.session(w, starts=fd.this_year_past(), hours=1, jp=8)
    ahead = fd.session(w, days=12)
    ns = type("Lives", (), {})()
    ns.attended = fd.register(past, a1, attended=True)
    ns.ahead = fd.register(ahead, a1)
    fd.register(past, a2, attended=True)
    ns.verified = fd.external(a1, jp=12, status="verified", title="E-learning Pelayanan Prima")
    ns.formula = fd.external(a1, jp=3, status="rejected", title="=cmd|' /C calc'!A0")
    fd.external(a1, jp=9, status="verified", day=date(year - 1, 5, 2), title="Kursus tahun lalu")
    fd.external(a2, jp=5, status="pending", title="CATATAN MILIK-A2")
    ns.received = fd.feedback(
        lurah,
        a1,
        improvements="Paparan perlu lebih runtut",
        follow_ups=[("Latihan paparan di rapat staf", today_wib() + timedelta(days=20), False)],
    )
    fd.feedback(lurah, a2, improvements="UMPAN BALIK MILIK-A2")
    ns.request = fd.request(a1, lurah, topic="Cara saya menjelaskan persyaratan")
    fd.request(a2, lurah, topic="PERMINTAAN MILIK-A2")
    ns.goal = fd.goal(a1, status="agreed", title="Paparan runtut di musyawarah")
    fd.goal(a2, title="SASARAN MILIK-A2")
    db.session.add_all(
        [
            SelfReflection(employee_id=a1.id, went_well="Loket lebih tertib"),
            SelfReflection(employee_id=a2.id, went_well="REFLEKSI MILIK-A2"),
        ]
    )
    with org_request_context():
        notify(a1, "feedback.received", link="/umpan-balik/1", author=lurah.name)
        notify(a2, "feedback.received", link="/umpan-balik/2", author="PENGIRIM MILIK-A2")
    audit("account.updated", a1, "jabatan diubah", actor=org.admin)
    audit("account.updated", a2, "AUDIT MILIK-A2", actor=org.admin)
    # A survey a1 answered: participation, and apart from it an anonymous answer.
    wave = fd.wave([org.kec], title="Survei Layanan Daring")
    fd.participate(wave, a1)
    response = SurveyResponse(
        id=random_id(), wave_id=wave.id, unit_id=a1.unit_id, submitted_on=today_wib()
    )
    db.session.add(response)
    db.session.flush()
    text_question = next(q for q in wave.instrument.questions if q.kind == "text")
    db.session.add(
        SurveyAnswer(
            response_id=response.id, question_id=text_question.id, text="JAWABAN-SURVEI-RAHASIA"
        )
    )
    # An upward round a1 answered about the lurah.
    round_ = UpwardRound(
        title="Triwulan Uji",
        opens_on=today_wib() - timedelta(days=3),
        closes_on=today_wib() + timedelta(days=5),
        min_group=3,
        comment_min_group=5,
    )
    db.session.add(round_)
    db.session.flush()
    db.session.add(UpwardParticipation(round_id=round_.id, employee_id=a1.id))
    db.session.add(
        UpwardAnswer(
            id=random_id(),
            round_id=round_.id,
            leader_id=lurah.id,
            answered_on=today_wib(),
            clarity=2,
            listening=2,
            fairness=2,
            feedback=2,
            growth=2,
            comment="KOMENTAR-ATASAN-RAHASIA",
        )
    )
    ns.wave = wave
    ns.round = round_
    db.session.commit()
    ns.certificate = issue_certificate(ns.attended)
    db.session.commit()
    return ns


def org_request_context():
    from flask import current_app

    return current_app.test_request_context()


def _zip(client) -> zipfile.ZipFile:
    response = client.get("/karier/data-saya.zip")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    return zipfile.ZipFile(io.BytesIO(response.data))


def _text_of(archive: zipfile.ZipFile, name: str) -> str:
    """A text file as text; an XLSX (the SIASN history) as the text of its cells."""
    if name.endswith(".xlsx"):
        book = load_workbook(io.BytesIO(archive.read(name)))
        return " ".join(
            str(value)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
    return archive.read(name).decode("utf-8")


def test_my_data_holds_my_records_and_no_one_elses(org, lives, client, login_as):
    a1 = org.staff_a1
    login_as(a1)
    archive = _zip(client)
    names = set(archive.namelist())
    assert {"README.txt", "data-saya.json", "profil.csv", "pendaftaran_pelatihan.csv"} <= names
    everything = " ".join(_text_of(archive, name) for name in names)
    assert "MILIK-A2" not in everything  # nothing of staff_a2's
    assert org.staff_a2.nip not in everything and org.staff_a2.email not in everything
    # Never an answer: neither the survey text nor the upward comment or scores.
    assert "JAWABAN-SURVEI-RAHASIA" not in everything
    assert "KOMENTAR-ATASAN-RAHASIA" not in everything
    data = json.loads(archive.read("data-saya.json"))
    assert data["profil"][0]["nip"] == a1.nip and data["profil"][0]["email"] == a1.email
    assert "password" not in json.dumps(data["profil"]).lower()
    assert {r["id"] for r in data["pendaftaran_pelatihan"]} == {lives.attended.id, lives.ahead.id}
    assert [c["kode"] for c in data["sertifikat"]] == [lives.certificate.code]
    assert {e["kegiatan"] for e in data["pembelajaran_eksternal"]} == {
        "E-learning Pelayanan Prima",
        "=cmd|' /C calc'!A0",
        "Kursus tahun lalu",
    }
    year = today_wib().year
    assert {r["tahun"]: r["jp"] for r in data["jp_per_tahun"]} == {year: 20, year - 1: 9}
    assert [f["id"] for f in data["umpan_balik_diterima"]] == [lives.received.id]
    assert data["umpan_balik_diterima"][0]["area_perbaikan"] == "Paparan perlu lebih runtut"
    assert [t["tindakan"] for t in data["tindak_lanjut"]] == ["Latihan paparan di rapat staf"]
    assert [r["id"] for r in data["permintaan_umpan_balik"]] == [lives.request.id]
    assert [g["id"] for g in data["rencana_pengembangan"]] == [lives.goal.id]
    assert [r["yang_berjalan_baik"] for r in data["refleksi_diri"]] == ["Loket lebih tertib"]
    assert len(data["notifikasi"]) == 1 and org.lurah_a.name in data["notifikasi"][0]["teks"]
    assert [a["rincian"] for a in data["jejak_audit"] if a["tentang_saya"]] == ["jabatan diubah"]
    # Participation only.
    assert data["partisipasi_survei"] == [
        {
            "survei": "Survei Layanan Daring",
            "dibuka": lives.wave.opens_on.isoformat(),
            "ditutup": lives.wave.closes_on.isoformat(),
        }
    ]
    assert [r["putaran"] for r in data["partisipasi_umpan_balik_ke_atas"]] == ["Triwulan Uji"]

    # CSV: one file per dataset through the export helper (Indonesian: ";"), formulas
    # neutralised, the certificate with its stored number and the holder's NIP as text.
    def read_csv(name):
        text = archive.read(name).decode("utf-8-sig")
        return list(csv.DictReader(io.StringIO(text), delimiter=";"))

    rows = read_csv("pembelajaran_eksternal.csv")
    assert "'=cmd|' /C calc'!A0" in {row["kegiatan"] for row in rows}
    [held] = read_csv("sertifikat.csv")
    assert held["nomor"] == lives.certificate.number and lives.certificate.number
    assert held["nip_pemegang"] == spaced_nip(a1.nip)
    assert data["sertifikat"][0]["nomor"] == lives.certificate.number
    # The download itself is recorded.
    assert db.session.scalars(
        select(AuditEntry).where(
            AuditEntry.action == "dashboard.my_data_downloaded", AuditEntry.target_id == a1.id
        )
    ).first()


def test_my_data_of_a_leader_includes_feedback_given_and_requests_received(
    org, lives, client, login_as
):
    login_as(org.lurah_a)
    data = json.loads(_zip(client).read("data-saya.json"))
    given = {f["pihak_lain"] for f in data["umpan_balik_diberikan"]}
    assert given == {org.staff_a1.name, org.staff_a2.name}  # what she wrote, to both
    roles = {(r["peran"], r["pihak_lain"]) for r in data["permintaan_umpan_balik"]}
    assert roles == {
        ("pimpinan_diminta", org.staff_a1.name),
        ("pimpinan_diminta", org.staff_a2.name),
    }
    assert data["umpan_balik_diterima"] == [] and data["partisipasi_survei"] == []


def test_my_data_needs_login(client):
    assert client.get("/karier/data-saya.zip").status_code == 302


def test_career_page(org, lives, client, login_as):
    login_as(org.staff_a1)
    html = client.get("/karier").get_data(as_text=True)
    year = today_wib().year
    assert "Karier Saya" in html and "20 <span" in html  # JP this year (8 + 12)
    assert f'href="/pelatihan/jp?tahun={year - 1}"' in html
    assert f"/pelatihan/sertifikat/{lives.attended.id}.pdf" in html
    assert f"/pelatihan/sesi/{lives.ahead.session_id}" in html
    assert "Terverifikasi" in html and "Ditolak" in html
    assert f"/umpan-balik/{lives.received.id}" in html and "Latihan paparan di rapat staf" in html
    assert "Paparan runtut di musyawarah" in html
    # The survey: open to me, answered — and nothing of what was answered.
    assert "Survei Layanan Daring" in html and "Sudah diisi" in html
    assert "JAWABAN-SURVEI-RAHASIA" not in html
    assert "/karier/data-saya.zip" in html
    flat = html.replace("\n", "")
    assert f'<th scope="row">{year - 1}</th><td class="num">9</td>' in flat


def test_career_jp_history_counts_each_year(org, client, login_as):
    year = today_wib().year
    fd.external(org.staff_b1, jp=7, status="verified", day=date(year - 2, 3, 3))
    fd.external(org.staff_b1, jp=4, status="pending", day=date(year - 2, 3, 4))
    db.session.commit()
    login_as(org.staff_b1)
    html = client.get("/karier").get_data(as_text=True).replace("\n", "")
    assert f'<th scope="row">{year - 2}</th><td class="num">7</td>' in html
    assert f'<th scope="row">{year}</th><td class="num">0</td>' in html
