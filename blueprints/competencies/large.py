"""Bulk competency data for `flask seed-large`: the dictionary, a standard for the bulk jabatan,
leader assessments for most people (a few unassessed, some reassessed: history), and the
competencies the bulk workshops develop. Bulk INSERTs only."""

from datetime import date, timedelta

from sqlalchemy import select

from blueprints.common.large import LargeContext, bulk_insert, large_seeder
from blueprints.common.timefmt import utcnow
from blueprints.competencies import dictionary
from blueprints.competencies.models import (
    Competency,
    CompetencyAssessment,
    CompetencyStandard,
    WorkshopCompetency,
)
from blueprints.workshops.models import Workshop
from extensions import db

STANDARD = {
    "integritas": 2,
    "kerjasama": 2,
    "komunikasi": 2,
    "orientasi_hasil": 2,
    "pelayanan_publik": 3,
    "perekat_bangsa": 2,
    "administrasi_kependudukan": 3,
    "tata_naskah": 3,
}


@large_seeder(order=40, name="competencies: dictionary, standard and assessed levels")
def seed_competencies(ctx: LargeContext) -> None:
    rng = ctx.rng
    now = utcnow()
    dictionary.install_builtin()
    ids = dict(db.session.execute(select(Competency.code, Competency.id)).all())
    bulk_insert(
        CompetencyStandard.__table__,
        [
            {
                "jabatan": "Pelaksana",
                "competency_id": ids[code],
                "required_level": level,
                "updated_by_id": None,
                "updated_at": now,
            }
            for code, level in STANDARD.items()
        ],
    )
    start = date(2026, 1, 1)
    rows = []
    for employee_id in ctx.employee_ids:
        head = ctx.unit_heads.get(ctx.employee_unit[employee_id])
        for code, required in STANDARD.items():
            if rng.random() < 0.1:
                continue
            for _time in range(2 if rng.random() < 0.3 else 1):
                rows.append(
                    {
                        "employee_id": employee_id,
                        "competency_id": ids[code],
                        "level": max(1, min(5, required + rng.choice((-2, -1, -1, 0, 0, 1)))),
                        "source": "leader",
                        "assessed_on": start + timedelta(days=rng.randint(0, 300)),
                        "note": "",
                        "assessed_by_id": head if head != employee_id else None,
                        "created_at": now,
                    }
                )
    bulk_insert(CompetencyAssessment.__table__, rows)
    codes = list(STANDARD)
    links = []
    for n, workshop_id in enumerate(db.session.scalars(select(Workshop.id).order_by(Workshop.id))):
        links.append(
            {
                "workshop_id": workshop_id,
                "competency_id": ids[codes[n % len(codes)]],
                "target_level": 3,
            }
        )
    bulk_insert(WorkshopCompetency.__table__, links)
    ctx.echo(f"  {len(rows)} competency assessments")
