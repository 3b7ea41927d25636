"""Small, explicit builders for test data. Each returns committed model objects."""

import itertools
from datetime import date
from types import SimpleNamespace

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from blueprints.auth.models import Employee, EmployeeRole, Unit
from extensions import db

PASSWORD = "rahasia-uji-123"
_HASH: dict[str, str] = {}
_SEQ = itertools.count(1)


def password_hash(password: str = PASSWORD) -> str:
    """Real hashing is slow on purpose (scrypt). Test accounts use a cheap PBKDF2 hash, which the
    same check_password_hash verifies, so that hundreds of test logins stay fast; the production
    path (set_password) is exercised by the CLI and password tests."""
    if password not in _HASH:
        _HASH[password] = generate_password_hash(password, method="pbkdf2:sha256:1000")
    return _HASH[password]


def nip_for(n: int, employment_type: str = "PNS", gender: str = "1") -> str:
    """A valid-format NIP, unique per n."""
    born = date(1970 + n % 25, 1 + n % 12, 1 + n % 28)
    seq = 1 + n % 999
    if employment_type == "PPPK":
        return f"{born:%Y%m%d}2023{10 + n % 80:02d}{gender}{seq:03d}"
    return f"{born:%Y%m%d}{born.year + 24}{1 + n % 12:02d}{gender}{seq:03d}"[:18]


def unit(
    code: str,
    name: str | None = None,
    parent: Unit | None = None,
    kind: str = "lainnya",
    head: Employee | None = None,
) -> Unit:
    u = Unit(
        code=code,
        name=name or code,
        kind=kind,
        parent_id=parent.id if parent else None,
        depth=(parent.depth + 1) if parent else 0,
    )
    db.session.add(u)
    db.session.flush()
    u.path = f"{parent.path if parent else '/'}{u.id}/"
    if head is not None:
        u.head_id = head.id
    db.session.commit()
    return u


def employee(
    unit: Unit,
    name: str | None = None,
    *,
    email: str | None = None,
    roles=(),
    employment_type: str = "PNS",
    heads: Unit | None = None,
    **fields,
) -> Employee:
    n = next(_SEQ) + 1000 * (hash(unit.code) % 7)
    person = Employee(
        nip=fields.pop("nip", None) or nip_for(n, employment_type),
        name=name or f"Pegawai {n}",
        email=email or f"pegawai{n}@uji.local",
        unit_id=unit.id,
        jabatan=fields.pop("jabatan", "Pelaksana"),
        jenis_jabatan=fields.pop("jenis_jabatan", "pelaksana"),
        employment_type=employment_type,
        password_hash=password_hash(),
        **fields,
    )
    for role in roles:
        person.role_rows.append(EmployeeRole(role=role))
    db.session.add(person)
    db.session.flush()
    if heads is not None:
        heads.head_id = person.id
    db.session.commit()
    return person


def small_org() -> SimpleNamespace:
    """KEC (camat) -> SEK (sekcam; admin, organizer, staff_sek), KEL-A (lurah_a; staff_a1,
    staff_a2), KEL-B (lurah_b; staff_b1)."""
    kec = unit("KEC", "Kecamatan Uji", kind="kecamatan")
    sek = unit("SEK", "Sekretariat", kec, kind="sekretariat")
    kel_a = unit("KEL-A", "Kelurahan A", kec, kind="kelurahan")
    kel_b = unit("KEL-B", "Kelurahan B", kec, kind="kelurahan")
    camat = employee(kec, "Camat Uji", email="camat@uji.local", heads=kec)
    sekcam = employee(sek, "Sekcam Uji", email="sekcam@uji.local", heads=sek)
    lurah_a = employee(kel_a, "Lurah A", email="lurah.a@uji.local", heads=kel_a)
    lurah_b = employee(kel_b, "Lurah B", email="lurah.b@uji.local", heads=kel_b)
    return SimpleNamespace(
        kec=kec,
        sek=sek,
        kel_a=kel_a,
        kel_b=kel_b,
        camat=camat,
        sekcam=sekcam,
        lurah_a=lurah_a,
        lurah_b=lurah_b,
        admin=employee(sek, "Admin Uji", email="admin@uji.local", roles=["admin"]),
        organizer=employee(
            sek, "Penyelenggara Uji", email="penyelenggara@uji.local", roles=["organizer"]
        ),
        staff_sek=employee(sek, "Staf Sekretariat", email="staf.sek@uji.local"),
        staff_a1=employee(kel_a, "Staf A1", email="staf.a1@uji.local"),
        staff_a2=employee(kel_a, "Staf A2", email="staf.a2@uji.local", employment_type="PPPK"),
        staff_b1=employee(kel_b, "Staf B1", email="staf.b1@uji.local"),
    )


DEMO_EMAILS = {
    "admin": "admin@demo.local",
    "penyelenggara": "penyelenggara@demo.local",
    "camat": "camat@demo.local",
    "lurah_terjun": "lurah.terjun@demo.local",
    "pegawai": "pegawai@demo.local",
}


def demo_people() -> SimpleNamespace:
    people = {
        key: db.session.scalars(select(Employee).where(Employee.email == email)).one()
        for key, email in DEMO_EMAILS.items()
    }
    return SimpleNamespace(**people)
