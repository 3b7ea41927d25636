"""Who may do what: organizers manage, staff do not; evidence files stay with those allowed."""

import io
from datetime import timedelta

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import stream_encode_multipart

from blueprints.common.timefmt import utcnow
from blueprints.workshops.models import ExternalLearning, Registration, WorkshopSession
from extensions import db
from tests import factories
from tests import factories_workshops as wf
from tests.conftest import HX, YES

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def org(org):
    wf.fast_logins()
    return org


@pytest.fixture
def ws(org):
    return wf.workshop(org.organizer, "Teknik Presentasi")


ORGANIZER_GETS = [
    "/pelatihan/kelola",
    "/pelatihan/kelola/program/baru",
    "/pelatihan/kelola/program/{w}",
    "/pelatihan/kelola/program/{w}/ubah",
    "/pelatihan/kelola/program/{w}/sesi/baru",
    "/pelatihan/kelola/sesi/{s}/ubah",
    "/pelatihan/kelola/sesi/{s}/peserta",
    "/pelatihan/kelola/sesi/{s}/peserta.csv",
    "/pelatihan/kelola/sesi/{s}/peserta.xlsx",
    "/pelatihan/kelola/sesi/{s}/laporan",
    "/pelatihan/kelola/eksternal",
]


def test_staff_and_leaders_cannot_open_organizer_pages(client, org, login_as, ws):
    s = wf.session(ws)
    for person in (org.staff_a1, org.lurah_a, org.admin):
        login_as(person)
        for url in ORGANIZER_GETS:
            response = client.get(url.format(w=ws.id, s=s.id))
            assert response.status_code == 403, (person.name, url)


def test_staff_cannot_change_sessions_or_mark_attendance(client, org, login_as, ws):
    s = wf.session(ws, starts_at=utcnow() - timedelta(minutes=10))
    r = wf.registration(s, org.staff_a1, "confirmed")
    login_as(org.staff_a2)
    posts = [
        (f"/pelatihan/kelola/pendaftaran/{r.id}/kehadiran", {"hadir": "1"}),
        (f"/pelatihan/kelola/sesi/{s.id}/hadir-semua", {}),
        (f"/pelatihan/kelola/pendaftaran/{r.id}/keluarkan", {}),
        (f"/pelatihan/kelola/sesi/{s.id}/status/cancel", {}),
        (f"/pelatihan/kelola/sesi/{s.id}/peserta/tambah", {"people": org.staff_b1.nip}),
        (f"/pelatihan/kelola/sesi/{s.id}/peserta/walk-in", {"person": org.staff_b1.nip}),
        (f"/pelatihan/kelola/program/{ws.id}/sesi/baru", {}),
    ]
    for url, data in posts:
        assert client.post(url, data=data).status_code == 403, url
        assert client.post(url, data=data, headers=HX).status_code == 403, url
    db.session.expire_all()
    reg = db.session.get(Registration, r.id)
    assert (reg.attended, reg.status) == (False, "confirmed")
    assert db.session.get(WorkshopSession, s.id).status == "published"


def test_an_organizer_manages_only_their_own_workshops(client, org, login_as, ws):
    other_org = factories.employee(org.sek, "Penyelenggara Lain", roles=["organizer"])
    wf.fast_logins()
    s = wf.session(ws, starts_at=utcnow() - timedelta(minutes=10))
    r = wf.registration(s, org.staff_a1, "confirmed")
    login_as(other_org)
    assert client.get(f"/pelatihan/kelola/sesi/{s.id}/peserta").status_code == 403
    assert (
        client.post(
            f"/pelatihan/kelola/pendaftaran/{r.id}/kehadiran", data={"hadir": "1"}
        ).status_code
        == 403
    )
    login_as(org.organizer)
    assert (
        client.post(
            f"/pelatihan/kelola/pendaftaran/{r.id}/kehadiran", data={"hadir": "1"}
        ).status_code
        == 303
    )
    db.session.expire_all()
    assert db.session.get(Registration, r.id).attended is True


def test_anonymous_go_to_login_and_drafts_are_hidden_from_staff(client, org, login_as, ws):
    published = wf.session(ws)
    response = client.get(f"/pelatihan/sesi/{published.id}")
    assert response.status_code == 302 and "/masuk" in response.headers["Location"]
    response = client.post(f"/pelatihan/sesi/{published.id}/daftar", headers=HX)
    assert response.status_code == 401 and response.headers["HX-Redirect"]
    s = wf.session(ws, status="draft")
    login_as(org.staff_a1)
    assert client.get(f"/pelatihan/sesi/{s.id}").status_code == 404
    assert client.get(f"/pelatihan/sesi/{s.id}/kalender.ics").status_code == 404
    assert f"sesi-{s.id}" not in client.get("/pelatihan/").get_data(as_text=True)
    login_as(org.organizer)
    assert client.get(f"/pelatihan/sesi/{s.id}").status_code == 200


def _upload(client, data=PDF, name="sertifikat.pdf", **fields):
    form = {
        "title": "E-learning Pelayanan Prima",
        "provider": "LAN RI",
        "learning_form": "nonklasikal",
        "learning_kind": "e_learning",
        "learned_on": "2026-01-15",
        "jp": "4",
        "evidence": FileStorage(io.BytesIO(data), filename=name),
    }
    form.update(fields)
    # Encoded in memory: the test client's own temporary file for big bodies is never closed.
    stream, _length, boundary = stream_encode_multipart(form, use_tempfile=False)
    return client.post(
        "/pelatihan/jp/eksternal/baru",
        data=stream.getvalue(),
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def _fetch(client, url):
    response = client.get(url)
    status, data, disposition = (
        response.status_code,
        response.get_data(),
        response.headers.get("Content-Disposition"),
    )
    response.close()
    return status, data, disposition


def test_evidence_is_served_to_owner_organizers_and_leaders_only(client, org, login_as, app):
    login_as(org.staff_a1)
    assert _upload(client).status_code == 303
    record = db.session.scalars(select(ExternalLearning)).one()
    assert record.status == "pending" and record.evidence_type == "application/pdf"
    url = f"/pelatihan/eksternal/{record.id}/bukti"
    status, data, disposition = _fetch(client, url)
    assert status == 200 and data == PDF
    assert "attachment" in disposition
    for allowed in (org.organizer, org.lurah_a, org.camat):
        login_as(allowed)
        assert _fetch(client, url)[0] == 200, allowed.name
    for denied in (org.staff_a2, org.staff_b1, org.lurah_b, org.admin, org.sekcam):
        login_as(denied)
        assert _fetch(client, url)[0] == 404, denied.name
    # Stored under the instance's upload folder with a random name, not the user's file name.
    assert record.evidence_file != "sertifikat.pdf"
    assert app.config["UPLOAD_FOLDER"] in wf_path(record)


def wf_path(record):
    from blueprints.workshops.evidence import evidence_path

    return evidence_path(record)


UPLOADS = [
    (PDF, "a.pdf", True),
    (b"\x89PNG\r\n\x1a\n" + b"0" * 100, "a.png", True),
    (b"\xff\xd8\xff\xe0" + b"0" * 100, "a.jpg", True),
    (b"MZ\x90\x00 not a pdf", "a.pdf", False),  # the name lies: content decides
    (b"<html><script>alert(1)</script>", "a.png", False),
    (b"%PDF-" + b"0" * (5 * 1024 * 1024), "big.pdf", False),  # over 5 MB
]


def test_evidence_type_by_content_and_size(client, org, login_as):
    login_as(org.staff_a1)
    for data, name, ok in UPLOADS:
        before = len(db.session.scalars(select(ExternalLearning)).all())
        response = _upload(client, data=data, name=name)
        assert response.status_code == (303 if ok else 422), name
        after = len(db.session.scalars(select(ExternalLearning)).all())
        assert after == before + (1 if ok else 0), name
    types = set(db.session.scalars(select(ExternalLearning.evidence_type)))
    assert types == {"application/pdf", "image/png", "image/jpeg"}
    # Dates in the future and a kind that does not fit the form are refused too.
    future = (utcnow() + timedelta(days=30)).date().isoformat()
    assert _upload(client, learned_on=future).status_code == 422
    assert _upload(client, learning_form="klasikal", learning_kind="e_learning").status_code == 422
    assert len(db.session.scalars(select(ExternalLearning)).all()) == 3


def test_only_other_organizers_verify_and_reject_needs_reason(client, org, login_as):
    record = wf.external(org.staff_a1, status="pending")
    own = wf.external(org.organizer, status="pending")
    login_as(org.staff_a2)
    assert client.post(f"/pelatihan/kelola/eksternal/{record.id}/verifikasi").status_code == 403
    login_as(org.organizer)
    response = client.post(
        f"/pelatihan/kelola/eksternal/{record.id}/tolak", data={f"tolak-{record.id}-reason": ""}
    )
    assert response.status_code == 422
    client.post(f"/pelatihan/kelola/eksternal/{own.id}/verifikasi")  # not one's own
    client.post(
        f"/pelatihan/kelola/eksternal/{record.id}/tolak",
        data={f"tolak-{record.id}-reason": "Bukti tidak terbaca", **YES},
    )
    db.session.expire_all()
    assert db.session.get(ExternalLearning, own.id).status == "pending"
    rejected = db.session.get(ExternalLearning, record.id)
    assert (rejected.status, rejected.review_reason) == ("rejected", "Bukti tidak terbaca")


def test_topics_are_managed_by_admins(client, org, login_as):
    login_as(org.organizer)
    assert client.get("/pelatihan/topik").status_code == 403
    login_as(org.admin)
    assert client.post("/pelatihan/topik", data={"name": "Empati"}).status_code == 303
    assert client.post("/pelatihan/topik", data={"name": "Empati"}).status_code == 422
    assert "Empati" in client.get("/pelatihan/topik").get_data(as_text=True)


# --- a sosialisasi: the leader who holds it manages its sessions -----------------------------
SESSION_GETS = [
    "/pelatihan/kelola/sesi/{s}/peserta",
    "/pelatihan/kelola/sesi/{s}/peserta.csv",
    "/pelatihan/kelola/sesi/{s}/peserta.xlsx",
    "/pelatihan/kelola/sesi/{s}/laporan",
    "/pelatihan/kelola/sesi/{s}/presensi",
    "/pelatihan/kelola/sesi/{s}/ubah",
    "/pelatihan/kelola/sesi/{s}/daftar-hadir.pdf",
    "/pelatihan/kelola/sesi/{s}/rekap-kehadiran.xlsx",
]
PROGRAMME_GETS = [
    "/pelatihan/kelola",
    "/pelatihan/kelola/program/baru",
    "/pelatihan/kelola/program/{w}",
    "/pelatihan/kelola/program/{w}/ubah",
    "/pelatihan/kelola/program/{w}/sesi/baru",
    "/pelatihan/kelola/eksternal",
]


def _statuses(client, urls, w, s):
    return {url: client.get(url.format(w=w.id, s=s.id)).status_code for url in urls}


def _forget_roles():
    """Requests in a test share one app context: forget who led what (a head just changed)."""
    from flask import g

    g.pop("access_cache", None)


def test_the_leader_listed_on_a_sosialisasi_manages_its_sessions_not_the_programmes(
    client, org, login_as
):
    briefing = wf.workshop(org.lurah_a, "Sosialisasi Layanan Daring", learning_kind="sosialisasi")
    s = wf.session(briefing, starts_at=utcnow() - timedelta(minutes=10))
    r = wf.registration(s, org.staff_a1)
    login_as(org.lurah_a)
    assert set(_statuses(client, SESSION_GETS, briefing, s).values()) == {200}
    assert set(_statuses(client, PROGRAMME_GETS, briefing, s).values()) == {403}
    marked = client.post(
        f"/pelatihan/kelola/pendaftaran/{r.id}/kehadiran", data={"hadir": "1"}, headers=HX
    )
    assert marked.status_code == 200
    edit = client.get(f"/pelatihan/kelola/sesi/{s.id}/ubah").text
    assert f'href="/pelatihan/kelola/program/{briefing.id}"' not in edit
    done = client.post(f"/pelatihan/kelola/sesi/{s.id}/status/complete")
    assert done.status_code == 303
    assert done.location.endswith(f"/pelatihan/kelola/sesi/{s.id}/peserta")
    db.session.expire_all()
    assert db.session.get(Registration, r.id).attended is True
    assert db.session.get(WorkshopSession, s.id).status == "completed"
    assert client.get(f"/pelatihan/sertifikat/{r.id}.pdf").status_code == 200


def test_the_sosialisasi_rule_needs_the_kind_the_listing_and_a_leader_or_admin(
    client, org, login_as
):
    training = wf.workshop(org.lurah_a, "Pelatihan Biasa")  # a leader listed on a training
    s_training = wf.session(training)
    login_as(org.lurah_a)
    assert set(_statuses(client, SESSION_GETS, training, s_training).values()) == {403}

    briefing = wf.workshop(org.staff_a1, "Sosialisasi Staf", learning_kind="sosialisasi")
    s_briefing = wf.session(briefing)
    login_as(org.staff_a1)  # listed, but neither a leader nor an admin
    assert set(_statuses(client, SESSION_GETS, briefing, s_briefing).values()) == {403}
    login_as(org.lurah_b)  # a leader, not listed
    assert set(_statuses(client, SESSION_GETS, briefing, s_briefing).values()) == {403}

    by_admin = wf.workshop(org.admin, "Sosialisasi Admin", learning_kind="sosialisasi")
    s_admin = wf.session(by_admin)
    login_as(org.admin)  # an admin who scheduled a briefing from a survey action
    assert set(_statuses(client, SESSION_GETS, by_admin, s_admin).values()) == {200}

    mine = wf.workshop(org.lurah_a, "Sosialisasi Lurah", learning_kind="sosialisasi")
    s_mine = wf.session(mine)
    login_as(org.lurah_a)
    assert client.get(f"/pelatihan/kelola/sesi/{s_mine.id}/peserta").status_code == 200
    org.kel_a.head_id = org.staff_a2.id  # no longer heads a unit: no longer manages it
    db.session.commit()
    _forget_roles()
    assert set(_statuses(client, SESSION_GETS, mine, s_mine).values()) == {403}
