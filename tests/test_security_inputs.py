"""Hostile input (issue 7 §6): XSS payloads come back escaped, redirect parameters never leave
the site, uploads are judged by their bytes not their name, and random bad values into the main
forms never give a 500 nor store anything when refused."""

from __future__ import annotations

import os
from datetime import timedelta
from io import BytesIO
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from blueprints.auth.models import Employee
from blueprints.common.timefmt import today_wib, utcnow
from blueprints.feedback.models import Feedback, FeedbackRequest
from blueprints.surveys.models import SurveyAnswer, SurveyResponse
from blueprints.workshops import evidence as workshop_services
from blueprints.workshops.models import ExternalLearning, Registration, Workshop
from extensions import db
from tests import factories_feedback as ff
from tests import factories_surveys as fs
from tests import factories_workshops as fw
from tests.conftest import HX

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
PAYLOAD = f"Uji {SCRIPT} {IMG}"
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def sign_in(client, person) -> None:
    ff.login(client, person)


def _count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def assert_escaped(html: str, where: str, shown: bool = True) -> None:
    """Never the raw payload; where the page shows the text (shown), its escaped form."""
    assert SCRIPT not in html, f"raw <script> payload on {where}"
    assert "<img src=x" not in html, f"raw <img> payload on {where}"
    if shown:
        assert ESCAPED_SCRIPT in html, f"the escaped payload is not shown on {where}"


def assert_pages_escape(client, urls) -> None:
    """Every page is free of the raw payload and at least one of them shows it escaped."""
    shown = []
    for url in urls:
        html = _get(client, url)
        assert_escaped(html, url, shown=False)
        shown.append(ESCAPED_SCRIPT in html)
    assert any(shown), f"none of {urls} shows the escaped payload"


def _get(client, url: str) -> str:
    with client.get(url) as response:
        assert response.status_code == 200, (url, response.status_code)
        return response.get_data(as_text=True)


# --- (a) XSS ------------------------------------------------------------------------------------
def test_feedback_texts_are_escaped_for_author_and_receiver(app, org):
    client = app.test_client()
    sign_in(client, org.lurah_a)
    data = ff.form_data(org.staff_a1, context=PAYLOAD, strengths=PAYLOAD, improvements=PAYLOAD)
    data["follow_ups-0-description"] = PAYLOAD
    response = client.post("/umpan-balik/baru", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    fb = db.session.scalars(select(Feedback)).one()
    assert fb.context == PAYLOAD  # stored as typed: escaping happens on output
    assert_escaped(_get(client, f"/umpan-balik/{fb.id}"), "author view")
    assert_pages_escape(client, ["/umpan-balik/diberikan", f"/umpan-balik/{fb.id}/riwayat"])
    sign_in(client, org.staff_a1)
    assert_escaped(_get(client, f"/umpan-balik/{fb.id}"), "receiver view")
    assert_escaped(_get(client, "/umpan-balik/"), "receiver list", shown=False)


def test_feedback_request_topic_is_escaped(app, org):
    client = app.test_client()
    sign_in(client, org.staff_a1)
    response = client.post("/umpan-balik/permintaan/baru", data={"topic": PAYLOAD, "detail": IMG})
    assert response.status_code == 303
    assert _count(FeedbackRequest) == 1
    assert_escaped(_get(client, "/umpan-balik/permintaan"), "requester queue")
    sign_in(client, org.lurah_a)
    assert_escaped(_get(client, "/umpan-balik/permintaan"), "leader queue")
    assert_escaped(_get(client, "/"), "leader home", shown=False)


def test_workshop_title_and_description_are_escaped(app, org):
    client = app.test_client()
    sign_in(client, org.organizer)
    response = client.post(
        "/pelatihan/kelola/program/baru",
        data={
            "title": PAYLOAD,
            "description": PAYLOAD,
            "competency_type": "teknis",
            "learning_form": "klasikal",
            "learning_kind": "pelatihan",
            "active": "y",
        },
    )
    assert response.status_code == 303
    workshop = db.session.scalars(select(Workshop)).one()
    session = fw.session(workshop)
    assert_escaped(_get(client, f"/pelatihan/kelola/program/{workshop.id}"), "manage page")
    assert_pages_escape(client, ["/pelatihan/kelola", f"/pelatihan/sesi/{session.id}"])
    sign_in(client, org.staff_a1)
    assert_escaped(_get(client, f"/pelatihan/program/{workshop.id}"), "programme page")
    assert_pages_escape(client, ["/pelatihan/", f"/pelatihan/sesi/{session.id}"])


def _external_data(**overrides) -> dict:
    data = {
        "title": "Kursus daring",
        "provider": "LAN RI",
        "learning_form": "nonklasikal",
        "learning_kind": "e_learning",
        "learned_on": (today_wib() - timedelta(days=2)).isoformat(),
        "jp": "4",
        "evidence": (BytesIO(PDF), "bukti.pdf"),
    }
    data.update(overrides)
    return data


def test_external_learning_title_is_escaped(app, org):
    client = app.test_client()
    sign_in(client, org.staff_a1)
    response = client.post(
        "/pelatihan/jp/eksternal/baru",
        data=_external_data(title=PAYLOAD, provider=IMG),
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    assert_escaped(_get(client, "/pelatihan/jp"), "own ledger")
    sign_in(client, org.organizer)
    assert_escaped(_get(client, "/pelatihan/kelola/eksternal"), "organizer queue")


def test_survey_free_text_answer_is_escaped(app, org):
    t = fs.instrument()
    w = fs.wave(t.inst, [org.kec])
    client = app.test_client()
    sign_in(client, org.staff_a1)
    data = {f"q_{q.id}": "4" for items in t.items.values() for q in items}
    data[f"q_{t.texts[0].id}"] = PAYLOAD
    assert client.post(f"/survei/{w.id}/draf", data=data).status_code == 303
    assert_escaped(_get(client, f"/survei/{w.id}"), "survey draft")


def test_employee_name_from_admin_is_escaped(app, org):
    client = app.test_client()
    sign_in(client, org.admin)
    data = {
        "nip": "198505052010012003",
        "name": PAYLOAD,
        "email": "xss@uji.local",
        "employment_type": "PNS",
        "golongan": "III/a",
        "jenis_jabatan": "pelaksana",
        "jabatan": IMG,
        "unit_id": org.kel_a.id,
        "superior_nip": "",
    }
    response = client.post("/admin/pegawai/baru", data=data)
    html = response.get_data(as_text=True)
    if response.status_code == 422:  # a name validator may refuse it: the form echoes it escaped
        assert_escaped(html, "admin form re-render")
        return
    assert response.status_code == 303
    person = db.session.scalars(select(Employee).where(Employee.email == "xss@uji.local")).one()
    assert_escaped(_get(client, f"/admin/pegawai/{person.id}"), "employee form")
    assert_pages_escape(client, ["/admin/pegawai", "/admin/audit"])


# --- (b) open redirects -------------------------------------------------------------------------
EVIL = [
    "https://evil.example/",
    "//evil.example/",
    "///evil.example/",
    "/\\evil.example/",
    "\\\\evil.example",
    "https:evil.example",
    "javascript:alert(1)",
    " //evil.example",
    "/%2F%2Fevil.example",
    "http://localhost.evil.example/",
    "data:text/html,<script>alert(1)</script>",
]


def _stays_on_site(location: str) -> bool:
    parts = urlsplit(location)
    if parts.scheme and parts.scheme not in ("http", "https"):
        return False
    if parts.netloc and parts.netloc != "localhost":
        return False
    stripped = location.strip()
    return not stripped.startswith(("//", "/\\", "\\"))


@pytest.mark.parametrize("target", EVIL)
def test_login_next_never_leaves_the_site(app, org, target):
    client = app.test_client()
    response = client.post(
        f"/masuk?next={target}",
        data={"identifier": org.staff_a1.email, "password": "rahasia-uji-123", "next": target},
    )
    assert response.status_code in (302, 303)
    assert _stays_on_site(response.headers["Location"]), response.headers["Location"]


def test_language_switch_and_approval_next_never_leave_the_site(app, org):
    client = app.test_client()
    approver = org.lurah_a
    workshop = fw.workshop(org.organizer, requires_approval=True)
    session = fw.session(workshop, capacity=50)
    wrong = []
    for i, target in enumerate(EVIL):
        sign_in(client, org.staff_a1)
        for lang in ("en", "id"):
            response = client.post("/bahasa", data={"locale": lang, "lang": lang, "next": target})
            location = response.headers.get("Location", "")
            if response.status_code not in (302, 303) or not _stays_on_site(location):
                wrong.append(("bahasa", target, response.status_code, location))
        sign_in(client, approver)
        person = fw.many_staff(org.kel_a, 1, prefix=f"Pemohon {i}")[0]
        reg = fw.registration(session, person, status="pending_approval")
        for action in ("setujui", "tolak"):
            response = client.post(
                f"/pelatihan/persetujuan/{reg.id}/{action}",
                data={"next": target, "reason": "Tugas kantor"},
            )
            location = response.headers.get("Location", "")
            if response.status_code in (302, 303) and not _stays_on_site(location):
                wrong.append((action, target, response.status_code, location))
    assert not wrong, wrong


def test_follow_up_next_is_a_fixed_choice(app, org):
    fb = ff.feedback(org.lurah_a, org.staff_a1, follow_ups=[("Ikuti kelas", 7)])
    client = app.test_client()
    sign_in(client, org.staff_a1)
    response = client.post(
        f"/umpan-balik/tindak-lanjut/{fb.follow_ups[0].id}/selesai",
        data={"next": "https://evil.example/"},
    )
    assert response.status_code == 303
    assert _stays_on_site(response.headers["Location"])


# --- (c) uploads with a lying extension ---------------------------------------------------------
LIARS = [
    (b"<!doctype html><html><script>alert(1)</script></html>", "bukti.pdf"),
    (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64, "bukti.pdf"),
    (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "foto.png"),
    (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "foto.jpg"),
    (b"PK\x03\x04" + b"\x00" * 40, "bukti.pdf"),
    (b"", "kosong.pdf"),
]


@pytest.mark.parametrize(("content", "name"), LIARS)
def test_upload_with_lying_extension_is_refused_and_nothing_stored(app, org, content, name):
    client = app.test_client()
    sign_in(client, org.staff_a1)
    response = client.post(
        "/pelatihan/jp/eksternal/baru",
        data=_external_data(evidence=(BytesIO(content), name)),
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert _count(ExternalLearning) == 0
    folder = os.path.join(app.config["UPLOAD_FOLDER"], "external")
    assert not os.path.isdir(folder) or os.listdir(folder) == []


def test_real_pdf_is_stored_under_a_random_name_and_served_as_attachment(app, org):
    client = app.test_client()
    sign_in(client, org.staff_a1)
    response = client.post(
        "/pelatihan/jp/eksternal/baru",
        data=_external_data(evidence=(BytesIO(PDF), "../../etc/passwd.pdf")),
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    record = db.session.scalars(select(ExternalLearning)).one()
    assert "/" not in record.evidence_file and ".." not in record.evidence_file
    assert record.evidence_name == "passwd.pdf"
    with client.get(f"/pelatihan/eksternal/{record.id}/bukti") as download:
        assert download.status_code == 200
        assert download.headers["Content-Disposition"].startswith("attachment")
        assert download.headers["Content-Type"] == "application/pdf"
        assert download.headers["Cache-Control"] == "private, no-store"  # ASVS 8.2.1


# --- (d) property-based bad input ---------------------------------------------------------------
SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Over-long text (past every field's 5000-character limit) is a short text repeated: drawing
# 5000+ characters one by one uses up Hypothesis's entropy budget, and two such fields in one
# example then fail the data_too_large health check on some seeds (the flaky failure of
# test_admin_employee_create_survives_bad_input, seed 20).
long_text = st.tuples(st.text(min_size=1, max_size=20), st.integers(5001, 6000)).map(
    lambda parts: (parts[0] * 6000)[: parts[1]]
)
junk_text = st.one_of(
    st.text(max_size=50),
    long_text,
    st.sampled_from(["", " ", "\x00", "null", "' OR 1=1 --", PAYLOAD, "😀" * 300, "\u202e"]),
)
junk_number = st.one_of(
    st.integers(min_value=-(2**31), max_value=2**31 - 1).map(str),
    st.sampled_from(["", "-1", "0", "1e9", "NaN", "4.5", "abc", "2147483647"]),
)
junk_date = st.one_of(
    st.dates().map(lambda d: d.isoformat()),
    st.sampled_from(["", "2026-02-30", "0000-00-00", "31/12/2026", "besok", "9999-99-99"]),
    st.text(max_size=12),
)


def _no_server_error(response) -> int:
    assert response.status_code < 500, response.status_code
    return response.status_code


@SETTINGS
@given(
    context=junk_text,
    strengths=junk_text,
    receiver=st.one_of(junk_number, st.just("RECEIVER")),
    occurred_on=junk_date,
    due_on=junk_date,
    htmx=st.booleans(),
)
def test_feedback_create_survives_bad_input(
    app, org, context, strengths, receiver, occurred_on, due_on, htmx
):
    client = app.test_client()
    sign_in(client, org.lurah_a)
    before = _count(Feedback)
    data = ff.form_data(
        org.staff_a1,
        context=context,
        strengths=strengths,
        occurred_on=occurred_on,
        receiver_id=str(org.staff_a1.id) if receiver == "RECEIVER" else receiver,
    )
    data["follow_ups-0-due_on"] = due_on
    status = _no_server_error(
        client.post("/umpan-balik/baru", data=data, headers=HX if htmx else {})
    )
    after = _count(Feedback)
    if status not in (200, 204, 303):  # 204 + HX-Redirect: htmx success
        assert after == before, status
    if after > before:  # accepted: only for the leader's own report, with bounded texts
        fb = db.session.scalars(select(Feedback).order_by(Feedback.id.desc())).first()
        assert fb.receiver_id == org.staff_a1.id
        assert len(fb.context) <= 5000 and len(fb.strengths) <= 5000


@SETTINGS
@given(
    session_ref=st.sampled_from(["published", "draft", "cancelled", "past", "missing"]),
    clash=st.sampled_from(["", "1", "x" * 300]),
    htmx=st.booleans(),
)
def test_workshop_registration_survives_bad_input(app, org, session_ref, clash, htmx):
    workshop = fw.workshop(org.organizer)
    sessions = {
        "published": fw.session(workshop),
        "draft": fw.session(workshop, status="draft"),
        "cancelled": fw.session(workshop, status="cancelled"),
        "past": fw.session(
            workshop, starts_at=(utcnow() - timedelta(days=2)).replace(microsecond=0)
        ),
    }
    session_id = sessions[session_ref].id if session_ref in sessions else 999_999
    client = app.test_client()
    sign_in(client, org.staff_a2)
    before = _count(Registration)
    status = _no_server_error(
        client.post(
            f"/pelatihan/sesi/{session_id}/daftar",
            data={"confirm_clash": clash},
            headers=HX if htmx else {},
        )
    )
    after = _count(Registration)
    if session_ref != "published":
        assert after == before, (session_ref, status)


@SETTINGS
@given(
    title=junk_text,
    jp=junk_number,
    learned_on=junk_date,
    kind=st.sampled_from(["e_learning", "", "pelatihan", "<x>", "9"]),
    form=st.sampled_from(["nonklasikal", "klasikal", "", "palsu"]),
)
def test_external_learning_survives_bad_input(app, org, title, jp, learned_on, kind, form):
    client = app.test_client()
    sign_in(client, org.staff_a1)
    before = _count(ExternalLearning)
    files_before = set(os.listdir(workshop_services.evidence_dir()))
    data = _external_data(
        title=title, jp=jp, learned_on=learned_on, learning_kind=kind, learning_form=form
    )
    status = _no_server_error(
        client.post("/pelatihan/jp/eksternal/baru", data=data, content_type="multipart/form-data")
    )
    after = _count(ExternalLearning)
    files_after = set(os.listdir(workshop_services.evidence_dir()))
    if status != 303:
        assert after == before and files_after == files_before
    else:
        record = db.session.scalars(
            select(ExternalLearning).order_by(ExternalLearning.id.desc())
        ).first()
        assert 1 <= record.jp <= 200 and len(record.title) <= 200


@SETTINGS
@given(
    value=junk_number,
    comment=junk_text,
    extra=st.dictionaries(st.text(min_size=1, max_size=10), st.text(max_size=20), max_size=3),
)
def test_survey_answer_survives_bad_input(app, org, value, comment, extra):
    t = fs.instrument()
    w = fs.wave(t.inst, [org.kec])
    client = app.test_client()
    sign_in(client, org.staff_a1)
    data = {f"q_{q.id}": value for items in t.items.values() for q in items}
    data[f"q_{t.texts[0].id}"] = comment
    data.update(extra)
    before = _count(SurveyResponse)
    _no_server_error(client.post(f"/survei/{w.id}/draf", data=data))
    status = _no_server_error(client.post(f"/survei/{w.id}/kirim", data=data))
    after = _count(SurveyResponse)
    if status != 303:
        assert after == before, status
    stored = db.session.scalars(select(SurveyAnswer.value).where(SurveyAnswer.value.is_not(None)))
    assert all(1 <= v <= 5 for v in stored)


@SETTINGS
@given(
    nip=st.one_of(junk_number, st.text(max_size=25)),
    name=junk_text,
    email=junk_text,
    unit=junk_number,
    golongan=st.sampled_from(["III/a", "", "VII", "<b>"]),
)
def test_admin_employee_create_survives_bad_input(app, org, nip, name, email, unit, golongan):
    client = app.test_client()
    sign_in(client, org.admin)
    before = _count(Employee)
    data = {
        "nip": nip,
        "name": name,
        "email": email,
        "employment_type": "PNS",
        "golongan": golongan,
        "jenis_jabatan": "pelaksana",
        "jabatan": "Staf",
        "unit_id": unit,
        "superior_nip": "",
    }
    status = _no_server_error(client.post("/admin/pegawai/baru", data=data))
    if status != 303:
        assert _count(Employee) == before


# --- ids beyond the database's integer range are a 404, never a 500 ---------------------------
HUGE = 10**30  # beyond SQLite's 64 bits; PostgreSQL INTEGER already fails above 2**31-1


def test_huge_ids_are_refused_without_a_server_error(app, org):
    client = app.test_client()
    sign_in(client, org.lurah_a)
    errors = []
    try:
        with client.get(f"/umpan-balik/{HUGE}") as response:
            if response.status_code >= 500:
                errors.append(("url", response.status_code))
    except Exception as error:  # TESTING propagates the exception instead of a 500
        errors.append(("url", type(error).__name__))
    db.session.rollback()
    try:
        data = ff.form_data(org.staff_a1, receiver_id=str(HUGE))
        with client.post("/umpan-balik/baru", data=data) as response:
            if response.status_code >= 500:
                errors.append(("form", response.status_code))
    except Exception as error:
        errors.append(("form", type(error).__name__))
    db.session.rollback()
    assert not errors, errors
