"""The current level (profiles.current_level, read by gaps.gap_cells_stmt, and profiles.levels_of,
read by gaps.gap_view): the newest recorded (highest id) leader or assessment-centre row,
self-assessments never, and for the AKPK only rows dated up to the cutoff; each cell is one probe
of the partial index ix_competency_assessment_current, on SQLite and PostgreSQL alike."""

from datetime import date

from sqlalchemy import select, text

from blueprints.auth.models import Employee
from blueprints.competencies import akpk, dictionary, gaps, profiles
from blueprints.competencies.models import CompetencyAssessment, CompetencyStandard
from extensions import db


def _assess(person, comp, level, source, on, by):
    row = CompetencyAssessment(
        employee_id=person.id,
        competency_id=comp.id,
        level=level,
        source=source,
        assessed_on=on,
        note="",
        assessed_by_id=by.id,
    )
    db.session.add(row)
    db.session.flush()
    return row


def _cells(people, cutoff=None, competency_id=None):
    ids = select(Employee.id).where(Employee.id.in_([p.id for p in people]))
    stmt = gaps.gap_cells_stmt(ids, cutoff=cutoff, competency_id=competency_id)
    return {
        (row.employee_id, row.competency_id): (row.required, row.assessed, row.gap)
        for row in db.session.execute(stmt)
    }


def test_current_level_is_the_newest_official_row_and_the_cutoff_applies(app, org):
    dictionary.install_builtin()
    integritas, komunikasi, kerjasama = (
        dictionary.by_code(code) for code in ("integritas", "komunikasi", "kerjasama")
    )
    for comp in (integritas, komunikasi, kerjasama):
        db.session.add(
            CompetencyStandard(jabatan="Pelaksana", competency_id=comp.id, required_level=4)
        )
    retired = dictionary.by_code("orientasi_hasil")  # in the standard, but inactive: no cells
    db.session.add(
        CompetencyStandard(jabatan="Pelaksana", competency_id=retired.id, required_level=4)
    )
    retired.active = False
    a1, a2, b1 = org.staff_a1, org.staff_a2, org.staff_b1
    # integritas: leader 2, then assessment centre 3 recorded later but dated earlier (the id
    # decides), then a self-assessment 5 (never the current level)
    _assess(a1, integritas, 2, "leader", date(2026, 3, 1), org.lurah_a)
    _assess(a1, integritas, 3, "assessment_centre", date(2026, 1, 1), org.admin)
    _assess(a1, integritas, 5, "self", date(2026, 4, 1), a1)
    # komunikasi: 1 in 2025, 4 in 2026 (so the 2025 AKPK sees 1)
    _assess(a1, komunikasi, 1, "leader", date(2025, 6, 1), org.lurah_a)
    _assess(a1, komunikasi, 4, "leader", date(2026, 2, 1), org.lurah_a)
    # a2: only a self-assessment (belum dinilai); b1: above the standard (no gap)
    _assess(a2, integritas, 4, "self", date(2026, 1, 1), a2)
    _assess(b1, integritas, 5, "leader", date(2026, 1, 1), org.lurah_b)
    db.session.commit()

    current = profiles.levels_of(a1.id)
    assert {cid: row.level for cid, row in current.items()} == {integritas.id: 3, komunikasi.id: 4}
    assert current[integritas.id].source == "assessment_centre"
    assert {cid: r.level for cid, r in profiles.levels_of(a1.id, ("self",)).items()} == {
        integritas.id: 5
    }
    assert profiles.levels_of(a2.id) == {}
    cells = _cells([a1, a2, b1])
    assert cells[(a1.id, integritas.id)] == (4, 3, 1)
    assert cells[(a1.id, komunikasi.id)] == (4, 4, 0)
    assert cells[(a1.id, kerjasama.id)] == (4, None, None)
    assert cells[(a2.id, integritas.id)] == (4, None, None)
    assert cells[(b1.id, integritas.id)] == (4, 5, 0)
    assert len(cells) == 9  # 3 people × 3 active competencies
    in_2025 = _cells([a1], cutoff=date(2025, 12, 31))
    assert in_2025[(a1.id, komunikasi.id)] == (4, 1, 3)
    assert in_2025[(a1.id, integritas.id)] == (4, None, None)
    assert _cells([a1, a2, b1], competency_id=komunikasi.id) == {
        (p.id, komunikasi.id): cells[(p.id, komunikasi.id)] for p in (a1, a2, b1)
    }
    # the same rule in the other readers: the AKPK and the people to assign
    rows = {(r.unit.id, r.competency.id): r for r in akpk.build(org.organizer, 2025).rows}
    assert (
        rows[(org.kel_a.id, komunikasi.id)].with_gap,
        rows[(org.kel_a.id, komunikasi.id)].gap_sum,
    ) == (1, 3)
    assert [p.id for p in akpk.people_with_gap(org.organizer, integritas.id, None)] == [a1.id]
    assert akpk.people_with_gap(org.organizer, integritas.id, None, min_gap=2) == []


def test_each_cell_is_one_probe_of_the_partial_index(app, org):
    """The sources are rendered as literals, so the partial index applies (SQLite uses one only for
    a query that repeats its WHERE term; PostgreSQL's generic plans need the literals too)."""
    dictionary.install_builtin()
    comp = dictionary.by_code("integritas")
    db.session.add(CompetencyStandard(jabatan="Pelaksana", competency_id=comp.id, required_level=3))
    _assess(org.staff_a1, comp, 2, "leader", date(2026, 1, 1), org.lurah_a)
    db.session.commit()
    ids = select(Employee.id).where(Employee.active.is_(True))
    stmt = gaps.gap_cells_stmt(ids, cutoff=date(2026, 12, 31))
    assert "source IN ('leader', 'assessment_centre')" in str(
        stmt.compile(db.engine, compile_kwargs={"render_postcompile": True})
    )
    sql = str(stmt.compile(db.engine, compile_kwargs={"literal_binds": True}))
    if db.engine.dialect.name == "postgresql":
        # tiny tables: a sequential scan would be cheaper; ask whether the index can serve
        db.session.execute(text("SET LOCAL enable_seqscan = off"))
        plan = db.session.execute(text("EXPLAIN " + sql))
    else:
        plan = db.session.execute(text("EXPLAIN QUERY PLAN " + sql))
    assert "ix_competency_assessment_current" in " ".join(str(row) for row in plan)
    db.session.rollback()
