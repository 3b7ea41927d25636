"""Every destructive action asks first (issue 15), with JavaScript in app.js's dialog (the form
carries data-confirm) and without it on a confirmation page (blueprints/common/confirm.py).

For each action: its button's form carries data-confirm; a plain POST without `confirmed` answers
the confirmation page and changes nothing; an htmx POST without it (app.js always confirms
first, so only a hand-made request) gets the same page in place of the main column; the page's
own form posts the same fields again with confirmed=1, and that acts. Declining a request for
izin atasan asks on a page of its own (a GET form): it keeps the reason typed and acts once
posted from there."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import select

from blueprints.auth.models import Employee, Unit
from blueprints.common.timefmt import utcnow
from blueprints.feedback.models import DevelopmentGoal, Feedback, UpwardRound
from blueprints.surveys import builder as survey_builder
from blueprints.surveys.models import SurveyDimension, SurveyQuestion, SurveyWave
from blueprints.workshops.calendar import calendar_token
from blueprints.workshops.models import CalendarToken, ExternalLearning, WorkshopSession
from extensions import db
from tests import factories
from tests import factories_dashboard as fd
from tests import factories_feedback as ff
from tests import factories_surveys as fs
from tests import factories_workshops as wf
from tests.conftest import HX, YES


@dataclass
class Case:
    who: Employee
    page: str  # where the button is
    url: str  # what it posts to
    data: dict
    state: Callable[[], object]  # what the action changes, read fresh
    question: str


def _fresh(model, id_):
    db.session.expire_all()
    return db.session.get(model, id_)


def _cancel_session(org):
    s = wf.session(wf.workshop(org.organizer, "Kearsipan"), starts_at=utcnow() + timedelta(days=4))
    wf.registration(s, org.staff_a1)
    return Case(
        org.organizer,
        f"/pelatihan/kelola/sesi/{s.id}/peserta",
        f"/pelatihan/kelola/sesi/{s.id}/status/cancel",
        {"back": "peserta"},
        lambda: _fresh(WorkshopSession, s.id).status,
        "Batalkan sesi ini? Semua peserta diberi tahu.",
    )


def _open_wave(org):
    wave = fs.wave(fs.instrument().inst, [org.kel_a], status="draft")
    return Case(
        org.admin,
        f"/survei/kelola/gelombang/{wave.id}",
        f"/survei/kelola/gelombang/{wave.id}/buka",
        {},
        lambda: _fresh(SurveyWave, wave.id).status,
        "Buka gelombang ini? Setelah dibuka, pengaturannya tidak dapat diubah.",
    )


def _close_wave(org):
    wave = fs.wave(fs.instrument().inst, [org.kel_a], status="open")
    return Case(
        org.admin,
        f"/survei/kelola/gelombang/{wave.id}",
        f"/survei/kelola/gelombang/{wave.id}/tutup",
        {},
        lambda: _fresh(SurveyWave, wave.id).status,
        "Tutup gelombang ini sekarang? Pengisian berhenti dan tidak dapat dibuka lagi.",
    )


def _delete_question(org):
    t = fs.instrument(text_questions=0)
    question = t.items["R1"][0]
    return Case(
        org.admin,
        f"/survei/kelola/instrumen/{t.inst.id}",
        f"/survei/kelola/pertanyaan/{question.id}/hapus",
        {},
        lambda: _fresh(SurveyQuestion, question.id) is not None,
        "Hapus pertanyaan ini?",
    )


def _delete_dimension(org):
    t = fs.instrument(text_questions=0)
    dim = survey_builder.add_dimension(t.inst, "Dimensi kosong", "readiness", "")
    return Case(
        org.admin,
        f"/survei/kelola/instrumen/{t.inst.id}",
        f"/survei/kelola/dimensi/{dim.id}/hapus",
        {},
        lambda: _fresh(SurveyDimension, dim.id) is not None,
        "Hapus dimensi ini?",
    )


def _deactivate_employee(org):
    return Case(
        org.admin,
        f"/admin/pegawai/{org.staff_a1.id}",
        f"/admin/pegawai/{org.staff_a1.id}/nonaktifkan",
        {},
        lambda: _fresh(Employee, org.staff_a1.id).active,
        "Nonaktifkan akun ini? Riwayatnya tetap tersimpan.",
    )


def _reset_password(org):
    return Case(
        org.admin,
        f"/admin/pegawai/{org.staff_a1.id}",
        f"/admin/pegawai/{org.staff_a1.id}/reset-sandi",
        {},
        lambda: _fresh(Employee, org.staff_a1.id).must_change_password,
        "Setel ulang kata sandi akun ini?",
    )


def _deactivate_unit(org):
    empty = factories.unit("KOSONG", "Unit Kosong", org.kel_b)
    return Case(
        org.admin,
        f"/admin/unit/{empty.id}",
        f"/admin/unit/{empty.id}/nonaktifkan",
        {},
        lambda: _fresh(Unit, empty.id).active,
        "Nonaktifkan unit ini?",
    )


def _delete_feedback_draft(org):
    draft = ff.feedback(org.lurah_a, org.staff_a1, sent=False)
    return Case(
        org.lurah_a,
        f"/umpan-balik/{draft.id}",
        f"/umpan-balik/{draft.id}/hapus",
        {},
        lambda: _fresh(Feedback, draft.id) is not None,
        "Hapus draf ini?",
    )


def _close_round(org):
    round_ = ff.upward_round()
    return Case(
        org.admin,
        "/umpan-balik/admin",
        f"/umpan-balik/admin/putaran/{round_.id}/tutup",
        {},
        lambda: _fresh(UpwardRound, round_.id).closed_at is not None,
        "Tutup putaran ini sekarang?",
    )


def _cancel_goal(org):
    goal = fd.goal(org.staff_a1)
    return Case(
        org.staff_a1,
        f"/umpan-balik/rencana/{org.staff_a1.id}",
        f"/umpan-balik/rencana/sasaran/{goal.id}/batal",
        {},
        lambda: _fresh(DevelopmentGoal, goal.id).status,
        "Batalkan sasaran ini?",
    )


def _reset_calendar_feed(org):
    token = calendar_token(org.staff_a1).token

    def current():
        db.session.expire_all()
        return db.session.scalar(
            select(CalendarToken.token).where(CalendarToken.employee_id == org.staff_a1.id)
        )

    assert token
    return Case(
        org.staff_a1,
        "/pelatihan/saya",
        "/pelatihan/kalender/reset",
        {},
        current,
        "Alamat lama akan berhenti berfungsi. Lanjutkan?",
    )


def _reject_external_record(org):
    record = wf.external(org.staff_a1, status="pending")
    return Case(
        org.organizer,
        "/pelatihan/kelola/eksternal",
        f"/pelatihan/kelola/eksternal/{record.id}/tolak",
        {f"tolak-{record.id}-reason": "Bukti tidak terbaca."},
        lambda: _fresh(ExternalLearning, record.id).status,
        "Tolak catatan ini? Alasannya dikirim kepada pegawai.",
    )


CASES = {
    "cancel a session": _cancel_session,
    "open a survey wave": _open_wave,
    "close a survey wave": _close_wave,
    "delete a survey question": _delete_question,
    "delete a survey dimension": _delete_dimension,
    "deactivate an account": _deactivate_employee,
    "reset a password": _reset_password,
    "deactivate a unit": _deactivate_unit,
    "delete a feedback draft": _delete_feedback_draft,
    "close an upward round": _close_round,
    "cancel a development goal": _cancel_goal,
    "reset the calendar address": _reset_calendar_feed,
    "reject an external learning record": _reject_external_record,
}


def _form_tag(html: str, action: str) -> str:
    tags = [
        tag
        for tag in re.findall(r"<form\b[^>]*>", html)
        if re.search(rf'\baction="{re.escape(action)}"', tag)
    ]
    assert len(tags) == 1, (action, tags)
    return unescape(tags[0])


def _confirmation(html: str) -> tuple[str, dict]:
    """The confirmation page's form: where it posts and the fields it posts (no CSRF token)."""
    section = html[html.index('class="card narrow confirm-page"') :]
    form = section[: section.index("</form>")]
    action = unescape(re.search(r'<form method="post" action="([^"]*)"', form).group(1))
    fields = {
        unescape(name): unescape(value)
        for name, value in re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)">', form)
        if name != "csrf_token"
    }
    return action, fields


@pytest.mark.parametrize("name", list(CASES))
def test_a_destructive_action_asks_first_and_acts_once_confirmed(app, client, org, name):
    case = CASES[name](org)
    db.session.commit()
    ff.login(client, case.who)
    before = case.state()

    # The button asks in the dialog with JavaScript.
    page = client.get(case.page)
    assert page.status_code == 200
    assert f'data-confirm="{case.question}"' in _form_tag(page.get_data(as_text=True), case.url)

    # Without JavaScript: the confirmation page, nothing changed.
    asked = client.post(case.url, data=case.data)
    html = asked.get_data(as_text=True)
    assert asked.status_code == 200, name
    assert "<h1" in html and "Konfirmasi" in html and case.question in unescape(html)
    assert case.state() == before, name
    action, fields = _confirmation(html)
    assert action == case.url
    assert fields == {**case.data, **YES}

    # A hand-made htmx request without the flag gets the same question in the main column.
    asked = client.post(case.url, data=case.data, headers=HX)
    assert asked.status_code == 200
    assert asked.headers["HX-Retarget"] == "#main" and asked.headers["HX-Reswap"] == "innerHTML"
    assert case.question in unescape(asked.get_data(as_text=True))
    assert "<html" not in asked.get_data(as_text=True)
    assert case.state() == before, name

    # The page's button posts the same fields with confirmed=1: now it acts.
    done = client.post(action, data=fields)
    assert done.status_code in (200, 303), name
    assert "confirm-page" not in done.get_data(as_text=True)
    assert case.state() != before, name


def test_the_confirmation_page_names_what_it_is_about_and_leads_back(app, client, org):
    case = _deactivate_employee(org)
    db.session.commit()
    ff.login(client, case.who)
    html = client.post(
        case.url, data=case.data, headers={"Referer": f"http://localhost{case.page}"}
    ).get_data(as_text=True)
    assert '<p class="confirm-subject"><strong>Staf A1</strong></p>' in html
    assert f'<a class="button secondary" href="{case.page}">Kembali</a>' in html
    assert "Ya, nonaktifkan akun" in html


def test_an_action_the_service_refuses_anyway_is_not_asked_about(app, client, org):
    """Nothing to confirm when nothing would happen: the refusal comes at once."""
    ff.login(client, org.admin)
    own = client.post(f"/admin/pegawai/{org.admin.id}/nonaktifkan", follow_redirects=True)
    assert "tidak dapat menonaktifkan akun Anda sendiri" in own.get_data(as_text=True)
    wave = fs.wave(fs.instrument().inst, [org.kel_a], status="closed")
    db.session.commit()
    again = client.post(f"/survei/kelola/gelombang/{wave.id}/tutup", follow_redirects=True)
    assert "Hanya gelombang yang sedang dibuka" in again.get_data(as_text=True)


def test_only_cancelling_a_session_asks_among_its_status_changes(app, client, org):
    s = wf.session(
        wf.workshop(org.organizer, "Kearsipan"),
        status="draft",
        starts_at=utcnow() + timedelta(days=4),
    )
    db.session.commit()
    ff.login(client, org.organizer)
    published = client.post(f"/pelatihan/kelola/sesi/{s.id}/status/publish")
    assert published.status_code == 303
    assert _fresh(WorkshopSession, s.id).status == "published"


# --- declining a request for izin atasan (a confirmation view of its own) --------------------
def test_declining_asks_on_a_page_that_keeps_the_reason(app, client, org):
    s = wf.session(wf.workshop(org.organizer, "Kearsipan"), starts_at=utcnow() + timedelta(days=4))
    r = wf.registration(s, org.staff_a1, "pending_approval")
    other = wf.registration(s, org.staff_b1, "pending_approval")  # lurah_b's to decide
    db.session.commit()
    ff.login(client, org.lurah_a)
    question = "Tolak permohonan izin ini? Alasannya dikirim kepada pegawai."
    url = f"/pelatihan/persetujuan/{r.id}/tolak"
    reason_field = f"tolak-{r.id}-reason"

    # On the home page the button is a GET form to the confirmation page; htmx posts the action
    # after the dialog.
    tag = _form_tag(client.get("/").get_data(as_text=True), url)
    assert 'method="get"' in tag and f'data-hx-post="{url}"' in tag
    assert f'data-confirm="{question}"' in tag

    # Without JavaScript the first click opens the page, carrying the reason and the way back.
    asked = client.get(url, query_string={reason_field: "Bertepatan dengan rapat.", "next": "/"})
    html = asked.get_data(as_text=True)
    assert asked.status_code == 200 and question in unescape(html) and "Ya, tolak" in html
    assert _fresh(type(r), r.id).status == "pending_approval"
    action, fields = _confirmation(html)
    assert action == url
    assert fields == {reason_field: "Bertepatan dengan rapat.", "next": "/"}
    assert '<a class="button secondary" href="/">Kembali</a>' in html
    # Only one's own direct reports' requests.
    assert client.get(f"/pelatihan/persetujuan/{other.id}/tolak").status_code == 404

    done = client.post(action, data=fields)
    assert done.status_code == 303 and done.headers["Location"] == "/"
    declined = _fresh(type(r), r.id)
    assert declined.status == "declined" and declined.decision_reason == "Bertepatan dengan rapat."
    home = client.get("/").get_data(as_text=True)
    assert "Permohonan Staf A1 ditolak; alasannya dikirim kepadanya." in home
