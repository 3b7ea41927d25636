"""Leader dashboard: figures equal an independent computation (plain Python over the rows), the
rule for PPPK, nothing outside the leader's subtree, every figure's list, the XLSX export."""

import io
from datetime import UTC, date, datetime, timedelta

import pytest
from flask import g
from openpyxl import load_workbook
from sqlalchemy import select

from blueprints.admin.settings import set_setting
from blueprints.auth.models import Employee, Unit
from blueprints.common.timefmt import as_utc, to_wib, today_wib, utcnow
from blueprints.dashboard import services
from blueprints.feedback.models import Feedback
from blueprints.workshops.models import ExternalLearning, Registration
from extensions import db
from tests import factories_dashboard as fd


def _fresh():
    for name in list(vars(g)):
        delattr(g, name)


@pytest.fixture
def figures_case(org):
    """JP and feedback rows around every edge of the rules."""
    set_setting("jp_target_pns", 20)
    set_setting("jp_max_pppk", 12)  # PPPK are then held to 12
    year = today_wib().year
    w = fd.workshop(org.organizer, "Program JP")
    this_year = fd.session(w, starts=fd.this_year_past(), hours=1, jp=8)
    last_year = fd.session(w, days=-400, jp=20)
    cancelled = fd.session(w, days=-3, status="cancelled", jp=30)
    fd.register(this_year, org.staff_a1, attended=True)  # 8
    fd.external(org.staff_a1, jp=12, status="verified")  # + 12 = 20: at target (PNS)
    fd.external(org.staff_a2, jp=14, status="verified")  # PPPK 14 >= 12: at target
    fd.register(this_year, org.staff_b1, attended=True)  # 8
    fd.external(org.staff_b1, jp=20, status="pending")  # not counted
    fd.register(last_year, org.lurah_a, attended=True)  # last year: 0 this year
    fd.register(cancelled, org.lurah_b, attended=False)
    fd.register(this_year, org.staff_sek, attended=False)
    fd.external(org.staff_sek, jp=25, status="rejected")
    fd.external(org.sekcam, jp=21, status="verified", day=date(year - 1, 6, 1))
    # Feedback: this quarter, last quarter, a draft.
    start, _end = services.quarter_bounds(today_wib())
    fd.feedback(org.lurah_a, org.staff_a1, sent_at=utcnow() - timedelta(minutes=5))
    fd.feedback(org.camat, org.lurah_a, sent_at=start + timedelta(minutes=1))
    fd.feedback(org.lurah_b, org.staff_b1, sent_at=start - timedelta(minutes=1))
    fd.feedback(org.lurah_a, org.staff_a2, status="draft")
    db.session.commit()
    return org


def _expected(leader_unit: Unit, leader: Employee, pns=20, pppk=12):
    """Independent: plain Python over every row, no dashboard code."""
    year = today_wib().year
    start, end = services.quarter_bounds(today_wib())
    people = [
        e
        for e in db.session.scalars(select(Employee))
        if e.active
        and e.id != leader.id
        and db.session.get(Unit, e.unit_id).path.startswith(leader_unit.path)
    ]
    jp, covered = {}, set()
    for e in people:
        total = 0
        for r in db.session.scalars(select(Registration).where(Registration.employee_id == e.id)):
            s = r.session
            if (
                r.status == "confirmed"
                and r.attended
                and s.status != "cancelled"
                and to_wib(s.starts_at).year == year
            ):
                total += s.jp_credited
        for x in db.session.scalars(
            select(ExternalLearning).where(ExternalLearning.employee_id == e.id)
        ):
            if x.status == "verified" and x.learned_on.year == year:
                total += x.jp
        jp[e.id] = total
        for fb in db.session.scalars(select(Feedback).where(Feedback.receiver_id == e.id)):
            if fb.status == "sent" and start <= as_utc(fb.sent_at) < end:
                covered.add(e.id)
    at_target = {e.id for e in people if jp[e.id] >= (pppk if e.employment_type == "PPPK" else pns)}
    return people, jp, at_target, covered


def test_quarter_bounds_are_wib_quarters():
    start, end = services.quarter_bounds(date(2026, 11, 28))
    assert start == datetime(2026, 9, 30, 17, 0, tzinfo=UTC)
    assert end == datetime(2026, 12, 31, 17, 0, tzinfo=UTC)
    start, end = services.quarter_bounds(date(2027, 1, 1))
    assert (start, end) == (
        datetime(2026, 12, 31, 17, 0, tzinfo=UTC),
        datetime(2027, 3, 31, 17, 0, tzinfo=UTC),
    )


@pytest.mark.parametrize("leader_key, unit_key", [("camat", "kec"), ("lurah_a", "kel_a")])
def test_figures_equal_an_independent_computation(figures_case, leader_key, unit_key):
    org = figures_case
    leader, unit = getattr(org, leader_key), getattr(org, unit_key)
    people, jp, at_target, covered = _expected(unit, leader)
    _fresh()
    data = services.leader_dashboard(db.session.get(Employee, leader.id))
    assert data.pppk_target == 12 and data.pns_target == 20
    assert (data.totals.people, data.totals.at_target, data.totals.covered) == (
        len(people),
        len(at_target),
        len(covered),
    )
    # Per unit, with everything under it.
    for row in data.units:
        row_unit = db.session.get(Unit, row.id)
        members = [
            e for e in people if db.session.get(Unit, e.unit_id).path.startswith(row_unit.path)
        ]
        assert row.people == len(members), row.name
        assert row.at_target == len([e for e in members if e.id in at_target]), row.name
        assert row.covered == len([e for e in members if e.id in covered]), row.name
    # The list behind "below target", with each person's JP so far.
    below = db.session.execute(services.people_stmt(leader, data.figures, "jp-kurang")).all()
    assert {r.id: r.jp for r in below} == {e.id: jp[e.id] for e in people if e.id not in at_target}
    uncovered = db.session.execute(services.people_stmt(leader, data.figures, "ub-belum")).all()
    assert {r.id for r in uncovered} == {e.id for e in people if e.id not in covered}


def test_pppk_rule_is_the_pns_floor_capped_by_the_pppk_ceiling(figures_case):
    org = figures_case
    _fresh()
    f = services.figures(org.lurah_a)
    rows = {r.id: r for r in db.session.execute(services.people_stmt(org.lurah_a, f)).all()}
    assert (rows[org.staff_a2.id].jp, rows[org.staff_a2.id].target) == (14, 12)  # PPPK at target
    assert (rows[org.staff_a1.id].jp, rows[org.staff_a1.id].target) == (20, 20)
    set_setting("jp_max_pppk", 24)  # the ceiling above the floor: PPPK held to 20 like PNS
    db.session.commit()
    _fresh()
    f = services.figures(org.lurah_a)
    below = {r.id for r in db.session.execute(services.people_stmt(org.lurah_a, f, "jp-kurang"))}
    assert org.staff_a2.id in below


def test_page_shows_figures_with_links_to_their_lists(figures_case, client, login_as):
    org = figures_case
    login_as(org.lurah_a)
    html = client.get("/dasbor/pimpinan").get_data(as_text=True)
    # a1 (20 JP) and a2 (PPPK 14 >= 12) are at target: 100%; a1 received feedback: 50%.
    assert "100%" in fd.anchor(html, "stat-jp") and "(2 dari 2 orang)" in fd.anchor(html, "stat-jp")
    assert "50%" in fd.anchor(html, "stat-coverage")
    assert 'href="/dasbor/pimpinan/pegawai?ukuran=jp-capai"' in html
    assert f'href="/dasbor/pimpinan/pegawai?ukuran=ub-belum&amp;unit={org.kel_a.id}"' in html
    assert 'href="/umpan-balik/tim?show=overdue"' in html
    assert "PPPK dianggap mencapai target bila JP-nya paling sedikit 12 JP" in html
    page = client.get(f"/dasbor/pimpinan/pegawai?ukuran=ub-belum&unit={org.kel_a.id}")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and org.staff_a2.name in body and org.staff_a1.name not in body


def test_leader_never_sees_outside_the_subtree(figures_case, client, login_as):
    org = figures_case
    login_as(org.lurah_a)
    outsiders = [org.staff_b1, org.staff_sek, org.lurah_b, org.sekcam, org.camat, org.admin]
    pages = [
        client.get("/dasbor/pimpinan").get_data(as_text=True),
        client.get("/dasbor/pimpinan/pegawai").get_data(as_text=True),
        client.get("/dasbor/pimpinan/pegawai?ukuran=jp-kurang").get_data(as_text=True),
    ]
    assert org.staff_a2.name in pages[0] and org.staff_a2.name in pages[1]
    for html in pages:
        for person in outsiders:
            assert person.name not in html, person.name
        assert org.kel_b.name not in html and org.sek.name not in html
    for unit in (org.kel_b, org.kec, org.sek):
        assert client.get(f"/dasbor/pimpinan/pegawai?unit={unit.id}").status_code == 404
    workbook = load_workbook(io.BytesIO(client.get("/dasbor/pimpinan/ekspor.xlsx").data))
    text = " ".join(
        str(cell.value)
        for sheet in workbook
        for row in sheet.iter_rows()
        for cell in row
        if cell.value
    )
    assert org.staff_a1.name in text
    for person in outsiders:
        assert person.name not in text, person.name


def test_export_is_formula_safe_and_complete(figures_case, client, login_as):
    org = figures_case
    org.staff_a1.name = '=HYPERLINK("http://x")'
    db.session.commit()
    login_as(org.camat)
    response = client.get("/dasbor/pimpinan/ekspor.xlsx")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    workbook = load_workbook(io.BytesIO(response.data))
    assert workbook.sheetnames[:3] == ["Ringkasan", "Per unit", "Pegawai"]
    people = [row for row in workbook["Pegawai"].iter_rows(min_row=2, values_only=True)]
    names = {row[0] for row in people}
    assert '\'=HYPERLINK("http://x")' in names
    assert len(people) == 9  # everyone under the camat
    summary = dict(workbook["Ringkasan"].iter_rows(min_row=2, values_only=True))
    assert summary["Mencapai target JP"] == 2  # a1 and a2


def test_roles(org, client, login_as):
    login_as(org.staff_a1)
    assert client.get("/dasbor/pimpinan").status_code == 403
    assert client.get("/dasbor/pimpinan/ekspor.xlsx").status_code == 403
    assert client.get("/dasbor/penyelenggara").status_code == 403
    login_as(org.organizer)
    assert client.get("/dasbor/pimpinan").status_code == 403
    assert client.get("/dasbor/penyelenggara").status_code == 200
    login_as(org.lurah_a)
    assert client.get("/dasbor/penyelenggara").status_code == 403
    nav = client.get("/").get_data(as_text=True)
    assert "Dasbor Pimpinan" in nav and "Karier Saya" in nav and "Dasbor Penyelenggara" not in nav


def test_survey_indices_come_from_the_surveys_blueprint_with_thresholds(org, client, login_as):
    """A wave where Kelurahan A has 5 respondents (shown) and Kelurahan B 2 (hidden); 5 more
    answer at the kecamatan office itself, so that B's 2 cannot be derived by subtraction."""
    closed = fd.wave([org.kec], title="Gelombang uji", opens=-30, closes=-20)
    kel_a_people = [fd.employee_in(org.kel_a, f"A{i}") for i in range(3)] + [
        org.staff_a1,
        org.staff_a2,
    ]
    fd._responses(closed, kel_a_people)
    fd._responses(closed, [org.staff_b1, org.lurah_b])
    fd._responses(closed, [fd.employee_in(org.kec, f"K{i}") for i in range(5)])
    from blueprints.surveys import waves as survey_waves

    survey_waves.close_wave(closed)
    db.session.commit()
    _fresh()
    trend = services.survey_trend(db.session.get(Employee, org.camat.id))
    rows = {row.unit.id: row for row in trend.rows}
    assert rows[org.kel_a.id].latest.visible
    # Every Likert answer is 4 (reverse-keyed items answered 2, i.e. 4 after keying).
    assert rows[org.kel_a.id].latest.readiness == pytest.approx(4.0)
    assert rows[org.kel_a.id].latest.resistance == pytest.approx(4.0)
    assert not rows[org.kel_b.id].latest.visible and rows[org.kel_b.id].latest.readiness is None
    login_as(org.lurah_a)
    html = client.get("/dasbor/pimpinan").get_data(as_text=True)
    assert "4,00" in html and f"/survei/hasil/{closed.id}?unit={org.kel_a.id}" in html
    assert org.kel_b.name not in html
