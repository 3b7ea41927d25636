"""Surveys in Chromium: answering on a phone and without JavaScript, the builder's add and
reorder, results with the heatmap; axe on each."""

from playwright.sync_api import expect
from sqlalchemy import func, select

from blueprints.common.models import SealedAnswer
from blueprints.surveys.models import SurveyQuestion, SurveyResponse
from extensions import db
from tests import factories
from tests import factories_surveys as fs
from tests.e2e.conftest import assert_accessible, login


def _answer(page, number: int, label: str) -> None:
    """Choose `label` for the number-th statement (each is a fieldset with its own radios)."""
    page.locator("fieldset.likert").nth(number - 1).get_by_label(label, exact=True).check()


def test_answering_on_a_phone(page, live_server):
    org = factories.small_org()
    t = fs.instrument()
    w = fs.wave(t.inst, [org.kec], title="Layanan daring")
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, org.staff_a1.email)
    page.goto("/survei/")
    page.get_by_role("link", name="Isi survei Layanan daring").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Layanan daring")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(page)
    _answer(page, 1, "Setuju")
    expect(page.locator("#draft-status")).to_contain_text("Jawaban sementara tersimpan")
    for number in range(2, 10):
        _answer(page, number, "Sangat Setuju" if number % 2 else "Netral")
    page.get_by_label("10. Komentar 1?").fill("Perlu pelatihan di loket")
    page.get_by_role("button", name="Kirim jawaban").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Terima kasih, jawaban Anda terkirim")
    expect(page.get_by_text("Jam pengiriman atau urutan pengiriman.")).to_be_visible()
    assert_accessible(page)
    # Stored sealed, waiting for at least k answers to mix with (docs/anonymity.md).
    assert db.session.scalar(select(func.count()).select_from(SealedAnswer)) == 1
    assert db.session.scalar(select(func.count()).select_from(SurveyResponse)) == 0
    assert w.id


def test_answering_without_javascript(page_nojs, live_server):
    page = page_nojs
    org = factories.small_org()
    t = fs.instrument()
    w = fs.wave(t.inst, [org.kec])
    login(page, org.staff_a1.email)
    page.goto(f"/survei/{w.id}")
    _answer(page, 1, "Tidak Setuju")
    _answer(page, 2, "Sangat Setuju")
    page.get_by_role("button", name="Simpan sementara").click()
    expect(page.get_by_role("status")).to_contain_text("Jawaban sementara disimpan.")
    expect(
        page.locator("fieldset.likert").nth(0).get_by_label("Tidak Setuju", exact=True)
    ).to_be_checked()
    _answer(page, 3, "Setuju")
    page.get_by_role("button", name="Kirim jawaban").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Terima kasih, jawaban Anda terkirim")
    page.goto(f"/survei/{w.id}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Anda sudah mengisi survei ini")


def test_builder_add_and_reorder(page, live_server):
    org = factories.small_org()
    t = fs.instrument(text_questions=0)
    login(page, org.admin.email)
    page.goto(f"/survei/kelola/instrumen/{t.inst.id}")
    assert_accessible(page)
    page.get_by_label("Teks pertanyaan").fill("Saya paham tujuan aplikasi baru.")
    page.get_by_role("combobox", name="Dimensi", exact=True).select_option(label="Dimensi R2")
    page.get_by_role("button", name="Tambah pertanyaan").click()
    rows = page.locator("#question-list > li")
    expect(rows).to_have_count(10)
    expect(rows.nth(9)).to_contain_text("Saya paham tujuan aplikasi baru.")
    expect(page.locator("#flash")).to_contain_text("Pertanyaan ditambahkan.")  # said in place
    page.get_by_role("button", name="Naik pertanyaan 10").click()
    expect(rows.nth(8)).to_contain_text("Saya paham tujuan aplikasi baru.")
    expect(page.locator("#flash")).not_to_contain_text("Pertanyaan ditambahkan.")  # replaced
    expect(rows.nth(9)).to_contain_text("Pernyataan S1.3")
    assert_accessible(page)
    db.session.expire_all()
    moved = db.session.scalars(
        select(SurveyQuestion).where(SurveyQuestion.text == "Saya paham tujuan aplikasi baru.")
    ).one()
    assert moved.position == 9


def test_results_with_heatmap(page, live_server):
    org = factories.small_org()
    t = fs.instrument()
    first = fs.wave(t.inst, [org.kec], k=3, opened_days_ago=80, closes_in=-50, title="Gelombang 1")
    fs.responses(first, org.kel_a, fs.uniform(t, 2, 4))
    fs.responses(first, org.kel_b, fs.uniform(t, 3, 4))
    fs.close(first)
    w = fs.wave(t.inst, [org.kec], k=3, title="Gelombang 2")
    fs.responses(w, org.kel_a, fs.uniform(t, 4, 4, comment="Perlu jaringan stabil"))
    fs.responses(w, org.kel_b, fs.uniform(t, 3, 3))
    fs.responses(w, org.sek, fs.uniform(t, 5, 3, comment="Contoh dari kelurahan lain"))
    login(page, org.camat.email)
    page.goto("/survei/hasil")
    page.get_by_role("link", name="Gelombang 2").click()
    heatmap = page.locator("svg#chart-heatmap")
    expect(heatmap).to_be_visible()
    expect(heatmap.locator("rect.heat")).to_have_count(
        4 * 5
    )  # 4 units x (3 dimensions + 2 indices)
    expect(page.get_by_role("table", name="Rata-rata per unit dan dimensi")).to_be_visible()
    expect(page.locator("svg#chart-trend")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("combobox", name="Unit").select_option(
        label="Kelurahan A"
    )  # htmx swaps the results
    expect(page.locator("#results-body h2").first).to_have_text("Kelurahan A")
    assert "unit=" in page.url
    assert_accessible(page)
