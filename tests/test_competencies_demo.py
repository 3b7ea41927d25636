"""Competencies on the demo data: who sees individual assessments, gaps and AKPK figures equal an
independent computation, and the survey signals never show a group under the threshold."""

from collections import defaultdict
from datetime import timedelta

import pytest
from sqlalchemy import select

from blueprints.admin.models import AuditEntry
from blueprints.admin.settings import get_setting
from blueprints.auth.models import Employee, Unit
from blueprints.common.timefmt import to_wib, utcnow
from blueprints.competencies import akpk, gaps
from blueprints.competencies.models import (
    CompetencyAssessment,
    CompetencyStandard,
    WorkshopCompetency,
)
from blueprints.feedback.models import DevelopmentGoal
from blueprints.workshops.models import Registration, WorkshopSession
from extensions import db
from tests import factories_workshops as fw
from tests.conftest import HX

DEMO_PASSWORD = "demo-marelan"


def _login(app, person):
    client = app.test_client()
    response = client.post("/masuk", data={"identifier": person.email, "password": DEMO_PASSWORD})
    assert response.status_code in (302, 303)
    return client


def _independent_levels(employee_id, cutoff=None):
    """competency id -> the newest non-self level, computed in Python from every row."""
    best = {}
    for row in db.session.scalars(
        select(CompetencyAssessment).where(CompetencyAssessment.employee_id == employee_id)
    ):
        if row.source == "self" or (cutoff and row.assessed_on > cutoff):
            continue
        if row.competency_id not in best or row.id > best[row.competency_id].id:
            best[row.competency_id] = row
    return {cid: row.level for cid, row in best.items()}


def _standard(jabatan):
    return {
        s.competency_id: s.required_level
        for s in db.session.scalars(
            select(CompetencyStandard).where(CompetencyStandard.jabatan == jabatan)
        )
    }


def _peer_of(person):
    return db.session.scalars(
        select(Employee).where(
            Employee.unit_id == person.unit_id,
            Employee.id != person.id,
            Employee.id != person.unit.head_id,
        )
    ).first()


def test_profile_visibility_for_every_demo_role(app, demo):
    target = demo.pegawai
    peer = _peer_of(target)
    url = f"/kompetensi/pegawai/{target.id}"
    expected = {
        "pegawai": 302,  # their own page (redirect to /kompetensi/)
        "lurah_terjun": 200,
        "camat": 200,
        "admin": 404,
        "penyelenggara": 404,
    }
    for key, status in expected.items():
        person = getattr(demo, key)
        assert _login(app, person).get(url).status_code == status, key
    assert _login(app, peer).get(url).status_code == 404
    reads = db.session.scalars(
        select(AuditEntry).where(
            AuditEntry.action == "competencies.profile_read", AuditEntry.target_id == target.id
        )
    ).all()
    assert sorted(e.actor_id for e in reads) == sorted([demo.lurah_terjun.id, demo.camat.id])


def test_new_urls_for_every_demo_role(app, demo):
    year = to_wib(utcnow()).year
    workshop_id = db.session.scalar(select(WorkshopCompetency.workshop_id))
    urls = {
        "/kompetensi/": (200, 200, 200, 200, 200),
        "/kompetensi/kamus": (200, 200, 200, 200, 200),
        "/kompetensi/tim": (403, 200, 200, 403, 403),
        "/kompetensi/tim?urut=total&arah=desc": (403, 200, 200, 403, 403),
        "/kompetensi/akpk": (403, 200, 200, 403, 200),
        f"/kompetensi/akpk/akpk-{year}.xlsx": (403, 200, 200, 403, 200),
        "/kompetensi/standar": (403, 403, 403, 200, 403),
        "/kompetensi/standar/skj.xlsx": (403, 403, 403, 200, 403),
        "/kompetensi/standar/jabatan?jabatan=Lurah": (403, 403, 403, 200, 403),
        "/kompetensi/assessment-center": (403, 403, 403, 200, 403),
        "/kompetensi/kamus/baru": (403, 403, 403, 200, 403),
        f"/kompetensi/pelatihan/{workshop_id}": (403, 403, 403, 403, 200),
        "/karier": (200, 200, 200, 200, 200),
    }
    roles = ("pegawai", "camat", "lurah_terjun", "admin", "penyelenggara")
    clients = {key: _login(app, getattr(demo, key)) for key in roles}
    wrong = []
    for url, statuses in urls.items():
        for key, status in zip(roles, statuses, strict=True):
            got = clients[key].get(url).status_code
            if got != status:
                wrong.append(f"{key} {url}: {got} != {status}")
    assert not wrong, "\n".join(wrong)


def test_admin_and_organizer_pages_show_counts_not_people(app, demo):
    name = demo.pegawai.name
    for person, url in (
        (demo.admin, "/kompetensi/standar"),
        (demo.admin, "/kompetensi/assessment-center"),
        (demo.penyelenggara, "/kompetensi/akpk"),
    ):
        html = _login(app, person).get(url).get_data(as_text=True)
        assert name not in html, url


def test_gaps_equal_an_independent_computation(app, demo):
    person = demo.pegawai
    view = gaps.gap_view(person)
    standard = _standard(person.jabatan)
    levels = _independent_levels(person.id)
    assert standard, "the demo jabatan has a standard"
    expected = {
        cid: (max(req - levels[cid], 0) if cid in levels else None) for cid, req in standard.items()
    }
    assert {r.competency.id: r.gap for r in view.rows} == expected
    assert any(r.gap for r in view.rows), "the demo shows real gaps"
    assert view.target is not None and view.target_rows
    # Karier Saya and the profile page show them
    html = _login(app, person).get("/karier").get_data(as_text=True)
    assert "career-gap-chart" in html
    for row in view.rows:
        assert f'career-gap-row-{row.competency.id}"' in html


def test_team_heatmap_equals_an_independent_computation(app, demo):
    leader = demo.lurah_terjun
    with app.test_request_context("/?page=1"):
        matrix = gaps.team_matrix(leader, "total", "desc")
    people = db.session.scalars(
        select(Employee).where(
            Employee.unit_id == leader.unit_id, Employee.id != leader.id, Employee.active
        )
    ).all()
    assert matrix.page.total == len(people)
    totals = []
    for p in people:
        standard = _standard(p.jabatan)
        levels = _independent_levels(p.id)
        for cid, req in standard.items():
            gap = max(req - levels[cid], 0) if cid in levels else None
            assert matrix.cells[(p.id, cid)][2] == gap
        totals.append(sum(max(req - levels[c], 0) for c, req in standard.items() if c in levels))
    shown = [
        sum(
            matrix.cells[(p.id, c.id)][2] or 0
            for c in matrix.columns
            if (p.id, c.id) in matrix.cells
        )
        for p in matrix.page.items
    ]
    assert shown == sorted(totals, reverse=True)[: len(shown)]
    html = _login(app, leader).get("/kompetensi/tim?urut=komunikasi&arah=desc")
    assert html.status_code == 200


def test_akpk_equals_an_independent_computation(app, demo):
    year = to_wib(utcnow()).year
    cutoff = akpk.year_cutoff(year)
    analysis = akpk.build(demo.penyelenggara, year)
    expected = defaultdict(lambda: [0, 0, 0, 0])  # people, with gap, gap sum, unassessed
    for p in db.session.scalars(select(Employee).where(Employee.active)):
        levels = _independent_levels(p.id, cutoff)
        for cid, req in _standard(p.jabatan).items():
            cell = expected[(p.unit_id, cid)]
            cell[0] += 1
            if cid not in levels:
                cell[3] += 1
            elif req > levels[cid]:
                cell[1] += 1
                cell[2] += req - levels[cid]
    got = {
        (r.unit.id, r.competency.id): [r.people, r.with_gap, r.gap_sum, r.unassessed]
        for r in analysis.rows
    }
    assert got == dict(expected)
    assert sum(r.with_gap for r in analysis.rows) > 0
    # goals: open goals per unit and competency code
    goals = defaultdict(int)
    for g in db.session.scalars(
        select(DevelopmentGoal).where(DevelopmentGoal.status.in_(("proposed", "agreed")))
    ):
        goals[(g.employee.unit_id, g.competency)] += 1
    for r in analysis.rows:
        assert r.goals == goals.get((r.unit.id, r.competency.code), 0)
    # a leader sees only their subtree
    lurah = akpk.build(demo.lurah_terjun, year)
    assert {r.unit.id for r in lurah.rows} <= {demo.lurah_terjun.unit_id}
    # survey signals: never a figure for a group under the threshold
    k = int(get_setting("survey_min_group"))
    for signal in analysis.surveys:
        if signal.visible:
            assert signal.n is not None and signal.n >= k
        else:
            assert signal.readiness is None and signal.resistance is None
    response = _login(app, demo.penyelenggara).get(f"/kompetensi/akpk/akpk-{year}.xlsx")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")


def test_leader_assessment_changes_the_gap_in_place_and_history_is_kept(app, demo):
    person, leader = demo.pegawai, demo.lurah_terjun
    row = next(r for r in gaps.gap_view(person).rows if r.gap)
    client = _login(app, leader)
    url = f"/kompetensi/pegawai/{person.id}/nilai"
    data = {"competency": row.competency.id, "level": row.required, "note": "Dialog kinerja"}
    response = client.post(url, data=data, headers=HX)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="gap-panel">') or 'id="gap-panel"' in html[:400]
    db.session.expire_all()
    after = next(r for r in gaps.gap_view(person).rows if r.competency.id == row.competency.id)
    assert after.gap == 0
    count = (
        db.session.query(CompetencyAssessment)
        .filter_by(employee_id=person.id, competency_id=row.competency.id)
        .count()
    )
    assert count >= 2  # the earlier assessment stays as history
    # plain form: 303 back to the profile
    plain = client.post(url, data={**data, "level": 1})
    assert plain.status_code == 303
    # a leader outside the person's subtree may not assess
    other = db.session.scalars(
        select(Employee).join(Unit, Unit.head_id == Employee.id).where(Unit.code == "KEL-LD")
    ).one()
    assert _login(app, other).post(url, data=data).status_code == 404
    # nor may the person (self-assessment goes elsewhere and never sets the level)
    assert _login(app, person).post(url, data=data).status_code in (303, 422)
    db.session.expire_all()
    assert gaps.gap_view(person).rows  # unchanged by the person


def test_attendance_is_evidence_and_never_raises_a_level(app, demo):
    person, leader = demo.pegawai, demo.lurah_terjun
    row = next(r for r in gaps.gap_view(person).rows if r.gap)
    workshop = db.session.scalars(select(WorkshopSession)).first().workshop
    declared = db.session.get(WorkshopCompetency, (workshop.id, row.competency.id))
    if declared is None:
        declared = WorkshopCompetency(workshop_id=workshop.id, competency_id=row.competency.id)
        db.session.add(declared)
    declared.target_level = 5  # above the level held (there is a gap, so it is under 5)
    past = fw.session(workshop, starts_at=(utcnow() - timedelta(hours=3)).replace(microsecond=0))
    fw.registration(past, person, attended=True)
    db.session.commit()
    after = gaps.gap_view(person)
    same = next(r for r in after.rows if r.competency.id == row.competency.id)
    assert same.assessed.level == row.assessed.level and same.gap == row.gap  # not raised
    assert same.evidence, "the attended session shows as evidence"
    # A session that aims no higher than the level held offers nothing to confirm (confirming
    # would lower the level); a cancelled session is no evidence, as it earns no JP.
    declared.target_level = row.assessed.level
    db.session.commit()

    def from_this_workshop(view):
        rows = [r for r in view.rows if r.competency.id == row.competency.id]
        return [e for r in rows for e in r.evidence if e[0] == workshop.title]

    assert from_this_workshop(after)
    assert from_this_workshop(gaps.gap_view(person)) == []
    declared.target_level = 5
    past.status = "cancelled"
    db.session.commit()
    starts = [e[1] for e in from_this_workshop(gaps.gap_view(person))]
    assert past.starts_at.replace(tzinfo=None) not in [s.replace(tzinfo=None) for s in starts]
    past.status = "completed"
    db.session.commit()
    html = _login(app, leader).get(f"/kompetensi/pegawai/{person.id}").get_data(as_text=True)
    assert "Bukti dari pelatihan yang diikuti" in html
    own = _login(app, person).get("/kompetensi/").get_data(as_text=True)
    assert "Konfirmasi level" not in own  # only the leader confirms


def test_goal_from_gap_and_mandatory_assignment(app, demo):
    person = demo.pegawai
    row = next(r for r in gaps.gap_view(person).rows if r.gap)
    client = _login(app, person)
    db.session.query(DevelopmentGoal).filter_by(
        employee_id=person.id, competency=row.competency.code
    ).delete()
    db.session.commit()
    response = client.post(
        f"/kompetensi/pegawai/{person.id}/sasaran", data={"competency": row.competency.id}
    )
    assert response.status_code == 303
    goal = db.session.scalars(
        select(DevelopmentGoal).where(
            DevelopmentGoal.employee_id == person.id,
            DevelopmentGoal.competency == row.competency.code,
        )
    ).one()
    assert goal.status == "proposed"
    # an organizer assigns an upcoming session to everyone with that gap
    session = db.session.scalars(
        select(WorkshopSession)
        .where(WorkshopSession.starts_at > utcnow(), WorkshopSession.status == "published")
        .order_by(WorkshopSession.starts_at)
    ).first()
    if session is None:
        pytest.skip("no upcoming session in the demo")
    if db.session.get(WorkshopCompetency, (session.workshop_id, row.competency.id)) is None:
        db.session.add(
            WorkshopCompetency(
                workshop_id=session.workshop_id, competency_id=row.competency.id, target_level=3
            )
        )
    organizer = demo.penyelenggara
    if organizer not in session.workshop.organizers:
        session.workshop.organizers.append(organizer)
    db.session.commit()
    with_gap = akpk.people_with_gap(organizer, row.competency.id, None)
    assert person in with_gap
    response = _login(app, organizer).post(
        "/kompetensi/akpk/wajib",
        data={
            "session": session.id,
            "competency": row.competency.id,
            "unit": 0,
            "min_gap": 1,
            "year": to_wib(utcnow()).year,  # the AKPK year the form was shown for
        },
    )
    assert response.status_code == 303
    registered = set(
        db.session.scalars(
            select(Registration.employee_id).where(
                Registration.session_id == session.id, Registration.mandatory.is_(True)
            )
        )
    )
    assert {p.id for p in with_gap} <= registered
