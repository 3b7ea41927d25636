"""Builders for the administration tests: import files and many employees at once."""

import csv
import io
from datetime import date

from sqlalchemy import insert

from blueprints.admin.importer import COLUMNS
from blueprints.auth.models import Employee, Unit
from extensions import db
from tests.factories import password_hash


def import_nip(i: int, employment_type: str = "PNS") -> str:
    """A valid, unique (for i < 999) NIP. Gender digit 2, so it never meets tests.factories'."""
    born = date(1975 + i % 12, 1 + i % 12, 1 + i % 28)
    seq = i % 999 + 1
    if employment_type == "PPPK":
        return f"{born:%Y%m%d}2022{10 + i % 80:02d}2{seq:03d}"
    return f"{born:%Y%m%d}2010{1 + i % 12:02d}2{seq:03d}"


def import_row(i: int, unit_code: str = "KEL-A", **overrides) -> dict[str, str]:
    employment_type = overrides.get("status_kepegawaian", "PNS")
    row = {
        "nip": import_nip(i, employment_type),
        "nama": f"Pegawai Impor {i}",
        "email": f"impor{i}@marelan.go.id",
        "unit_kode": unit_code,
        "jabatan": "Pengadministrasi Umum",
        "jenis_jabatan": "pelaksana",
        "golongan": "II/c" if employment_type == "PNS" else "VII",
        "status_kepegawaian": employment_type,
        "atasan_nip": "",
    }
    row.update(overrides)
    return row


def csv_text(rows: list[dict], delimiter: str = ",", columns=COLUMNS) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer, fieldnames=list(columns), delimiter=delimiter, lineterminator="\n"
    )
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def csv_bytes(rows: list[dict], delimiter: str = ",", bom: bool = False) -> bytes:
    text = csv_text(rows, delimiter)
    return (("\ufeff" if bom else "") + text).encode("utf-8")


def many_employees(unit: Unit, count: int, start: int = 0) -> None:
    """`count` active employees in one bulk INSERT (for size-independence tests)."""
    hashed = password_hash()
    db.session.execute(
        insert(Employee),
        [
            {
                "nip": import_nip(start + i),
                "name": f"Pegawai Massal {start + i:04d}",
                "email": f"massal{start + i}@uji.local",
                "unit_id": unit.id,
                "jabatan": "Pelaksana",
                "jenis_jabatan": "pelaksana",
                "employment_type": "PNS",
                "password_hash": hashed,
            }
            for i in range(count)
        ],
    )
    db.session.commit()


def request_queries(queries, client, url: str) -> int:
    """Statements one GET sends, starting from an empty identity map (as a real request does)."""
    db.session.commit()
    db.session.expire_all()
    with queries() as counter:
        response = client.get(url)
    assert response.status_code == 200, url
    return counter.count


def sign_in(client, person) -> None:
    """Start a session as `person` without the (deliberately slow) password check. Tests of the
    login itself use the shared `login_as` fixture; the admin tests only need a signed-in user."""
    with client.session_transaction() as session:
        session.clear()
        session["_user_id"] = person.get_id()
        session["_fresh"] = True
        session.permanent = True
