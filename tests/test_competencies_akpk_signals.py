"""The AKPK's last points of issue 16: the survey signals per unit name the weak dimensions only
from the survey engine's thresholded figures (a unit under the threshold shows no figure on the
page nor in the XLSX's second sheet), and "Tugaskan" assigns the people who had the gap in the
year the organizer is looking at, not today's."""

import io
import re
from datetime import date, timedelta

from openpyxl import load_workbook
from sqlalchemy import select

from blueprints.admin.settings import get_setting
from blueprints.common.timefmt import to_wib, today_wib, utcnow
from blueprints.competencies import akpk, dictionary
from blueprints.competencies.models import (
    CompetencyAssessment,
    CompetencyStandard,
    WorkshopCompetency,
)
from blueprints.workshops.models import Registration
from extensions import db
from tests import factories_surveys as fs
from tests import factories_workshops as fw

# Keyed answers (after reverse keying) per dimension of the default test instrument, and how many
# people of each unit answered so. KEL-B's two are under the threshold: its figures (all 1) must
# never appear; KEC's own six keep the remainder beside KEL-A and SEK at or above k.
ANSWERS = {
    "kel_a": ({"R1": 4, "R2": 3, "S1": 2}, 6),
    "sek": ({"R1": 5, "R2": 4, "S1": 4}, 6),
    "kec": ({"R1": 3, "R2": 3, "S1": 3}, 6),
    "kel_b": ({"R1": 1, "R2": 1, "S1": 1}, 2),
}


def _rows(t, keyed: dict[str, int], n: int) -> list[dict]:
    row = {}
    for code, questions in t.items.items():
        for q in questions:
            row[q.id] = 6 - keyed[code] if q.reverse_keyed else keyed[code]
    return [dict(row) for _ in range(n)]


def _survey(org):
    t = fs.instrument(text_questions=0)
    wave = fs.wave(t.inst, [org.kec], k=5, title="Gelombang AKPK")
    for key, (keyed, n) in ANSWERS.items():
        fs.responses(wave, getattr(org, key), _rows(t, keyed, n))
    return t, wave


def _independent(org, t) -> tuple[dict[int, set[str]], dict[tuple[int, str], float]]:
    """Per unit with at least k responses in its subtree: the dimensions whose mean of the keyed
    answers is below the readiness flag (readiness) or above the resistance flag (resistance),
    and every (unit, dimension name) mean."""
    below = get_setting("survey_flag_readiness_below") / 10
    above = get_setting("survey_flag_resistance_above") / 10
    subtree = {
        "kec": ("kec", "sek", "kel_a", "kel_b"),
        "sek": ("sek",),
        "kel_a": ("kel_a",),
    }
    out, means = {}, {}
    for unit, members in subtree.items():
        total = sum(ANSWERS[m][1] for m in members)
        weak = set()
        for code, dim in t.dims.items():
            mean = sum(ANSWERS[m][0][code] * ANSWERS[m][1] for m in members) / total
            means[(getattr(org, unit).id, dim.name)] = mean
            if (dim.construct == "readiness" and mean < below) or (
                dim.construct == "resistance" and mean > above
            ):
                weak.add(dim.name)
        out[getattr(org, unit).id] = weak
    return out, means


def _login(client, person):
    client.post("/masuk", data={"identifier": person.email, "password": "rahasia-uji-123"})
    return client


def _row_text(html: str, unit_id: int) -> str:
    match = re.search(rf'<tr id="akpk-survey-{unit_id}"[^>]*>(.*?)</tr>', html, re.S)
    assert match, f"no survey row for unit {unit_id}"
    return re.sub(r"<[^>]+>", " ", match.group(1))


def test_weak_dimensions_are_named_per_unit_as_an_independent_computation(app, org, client):
    t, _wave = _survey(org)
    expected, means = _independent(org, t)
    assert expected[org.kec.id] == {"Dimensi R2"}  # the case is not empty
    assert expected[org.sek.id] == {"Dimensi S1"}
    assert expected[org.kel_a.id] == {"Dimensi R2"}

    analysis = akpk.build(org.organizer, to_wib(utcnow()).year)
    signals = {s.unit.id: s for s in analysis.surveys}
    assert {uid for uid, s in signals.items() if s.visible} == set(expected)
    for uid, weak in expected.items():
        assert {d.dimension.name for d in signals[uid].weak} == weak
        for d in signals[uid].dimensions:
            assert abs(d.mean - means[(uid, d.dimension.name)]) < 1e-9

    html = _login(client, org.organizer).get("/kompetensi/akpk").get_data(as_text=True)
    for uid, weak in expected.items():
        text = _row_text(html, uid)
        named = {name for name in ("Dimensi R1", "Dimensi R2", "Dimensi S1") if name in text}
        assert named == weak, (uid, text)
    assert "3,10" in _row_text(html, org.kec.id)  # KEC's R2: 62 / 20

    year = analysis.year
    book = load_workbook(io.BytesIO(client.get(f"/kompetensi/akpk/akpk-{year}.xlsx").data))
    sheet = book["Sinyal survei"]
    header = [c.value for c in sheet[1]]
    assert header == [
        "Unit kerja",
        "Gelombang",
        "Dimensi",
        "Jenis",
        "Rata-rata (1–5)",
        "Lemah (konvensi kami)",
    ]
    names = {getattr(org, key).name: getattr(org, key).id for key in ("kec", "sek", "kel_a")}
    seen = set()
    for unit, wave_title, dimension, _kind, mean, weak in sheet.iter_rows(
        min_row=2, values_only=True
    ):
        if unit in names and dimension.startswith("Dimensi "):
            assert wave_title == "Gelombang AKPK"
            assert mean == round(means[(names[unit], dimension)], 2)
            assert weak == ("ya" if dimension in expected[names[unit]] else "tidak")
            seen.add((unit, dimension))
    assert len(seen) == 9  # three visible units x three dimensions


def test_a_unit_under_the_threshold_never_shows_a_figure(app, org, client):
    _survey(org)
    analysis = akpk.build(org.organizer, to_wib(utcnow()).year)
    hidden = next(s for s in analysis.surveys if s.unit.id == org.kel_b.id)
    assert not hidden.visible and hidden.dimensions == [] and hidden.weak == []
    assert hidden.readiness is None and hidden.resistance is None and hidden.n is None

    html = _login(client, org.organizer).get("/kompetensi/akpk").get_data(as_text=True)
    row = _row_text(html, org.kel_b.id)
    assert "tersembunyi (di bawah ambang)" in row
    assert not re.search(r"\d", row), row
    # KEL-B's own figures (every mean 1) appear nowhere, whatever the unit
    assert "1,00" not in html and "1.00" not in html

    year = analysis.year
    book = load_workbook(io.BytesIO(client.get(f"/kompetensi/akpk/akpk-{year}.xlsx").data))
    assert book.sheetnames == [f"AKPK {year}", "Sinyal survei"]
    kel_b_rows = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            for value in row:
                # no float 1.0 anywhere (KEL-B's means), no "1,00" as text
                assert not (isinstance(value, float) and value == 1.0), row
                assert not (isinstance(value, str) and ("1,00" in value or "1.00" in value))
            if row[0] == org.kel_b.name:
                kel_b_rows += 1
                assert not any(isinstance(v, (int, float)) for v in row), row
                assert row[-1] == "tersembunyi (di bawah ambang)"
                assert row[-2] is None
    assert kel_b_rows == 5  # three dimensions and the two indices, all without a figure


def test_a_past_year_keeps_its_own_survey_wave(app, org, client):
    _survey(org)  # opened this year
    assert akpk.build(org.organizer, to_wib(utcnow()).year - 1).surveys == []
    html = _login(client, org.organizer).get(f"/kompetensi/akpk?tahun={to_wib(utcnow()).year - 1}")
    assert "Belum ada hasil survei yang dapat ditampilkan." in html.get_data(as_text=True)


# --- assigning: the people with the gap in the year shown -----------------------------------------
def _assess(person, comp, level, on, by):
    db.session.add(
        CompetencyAssessment(
            employee_id=person.id,
            competency_id=comp.id,
            level=level,
            source="leader",
            assessed_on=on,
            note="",
            assessed_by_id=by.id,
        )
    )


def _gaps_that_differ_by_year(org):
    """komunikasi required 3 of every Pelaksana. At the end of last year A1 (level 1) and B1
    (level 1) had a gap; today A1 is at 3 (no gap), A2 at 1 (gap, unassessed last year), B1
    unchanged."""
    dictionary.install_builtin()
    comp = next(c for c in dictionary.all_competencies() if c.code == "komunikasi")
    db.session.add(CompetencyStandard(jabatan="Pelaksana", competency_id=comp.id, required_level=3))
    past = to_wib(utcnow()).year - 1
    _assess(org.staff_a1, comp, 1, date(past, 6, 1), org.lurah_a)
    _assess(org.staff_a1, comp, 3, today_wib(), org.lurah_a)
    _assess(org.staff_a2, comp, 1, today_wib(), org.lurah_a)
    _assess(org.staff_b1, comp, 1, date(past, 3, 1), org.lurah_b)
    workshop = fw.workshop(org.organizer, "Komunikasi Efektif")
    db.session.add(
        WorkshopCompetency(workshop_id=workshop.id, competency_id=comp.id, target_level=3)
    )
    db.session.commit()
    sessions = [
        fw.session(workshop, starts_at=(utcnow() + timedelta(days=d)).replace(microsecond=0))
        for d in (10, 20, 30)
    ]
    return comp, past, sessions


def _registered(session) -> set[int]:
    db.session.expire_all()
    return set(
        db.session.scalars(
            select(Registration.employee_id).where(Registration.session_id == session.id)
        )
    )


def test_assigning_picks_the_people_with_the_gap_at_the_end_of_the_year_shown(app, org, client):
    comp, past, (for_past, for_now, untouched) = _gaps_that_differ_by_year(org)
    this_year = past + 1
    client = _login(client, org.organizer)
    page = client.get(f"/kompetensi/akpk?tahun={past}").get_data(as_text=True)
    assert re.search(rf'<input[^>]*name="year"[^>]*value="{past}"', page)

    def assign(session, year):
        data = {"session": session.id, "competency": comp.id, "unit": 0, "min_gap": 1}
        if year is not None:
            data["year"] = year
        return client.post("/kompetensi/akpk/wajib", data=data)

    response = assign(for_past, past)
    assert response.status_code == 303 and f"tahun={past}" in response.headers["Location"]
    assert _registered(for_past) == {org.staff_a1.id, org.staff_b1.id}
    assert assign(for_now, this_year).status_code == 303
    assert _registered(for_now) == {org.staff_a2.id, org.staff_b1.id}
    # the service agrees, and without a year it is today's state
    assert {p.id for p in akpk.people_with_gap(org.organizer, comp.id, None, year=past)} == {
        org.staff_a1.id,
        org.staff_b1.id,
    }
    assert {p.id for p in akpk.people_with_gap(org.organizer, comp.id, None)} == {
        org.staff_a2.id,
        org.staff_b1.id,
    }
    # a year no AKPK page shows (or none) is refused, nothing assigned
    for year in (akpk.FIRST_YEAR - 1, this_year + 2, None):
        refused = assign(untouched, year)
        assert refused.status_code == 303, year
        assert _registered(untouched) == set(), year
    with client.session_transaction() as flask_session:
        messages = [m for _c, m in flask_session.get("_flashes", [])]
    assert "Tahun AKPK di luar rentang yang diizinkan." in messages
