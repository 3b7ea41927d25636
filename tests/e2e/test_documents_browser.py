"""Document pages in real Chromium (issue 13): the document settings (admin), the unit SIASN
history page (organizer), and the workshop form's signatory fields; axe and no overflow at
390 px; screenshots kept with KEEP_RENDERS."""

import os

import pytest
from playwright.sync_api import expect

from tests import factories
from tests import factories_workshops as wf
from tests.e2e.conftest import assert_accessible, login


@pytest.fixture
def org(live_app):
    people = factories.small_org()
    wf.fast_logins()
    return people


def _shoot(page, name):
    out = os.environ.get("KEEP_RENDERS")
    if out:
        page.screenshot(path=os.path.join(out, f"{name}.png"), full_page=True)


def _no_overflow(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"] + 1, width


@pytest.mark.parametrize("width", [390, 1280])
def test_document_settings_and_history_pages(page, live_server, org, width):
    page.set_viewport_size({"width": width, "height": 900})
    login(page, org.admin.email)
    page.goto("/pelatihan/dokumen/pengaturan")
    expect(page.get_by_role("heading", name="Pengaturan dokumen")).to_be_visible()
    page.get_by_label("Tempat penerbitan").fill("Medan Marelan")
    page.get_by_role("button", name="Simpan pengaturan").click()
    expect(page.get_by_text("Pengaturan dokumen disimpan.")).to_be_visible()
    expect(page.get_by_label("Tempat penerbitan")).to_have_value("Medan Marelan")
    assert_accessible(page)
    _no_overflow(page)
    _shoot(page, f"document-settings-{width}")

    page.goto("/pelatihan/kelola/riwayat-siasn")
    page.get_by_label("Unit").select_option(str(org.kel_a.id))
    page.get_by_role("button", name="Pilih").click()
    expect(page.get_by_role("link", name="Unduh riwayat diklat")).to_be_visible()
    assert_accessible(page)
    _no_overflow(page)
    _shoot(page, f"unit-history-{width}")


def test_workshop_form_signatory_fields(page, live_server, org):
    ws = wf.workshop(org.organizer, "Teknik Presentasi")
    page.set_viewport_size({"width": 390, "height": 900})
    login(page, org.organizer.email)
    page.goto(f"/pelatihan/kelola/program/{ws.id}/ubah")
    page.get_by_label("Nama penanda tangan").fill("Sekcam Uji")
    page.get_by_label("NIP penanda tangan").fill("123")
    page.get_by_role("button", name="Simpan").first.click()
    expect(page.get_by_text("NIP terdiri dari 18 angka.").first).to_be_visible()
    assert_accessible(page)
    _no_overflow(page)
    _shoot(page, "workshop-form-signatory-390")
