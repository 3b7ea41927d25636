"""Competencies on a small organisation: standards through XLSX, assessment-centre results,
self-assessments kept apart, career targets, the dictionary, workshops declaring competencies."""

import io
from datetime import date, timedelta

from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from blueprints.admin.models import AuditEntry
from blueprints.common.timefmt import utcnow
from blueprints.competencies import dictionary, gaps, standards
from blueprints.competencies.models import (
    CompetencyAssessment,
    CompetencyStandard,
    WorkshopCompetency,
)
from extensions import db
from tests import factories_workshops as fw


def _setup(org):
    dictionary.install_builtin()
    comps = {c.code: c for c in dictionary.all_competencies()}
    for code in ("komunikasi", "integritas"):
        db.session.add(
            CompetencyStandard(jabatan="Pelaksana", competency_id=comps[code].id, required_level=3)
        )
    db.session.add(
        CompetencyAssessment(
            employee_id=org.staff_a1.id,
            competency_id=comps["komunikasi"].id,
            level=2,
            source="leader",
            assessed_on=date(2026, 1, 5),
            note="",
            assessed_by_id=org.lurah_a.id,
        )
    )
    db.session.commit()
    return comps


def _xlsx(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(list(standards.XLSX_HEADER))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_the_builtin_dictionary_has_the_regulation_kinds(app):
    dictionary.install_builtin()
    comps = dictionary.all_competencies()
    managerial = [c for c in comps if c.kind == "manajerial"]
    assert len(managerial) == 8
    assert [c.code for c in comps if c.kind == "sosial_kultural"] == ["perekat_bangsa"]
    assert {c.field for c in comps if c.kind == "teknis"} >= {"Kependudukan", "Keuangan"}
    assert all(all(text for _n, text in c.levels) for c in comps)
    assert dictionary.install_builtin() == 0  # idempotent


def test_standards_xlsx_export_and_import(app, org, client, login_as):
    comps = _setup(org)
    login_as(org.admin)
    exported = client.get("/kompetensi/standar/skj.xlsx")
    assert exported.status_code == 200
    sheet = load_workbook(io.BytesIO(exported.data)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == standards.XLSX_HEADER
    assert ("Pelaksana", "komunikasi", "Komunikasi", 3) in rows
    data = _xlsx([("Pelaksana", "komunikasi", "", 4), ("Pelaksana", "integritas", "", None)])
    response = client.post(
        "/kompetensi/standar/impor",
        data={"file": (io.BytesIO(data), "skj.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    assert standards.standard_for("Pelaksana") == {comps["komunikasi"].id: 4}
    # a bad row: nothing written at all
    bad = _xlsx([("Pelaksana", "komunikasi", "", 2), ("Pelaksana", "tidak_ada", "", 3)])
    client.post(
        "/kompetensi/standar/impor",
        data={"file": (io.BytesIO(bad), "skj.xlsx")},
        content_type="multipart/form-data",
    )
    db.session.expire_all()
    assert standards.standard_for("Pelaksana") == {comps["komunikasi"].id: 4}
    # the gap follows the new standard
    row = gaps.gap_view(org.staff_a1).rows[0]
    assert (row.required, row.assessed.level, row.gap) == (4, 2, 2)


def test_assessment_centre_result_is_entered_by_admin_who_then_sees_counts_only(
    app, org, client, login_as
):
    comps = _setup(org)
    login_as(org.admin)
    response = client.post(
        "/kompetensi/assessment-center",
        data={
            "nip": org.staff_a1.nip,
            "competency": comps["integritas"].id,
            "level": 2,
            "assessed_on": "2026-02-01",
            "note": "AC provinsi",
        },
    )
    assert response.status_code == 303
    row = gaps.gap_view(org.staff_a1).rows
    integritas = next(r for r in row if r.competency.code == "integritas")
    assert integritas.assessed.source == "assessment_centre" and integritas.gap == 1
    assert client.get(f"/kompetensi/pegawai/{org.staff_a1.id}").status_code == 404
    page = client.get("/kompetensi/assessment-center").get_data(as_text=True)
    assert org.staff_a1.name not in page and "Integritas" in page
    # a non-admin cannot enter one
    login_as(org.lurah_a)
    assert client.post("/kompetensi/assessment-center", data={}).status_code == 403


def test_self_assessment_is_shown_apart_and_never_sets_the_level(app, org, client, login_as):
    comps = _setup(org)
    login_as(org.staff_a1)
    response = client.post(
        "/kompetensi/saya/nilai-diri", data={"competency": comps["komunikasi"].id, "level": 5}
    )
    assert response.status_code == 303
    row = next(r for r in gaps.gap_view(org.staff_a1).rows if r.competency.code == "komunikasi")
    assert (row.assessed.level, row.self_level, row.gap) == (2, 5, 1)


def test_career_target_shows_its_standard_and_gap(app, org, client, login_as):
    comps = _setup(org)
    db.session.add(
        CompetencyStandard(jabatan="Lurah", competency_id=comps["komunikasi"].id, required_level=5)
    )
    db.session.commit()
    login_as(org.staff_a1)
    assert client.post("/kompetensi/saya/arah-karier", data={"jabatan": "Lurah"}).status_code == 303
    view = gaps.gap_view(org.staff_a1)
    assert view.target.jabatan == "Lurah"
    assert [(r.competency.code, r.required, r.gap) for r in view.target_rows] == [
        ("komunikasi", 5, 3)
    ]
    html = client.get("/kompetensi/").get_data(as_text=True)
    assert "target-gap-chart" in html


def test_dictionary_is_kept_by_admins(app, org, client, login_as):
    comps = _setup(org)
    login_as(org.staff_a1)
    assert (
        client.post(f"/kompetensi/kamus/{comps['komunikasi'].id}/ubah", data={}).status_code == 403
    )
    login_as(org.admin)
    data = {"name": "Komunikasi lisan", "kind": "manajerial", "active": "y"}
    data |= {f"level_{n}": f"Uraian {n}" for n in range(1, 6)}
    response = client.post(f"/kompetensi/kamus/{comps['komunikasi'].id}/ubah", data=data)
    assert response.status_code == 303
    db.session.expire_all()
    assert dictionary.by_code("komunikasi").name == "Komunikasi lisan"
    data |= {
        "code": "pelayanan_pajak",
        "name": "Pelayanan pajak",
        "kind": "teknis",
        "field": "Pajak",
    }
    assert client.post("/kompetensi/kamus/baru", data=data).status_code == 303
    assert dictionary.by_code("pelayanan_pajak").field == "Pajak"


def test_workshop_declares_competencies_and_gaps_list_its_sessions(app, org, client, login_as):
    comps = _setup(org)
    workshop = fw.workshop(org.organizer, "Komunikasi Publik")
    upcoming = fw.session(workshop, starts_at=(utcnow() + timedelta(days=5)).replace(microsecond=0))
    login_as(org.organizer)
    response = client.post(
        f"/kompetensi/pelatihan/{workshop.id}", data={f"level-{comps['komunikasi'].id}": "3"}
    )
    assert response.status_code == 303
    assert (
        db.session.get(WorkshopCompetency, (workshop.id, comps["komunikasi"].id)).target_level == 3
    )
    row = next(r for r in gaps.gap_view(org.staff_a1).rows if r.competency.code == "komunikasi")
    assert [s.id for s, _title in row.sessions] == [upcoming.id]
    login_as(org.staff_a1)
    assert "Komunikasi Publik" in client.get("/kompetensi/").get_data(as_text=True)


def test_team_heatmap_reads_are_audited_and_sortable(app, org, client, login_as):
    _setup(org)
    login_as(org.lurah_a)
    response = client.get("/kompetensi/tim?urut=komunikasi&arah=desc")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.index("Staf A1") < html.index("Staf A2")  # the gap first, unassessed last
    assert db.session.scalars(
        select(AuditEntry).where(
            AuditEntry.action == "competencies.team_read", AuditEntry.actor_id == org.lurah_a.id
        )
    ).first()
    fragment = client.get("/kompetensi/tim?urut=name", headers={"HX-Request": "true"})
    assert fragment.get_data(as_text=True).lstrip().startswith('<div id="team-heatmap">')
