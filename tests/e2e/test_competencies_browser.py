"""Competencies in real Chromium: a leader assesses a person and the gap changes in place (htmx),
the same with JavaScript off, axe on the new pages (the AKPK with its survey signals, a
workshop's competencies, the dictionary's edit form among them), and every new page fits 390 px."""

from datetime import date

from playwright.sync_api import expect

from blueprints.competencies import dictionary
from blueprints.competencies.models import (
    CompetencyAssessment,
    CompetencyStandard,
    WorkshopCompetency,
)
from extensions import db
from tests import factories
from tests import factories_surveys as fs
from tests import factories_workshops as fw
from tests.e2e.conftest import assert_accessible, login


def _world():
    org = factories.small_org()
    dictionary.install_builtin()
    comps = {c.code: c for c in dictionary.all_competencies()}
    for code in ("komunikasi", "integritas", "administrasi_kependudukan"):
        db.session.add(
            CompetencyStandard(jabatan="Pelaksana", competency_id=comps[code].id, required_level=3)
        )
    db.session.add(
        CompetencyAssessment(
            employee_id=org.staff_a1.id,
            competency_id=comps["komunikasi"].id,
            level=1,
            source="leader",
            assessed_on=date(2026, 1, 5),
            note="",
            assessed_by_id=org.lurah_a.id,
        )
    )
    db.session.commit()
    return org, comps["komunikasi"]


def _akpk_world():
    """_world() with what the organizer's pages show beyond it: a workshop developing
    komunikasi with an upcoming session (the AKPK's assign form), and a survey wave whose
    signals have a visible unit with a weak dimension and a hidden one."""
    org, competency = _world()
    workshop = fw.workshop(org.organizer, "Komunikasi Efektif di Kelurahan")
    db.session.add(
        WorkshopCompetency(workshop_id=workshop.id, competency_id=competency.id, target_level=3)
    )
    db.session.commit()
    fw.session(workshop)
    t = fs.instrument(text_questions=0)
    wave = fs.wave(t.inst, [org.kec], k=5, title="Gelombang uji AKPK")
    fs.responses(wave, org.kel_a, fs.uniform(t, 3, 6))
    fs.responses(wave, org.sek, fs.uniform(t, 4, 6))
    fs.responses(wave, org.kec, fs.uniform(t, 4, 6))
    fs.responses(wave, org.kel_b, fs.uniform(t, 2, 2))
    return org, competency, workshop


def _assess(page, competency):
    form = page.locator("#assess-heading").locator("xpath=..")
    form.get_by_label("Kompetensi").select_option(str(competency.id))
    form.get_by_label("Level yang dinilai").select_option("3")
    form.get_by_label("Catatan").fill("Dialog kinerja triwulan")
    form.get_by_role("button", name="Simpan penilaian").click()


def test_leader_assesses_and_the_gap_changes_in_place(page, live_server):
    org, competency = _world()
    login(page, org.lurah_a.email)
    url = f"/kompetensi/pegawai/{org.staff_a1.id}"
    page.goto(url)
    cell = page.locator(f"#gap-row-{competency.id} .gap-cell")
    expect(cell).to_have_text("2")
    page.evaluate("window.__marker = 1")  # survives only if the page is not reloaded
    _assess(page, competency)
    expect(cell).to_have_text("terpenuhi")
    assert page.evaluate("window.__marker") == 1
    assert page.url.endswith(url)
    expect(page.get_by_text("Penilaian kompetensi disimpan.")).to_be_visible()
    assert_accessible(page)


def test_leader_assesses_with_javascript_off(page_nojs, live_server):
    org, competency = _world()
    page = page_nojs
    login(page, org.lurah_a.email)
    page.goto(f"/kompetensi/pegawai/{org.staff_a1.id}")
    expect(page.locator(f"#gap-row-{competency.id} .gap-cell")).to_have_text("2")
    _assess(page, competency)
    expect(page.locator(f"#gap-row-{competency.id} .gap-cell")).to_have_text("terpenuhi")
    expect(page.get_by_text("Penilaian kompetensi disimpan.")).to_be_visible()


PAGES = [
    ("staff_a1", "/kompetensi/"),
    ("staff_a1", "/karier"),
    ("staff_a1", "/kompetensi/kamus"),
    ("lurah_a", "/kompetensi/tim"),
    ("camat", "/kompetensi/akpk"),
    ("organizer", "/kompetensi/akpk"),
    ("admin", "/kompetensi/standar"),
    ("admin", "/kompetensi/standar/jabatan?jabatan=Pelaksana"),
    ("admin", "/kompetensi/assessment-center"),
    ("admin", "/kompetensi/kamus/baru"),
    ("admin", "/kompetensi/kamus/{competency}/ubah"),
    ("organizer", "/kompetensi/pelatihan/{workshop}"),
]


def test_new_pages_pass_axe_and_fit_390_px(browser, live_server):
    org, competency, workshop = _akpk_world()
    ids = {"competency": competency.id, "workshop": workshop.id}
    for who in dict.fromkeys(key for key, _url in PAGES):
        person = getattr(org, who)
        context = browser.new_context(
            base_url=live_server.url, locale="id-ID", viewport={"width": 390, "height": 844}
        )
        page = context.new_page()
        login(page, person.email)
        for key, url in PAGES:
            if key != who:
                continue
            page.goto(url.format(**ids))
            expect(page.locator("h1").first).to_be_visible()
            if url == "/kompetensi/akpk":  # the survey signals' table is checked too
                expect(page.locator("#akpk-survey .weak-dimensions").first).to_be_visible()
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, f"{url} is {width} px wide"
            assert_accessible(page)
        context.close()
