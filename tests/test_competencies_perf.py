"""Bounded queries: the competencies pages run as many SQL statements with 5,000 employees as with
60 (no N+1), for each role that sees them, on SQLite and PostgreSQL. The 5,000 people are loaded
right after the 60, so PostgreSQL plans them with the statistics of the small organisation, as
after any bulk load: the gaps must not depend on fresh statistics (profiles.current_level)."""

from datetime import date

from sqlalchemy import insert, select

from blueprints.auth.models import Employee
from blueprints.competencies import dictionary
from blueprints.competencies.models import (
    CompetencyAssessment,
    CompetencyStandard,
    WorkshopCompetency,
)
from blueprints.workshops.models import Workshop
from extensions import db
from tests import factories_dashboard as fd
from tests.conftest import _empty_all_tables

LARGE = 5000


def _competency_data(org) -> None:
    dictionary.install_builtin()
    comps = dictionary.all_competencies()[:6]
    for comp in comps:
        db.session.add(
            CompetencyStandard(jabatan="Pelaksana", competency_id=comp.id, required_level=3)
        )
    ids = list(db.session.scalars(select(Employee.id)))
    rows = [
        {
            "employee_id": eid,
            "competency_id": comp.id,
            "level": 1 + (eid + n) % 4,
            "source": "leader",
            "assessed_on": date(2026, 1, 1 + n),
            "note": "",
            "assessed_by_id": org.camat.id,
        }
        for eid in ids
        for n, comp in enumerate(comps)
        if (eid + n) % 5
    ]
    db.session.execute(insert(CompetencyAssessment), rows)
    for workshop in db.session.scalars(select(Workshop)):
        db.session.add(
            WorkshopCompetency(workshop_id=workshop.id, competency_id=comps[0].id, target_level=3)
        )
    db.session.commit()


def _pages(org):
    return [
        ("staff profile", org.staff, "/kompetensi/"),
        ("staff career", org.staff, "/karier"),
        ("leader team", org.camat, "/kompetensi/tim"),
        ("leader team by total", org.camat, "/kompetensi/tim?urut=total&arah=desc&page=2"),
        ("leader team by competency", org.camat, "/kompetensi/tim?urut=integritas&arah=desc"),
        ("leader person", org.camat, f"/kompetensi/pegawai/{org.staff.id}"),
        ("leader akpk", org.camat, "/kompetensi/akpk"),
        ("organizer akpk", org.organizer, "/kompetensi/akpk"),
        ("organizer akpk xlsx", org.organizer, "/kompetensi/akpk/akpk-2026.xlsx"),
    ]


def _counts(app, queries, org):
    _competency_data(org)
    out, clients = {}, {}
    pages = [(name, person.email, url) for name, person, url in _pages(org)]
    for name, email, url in pages:
        if email not in clients:
            clients[email] = app.test_client()
            clients[email].post("/masuk", data={"identifier": email, "password": "rahasia-uji-123"})
        client = clients[email]
        assert client.get(url).status_code == 200, name
        db.session.expunge_all()
        with queries() as q:
            response = client.get(url)
        assert response.status_code == 200, name
        out[name] = q.count
    return out


def test_competency_pages_run_the_same_number_of_queries_with_60_and_5000_employees(app, queries):
    small = _counts(app, queries, fd.bulk_org(60))
    db.session.remove()
    _empty_all_tables()
    large = _counts(app, queries, fd.bulk_org(LARGE))
    assert small == large
    assert max(small.values()) < 60, small


def test_seed_large_gives_competency_data_with_gaps(app, runner):
    result = runner.invoke(args=["seed-large", "--scale", "0.02", "--seed", "6"])
    assert result.exit_code == 0, result.output
    assert "competency assessments" in result.output
    organizer = db.session.scalars(
        select(Employee).where(Employee.role_rows.any(role="organizer"))
    ).first()
    from blueprints.competencies import akpk

    analysis = akpk.build(organizer, 2026)
    assert analysis.rows and sum(r.with_gap for r in analysis.rows) > 0
