"""Destructive actions ask first (issue 15): with JavaScript in a <dialog> (app.js; "Batal" keeps
the registration), without JavaScript on a confirmation page that posts the action."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from blueprints.common.timefmt import utcnow
from blueprints.workshops.models import Registration
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
