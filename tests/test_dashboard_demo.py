"""On the seeded demo (product.md §5): each demo account's home lists exactly what needs them,
and the dashboards' figures equal independent computations (JP compliance, feedback coverage,
survey indices) without leaving the leader's subtree. The demo is seeded once for the module;
no test here changes data."""

import io
import re

import pytest
from flask import g
from openpyxl import load_workbook
from sqlalchemy import select

from blueprints.auth.models import Employee, Unit
from blueprints.common.timefmt import today_wib
from blueprints.dashboard import services
from blueprints.surveys.models import SurveyWave
from extensions import db
from tests import factories_dashboard as fd
from tests.conftest import _empty_all_tables, make_test_app
from tests.factories import DEMO_EMAILS

PASSWORD = "demo-marelan"

SECTIONS = {
    "feedback": "needs-feedback",
    "follow_ups": "needs-follow-ups",
    "requests": "needs-requests",
    "confirm": "needs-confirm",
    "goals": "needs-goals",
    "attendance": "needs-attendance",
    "records": "needs-records",
}


@pytest.fixture(scope="module")
def demo_app(_schema, tmp_path_factory):
    app = make_test_app(_schema, str(tmp_path_factory.mktemp("demo-dashboard")))
    with app.app_context():
        _empty_all_tables()
        result = app.test_cli_runner().invoke(args=["seed-demo", "--password", PASSWORD])
        assert result.exit_code == 0, result.output
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="module")
def people(demo_app):
    return {
        key: db.session.scalars(select(Employee).where(Employee.email == email)).one()
        for key, email in DEMO_EMAILS.items()
    }


def _client(app, person):
    client = app.test_client()
    response = client.post("/masuk", data={"identifier": person.email, "password": PASSWORD})
    assert response.status_code in (302, 303)
    return client


def _fresh():
    for name in list(vars(g)):
        delattr(g, name)


def _count_pill(fragment: str) -> int:
    return int(re.search(r'<span class="count-pill">(\d+)</span>', fragment).group(1))


@pytest.mark.parametrize("key", sorted(DEMO_EMAILS))
def test_each_demo_home_lists_exactly_what_needs_them(demo_app, people, key):
    person = people[key]
    expected = fd.expected_home(person)
    _fresh()
    data = services.home(person)
    got = {
        "feedback": {f.id for f in data.unread_feedback.items},
        "follow_ups": {f.id for f in data.follow_ups.items},
        "surveys": {w.wave.id for w in data.surveys},
        "upward": {data.upward.round.id} if data.upward else set(),
        "requests": {r.id for r in data.requests.items},
        "approvals": {r.id for r in data.approvals},
        "confirm": {f.id for f in data.to_confirm.items},
        "goals": {goal.id for goal in data.goals.items},
        "attendance": {row[0].id for row in data.attendance.items},
        "records": {r.id for r in data.records.items},
    }
    totals = {
        "feedback": data.unread_feedback.total,
        "follow_ups": data.follow_ups.total,
        "requests": data.requests.total,
        "confirm": data.to_confirm.total,
        "goals": data.goals.total,
        "attendance": data.attendance.total,
        "records": data.records.total,
    }
    for kind, ids in expected.items():
        assert got[kind] <= ids, kind  # only items that need the person …
        if kind in totals:
            assert totals[kind] == len(ids), kind  # … all of them counted …
            assert len(got[kind]) == min(len(ids), services.HOME_LIMIT), kind  # … first shown
        else:
            assert got[kind] == ids, kind
    html = _client(demo_app, person).get("/").get_data(as_text=True)
    for kind, section_id in SECTIONS.items():
        fragment = fd.section(html, section_id)
        if expected[kind]:
            assert fragment is not None and _count_pill(fragment) == len(expected[kind]), kind
        else:
            assert fragment is None, kind
    waiting = len(expected["surveys"]) + len(expected["upward"])
    assert (fd.section(html, "needs-surveys") is not None) == bool(waiting)


def test_demo_homes_tell_the_story(demo_app, people):
    """The demo accounts each have work waiting (product.md §5: homes full and coherent)."""
    homes = {}
    for key, person in people.items():
        _fresh()
        homes[key] = fd.expected_home(person)
    assert homes["pegawai"]["feedback"] and homes["pegawai"]["follow_ups"]
    assert homes["pegawai"]["surveys"] and homes["pegawai"]["upward"]
    assert homes["lurah_terjun"]["requests"] and homes["lurah_terjun"]["approvals"]
    assert homes["lurah_terjun"]["goals"] and homes["lurah_terjun"]["confirm"]
    assert homes["camat"]["requests"] and homes["camat"]["approvals"] and homes["camat"]["goals"]
    assert homes["penyelenggara"]["attendance"] and homes["penyelenggara"]["records"]


@pytest.mark.parametrize("key", ["camat", "lurah_terjun"])
def test_demo_leader_figures_equal_independent_computation(demo_app, people, key):
    leader = people[key]
    expected = fd.expected_figures(leader)
    _fresh()
    data = services.leader_dashboard(leader)
    assert data.totals.people == len(expected["people"])
    assert data.totals.at_target == len(expected["at_target"])
    assert data.totals.covered == len(expected["covered"])
    assert data.overdue.total == len(expected["overdue"])
    below = db.session.execute(services.people_stmt(leader, data.figures, "jp-kurang")).all()
    assert {r.id: r.jp for r in below} == {
        pid: expected["jp"][pid] for pid in expected["people"] - expected["at_target"]
    }
    # The page says the same.
    html = _client(demo_app, leader).get("/dasbor/pimpinan").get_data(as_text=True)
    people_n = len(expected["people"])
    assert f"({len(expected['at_target'])} dari {people_n} orang)" in fd.anchor(html, "stat-jp")
    assert f"({len(expected['covered'])} dari {people_n} orang)" in fd.anchor(html, "stat-coverage")
    assert fd.anchor(html, "stat-overdue").strip().startswith(str(len(expected["overdue"])))
    if key == "camat":  # a coherent story: some at target, not all
        assert 0 < len(expected["at_target"]) < people_n


def test_demo_survey_indices_equal_independent_computation(demo_app, people):
    camat = people["camat"]
    _fresh()
    trend = services.survey_trend(camat)
    assert len(trend.waves) == 2  # the closed wave and the open one with live results
    checked = 0
    for row in trend.rows:
        for wave, cell in zip(trend.waves, row.cells, strict=True):
            if cell is None:
                continue
            before = today_wib() if wave.status == "open" else None
            readiness, n = fd.independent_index(wave, row.unit.path, "readiness", before)
            resistance, _n = fd.independent_index(wave, row.unit.path, "resistance", before)
            if n < wave.min_group:
                assert not cell.visible, row.unit.name  # the threshold holds
            if cell.visible:
                assert cell.readiness == pytest.approx(readiness), (wave.title, row.unit.name)
                assert cell.resistance == pytest.approx(resistance), (wave.title, row.unit.name)
                checked += 1
    assert checked >= 10
    kel_ter = next(r for r in trend.rows if r.unit.code == "KEL-TER")
    assert kel_ter.latest is not None and not kel_ter.latest.visible  # under k in the open wave


def test_demo_lurah_sees_only_terjun(demo_app, people):
    lurah = people["lurah_terjun"]
    terjun = db.session.scalars(select(Unit).where(Unit.code == "KEL-TJ")).one()
    outside = [
        e
        for e in db.session.scalars(select(Employee))
        if e.unit_id != terjun.id and e.id != lurah.id
    ]
    other_units = [u.name for u in db.session.scalars(select(Unit)) if u.id != terjun.id]
    client = _client(demo_app, lurah)
    pages = [
        client.get("/dasbor/pimpinan").get_data(as_text=True),
        client.get("/dasbor/pimpinan/pegawai").get_data(as_text=True),
        client.get("/dasbor/pimpinan/pegawai?ukuran=jp-kurang").get_data(as_text=True),
        client.get("/dasbor/pimpinan/pegawai?ukuran=ub-belum").get_data(as_text=True),
    ]
    for text in pages:
        main = text.split('id="main"', 1)[-1].split("</main>")[0]
        for person in outside:
            assert person.name not in main, person.name
        for name in other_units:  # a unit name as a cell or a link of its own
            assert not re.search(rf">\s*{re.escape(name)}\s*<", main), name
        assert set(re.findall(r"unit=(\d+)", main)) <= {str(terjun.id)}
        assert set(re.findall(r'id="unit-(\d+)"', main)) <= {str(terjun.id)}
    workbook = load_workbook(io.BytesIO(client.get("/dasbor/pimpinan/ekspor.xlsx").data))
    cells = {
        str(c.value) for sheet in workbook for row in sheet.iter_rows() for c in row if c.value
    }
    assert not cells & ({p.name for p in outside} | set(other_units))
    assert cells & {e.name for e in db.session.scalars(select(Employee)) if e.unit_id == terjun.id}
    _fresh()
    trend = services.survey_trend(lurah)
    assert {row.unit.id for row in trend.rows} == {terjun.id}


def test_demo_organizer_dashboard_is_full(demo_app, people):
    html = (
        _client(demo_app, people["penyelenggara"])
        .get("/dasbor/penyelenggara")
        .get_data(as_text=True)
    )
    assert "penuh" in html  # the full session with its waitlist
    assert fd.anchor(html, "stat-attendance").strip().startswith("1")
    assert 'id="demand-topics"' in html and 'id="demand-weak"' in html
    assert "Teknik Presentasi" in html


def test_demo_career_has_history(demo_app, people):
    html = _client(demo_app, people["pegawai"]).get("/karier").get_data(as_text=True)
    year = today_wib().year
    flat = html.replace("\n", "")
    assert re.search(rf'<th scope="row">{year - 1}</th><td class="num">[1-9]\d*</td>', flat)
    assert "Kurang" in html  # below the PNS target this year
    assert db.session.scalars(select(SurveyWave).where(SurveyWave.status == "open")).first()
