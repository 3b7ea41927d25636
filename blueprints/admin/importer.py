"""CSV import of employees: validate everything first (dry run), then commit all rows or none.

Columns (header required, any order): nip, nama, email, unit_kode, jabatan, jenis_jabatan,
golongan, status_kepegawaian, atasan_nip; optionally awal_kontrak (a PPPK's contract start,
YYYY-MM-DD, admin/contracts.py: files written before it existed still import, and then a PPPK
keeps the contract start on record while a PNS has none). UTF-8 with or without BOM; comma or
semicolon.

A row whose NIP already exists updates that person; any other row creates an account. New accounts
get NO password: an admin gives each person a temporary one with "Setel ulang kata sandi" (the
owner must change it at first login). The whole file is checked with a few bulk queries (not one
query per row), and written with bulk INSERT/UPDATE statements in one transaction.

The web preview keeps the uploaded file on the server (instance/imports/<random token>.csv, bound
to the admin who uploaded it) so that the admin can confirm without uploading again; nothing of
the file travels back through the browser.
"""

import csv
import io
import json
import os
import re
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, insert, select, update

from blueprints.admin.audit import audit
from blueprints.admin.contracts import contract_start_problem
from blueprints.auth import nip as nip_rules
from blueprints.auth.constants import GOLONGAN_PNS, GOLONGAN_PPPK, JENIS_JABATAN
from blueprints.auth.models import Employee, Unit
from blueprints.common.timefmt import today_wib
from extensions import db

COLUMNS = (
    "nip",
    "nama",
    "email",
    "unit_kode",
    "jabatan",
    "jenis_jabatan",
    "golongan",
    "status_kepegawaian",
    "atasan_nip",
)
CONTRACT_COLUMN = "awal_kontrak"
OPTIONAL_COLUMNS = (CONTRACT_COLUMN,)
ALL_COLUMNS = (*COLUMNS, *OPTIONAL_COLUMNS)
ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MAX_IMPORT_BYTES = 2 * 1024 * 1024
CHUNK = 500  # rows per bulk lookup / insert: stays far below every database's parameter limit
KEEP_UPLOADS_SECONDS = 24 * 3600
EMAIL = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$")
TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")

Progress = Callable[[int], None]


class ImportFileError(ValueError):
    """The file as a whole cannot be read (encoding, header)."""


@dataclass
class RowError:
    line: int
    column: str
    nip: str
    reason: object  # a lazy, translatable message


@dataclass
class PlannedRow:
    line: int
    nip: str
    name: str
    email: str
    unit_code: str
    unit_id: int | None
    jabatan: str
    jenis_jabatan: str
    golongan: str | None
    employment_type: str
    atasan_nip: str
    existing_id: int | None = None
    contract_start: date | None = None
    contract_given: bool = False  # the file has the awal_kontrak column

    def contract_fields(self) -> dict:
        """The contract start to write: the file's; without the column, none for a PNS (the
        schema allows none) and, for a PPPK already on record, the one kept (no key)."""
        if self.contract_given or self.employment_type != "PPPK" or not self.existing_id:
            return {"contract_start": self.contract_start}
        return {}

    @property
    def action(self) -> str:
        return "update" if self.existing_id else "create"


@dataclass
class ImportPlan:
    rows: list[PlannedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    file_errors: list = field(default_factory=list)
    known_ids: dict[str, int] = field(default_factory=dict)  # NIP -> id of people in the database

    @property
    def ok(self) -> bool:
        return not self.errors and not self.file_errors and bool(self.rows)

    @property
    def creates(self) -> list[PlannedRow]:
        return [row for row in self.rows if row.action == "create"]

    @property
    def updates(self) -> list[PlannedRow]:
        return [row for row in self.rows if row.action == "update"]

    @property
    def error_lines(self) -> int:
        return len({error.line for error in self.errors})


@dataclass
class ImportResult:
    created: int
    updated: int


# --- reading -------------------------------------------------------------------------------
def decode(raw: bytes) -> str:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(_l("Berkas harus berupa teks CSV dengan pengodean UTF-8.")) from exc
    if "\x00" in text:
        raise ImportFileError(_l("Berkas harus berupa teks CSV dengan pengodean UTF-8."))
    return text.lstrip("\ufeff")


def _delimiter(text: str) -> str:
    first = text.split("\n", 1)[0]
    return ";" if first.count(";") > first.count(",") else ","


def read_rows(text: str) -> tuple[list, list[tuple[int, dict[str, str]]], list[RowError]]:
    """(file errors, [(line number, {column: value})], row errors about the shape of a row).
    Line numbers are those of the file: the header is line 1."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        header = next(reader)
    except StopIteration:
        return [_l("Berkas kosong.")], [], []
    except csv.Error:
        return [_l("Baris judul kolom tidak dapat dibaca.")], [], []
    names = [name.strip().lower() for name in header]
    missing = [c for c in COLUMNS if c not in names]
    unknown = [n for n in names if n not in ALL_COLUMNS]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if missing or unknown or duplicated:
        problems = []
        if missing:
            problems.append(_l("Kolom tidak ada: %(cols)s.", cols=", ".join(missing)))
        if unknown:
            problems.append(_l("Kolom tidak dikenal: %(cols)s.", cols=", ".join(unknown)))
        if duplicated:
            problems.append(_l("Kolom ganda: %(cols)s.", cols=", ".join(duplicated)))
        problems.append(_l("Kolom yang diharapkan: %(cols)s.", cols=",".join(COLUMNS)))
        problems.append(_l("Kolom pilihan: %(cols)s.", cols=",".join(OPTIONAL_COLUMNS)))
        return problems, [], []
    rows: list[tuple[int, dict[str, str]]] = []
    shape_errors: list[RowError] = []
    previous_end = reader.line_num
    while True:
        line = previous_end + 1
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error:
            shape_errors.append(RowError(line, "", "", _l("Baris tidak dapat dibaca sebagai CSV.")))
            break
        previous_end = reader.line_num
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(names):
            shape_errors.append(
                RowError(
                    line,
                    "",
                    "",
                    _l(
                        "Jumlah kolom %(found)d, seharusnya %(expected)d.",
                        found=len(record),
                        expected=len(names),
                    ),
                )
            )
            continue
        rows.append((line, {name: cell.strip() for name, cell in zip(names, record, strict=True)}))
    return [], rows, shape_errors


# --- checking ------------------------------------------------------------------------------
def normalize_golongan(raw: str, employment_type: str) -> str | None:
    """'iii/a', 'III/A', 'III-a' -> 'III/a' (PNS); 'ix', '9' -> 'IX' (PPPK). None when blank."""
    value = (raw or "").strip()
    if not value:
        return None
    if employment_type == "PPPK":
        value = value.upper()
        if (
            value.isascii()
            and value.isdigit()
            and len(value) <= 2
            and 1 <= int(value) <= len(GOLONGAN_PPPK)
        ):
            return GOLONGAN_PPPK[int(value) - 1]
        return value
    match = re.match(r"^([IVX]+)\s*[/\-]\s*([A-Ea-e])$", value, re.I)
    if match:
        return f"{match.group(1).upper()}/{match.group(2).lower()}"
    return value


def _chunks(items: list, size: int = CHUNK) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def validate(text: str, progress: Progress | None = None) -> ImportPlan:
    """Check every row; collect every error with its line number. Reads the database with a
    fixed number of bulk queries per CHUNK rows, never one per row."""
    plan = ImportPlan()
    file_errors, records, shape_errors = read_rows(text)
    if file_errors:
        plan.file_errors = file_errors
        return plan
    plan.errors.extend(shape_errors)
    if not records and not shape_errors:
        plan.file_errors = [_l("Berkas tidak berisi baris data.")]
        return plan

    candidates: list[PlannedRow] = []
    for number, (line, cells) in enumerate(records, start=1):
        row = _check_cells(line, cells, plan.errors)
        if row is not None:
            candidates.append(row)
        if progress:
            progress(number)

    units = _units_by_code({row.unit_code.upper() for row in candidates})
    nips = {row.nip for row in candidates} | {
        row.atasan_nip for row in candidates if row.atasan_nip
    }
    people = _people_by_nip(nips)
    owners = _owners_by_email({row.email for row in candidates})
    plan.known_ids = {nip: pk for nip, (pk, _active) in people.items()}

    # Duplicates and references are judged against every row of the file, even rows that
    # failed their own checks, so that each message points at the right line.
    first_nip: dict[str, int] = {}
    first_email: dict[str, int] = {}
    for line, cells in records:
        first_nip.setdefault(nip_rules.normalize(cells["nip"]), line)
        first_email.setdefault(cells["email"].lower(), line)
    file_nips = set(first_nip)
    for row in candidates:
        errors_before = len(plan.errors)

        def fail(column, reason, row=row):
            plan.errors.append(RowError(row.line, column, row.nip, reason))

        if first_nip[row.nip] != row.line:
            fail(
                "nip",
                _l("NIP ganda dalam berkas (juga di baris %(line)d).", line=first_nip[row.nip]),
            )
        if first_email[row.email] != row.line:
            fail(
                "email",
                _l(
                    "Email ganda dalam berkas (juga di baris %(line)d).",
                    line=first_email[row.email],
                ),
            )
        owner = owners.get(row.email)
        if owner is not None and owner != row.nip:
            fail("email", _l("Email sudah dipakai pegawai lain (NIP %(nip)s).", nip=owner))
        unit = units.get(row.unit_code.upper())
        if unit is None:
            fail("unit_kode", _l("Kode unit '%(code)s' tidak dikenal.", code=row.unit_code))
        elif not unit[1]:
            fail("unit_kode", _l("Unit '%(code)s' tidak aktif.", code=row.unit_code))
        else:
            row.unit_id = unit[0]
        if row.atasan_nip:
            if row.atasan_nip == row.nip:
                fail("atasan_nip", _l("Pegawai tidak dapat menjadi atasan dirinya sendiri."))
            elif row.atasan_nip not in file_nips:
                known = people.get(row.atasan_nip)
                if known is None:
                    fail(
                        "atasan_nip",
                        _l(
                            "NIP atasan %(nip)s tidak ditemukan di berkas maupun di data pegawai.",
                            nip=row.atasan_nip,
                        ),
                    )
                elif not known[1]:
                    fail(
                        "atasan_nip",
                        _l("Atasan dengan NIP %(nip)s tidak aktif.", nip=row.atasan_nip),
                    )
        existing = people.get(row.nip)
        row.existing_id = existing[0] if existing else None
        if len(plan.errors) == errors_before:
            plan.rows.append(row)
    plan.errors.sort(key=lambda error: error.line)
    if plan.errors:
        plan.rows = []
    return plan


def _check_cells(line: int, cells: dict[str, str], errors: list[RowError]) -> PlannedRow | None:
    """Checks that need no database. Returns None when the row has an error."""
    raw_nip = cells["nip"]
    digits = nip_rules.normalize(raw_nip)
    count = len(errors)

    def fail(column, reason):
        errors.append(RowError(line, column, digits or raw_nip, reason))

    employment_type = cells["status_kepegawaian"].upper()
    if employment_type not in ("PNS", "PPPK"):
        fail("status_kepegawaian", _l("Status kepegawaian harus PNS atau PPPK."))
    try:
        digits = nip_rules.parse(
            raw_nip, employment_type if employment_type == "PPPK" else "PNS"
        ).digits
    except nip_rules.NipError as exc:
        fail("nip", exc.args[0])
    name = cells["nama"]
    if not name:
        fail("nama", _l("Nama wajib diisi."))
    elif len(name) > 200:
        fail("nama", _l("Nama paling panjang 200 karakter."))
    email = cells["email"].lower()
    if not email:
        fail("email", _l("Email wajib diisi."))
    elif len(email) > 254 or not EMAIL.match(email):
        fail("email", _l("Alamat email tidak valid."))
    if not cells["unit_kode"]:
        fail("unit_kode", _l("Kode unit wajib diisi."))
    jabatan = cells["jabatan"]
    if len(jabatan) > 200:
        fail("jabatan", _l("Jabatan paling panjang 200 karakter."))
    jenis = cells["jenis_jabatan"].lower() or "pelaksana"
    if jenis not in JENIS_JABATAN:
        fail(
            "jenis_jabatan",
            _l("Jenis jabatan harus salah satu dari: %(values)s.", values=", ".join(JENIS_JABATAN)),
        )
    golongan = normalize_golongan(cells["golongan"], employment_type)
    if golongan is not None and employment_type in ("PNS", "PPPK"):
        allowed = GOLONGAN_PPPK if employment_type == "PPPK" else tuple(GOLONGAN_PNS)
        if golongan not in allowed:
            fail(
                "golongan",
                _l(
                    "Golongan '%(value)s' tidak berlaku untuk %(type)s.",
                    value=cells["golongan"],
                    type=employment_type,
                ),
            )
    atasan = nip_rules.normalize(cells["atasan_nip"])
    if atasan and not nip_rules.DIGITS.match(atasan):
        fail("atasan_nip", _l("NIP atasan harus terdiri dari 18 angka."))
    contract_start = _contract_cell(cells, employment_type, fail)
    if len(errors) > count:
        return None
    return PlannedRow(
        line=line,
        nip=digits,
        name=name,
        email=email,
        unit_code=cells["unit_kode"],
        unit_id=None,
        jabatan=jabatan,
        jenis_jabatan=jenis,
        golongan=golongan,
        employment_type=employment_type,
        atasan_nip=atasan,
        contract_start=contract_start,
        contract_given=CONTRACT_COLUMN in cells,
    )


def _contract_cell(cells: dict[str, str], employment_type: str, fail) -> date | None:
    raw = cells.get(CONTRACT_COLUMN, "")
    if not raw:
        return None
    try:
        day = date.fromisoformat(raw) if ISO_DAY.match(raw) else None
    except ValueError:
        day = None
    if day is None:
        fail(CONTRACT_COLUMN, _l("Awal kontrak harus berupa tanggal TTTT-BB-HH, mis. 2024-03-01."))
        return None
    problem = contract_start_problem(employment_type, day, today_wib())
    if problem is not None:
        fail(CONTRACT_COLUMN, problem)
    return day


def _units_by_code(codes: set[str]) -> dict[str, tuple[int, bool]]:
    found: dict[str, tuple[int, bool]] = {}
    for chunk in _chunks(sorted(codes)):
        rows = db.session.execute(
            select(Unit.id, Unit.code, Unit.active).where(func.upper(Unit.code).in_(chunk))
        )
        for pk, code, active in rows:
            found[code.upper()] = (pk, active)
    return found


def _people_by_nip(nips: set[str]) -> dict[str, tuple[int, bool]]:
    found: dict[str, tuple[int, bool]] = {}
    for chunk in _chunks(sorted(nips)):
        rows = db.session.execute(
            select(Employee.nip, Employee.id, Employee.active).where(Employee.nip.in_(chunk))
        )
        for nip, pk, active in rows:
            found[nip] = (pk, active)
    return found


def _owners_by_email(emails: set[str]) -> dict[str, str]:
    """email (lower case) -> NIP of the person in the database who has it."""
    found: dict[str, str] = {}
    for chunk in _chunks(sorted(emails)):
        rows = db.session.execute(
            select(func.lower(Employee.email), Employee.nip).where(
                func.lower(Employee.email).in_(chunk)
            )
        )
        for email, nip in rows:
            found[email] = nip
    return found


# --- committing ----------------------------------------------------------------------------
def apply(plan: ImportPlan, actor=None, source: str = "", progress: Progress | None = None):
    """Write every planned row in the caller's transaction (the caller commits or rolls back).
    Bulk statements: one INSERT per CHUNK new rows and one executemany UPDATE per CHUNK rows."""
    if not plan.ok:
        raise ValueError("the plan has errors")
    ids = dict(plan.known_ids)
    done = 0
    creates = plan.creates
    for chunk in _chunks(creates):
        result = db.session.execute(
            insert(Employee).returning(Employee.id, Employee.nip),
            [
                {
                    "nip": row.nip,
                    "name": row.name,
                    "email": row.email,
                    "unit_id": row.unit_id,
                    "jabatan": row.jabatan,
                    "jenis_jabatan": row.jenis_jabatan,
                    "golongan": row.golongan,
                    "employment_type": row.employment_type,
                    "contract_start": row.contract_start,
                    "password_hash": None,
                }
                for row in chunk
            ],
        )
        for pk, nip in result:
            ids[nip] = pk
        done += len(chunk)
        if progress:
            progress(done)
    # Superiors may name people created just now, so they are set after the inserts, together
    # with the fields of the people who already existed.
    changes = [
        {
            "id": ids[row.nip],
            "name": row.name,
            "email": row.email,
            "unit_id": row.unit_id,
            "jabatan": row.jabatan,
            "jenis_jabatan": row.jenis_jabatan,
            "golongan": row.golongan,
            "employment_type": row.employment_type,
            **row.contract_fields(),
            "superior_id": ids[row.atasan_nip] if row.atasan_nip else None,
        }
        for row in plan.rows
        if row.existing_id or row.atasan_nip
    ]
    for chunk in _chunks(changes):
        db.session.execute(update(Employee), chunk)
    updates = plan.updates
    if progress:
        progress(len(plan.rows))
    audit(
        "employee.imported",
        None,
        f"{source}: {len(creates)} baru, {len(updates)} diperbarui. "
        f"Baru: {' '.join(r.nip for r in creates) or '-'}. "
        f"Diperbarui: {' '.join(r.nip for r in updates) or '-'}",
        actor=actor,
    )
    db.session.expire_all()
    return ImportResult(created=len(creates), updated=len(updates))


# --- uploads kept for the preview ----------------------------------------------------------
def upload_folder() -> Path:
    """instance/imports (beside the uploads folder), never served to the web."""
    configured = current_app.config.get("IMPORT_FOLDER")
    if configured:
        return Path(configured)
    uploads = current_app.config.get("UPLOAD_FOLDER") or os.path.join(
        current_app.instance_path, "uploads"
    )
    return Path(uploads).parent / "imports"


def store_upload(text: str, actor_id: int, filename: str) -> str:
    folder = upload_folder()
    folder.mkdir(parents=True, exist_ok=True)
    _remove_stale(folder)
    token = secrets.token_urlsafe(24)
    (folder / f"{token}.csv").write_text(text, encoding="utf-8")
    meta = {"actor_id": actor_id, "filename": filename[:200], "created": time.time()}
    (folder / f"{token}.json").write_text(json.dumps(meta), encoding="utf-8")
    return token


def load_upload(token: str, actor_id: int) -> tuple[str, dict] | None:
    """The stored file, only for the admin who uploaded it and only while it is fresh."""
    if not TOKEN.match(token or ""):
        return None
    folder = upload_folder()
    try:
        meta = json.loads((folder / f"{token}.json").read_text(encoding="utf-8"))
        text = (folder / f"{token}.csv").read_text(encoding="utf-8")
    except (OSError, ValueError):
        return None
    if (
        meta.get("actor_id") != actor_id
        or time.time() - meta.get("created", 0) > KEEP_UPLOADS_SECONDS
    ):
        return None
    return text, meta


def discard_upload(token: str) -> None:
    if not TOKEN.match(token or ""):
        return
    for suffix in (".csv", ".json"):
        (upload_folder() / f"{token}{suffix}").unlink(missing_ok=True)


def _remove_stale(folder: Path) -> None:
    limit = time.time() - KEEP_UPLOADS_SECONDS
    for path in folder.glob("*.json"):
        try:
            if path.stat().st_mtime < limit:
                path.unlink(missing_ok=True)
                path.with_suffix(".csv").unlink(missing_ok=True)
        except OSError:
            continue
