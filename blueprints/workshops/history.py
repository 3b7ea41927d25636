"""Training history in the shape SIASN / MyASN asks for (riwayat diklat/kursus): per person and
year, or per unit (its subtree) and year, an XLSX of the attended sessions and verified external
learning records the JP ledger counts, and a ZIP of the certificates behind them.

BKN does not publish the upload layout, so the columns are a mapping an admin can change
(document settings, "Kolom ekspor SIASN": one ``field = Header`` per line); docs/siasn.md lists
the fields. Rows follow the ledger's rules of what counts (ledger.jp_sources): confirmed and
attended registrations of sessions not cancelled that started in the WIB year, and verified
external records dated in the year.

The year here is always the calendar year, also for a PPPK whose JP year is a contract year
(jp_period.py): the history is a record of dated activities that SIASN keeps by date, not a
tally against a target, so a unit's file covers the same days for everyone and each activity
appears in exactly one file.
"""

from __future__ import annotations

import io
import os
import zipfile
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from blueprints.auth.models import Employee, Unit
from blueprints.common.exports import Nip, add_sheet, finish_workbook
from blueprints.common.refusals import Refused
from blueprints.common.timefmt import to_wib, wib_year_bounds
from blueprints.workshops.documents import text_setting
from blueprints.workshops.evidence import evidence_dir
from blueprints.workshops.models import (
    COMPETENCY_TYPES,
    Certificate,
    ExternalLearning,
    Registration,
    Workshop,
    WorkshopSession,
)
from blueprints.workshops.rules import kind_label
from extensions import db

# field -> what it holds (docs/siasn.md repeats this list)
FIELDS = {
    "nip": _l("NIP (18 angka, sebagai teks)"),
    "nama": _l("Nama pegawai"),
    "jenis": _l("Jenis diklat/kursus (bentuk pembelajaran, mis. Workshop/lokakarya, E-learning)"),
    "jenis_kompetensi": _l("Jenis kompetensi (teknis, manajerial, sosial kultural)"),
    "nama_diklat": _l("Nama diklat/kursus"),
    "institusi": _l("Institusi penyelenggara"),
    "nomor_sertifikat": _l("Nomor sertifikat"),
    "tanggal_mulai": _l("Tanggal mulai (sel tanggal)"),
    "tanggal_selesai": _l("Tanggal selesai (sel tanggal)"),
    "jp": _l("Jumlah jam pelajaran (JP)"),
    "tahun": _l("Tahun"),
    "sumber": _l("Sumber: pelatihan internal atau pembelajaran eksternal terverifikasi"),
    "unit": _l("Unit kerja"),
    "berkas_sertifikat": _l("Nama berkas sertifikat di dalam ZIP"),
}

DEFAULT_COLUMNS = """nip = NIP
nama = Nama
jenis = Jenis Diklat/Kursus
jenis_kompetensi = Jenis Kompetensi
nama_diklat = Nama Diklat/Kursus
institusi = Institusi Penyelenggara
nomor_sertifikat = Nomor Sertifikat
tanggal_mulai = Tanggal Mulai
tanggal_selesai = Tanggal Selesai
jp = Jumlah JP
tahun = Tahun
sumber = Sumber
berkas_sertifikat = Berkas Sertifikat"""


def parse_columns(text: str) -> list[tuple[str, str]]:
    """[(field, header)] from 'field = Header' lines; Refused on an unknown field."""
    columns = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        field, sep, header = line.partition("=")
        field, header = field.strip(), header.strip()
        if not sep or field not in FIELDS or not header:
            raise Refused(
                _(
                    "Kolom SIASN baris %(n)d: tulis 'kolom = Judul' dengan kolom dari daftar.",
                    n=number,
                )
            )
        columns.append((field, header[:80]))
    if not columns:
        raise Refused(_("Kolom SIASN tidak boleh kosong."))
    return columns


def columns() -> list[tuple[str, str]]:
    try:
        return parse_columns(text_setting("siasn_columns") or DEFAULT_COLUMNS)
    except Refused:
        return parse_columns(DEFAULT_COLUMNS)


@dataclass
class Entry:
    employee: Employee
    kind: str
    competency: str
    title: str
    institution: str
    number: str
    start: date
    end: date
    jp: int
    source: str
    certificate: Certificate | None = None
    external: ExternalLearning | None = None

    @property
    def file_name(self) -> str:
        if self.certificate is not None:
            return f"{self.employee.nip}/sertifikat-{self.certificate.id}.pdf"
        if self.external is not None:
            ext = os.path.splitext(self.external.evidence_file)[1] or ".pdf"
            return f"{self.employee.nip}/eksternal-{self.external.id}{ext}"
        return ""

    def value(self, field: str, unit_names: dict[int, str]):
        return {
            "nip": Nip(self.employee.nip),
            "nama": self.employee.name,
            "jenis": self.kind,
            "jenis_kompetensi": self.competency,
            "nama_diklat": self.title,
            "institusi": self.institution,
            "nomor_sertifikat": self.number,
            "tanggal_mulai": self.start,
            "tanggal_selesai": self.end,
            "jp": self.jp,
            "tahun": self.start.year,
            "sumber": self.source,
            "unit": unit_names.get(self.employee.unit_id, ""),
            "berkas_sertifikat": self.file_name,
        }[field]


def attended_registrations(employee_ids, year: int) -> list[Registration]:
    """The ledger's attended sessions of the year (ledger.jp_sources), oldest first."""
    start, end = wib_year_bounds(year)
    return list(
        db.session.scalars(
            select(Registration)
            .join(WorkshopSession, WorkshopSession.id == Registration.session_id)
            .join(Employee, Employee.id == Registration.employee_id)
            .where(
                Registration.employee_id.in_(employee_ids),
                Registration.status == "confirmed",
                Registration.attended.is_(True),
                WorkshopSession.status != "cancelled",
                WorkshopSession.starts_at >= start,
                WorkshopSession.starts_at < end,
            )
            .order_by(Employee.name, Employee.id, WorkshopSession.starts_at, Registration.id)
        )
    )


def verified_external(employee_ids, year: int) -> list[ExternalLearning]:
    return list(
        db.session.scalars(
            select(ExternalLearning)
            .join(Employee, Employee.id == ExternalLearning.employee_id)
            .where(
                ExternalLearning.employee_id.in_(employee_ids),
                ExternalLearning.status == "verified",
                ExternalLearning.learned_on >= date(year, 1, 1),
                ExternalLearning.learned_on <= date(year, 12, 31),
            )
            .order_by(Employee.name, Employee.id, ExternalLearning.learned_on)
        )
    )


def entries(employee_ids, year: int, issue) -> list[Entry]:
    """Every counted activity of the year, in a constant number of queries. ``issue(registration)``
    gives the certificate of an attendance that has none yet (certificates.issue_certificate: an
    attendance is owed one, so the number is on the row; My data passes one that issues none)."""
    registrations = attended_registrations(employee_ids, year)
    sessions = {
        s.id: s
        for s in db.session.scalars(
            select(WorkshopSession).where(
                WorkshopSession.id.in_({r.session_id for r in registrations} or [0])
            )
        )
    }
    workshops = {
        w.id: w
        for w in db.session.scalars(
            select(Workshop).where(
                Workshop.id.in_({s.workshop_id for s in sessions.values()} or [0])
            )
        )
    }
    issued = {
        c.registration_id: c
        for c in db.session.scalars(
            select(Certificate).where(
                Certificate.registration_id.in_([r.id for r in registrations] or [0])
            )
        )
    }
    people = _people({r.employee_id for r in registrations})
    institution = text_setting("kop_office").title()
    internal = _("Pelatihan internal")
    result = []
    for registration in registrations:
        session = sessions[registration.session_id]
        workshop = workshops[session.workshop_id]
        certificate = issued.get(registration.id) or issue(registration)
        result.append(
            Entry(
                employee=people[registration.employee_id],
                kind=kind_label(workshop.learning_kind),
                competency=str(COMPETENCY_TYPES.get(workshop.competency_type, "")),
                title=workshop.title,
                institution=institution,
                number=(certificate.number or "") if certificate else "",
                start=to_wib(session.starts_at).date(),
                end=to_wib(session.ends_at).date(),
                jp=session.jp_credited,
                source=internal,
                certificate=certificate,
            )
        )
    records = verified_external(employee_ids, year)
    people.update(_people({r.employee_id for r in records} - set(people)))
    external = _("Pembelajaran eksternal terverifikasi")
    for record in records:
        result.append(
            Entry(
                employee=people[record.employee_id],
                kind=kind_label(record.learning_kind),
                competency="",
                title=record.title,
                institution=record.provider,
                number="",
                start=record.learned_on,
                end=record.learned_on,
                jp=record.jp,
                source=external,
                external=record,
            )
        )
    result.sort(key=lambda e: (e.employee.name, e.employee.id, e.start))
    return result


def _people(ids) -> dict[int, Employee]:
    if not ids:
        return {}
    return {e.id: e for e in db.session.scalars(select(Employee).where(Employee.id.in_(ids)))}


def unit_employee_ids(unit: Unit):
    """Everyone in the unit's subtree (active or not: the history is theirs either way)."""
    subtree = select(Unit.id).where(Unit.path.startswith(unit.path, autoescape=True))
    return select(Employee.id).where(Employee.unit_id.in_(subtree))


def history_xlsx(rows: list[Entry], year: int) -> bytes:
    from openpyxl import Workbook

    mapping = columns()
    unit_names = {}
    if any(field == "unit" for field, _h in mapping):
        ids = {e.employee.unit_id for e in rows}
        unit_names = dict(
            db.session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(ids or [0]))).all()
        )
    workbook = Workbook()
    add_sheet(
        workbook,
        _("Riwayat diklat %(year)d", year=year),
        [header for _f, header in mapping],
        [[entry.value(field, unit_names) for field, _h in mapping] for entry in rows],
    )
    return finish_workbook(workbook)


def certificates_zip(rows: list[Entry], render_certificate) -> bytes:
    """The PDF of each internal certificate and the evidence file of each external record."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry in rows:
            if entry.certificate is not None:
                archive.writestr(entry.file_name, render_certificate(entry.certificate))
            elif entry.external is not None:
                path = os.path.join(evidence_dir(), os.path.basename(entry.external.evidence_file))
                if os.path.exists(path):
                    archive.write(path, entry.file_name)
    return buffer.getvalue()


def no_certificate(registration: Registration) -> None:
    """For read-only callers (My data): issue nothing (entries already has the issued ones)."""
    return None


def years_with_entries(employee_id: int) -> list[int]:
    """The WIB years in which the person has counted activities, oldest first."""
    starts = db.session.scalars(
        select(WorkshopSession.starts_at)
        .join(Registration, Registration.session_id == WorkshopSession.id)
        .where(
            Registration.employee_id == employee_id,
            Registration.status == "confirmed",
            Registration.attended.is_(True),
            WorkshopSession.status != "cancelled",
        )
    )
    learned = db.session.scalars(
        select(ExternalLearning.learned_on).where(
            ExternalLearning.employee_id == employee_id, ExternalLearning.status == "verified"
        )
    )
    return sorted({to_wib(s).year for s in starts} | {d.year for d in learned})


def personal_history_files(employee: Employee) -> list[tuple[str, bytes]]:
    """(file name, XLSX) per year, for the My data archive; issues nothing."""
    return [
        (
            f"riwayat-diklat-siasn-{year}.xlsx",
            history_xlsx(entries([employee.id], year, no_certificate), year),
        )
        for year in years_with_entries(employee.id)
    ]
