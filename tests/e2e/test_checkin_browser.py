"""QR check-in in real Chromium: a participant on a phone-sized screen scans (opens the URL the
QR holds), logs in, confirms; the organizer's screen counts them and takes a walk-in from the
queue by polling; and the same flow without JavaScript (typed code, plain forms, refresh link)."""

import os
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from blueprints.common.timefmt import utcnow
from blueprints.workshops import checkin
from blueprints.workshops.models import CheckinRequest, Registration
from extensions import db
from tests import factories
from tests import factories_workshops as wf
from tests.e2e.conftest import _new_page, assert_accessible, login

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
SHOTS = os.environ.get("KARIER_SCREENSHOTS")  # a folder: save screenshots there to look at


@pytest.fixture
def org(live_app):
    people = factories.small_org()
    wf.fast_logins()
    return people


@pytest.fixture
def running(org):
    ws = wf.workshop(org.organizer, "Komunikasi Publik yang Empatik")
    s = wf.session(ws, starts_at=(utcnow() - timedelta(minutes=20)).replace(microsecond=0))
    reg = wf.registration(s, org.staff_a1)
    return s, reg


def _scan_path(s) -> str:
    return f"/pelatihan/hadir/{s.id}/{checkin.make_token(s.id, checkin.step_of())}"


def _attended(reg_id) -> bool:
    db.session.expire_all()
    return db.session.get(Registration, reg_id).attended


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_scan_on_a_phone_and_the_organizer_screen_counts(browser, live_server, org, running):
    s, reg = running
    screen_ctx, screen = _new_page(browser, live_server, viewport={"width": 1280, "height": 900})
    phone_ctx, phone = _new_page(browser, live_server, **PHONE)
    try:
        login(screen, org.organizer.email)
        screen.goto(f"/pelatihan/kelola/sesi/{s.id}/peserta")
        screen.get_by_role("link", name="Presensi QR").click()
        expect(screen.get_by_role("heading", name="Presensi QR", level=1)).to_be_visible()
        expect(screen.get_by_role("img", name="Kode QR presensi")).to_be_visible()
        expect(screen.locator("#checkin-count")).to_have_text("0")
        assert_accessible(screen)
        _shot(screen, "checkin-screen-1280")

        # The phone opens what the QR holds; login first, then back to the confirm button.
        phone.goto(_scan_path(s))
        phone.get_by_label("NIP atau email").fill(org.staff_a1.email)
        phone.get_by_label("Kata sandi").fill("rahasia-uji-123")
        phone.get_by_role("button", name="Masuk").click()
        confirm = phone.get_by_role("button", name="Konfirmasi kehadiran")
        expect(confirm).to_be_visible()
        assert_accessible(phone)
        _shot(phone, "checkin-confirm-390")
        box = confirm.bounding_box()
        assert box["width"] >= 300 and box["height"] >= 44, box  # thumb-sized on a phone
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        confirm.click()
        expect(phone.locator(".flash").get_by_text("Anda tercatat hadir")).to_be_visible()
        assert _attended(reg.id)

        # The screen polls: the count changes without a reload.
        expect(screen.locator("#checkin-count")).to_have_text("1", timeout=15_000)

        # A stranger scans: they wait, the organizer's queue shows them, Terima takes them.
        phone.context.clear_cookies()  # another person on the phone
        login(phone, org.staff_b1.email)
        phone.goto(_scan_path(s))
        phone.get_by_role("button", name="Konfirmasi kehadiran").click()
        expect(phone.get_by_text("menunggu keputusan penyelenggara")).to_be_visible()
        item = screen.locator(".checkin-queue li", has_text="Staf B1")
        expect(item).to_be_visible(timeout=15_000)
        _shot(screen, "checkin-queue-1280")
        item.get_by_role("button", name="Terima").click()
        expect(screen.get_by_text("Staf B1 diterima dan dicatat hadir.")).to_be_visible()
        expect(screen.locator("#checkin-count")).to_have_text("2")
        assert screen.url.endswith(f"/pelatihan/kelola/sesi/{s.id}/presensi")
        assert not screen.js_errors and not phone.js_errors, screen.js_errors + phone.js_errors
    finally:
        screen_ctx.close()
        phone_ctx.close()


def test_check_in_without_javascript(browser, live_server, org, running):
    s, reg = running
    phone_ctx, phone = _new_page(browser, live_server, java_script_enabled=False, **PHONE)
    screen_ctx, screen = _new_page(browser, live_server, java_script_enabled=False)
    try:
        # The typed code, on a phone without JavaScript.
        login(phone, org.staff_a1.email)
        phone.goto("/pelatihan/hadir")
        phone.get_by_label("Kode presensi").fill(checkin.make_code(s.id, checkin.step_of()))
        phone.get_by_role("button", name="Kirim kode").click()
        expect(phone.locator(".flash").get_by_text("Anda tercatat hadir")).to_be_visible()
        assert _attended(reg.id)

        # A stranger through the QR URL, still without JavaScript.
        phone.context.clear_cookies()  # another person on the phone
        login(phone, org.staff_b1.email)
        phone.goto(_scan_path(s))
        phone.get_by_role("button", name="Konfirmasi kehadiran").click()
        expect(phone.get_by_text("menunggu keputusan penyelenggara")).to_be_visible()
        _shot(phone, "checkin-queued-390-nojs")

        # The organizer's screen without JavaScript: the refresh link and plain forms.
        login(screen, org.organizer.email)
        screen.goto(f"/pelatihan/kelola/sesi/{s.id}/presensi")
        expect(screen.locator("#checkin-count")).to_have_text("1")
        screen.get_by_role("link", name="Muat ulang").click()
        item = screen.locator(".checkin-queue li", has_text="Staf B1")
        item.get_by_role("button", name="Tolak").click()
        expect(screen.get_by_text("Presensi Staf B1 ditolak.")).to_be_visible()
        expect(screen.locator(".checkin-queue li")).to_have_count(0)
        db.session.expire_all()
        row = db.session.scalars(select(CheckinRequest)).one()
        assert row.status == "refused"
    finally:
        phone_ctx.close()
        screen_ctx.close()
