"""Demo data: the built-in dictionary, standards for the demo jabatan, assessed levels for the
demo people (leader assessments, some assessment-centre results and self-assessments), a career
target for the demo employee and the competencies the demo workshops develop. Every page of the
blueprint then shows real gaps."""

from datetime import timedelta

from sqlalchemy import select

from blueprints.common.demo import DemoContext, demo_seeder
from blueprints.common.timefmt import to_wib, utcnow
from blueprints.competencies import dictionary
from blueprints.competencies.models import (
    CareerTarget,
    Competency,
    CompetencyAssessment,
    CompetencyStandard,
    WorkshopCompetency,
)
from blueprints.workshops.models import Workshop
from extensions import db

MANAGERIAL = (
    "integritas",
    "kerjasama",
    "komunikasi",
    "orientasi_hasil",
    "pelayanan_publik",
    "pengembangan_diri",
    "mengelola_perubahan",
    "pengambilan_keputusan",
)
STAFF_CORE = {
    "integritas": 2,
    "kerjasama": 2,
    "komunikasi": 2,
    "orientasi_hasil": 2,
    "pelayanan_publik": 2,
    "perekat_bangsa": 2,
}
# Technical competencies a jabatan needs, by a word in its name.
TECHNICAL_BY_WORD = [
    ("Kependudukan", {"administrasi_kependudukan": 3, "layanan_digital": 2}),
    ("Pemerintahan", {"administrasi_kependudukan": 3, "tata_naskah": 3}),
    ("Keuangan", {"pengelolaan_keuangan": 3, "pengolahan_data": 2}),
    ("Pengolah Data", {"pengolahan_data": 3, "layanan_digital": 2}),
    ("Pranata Komputer", {"layanan_digital": 3, "pengolahan_data": 3}),
    ("Pengadministrasi", {"tata_naskah": 3, "layanan_digital": 2}),
    ("Analis", {"pengolahan_data": 3, "presentasi": 3}),
    ("Penata Layanan", {"pelayanan_perizinan": 3, "tata_naskah": 2}),
    ("Sekretaris Lurah", {"tata_naskah": 3, "pengelolaan_keuangan": 2}),
    ("Ketenteraman", {"tata_naskah": 2}),
    ("Dokter", {"pelayanan_kesehatan": 4}),
    ("Perawat", {"pelayanan_kesehatan": 3}),
    ("Bidan", {"pelayanan_kesehatan": 3}),
    ("Kesehatan", {"pelayanan_kesehatan": 3, "pengolahan_data": 2}),
    ("Laboratorium", {"pelayanan_kesehatan": 3}),
    ("Nutrisionis", {"pelayanan_kesehatan": 3}),
]
WORKSHOP_COMPETENCIES = {
    "Pelayanan Publik yang Berempati": {"pelayanan_publik": 3, "perekat_bangsa": 3},
    "Komunikasi Efektif dengan Masyarakat": {"komunikasi": 3},
    "Teknik Presentasi": {"presentasi": 3, "komunikasi": 3},
    "Kepemimpinan Perubahan": {"mengelola_perubahan": 3, "pengambilan_keputusan": 3},
    "Digitalisasi Layanan Kelurahan": {"layanan_digital": 3, "administrasi_kependudukan": 3},
    "Budaya Kerja BerAKHLAK di Kantor Kecamatan": {"integritas": 3, "kerjasama": 3},
}
CAREER_TARGET = "Kepala Seksi Pemerintahan Kelurahan"


def standard_for_title(title: str, jenis: str) -> dict[str, int]:
    if jenis in ("administrator", "jpt"):
        levels = {code: 3 for code in MANAGERIAL} | {"perekat_bangsa": 3}
        levels["pengambilan_keputusan"] = 4 if title.startswith("Camat") else 3
    elif jenis == "pengawas" or title.startswith(("Kepala", "Lurah", "Sekretaris Lurah")):
        levels = {code: 3 for code in MANAGERIAL[:6]} | {
            "mengelola_perubahan": 2,
            "pengambilan_keputusan": 2,
            "perekat_bangsa": 3,
        }
    else:
        levels = dict(STAFF_CORE)
    for word, extra in TECHNICAL_BY_WORD:
        if word in title:
            levels.update(extra)
            break
    return levels


def _superior(person, units_by_id) -> int | None:
    unit = units_by_id.get(person.unit_id)
    while unit is not None:
        if unit.head_id and unit.head_id != person.id:
            return unit.head_id
        unit = units_by_id.get(unit.parent_id)
    return None


@demo_seeder(order=35, name="kompetensi: kamus, standar jabatan, profil dan kesenjangan")
def seed_competencies(ctx: DemoContext) -> None:
    rng = ctx.rng
    dictionary.install_builtin()
    comps = {c.code: c for c in db.session.scalars(select(Competency))}
    admin = ctx.people.get("admin")
    titles = {}
    for person in ctx.employees:
        titles.setdefault(person.jabatan, person.jenis_jabatan)
    titles.setdefault(CAREER_TARGET, "pengawas")
    standards = {}
    for title, jenis in titles.items():
        standards[title] = standard_for_title(title, jenis)
        for code, level in standards[title].items():
            db.session.add(
                CompetencyStandard(
                    jabatan=title,
                    competency_id=comps[code].id,
                    required_level=level,
                    updated_by_id=admin.id if admin else None,
                )
            )
    units_by_id = {unit.id: unit for unit in ctx.units.values()}
    today = to_wib(utcnow()).date()
    pegawai = ctx.people.get("pegawai")
    rows = []
    for person in ctx.employees:
        superior = _superior(person, units_by_id)
        for code, required in standards[person.jabatan].items():
            if rng.random() < 0.12 and person is not pegawai:
                continue  # not assessed yet
            level = max(1, min(5, required + rng.choice((-2, -1, -1, 0, 0, 1))))
            first = today - timedelta(days=rng.randint(200, 420))
            rows.append(
                CompetencyAssessment(
                    employee_id=person.id,
                    competency_id=comps[code].id,
                    level=max(1, level - rng.choice((0, 1))),
                    source="leader" if superior else "assessment_centre",
                    assessed_on=first,
                    note="Dialog kinerja tahunan." if superior else "Hasil assessment center.",
                    assessed_by_id=superior or (admin.id if admin else None),
                )
            )
            if superior and rng.random() < 0.5:
                rows.append(
                    CompetencyAssessment(
                        employee_id=person.id,
                        competency_id=comps[code].id,
                        level=level,
                        source="leader",
                        assessed_on=today - timedelta(days=rng.randint(10, 150)),
                        note="Dialog kinerja triwulan.",
                        assessed_by_id=superior,
                    )
                )
    if pegawai is not None:
        for code in ("komunikasi", "administrasi_kependudukan", "layanan_digital"):
            rows.append(
                CompetencyAssessment(
                    employee_id=pegawai.id,
                    competency_id=comps[code].id,
                    level=3,
                    source="self",
                    assessed_on=today - timedelta(days=20),
                    note="Penilaian diri sebelum dialog kinerja.",
                    assessed_by_id=pegawai.id,
                )
            )
        db.session.add(CareerTarget(employee_id=pegawai.id, jabatan=CAREER_TARGET))
    db.session.add_all(rows)
    workshops = {w.title: w for w in db.session.scalars(select(Workshop))}
    for title, levels in WORKSHOP_COMPETENCIES.items():
        workshop = workshops.get(title)
        if workshop is None:
            continue
        for code, level in levels.items():
            db.session.add(
                WorkshopCompetency(
                    workshop_id=workshop.id, competency_id=comps[code].id, target_level=level
                )
            )
    db.session.flush()
    ctx.echo(f"  {len(comps)} kompetensi, {len(standards)} jabatan, {len(rows)} penilaian")
