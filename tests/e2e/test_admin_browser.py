"""Administration in real Chromium: live employee search (htmx), the import flow with CSRF on,
plain forms without JavaScript, and axe on every admin page."""

import re

from playwright.sync_api import expect

from tests import factories
from tests.e2e.conftest import assert_accessible, login
from tests.factories_admin import csv_bytes, import_row, many_employees


def _accessible(page) -> None:
    """axe on the settled page. Waiting for the network to go idle first also lets the browser's
    late favicon request finish, so that the next navigation does not abort it mid-response."""
    page.wait_for_load_state("networkidle")
    assert_accessible(page)


def test_live_employee_search_updates_results_without_reloading(page, live_server):
    org = factories.small_org()
    many_employees(org.kel_b, 30)
    login(page, org.admin.email)
    page.wait_for_load_state("networkidle")
    page.goto("/admin/pegawai")
    results = page.locator("#employee-results")
    expect(results.get_by_text("40 pegawai ditemukan")).to_be_visible()
    page.evaluate("window.__samePage = true")

    page.get_by_label("Cari", exact=True).fill("lurah")
    expect(results.get_by_role("link", name="Lurah A")).to_be_visible()
    expect(results.get_by_role("link", name="Staf A1")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"/admin/pegawai\?q=lurah"))
    assert page.evaluate("window.__samePage") is True  # a fragment swap, not a page load

    page.get_by_label("Peran").select_option("leader")
    page.get_by_label("Cari", exact=True).fill("")
    expect(results.get_by_text("4 pegawai ditemukan")).to_be_visible()
    expect(page).to_have_url(re.compile(r"role=leader"))

    # Pagination inside the fragment, also by htmx.
    page.get_by_label("Peran").select_option("")
    page.get_by_label("Cari", exact=True).fill("massal")
    expect(results.get_by_text("30 pegawai ditemukan")).to_be_visible()
    results.get_by_role("link", name="Berikutnya").click()
    expect(results.get_by_role("link", name="Pegawai Massal 0029")).to_be_visible()
    expect(page).to_have_url(re.compile(r"page=2"))
    assert page.evaluate("window.__samePage") is True
    _accessible(page)


def test_employee_search_and_pagination_without_javascript(page_nojs, live_server):
    org = factories.small_org()
    many_employees(org.kel_a, 30)
    page = page_nojs
    login(page, org.admin.email)
    page.wait_for_load_state("networkidle")
    page.goto("/admin/pegawai")
    page.get_by_label("Cari", exact=True).fill("massal")
    page.get_by_role("button", name="Cari").click()
    expect(page).to_have_url(re.compile(r"q=massal"))
    expect(page.get_by_text("30 pegawai ditemukan")).to_be_visible()
    page.get_by_role("link", name="Berikutnya").click()
    expect(page.get_by_role("link", name="Pegawai Massal 0029")).to_be_visible()
    page.wait_for_load_state("networkidle")


def test_import_preview_then_commit_without_uploading_again(page, live_server, tmp_path):
    org = factories.small_org()
    login(page, org.admin.email)
    page.wait_for_load_state("networkidle")
    bad = tmp_path / "salah.csv"
    rows = [import_row(i) for i in range(5)]
    rows[2]["unit_kode"] = "TIDAK-ADA"
    bad.write_bytes(csv_bytes(rows, delimiter=";", bom=True))
    page.goto("/admin/impor")
    page.get_by_label("Berkas CSV").set_input_files(str(bad))
    page.get_by_role("button", name="Periksa berkas").click()
    expect(page.get_by_role("alert").first).to_contain_text("Tidak ada yang diimpor")
    expect(page.get_by_role("row", name=re.compile("4 unit_kode"))).to_contain_text("TIDAK-ADA")
    _accessible(page)

    good = tmp_path / "benar.csv"
    good.write_bytes(csv_bytes([import_row(i) for i in range(5)]))
    page.goto("/admin/impor")
    page.get_by_label("Berkas CSV").set_input_files(str(good))
    page.get_by_role("button", name="Periksa berkas").click()
    expect(page.get_by_text("Berkas valid: 5 pegawai baru, 0 diperbarui.")).to_be_visible()
    _accessible(page)
    page.get_by_role("button", name="Impor 5 baris").click()
    expect(page.get_by_text("Impor selesai: 5 pegawai baru, 0 diperbarui.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/admin/pegawai$"))
    page.wait_for_load_state("networkidle")


def test_admin_pages_are_accessible(page, live_server):
    """The employee list, the new-employee form and the import preview are checked above."""
    org = factories.small_org()
    login(page, org.admin.email)
    page.wait_for_load_state("networkidle")
    for path in (
        "/admin/",
        "/admin/unit",
        f"/admin/unit/{org.kel_a.id}",
        f"/admin/pegawai/{org.staff_a1.id}",
        "/admin/impor",
        "/admin/audit",
        "/admin/pengaturan",
    ):
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        _accessible(page)


def test_invalid_forms_and_temporary_password_are_accessible(page, live_server):
    org = factories.small_org()
    login(page, org.admin.email)
    page.wait_for_load_state("networkidle")
    page.goto("/admin/pegawai/baru")
    page.get_by_label("NIP / NI PPPK").fill("123")
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_text("NIP harus terdiri dari 18 angka.")).to_be_visible()
    _accessible(page)

    page.goto(f"/admin/pegawai/{org.staff_a1.id}")
    page.get_by_role("button", name="Setel ulang kata sandi").click()
    page.locator("#confirm-dialog").get_by_role("button", name="Ya, lanjutkan").click()
    expect(page.get_by_role("heading", name="Kata sandi sementara")).to_be_visible()
    _accessible(page)

    page.goto("/admin/pengaturan")
    page.get_by_label("Ambang anonimitas survei (k)").fill("2")
    page.get_by_role("button", name="Simpan pengaturan").click()
    expect(page.get_by_text("Isi angka antara 3 dan 100.")).to_be_visible()
    _accessible(page)
