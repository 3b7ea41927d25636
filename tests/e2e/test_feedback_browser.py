"""Feedback in real Chromium: the live workshop picker, acknowledging and answering inline, the
team view's filters and quick-give panel, giving feedback with JavaScript off, and axe."""

import re
from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from blueprints.common.timefmt import today_wib
from blueprints.feedback.models import Feedback
from extensions import db
from tests import factories
from tests import factories_feedback as ff
from tests.e2e.conftest import assert_accessible, login


def _fill_feedback(page):
    page.get_by_label("Situasi atau konteks").fill("Paparan pada musyawarah kelurahan")
    page.get_by_label("Kekuatan").fill("Data lengkap dan akurat")
    page.get_by_label("Area perbaikan").fill("Mulai dari kesimpulan; latih waktu bicara")
    page.get_by_label("Kompeten —").check()
    page.get_by_label("Tindak lanjut 1", exact=True).fill("Ikuti pelatihan Teknik Presentasi")
    page.get_by_label("Tenggat tindak lanjut 1").fill(
        (today_wib() + timedelta(days=21)).isoformat()
    )


def _browser_of(page, live_server, person, **options):
    """A second person signs in from a browser context of their own."""
    context = page.context.browser.new_context(base_url=live_server.url, locale="id-ID", **options)
    other = context.new_page()
    login(other, person.email)
    return other


def _sent_feedback():
    db.session.expire_all()
    return db.session.scalars(select(Feedback).where(Feedback.status == "sent")).one()


def test_give_feedback_with_the_live_workshop_picker(page, live_server):
    org = factories.small_org()
    ws = ff.workshop("Teknik Presentasi")
    ff.workshop("Pelayanan Publik yang Berempati")
    login(page, org.lurah_a.email)
    page.goto(f"/umpan-balik/baru?receiver={org.staff_a1.id}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Beri umpan balik")
    assert_accessible(page)
    _fill_feedback(page)
    page.get_by_label("Cari pelatihan di katalog").press_sequentially("presen", delay=20)
    results = page.locator("#workshop-results")
    expect(results.get_by_text("Teknik Presentasi", exact=True)).to_be_visible()
    expect(results.get_by_text("Berempati")).to_have_count(0)
    results.get_by_role("button", name=re.compile("Tambahkan.*Teknik Presentasi")).click()
    chosen = page.locator("#selected-workshops").get_by_label("Teknik Presentasi")
    expect(chosen).to_be_checked()
    expect(results.get_by_text("Sudah dipilih")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Kirim sekarang").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Umpan balik untuk Staf A1")
    expect(
        page.get_by_role("link", name=re.compile("Lihat jadwal dan daftar.*Teknik Presentasi"))
    ).to_have_attribute("href", f"/pelatihan/program/{ws.id}")
    assert_accessible(page)
    fb = _sent_feedback()
    assert [w.workshop_id for w in fb.workshops] == [ws.id]
    assert fb.value_codes == ["kompeten"] and len(fb.follow_ups) == 1


def test_acknowledge_and_answer_inline(page, live_server):
    org = factories.small_org()
    fb = ff.feedback(org.lurah_a, org.staff_a1, follow_ups=[("Susun daftar periksa", 7)])
    login(page, org.staff_a1.email)
    page.goto(f"/umpan-balik/{fb.id}")
    assert_accessible(page)
    page.evaluate("window.stayedOnPage = true")
    page.get_by_role("button", name="Saya sudah membaca dan memahami").click()
    expect(page.locator("#feedback-ack")).to_contain_text("Sudah dibaca dan dipahami")
    page.get_by_label("Tanggapan Anda").fill("Terima kasih, Bu. Saya mulai minggu ini.")
    page.get_by_role("button", name="Kirim tanggapan").click()
    expect(page.locator("#feedback-ack")).to_contain_text(
        "Terima kasih, Bu. Saya mulai minggu ini."
    )
    row = page.locator(f"#follow-up-{fb.follow_ups[0].id}")
    row.get_by_role("button", name="Tandai selesai").click()
    expect(row).to_contain_text("menunggu konfirmasi")
    assert page.evaluate("window.stayedOnPage") is True  # swapped in place, no reload
    assert_accessible(page)
    db.session.expire_all()
    fresh = db.session.get(Feedback, fb.id)
    assert fresh.acknowledged_at is not None and fresh.response.startswith("Terima kasih")


def test_team_view_filters_sorting_and_quick_give(page, live_server):
    org = factories.small_org()
    ff.feedback(org.lurah_a, org.staff_a1, days_ago=5)
    ff.feedback(org.lurah_a, org.staff_a2, days_ago=120)
    login(page, org.camat.email)
    page.goto("/umpan-balik/tim")
    assert_accessible(page)
    table = page.locator("#team-results")
    expect(table.get_by_role("link", name="Staf A1", exact=True)).to_be_visible()
    page.evaluate("window.stayedOnPage = true")
    page.get_by_label("Tampilkan").select_option("overdue")
    expect(table.get_by_role("link", name="Staf A1", exact=True)).to_have_count(0)
    expect(table.get_by_role("link", name="Staf A2", exact=True)).to_be_visible()
    expect(page).to_have_url(re.compile(r"show=overdue"))
    page.get_by_label("Cari nama atau NIP").fill("B1")
    expect(table.get_by_role("link", name="Staf A2", exact=True)).to_have_count(0)
    expect(table.get_by_role("link", name="Staf B1", exact=True)).to_be_visible()
    page.get_by_label("Cari nama atau NIP").fill("")
    expect(table.get_by_role("link", name="Staf A2", exact=True)).to_be_visible()
    table.get_by_role("link", name="Umpan balik terakhir").click()
    expect(table.locator("th[aria-sort]")).to_contain_text("Umpan balik terakhir")
    assert page.evaluate("window.stayedOnPage") is True
    # Quick-give from the row: the panel opens in place, sends, and the table refreshes.
    table.get_by_role("link", name=re.compile("Beri umpan balik.*Staf A2")).click()
    panel = page.locator("#quick-give")
    expect(panel.get_by_role("heading", name="Umpan balik cepat untuk Staf A2")).to_be_visible()
    assert_accessible(page)
    panel.get_by_label("Situasi atau konteks").fill("Apel pagi dan laporan mingguan")
    panel.get_by_label("Kekuatan").fill("Hadir tepat waktu")
    panel.get_by_label("Area perbaikan").fill("Laporan mingguan sering terlambat")
    panel.get_by_role("button", name="Kirim", exact=True).click()
    expect(panel).to_contain_text("Umpan balik untuk Staf A2 terkirim.")
    expect(table.get_by_role("link", name="Staf A2", exact=True)).to_have_count(
        0
    )  # no longer overdue
    assert page.evaluate("window.stayedOnPage") is True


def test_give_feedback_without_javascript(page_nojs, live_server):
    page = page_nojs
    org = factories.small_org()
    ws = ff.workshop("Teknik Presentasi")
    login(page, org.lurah_a.email)
    page.goto(f"/umpan-balik/baru?receiver={org.staff_a1.id}")
    _fill_feedback(page)
    page.get_by_label("Cari pelatihan di katalog").fill("presentasi")
    page.get_by_role("button", name="Cari", exact=True).click()
    expect(page.get_by_label("Situasi atau konteks")).to_have_value(
        "Paparan pada musyawarah kelurahan"
    )
    page.get_by_role("button", name=re.compile("Tambahkan.*Teknik Presentasi")).click()
    expect(page.locator("#selected-workshops").get_by_label("Teknik Presentasi")).to_be_checked()
    page.get_by_role("button", name="Tambah baris tindak lanjut").click()
    page.get_by_label("Tindak lanjut 4", exact=True).fill("Latihan paparan di rapat staf")
    page.get_by_label("Tenggat tindak lanjut 4").fill(
        (today_wib() + timedelta(days=30)).isoformat()
    )
    page.get_by_role("button", name="Kirim sekarang").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Umpan balik untuk Staf A1")
    fb = _sent_feedback()
    assert [w.workshop_id for w in fb.workshops] == [ws.id]
    assert [f.description for f in fb.follow_ups] == [
        "Ikuti pelatihan Teknik Presentasi",
        "Latihan paparan di rapat staf",
    ]
    # The receiver acknowledges and answers with plain forms (a browser of their own).
    page = _browser_of(page, live_server, org.staff_a1, java_script_enabled=False)
    page.goto(f"/umpan-balik/{fb.id}")
    page.get_by_role("button", name="Saya sudah membaca dan memahami").click()
    expect(page.locator("#feedback-ack")).to_contain_text("Sudah dibaca dan dipahami")
    page.get_by_label("Tanggapan Anda").fill("Siap, Bu.")
    page.get_by_role("button", name="Kirim tanggapan").click()
    expect(page.locator("#feedback-ack")).to_contain_text("Siap, Bu.")
    page.context.close()


def test_other_feedback_pages_are_accessible(page, live_server):
    org = factories.small_org()
    fb = ff.feedback(org.lurah_a, org.staff_a1, follow_ups=[("Lewat tenggat", -2)])
    ff.request(org.staff_a1, org.lurah_a, topic="Cara saya memandu rapat")
    round_ = ff.upward_round(open_=False)
    ff.upward_answers(
        round_, org.lurah_a, [org.staff_a1, org.staff_a2, factories.employee(org.kel_a, "Staf A3")]
    )
    ff.upward_round(title="Triwulan Berjalan")
    login(page, org.staff_a1.email)
    for url in (
        "/umpan-balik/",
        "/umpan-balik/ke-atas",
        f"/umpan-balik/{fb.id}/riwayat",
        f"/umpan-balik/rencana/{org.staff_a1.id}/baru",
    ):
        page.goto(url)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_accessible(page)
    page = _browser_of(page, live_server, org.lurah_a)
    for url in (
        "/umpan-balik/diberikan",
        "/umpan-balik/permintaan",
        "/umpan-balik/ke-atas/hasil",
        f"/umpan-balik/tim/{org.staff_a1.id}",
    ):
        page.goto(url)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_accessible(page)
    admin = _browser_of(page, live_server, org.admin)
    page.context.close()
    admin.goto("/umpan-balik/admin")
    expect(admin.get_by_role("heading", level=1)).to_have_text("Rekap umpan balik")
    assert_accessible(admin)
    admin.context.close()
