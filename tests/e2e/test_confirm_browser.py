"""Destructive actions ask first (issue 15): with JavaScript in a <dialog> (app.js; "Batal" keeps
the registration), without JavaScript on a confirmation page that posts the action: cancelling a
registration, removing a participant, declining a request for izin atasan (a GET form to the
page), cancelling a session (the action's POST asks when `confirmed` is missing) and deleting in
the survey builder (htmx: the dialog's yes goes along with the request)."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from blueprints.common.timefmt import utcnow
from blueprints.workshops.models import Registration, WorkshopSession
from extensions import db
from tests import factories
from tests import factories_workshops as wf
from tests.e2e.conftest import assert_accessible, login


@pytest.fixture
def world(live_app):
    org = factories.small_org()
    wf.fast_logins()
    workshop = wf.workshop(org.organizer, "Komunikasi Publik")
    session = wf.session(workshop, capacity=10, starts_at=utcnow() + timedelta(days=5))
    wf.registration(session, org.staff_a1)
    wf.registration(session, org.staff_a2)
    db.session.commit()
    return org, session


def _status(session_id, person_id):
    db.session.expire_all()
    return db.session.scalar(
        select(Registration.status).where(
            Registration.session_id == session_id, Registration.employee_id == person_id
        )
    )


def _session_status(session_id):
    db.session.expire_all()
    return db.session.get(WorkshopSession, session_id).status


def test_cancelling_asks_in_a_dialog(page, live_server, world):
    org, s = world
    login(page, org.staff_a1.email)
    page.goto(f"/pelatihan/sesi/{s.id}")
    page.get_by_role("button", name="Batalkan pendaftaran").click()
    dialog = page.locator("#confirm-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("diberikan kepada orang berikutnya")
    assert_accessible(page)
    dialog.get_by_role("button", name="Batal").click()
    expect(dialog).to_be_hidden()
    assert _status(s.id, org.staff_a1.id) == "confirmed"
    page.get_by_role("button", name="Batalkan pendaftaran").click()
    dialog.get_by_role("button", name="Ya, lanjutkan").click()
    expect(page.locator(f"#register-box-{s.id}").get_by_role("status")).to_contain_text(
        "dibatalkan"
    )
    assert _status(s.id, org.staff_a1.id) == "cancelled"


def test_without_javascript_a_page_asks(page_nojs, live_server, world):
    org, s = world
    page = page_nojs
    login(page, org.staff_a1.email)
    page.goto(f"/pelatihan/sesi/{s.id}")
    page.get_by_role("button", name="Batalkan pendaftaran").click()
    expect(page.get_by_role("heading", name="Konfirmasi")).to_be_visible()
    assert _status(s.id, org.staff_a1.id) == "confirmed"
    page.get_by_role("link", name="Kembali").click()
    expect(page).to_have_url(f"{live_server.url}/pelatihan/sesi/{s.id}")
    page.get_by_role("button", name="Batalkan pendaftaran").click()
    page.get_by_role("button", name="Ya, batalkan pendaftaran").click()
    expect(page.locator(".flash")).to_contain_text("dibatalkan")
    assert _status(s.id, org.staff_a1.id) == "cancelled"

    # The organizer removes a participant the same way.
    page.context.clear_cookies()
    login(page, org.organizer.email)
    page.goto(f"/pelatihan/kelola/sesi/{s.id}/peserta")
    page.get_by_role("button", name="Keluarkan").first.click()
    expect(page.get_by_role("heading", name="Konfirmasi")).to_contain_text("Konfirmasi")
    page.get_by_role("button", name="Ya, keluarkan").click()
    expect(page.locator(".flash")).to_contain_text("dikeluarkan")
    assert _status(s.id, org.staff_a2.id) == "cancelled"


def test_removing_a_participant_asks_in_a_dialog(page, live_server, world):
    org, s = world
    login(page, org.organizer.email)
    page.goto(f"/pelatihan/kelola/sesi/{s.id}/peserta")
    page.get_by_role("button", name="Keluarkan").first.click()
    page.locator("#confirm-dialog").get_by_role("button", name="Ya, lanjutkan").click()
    expect(page.locator("#participants")).to_contain_text("dikeluarkan")
    assert "cancelled" in {_status(s.id, org.staff_a1.id), _status(s.id, org.staff_a2.id)}


# --- declining a request for izin atasan -----------------------------------------------------
@pytest.fixture
def request_world(live_app):
    org = factories.small_org()
    wf.fast_logins()
    workshop = wf.workshop(org.organizer, "Kepemimpinan Perubahan", requires_approval=True)
    session = wf.session(workshop, capacity=10, starts_at=utcnow() + timedelta(days=5))
    first = wf.registration(session, org.staff_a1, "pending_approval")
    second = wf.registration(session, org.staff_a2, "pending_approval")
    db.session.commit()
    return org, session, first, second


def _decision(registration_id):
    db.session.expire_all()
    row = db.session.get(Registration, registration_id)
    return row.status, row.decision_reason


def test_declining_asks_in_a_dialog(page, live_server, request_world):
    org, _s, first, _second = request_world
    login(page, org.lurah_a.email)
    page.goto("/pelatihan/persetujuan")
    card = page.locator(f"#izin-{first.id}")
    card.get_by_label("Alasan penolakan").fill("Ada pelayanan PBB.")
    card.get_by_role("button", name="Tolak").click()
    dialog = page.locator("#confirm-dialog")
    expect(dialog).to_contain_text("Tolak permohonan izin ini?")
    dialog.get_by_role("button", name="Batal").click()
    expect(dialog).to_be_hidden()
    assert _decision(first.id)[0] == "pending_approval"
    card.get_by_role("button", name="Tolak").click()
    dialog.get_by_role("button", name="Ya, lanjutkan").click()
    expect(page.locator("#workshop-approvals").get_by_role("status")).to_contain_text(
        "Permohonan Staf A1 ditolak"
    )
    assert _decision(first.id) == ("declined", "Ada pelayanan PBB.")


def test_declining_without_javascript_asks_on_a_page(page_nojs, live_server, request_world):
    org, _s, first, second = request_world
    page = page_nojs
    login(page, org.lurah_a.email)
    page.goto("/")
    card = page.locator(f"#izin-{first.id}")
    card.get_by_label("Alasan penolakan").fill("Ada pelayanan PBB.")
    card.get_by_role("button", name="Tolak").click()
    expect(page.get_by_role("heading", name="Konfirmasi")).to_be_visible()
    expect(page.locator(".confirm-page")).to_contain_text("Tolak permohonan izin ini?")
    assert _decision(first.id)[0] == "pending_approval"
    page.get_by_role("link", name="Kembali").click()
    expect(page).to_have_url(f"{live_server.url}/")
    card.get_by_label("Alasan penolakan").fill("Ada pelayanan PBB.")
    card.get_by_role("button", name="Tolak").click()
    page.get_by_role("button", name="Ya, tolak").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("#flash")).to_contain_text("Permohonan Staf A1 ditolak")
    assert _decision(first.id) == ("declined", "Ada pelayanan PBB.")
    assert _decision(second.id)[0] == "pending_approval"


# --- the actions whose POST asks when `confirmed` is missing (common/confirm.ask_first) -------
def test_cancelling_a_session_without_javascript_asks_on_a_page(page_nojs, live_server, world):
    org, s = world
    page = page_nojs
    login(page, org.organizer.email)
    page.goto(f"/pelatihan/kelola/sesi/{s.id}/peserta")
    page.get_by_role("button", name="Batalkan sesi").click()
    confirm = page.locator(".confirm-page")
    expect(page.get_by_role("heading", name="Konfirmasi")).to_be_visible()
    expect(confirm).to_contain_text("Komunikasi Publik")
    expect(confirm).to_contain_text("Batalkan sesi ini? Semua peserta diberi tahu.")
    assert _session_status(s.id) == "published"
    page.get_by_role("link", name="Kembali").click()
    expect(page).to_have_url(f"{live_server.url}/pelatihan/kelola/sesi/{s.id}/peserta")
    assert _session_status(s.id) == "published"
    page.get_by_role("button", name="Batalkan sesi").click()
    page.get_by_role("button", name="Ya, batalkan sesi").click()
    expect(page).to_have_url(f"{live_server.url}/pelatihan/kelola/sesi/{s.id}/peserta")
    expect(page.locator("#flash")).to_contain_text("Sesi dibatalkan")
    assert _session_status(s.id) == "cancelled"


def test_cancelling_a_session_asks_in_a_dialog_and_posts_once(page, live_server, world):
    org, s = world
    login(page, org.organizer.email)
    page.goto(f"/pelatihan/kelola/sesi/{s.id}/peserta")
    page.get_by_role("button", name="Batalkan sesi").click()
    dialog = page.locator("#confirm-dialog")
    dialog.get_by_role("button", name="Batal").click()
    assert _session_status(s.id) == "published"
    page.get_by_role("button", name="Batalkan sesi").click()
    dialog.get_by_role("button", name="Ya, lanjutkan").click()
    # The dialog's yes is the confirmation: no page asks again.
    expect(page.locator("#flash")).to_contain_text("Sesi dibatalkan")
    expect(page.get_by_role("heading", name="Konfirmasi")).to_have_count(0)
    assert _session_status(s.id) == "cancelled"


def test_an_htmx_delete_asks_in_the_dialog_only(page, live_server, live_app):
    from blueprints.surveys import builder as survey_builder
    from blueprints.surveys.models import SurveyDimension
    from tests import factories_surveys as fs

    org = factories.small_org()
    wf.fast_logins()
    t = fs.instrument(text_questions=0)
    dim_id = survey_builder.add_dimension(t.inst, "Dimensi kosong", "readiness", "").id
    db.session.commit()
    login(page, org.admin.email)
    page.goto(f"/survei/kelola/instrumen/{t.inst.id}")
    page.get_by_role("button", name="Hapus Dimensi kosong").click()
    page.locator("#confirm-dialog").get_by_role("button", name="Ya, lanjutkan").click()
    expect(page.locator("#builder")).not_to_contain_text("Dimensi kosong")
    expect(page.get_by_role("heading", name="Konfirmasi")).to_have_count(0)
    db.session.expire_all()
    assert db.session.get(SurveyDimension, dim_id) is None
