"""Workshops in real Chromium: live catalogue search, inline register/cancel, attendance
toggles, izin atasan inline, registration without JavaScript, and axe on the key pages."""

import re
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
def org(live_app):
    people = factories.small_org()
    wf.fast_logins()
    return people


@pytest.fixture
def catalogue(org):
    empati = wf.topic("Empati")
    presentasi = wf.topic("Presentasi")
    a = wf.workshop(
        org.organizer,
        "Pelayanan Publik yang Berempati",
        topics=[empati],
        competency_type="sosial_kultural",
        description="Melayani warga dengan empati di loket kelurahan.",
    )
    b = wf.workshop(
        org.organizer, "Teknik Presentasi", topics=[presentasi], competency_type="manajerial"
    )
    return {
        "empati": wf.session(a, capacity=10),
        "presentasi": wf.session(b, capacity=1, starts_at=utcnow() + timedelta(days=9)),
    }


def _status_of(session_id, person_id):
    db.session.expire_all()
    return db.session.scalar(
        select(Registration.status).where(
            Registration.session_id == session_id, Registration.employee_id == person_id
        )
    )


def test_live_catalogue_search_updates_results_and_url(page, live_server, org, catalogue):
    login(page, org.staff_a1.email)
    page.goto("/pelatihan/")
    results = page.locator("#catalogue-results")
    expect(results.get_by_role("heading", name="Teknik Presentasi")).to_be_visible()
    expect(results.get_by_role("heading", name="Pelayanan Publik yang Berempati")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Cari judul atau deskripsi").fill("presentasi")
    expect(results.get_by_role("heading", name="Pelayanan Publik yang Berempati")).to_have_count(0)
    expect(results.get_by_role("heading", name="Teknik Presentasi")).to_be_visible()
    expect(page).to_have_url(re.compile(r"q=presentasi"))
    # A select filters on change, without pressing anything.
    page.get_by_label("Cari judul atau deskripsi").fill("")
    page.get_by_label("Jenis kompetensi").select_option("sosial_kultural")
    expect(results.get_by_role("heading", name="Pelayanan Publik yang Berempati")).to_be_visible()
    expect(results.get_by_role("heading", name="Teknik Presentasi")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"competency=sosial_kultural"))
    # The shared URL opens the same results.
    page.goto(page.url)
    expect(page.get_by_label("Jenis kompetensi")).to_have_value("sosial_kultural")
    expect(results.get_by_role("heading", name="Teknik Presentasi")).to_have_count(0)


def test_register_and_cancel_inline(page, live_server, org, catalogue):
    s = catalogue["empati"]
    login(page, org.staff_a1.email)
    page.goto("/pelatihan/")
    card = page.locator(f"#sesi-{s.id}")
    url_before = page.url
    card.get_by_role("button", name="Daftar", exact=True).click()
    expect(card.get_by_text("Anda terdaftar", exact=True)).to_be_visible()
    expect(card.get_by_role("status")).to_contain_text("Pendaftaran berhasil")
    assert page.url == url_before  # swapped in place, no navigation
    assert _status_of(s.id, org.staff_a1.id) == "confirmed"
    card.get_by_role("button", name="Batalkan pendaftaran").click()
    # The seat goes to someone else: the page asks first (app.js, a <dialog>).
    page.locator("#confirm-dialog").get_by_role("button", name="Ya, lanjutkan").click()
    expect(card.get_by_role("button", name="Daftar", exact=True)).to_be_visible()
    expect(card.get_by_role("status")).to_contain_text("dibatalkan")
    assert _status_of(s.id, org.staff_a1.id) == "cancelled"


def test_full_session_offers_the_waitlist(page, live_server, org, catalogue):
    s = catalogue["presentasi"]
    wf.registration(s, org.staff_b1, "confirmed")
    login(page, org.staff_a1.email)
    page.goto(f"/pelatihan/sesi/{s.id}")
    assert_accessible(page)
    page.get_by_role("button", name="Masuk daftar tunggu").click()
    expect(page.get_by_text("Daftar tunggu, urutan ke-1")).to_be_visible()
    assert _status_of(s.id, org.staff_a1.id) == "waitlisted"


def test_registration_works_without_javascript(page_nojs, live_server, org, catalogue):
    s = catalogue["empati"]
    login(page_nojs, org.staff_a1.email)
    page_nojs.goto("/pelatihan/?q=empati")
    page_nojs.locator(f"#sesi-{s.id}").get_by_role("button", name="Daftar", exact=True).click()
    expect(page_nojs).to_have_url(re.compile(rf"/pelatihan/sesi/{s.id}$"))
    expect(page_nojs.locator("#flash")).to_contain_text("Pendaftaran berhasil")
    expect(page_nojs.get_by_text("Anda terdaftar", exact=True)).to_be_visible()
    assert _status_of(s.id, org.staff_a1.id) == "confirmed"
    # The catalogue search is a plain GET form too.
    page_nojs.goto("/pelatihan/")
    page_nojs.get_by_label("Cari judul atau deskripsi").fill("presentasi")
    page_nojs.get_by_role("button", name="Cari").click()
    expect(page_nojs).to_have_url(re.compile(r"q=presentasi"))
    expect(page_nojs.get_by_role("heading", name="Pelayanan Publik yang Berempati")).to_have_count(
        0
    )


def test_attendance_toggles_inline(page, live_server, org):
    w = wf.workshop(org.organizer, "Komunikasi Efektif dengan Masyarakat")
    s = wf.session(w, starts_at=utcnow() - timedelta(minutes=20))
    wf.registration(s, org.staff_a1, "confirmed")
    wf.registration(s, org.staff_a2, "confirmed")
    wf.registration(s, org.staff_b1, "waitlisted")
    login(page, org.organizer.email)
    page.goto(f"/pelatihan/kelola/sesi/{s.id}/peserta")
    assert_accessible(page)
    toggle = page.get_by_role("button", name="Hadir Staf A1")
    expect(toggle).to_have_attribute("aria-pressed", "false")
    toggle.click()
    expect(page.get_by_role("button", name="Hadir Staf A1")).to_have_attribute(
        "aria-pressed", "true"
    )
    page.get_by_role("button", name="Hadir Staf A1").click()
    expect(page.get_by_role("button", name="Hadir Staf A1")).to_have_attribute(
        "aria-pressed", "false"
    )
    page.get_by_role("button", name="Tandai semua hadir").click()
    expect(page.get_by_role("status")).to_contain_text("2 peserta ditandai hadir")
    expect(page.get_by_role("button", name="Hadir Staf A2")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(page.get_by_role("button", name="Hadir Staf A1")).to_have_attribute(
        "aria-pressed", "true"
    )
    db.session.expire_all()
    attended = db.session.scalars(
        select(Registration.attended).where(Registration.status == "confirmed")
    ).all()
    assert attended == [True, True]
    assert_accessible(page)


def test_superior_approves_inline(page, live_server, org):
    w = wf.workshop(org.organizer, "Kepemimpinan Perubahan", requires_approval=True)
    s = wf.session(w, capacity=5)
    wf.registration(s, org.staff_a1, "pending_approval")
    login(page, org.lurah_a.email)
    page.goto("/pelatihan/persetujuan")
    assert_accessible(page)
    page.get_by_role("button", name="Setujui").click()
    expect(page.get_by_role("status")).to_contain_text("Staf A1 terdaftar")
    expect(page.get_by_text("Tidak ada permohonan")).to_be_visible()
    assert _status_of(s.id, org.staff_a1.id) == "confirmed"


def test_other_pages_are_accessible(page, live_server, org, catalogue):
    s = catalogue["empati"]
    wf.registration(s, org.staff_a1, "confirmed")
    wf.external(org.staff_a1, status="rejected", review_reason="Bukti tidak terbaca")
    login(page, org.staff_a1.email)
    for url in ("/pelatihan/jp", "/pelatihan/jp/eksternal/baru"):
        page.goto(url)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_accessible(page)
    page.context.clear_cookies()
    login(page, org.organizer.email)
    for url in (f"/pelatihan/kelola/sesi/{s.id}/ubah", f"/pelatihan/kelola/sesi/{s.id}/laporan"):
        page.goto(url)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_accessible(page)
