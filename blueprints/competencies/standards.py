"""Standar Kompetensi Jabatan (SKJ): per jabatan, the level required of each competency.
Admins keep them on a page and through an XLSX (export, edit, import)."""

import io
from dataclasses import dataclass, field

from flask_babel import gettext as _
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from blueprints.admin.audit import audit
from blueprints.auth.models import Employee
from blueprints.common.refusals import Refused
from blueprints.common.timefmt import utcnow
from blueprints.competencies.models import Competency, CompetencyStandard
from extensions import db

XLSX_HEADER = ("jabatan", "kode_kompetensi", "nama_kompetensi", "level_dibutuhkan")
MAX_IMPORT_ROWS = 5000


def standard_for(jabatan: str) -> dict[int, int]:
    """competency id -> required level for one jabatan (one query)."""
    rows = db.session.execute(
        select(CompetencyStandard.competency_id, CompetencyStandard.required_level).where(
            CompetencyStandard.jabatan == jabatan
        )
    )
    return dict(rows.all())


def jabatan_overview() -> list[tuple[str, int, int]]:
    """(jabatan, active employees holding it, competencies in its standard): every jabatan that
    someone holds or that has a standard. Two grouped queries."""
    people = dict(
        db.session.execute(
            select(Employee.jabatan, func.count())
            .where(Employee.active.is_(True))
            .group_by(Employee.jabatan)
        ).all()
    )
    standards = dict(
        db.session.execute(
            select(CompetencyStandard.jabatan, func.count()).group_by(CompetencyStandard.jabatan)
        ).all()
    )
    names = sorted({*people, *standards} - {""})
    return [(name, people.get(name, 0), standards.get(name, 0)) for name in names]


def jabatan_choices() -> list[str]:
    return [name for name, _people, _n in jabatan_overview()]


def save_standard(jabatan: str, levels: dict[int, int | None], by) -> None:
    """Set the required levels of one jabatan; None (or 0) removes a competency from it."""
    jabatan = jabatan.strip()
    if not jabatan:
        raise Refused(_("Nama jabatan wajib diisi."))
    existing = {
        row.competency_id: row
        for row in db.session.scalars(
            select(CompetencyStandard).where(CompetencyStandard.jabatan == jabatan)
        )
    }
    for competency_id, level in levels.items():
        row = existing.get(competency_id)
        if not level:
            if row is not None:
                db.session.delete(row)
            continue
        if not 1 <= level <= 5:
            raise Refused(_("Level harus antara 1 dan 5."))
        if row is None:
            row = CompetencyStandard(jabatan=jabatan, competency_id=competency_id)
            db.session.add(row)
        row.required_level = level
        row.updated_by_id = by.id
        row.updated_at = utcnow()
    db.session.flush()
    audit("competencies.standard_saved", None, jabatan[:200], actor=by)


# --- XLSX ----------------------------------------------------------------------------------------
def export_rows() -> list[tuple[str, str, str, int]]:
    rows = db.session.execute(
        select(
            CompetencyStandard.jabatan,
            Competency.code,
            Competency.name,
            CompetencyStandard.required_level,
        )
        .join(Competency, Competency.id == CompetencyStandard.competency_id)
        .order_by(CompetencyStandard.jabatan, Competency.kind, Competency.position)
    )
    return [tuple(row) for row in rows]


@dataclass
class ImportResult:
    saved: int = 0
    jabatan: set = field(default_factory=set)


def import_xlsx(data: bytes, by) -> ImportResult:
    """Rows (jabatan, kode_kompetensi, [nama], level) replace those pairs; an empty level
    removes the pair. Every row is checked before anything is written."""
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not XLSX
        raise Refused(_("Berkas bukan XLSX yang dapat dibaca.")) from exc
    sheet = workbook.worksheets[0]
    codes = dict(db.session.execute(select(Competency.code, Competency.id)).all())
    planned: dict[str, dict[int, int | None]] = {}
    errors = []
    for number, row in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
        if number > MAX_IMPORT_ROWS + 1:
            raise Refused(_("Terlalu banyak baris (paling banyak %(n)d).", n=MAX_IMPORT_ROWS))
        cells = list(row) + [None] * 4
        jabatan = str(cells[0] or "").strip()
        code = str(cells[1] or "").strip().lower()
        level = cells[3]
        if not jabatan and not code:
            continue
        if code not in codes:
            errors.append(_("Baris %(n)d: kode kompetensi tidak dikenal.", n=number))
            continue
        if level in (None, ""):
            value = None
        else:
            try:
                value = int(str(level).strip())
            except ValueError:
                value = -1
            if not 1 <= value <= 5:
                errors.append(_("Baris %(n)d: level harus 1–5 atau kosong.", n=number))
                continue
        if not jabatan or len(jabatan) > 200:
            errors.append(_("Baris %(n)d: nama jabatan tidak sah.", n=number))
            continue
        planned.setdefault(jabatan, {})[codes[code]] = value
    workbook.close()
    if errors:
        raise Refused(" ".join(errors[:10]))
    result = ImportResult()
    for jabatan, levels in planned.items():
        save_standard(jabatan, levels, by)
        result.saved += len(levels)
        result.jabatan.add(jabatan)
    return result


def workbook() -> Workbook:
    book = Workbook()
    sheet = book.active
    sheet.title = "SKJ"
    sheet.append(list(XLSX_HEADER))
    for row in export_rows():
        sheet.append(list(row))
    codes = book.create_sheet("Kamus")
    codes.append(["kode_kompetensi", "nama_kompetensi", "jenis"])
    for comp in db.session.scalars(select(Competency).order_by(Competency.position)):
        codes.append([comp.code, comp.name, comp.kind])
    return book
