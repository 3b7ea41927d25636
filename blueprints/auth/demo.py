"""Demo organisation: Kecamatan Medan Marelan with its sections, five kelurahan and puskesmas."""

from datetime import date

from werkzeug.security import generate_password_hash

from blueprints.auth.models import Employee, EmployeeRole, Unit
from blueprints.common.demo import DemoContext, demo_seeder
from extensions import db

# (code, name, kind, parent code)
UNITS = [
    ("KEC", "Kecamatan Medan Marelan", "kecamatan", None),
    ("SEK", "Sekretariat Kecamatan", "sekretariat", "KEC"),
    ("SEK-UMPEG", "Subbagian Umum dan Kepegawaian", "subbagian", "SEK"),
    ("SEK-KEUPROG", "Subbagian Keuangan dan Program", "subbagian", "SEK"),
    ("SKS-PEM", "Seksi Pemerintahan", "seksi", "KEC"),
    ("SKS-TRANTIB", "Seksi Ketenteraman dan Ketertiban Umum", "seksi", "KEC"),
    ("SKS-PMD", "Seksi Pemberdayaan Masyarakat", "seksi", "KEC"),
    ("SKS-PU", "Seksi Pelayanan Umum", "seksi", "KEC"),
    ("KEL-LD", "Kelurahan Labuhan Deli", "kelurahan", "KEC"),
    ("KEL-PP", "Kelurahan Paya Pasir", "kelurahan", "KEC"),
    ("KEL-RP", "Kelurahan Rengas Pulau", "kelurahan", "KEC"),
    ("KEL-TER", "Kelurahan Tanah Enam Ratus", "kelurahan", "KEC"),
    ("KEL-TJ", "Kelurahan Terjun", "kelurahan", "KEC"),
    # A Puskesmas is a UPT of the city health office, not a unit of the camat (domain.md §4): a
    # root of its own, outside the camat's scope and the kecamatan's survey results.
    ("PKM-TJ", "UPT Puskesmas Terjun", "puskesmas", None),
]

HEAD_TITLES = {
    "KEC": ("Camat Medan Marelan", "administrator", "III/d"),
    "SEK": ("Sekretaris Camat", "administrator", "III/d"),
    "SEK-UMPEG": ("Kepala Subbagian Umum dan Kepegawaian", "pengawas", "III/c"),
    "SEK-KEUPROG": ("Kepala Subbagian Keuangan dan Program", "pengawas", "III/c"),
    "SKS-PEM": ("Kepala Seksi Pemerintahan", "pengawas", "III/c"),
    "SKS-TRANTIB": ("Kepala Seksi Ketenteraman dan Ketertiban Umum", "pengawas", "III/c"),
    "SKS-PMD": ("Kepala Seksi Pemberdayaan Masyarakat", "pengawas", "III/c"),
    "SKS-PU": ("Kepala Seksi Pelayanan Umum", "pengawas", "III/c"),
    "PKM-TJ": ("Kepala UPT Puskesmas Terjun", "pengawas", "III/d"),
}

STAFF_TITLES = {
    "kelurahan": [
        # eselon IV/b posts: pengawas (domain.md §4)
        ("Sekretaris Lurah", "pengawas"),
        ("Kepala Seksi Pemerintahan Kelurahan", "pengawas"),
        ("Kepala Seksi Ketenteraman dan Ketertiban", "pengawas"),
        ("Pengadministrasi Umum", "pelaksana"),
        ("Pengelola Layanan Kependudukan", "pelaksana"),
        ("Pengadministrasi Perkantoran", "pelaksana"),
    ],
    "puskesmas": [
        ("Dokter Ahli Pertama", "fungsional"),
        ("Perawat Terampil", "fungsional"),
        ("Bidan Terampil", "fungsional"),
        ("Pranata Laboratorium Kesehatan", "fungsional"),
        ("Administrator Kesehatan", "fungsional"),
        ("Nutrisionis Terampil", "fungsional"),
    ],
    "default": [
        ("Analis Kebijakan Ahli Pertama", "fungsional"),
        ("Pengolah Data", "pelaksana"),
        ("Pengadministrasi Umum", "pelaksana"),
        ("Pranata Komputer Terampil", "fungsional"),
        ("Pengelola Keuangan", "pelaksana"),
        ("Penata Layanan Operasional", "pelaksana"),
    ],
}

FIRST_MALE = [
    "Rahmat",
    "Dedi",
    "Ahmad",
    "Budi",
    "Hendra",
    "Fauzi",
    "Rizky",
    "Irwan",
    "Syahrul",
    "Bambang",
    "Teguh",
    "Andi",
    "Yusuf",
    "Agus",
    "Hasan",
    "Indra",
    "Zulkifli",
    "Ferry",
]
FIRST_FEMALE = [
    "Siti",
    "Nurhayati",
    "Dewi",
    "Rina",
    "Fitri",
    "Maya",
    "Yuliana",
    "Sri",
    "Rosmawati",
    "Lestari",
    "Nur",
    "Ayu",
    "Rahmah",
    "Juliani",
    "Wulan",
    "Intan",
    "Desi",
    "Putri",
]
MIDDLE = [
    "Syahputra",
    "Hidayat",
    "Aminah",
    "Wahyuni",
    "Kurniawan",
    "Sari",
    "Pratama",
    "Handayani",
    "Saputra",
    "Rahayu",
    "Maulana",
    "Anggraini",
    "",
    "",
    "",
]
FAMILY = [
    "Nasution",
    "Lubis",
    "Siregar",
    "Harahap",
    "Tanjung",
    "Sembiring",
    "Ginting",
    "Hasibuan",
    "Pohan",
    "Daulay",
    "Batubara",
    "Simanjuntak",
    "Sitepu",
    "Matondang",
    "Rangkuti",
    "Purba",
]


def demo_password_hash(ctx: DemoContext) -> str:
    """Hashing is slow on purpose; every demo account shares one password, so hash it once."""
    if not hasattr(ctx, "_password_hash"):
        ctx._password_hash = generate_password_hash(ctx.password)
    return ctx._password_hash


def demo_nip(ctx: DemoContext, gender: str, employment_type: str, seq: int) -> str:
    rng = ctx.rng
    born = date(rng.randint(1968, 1998), rng.randint(1, 12), rng.randint(1, 28))
    sex = "1" if gender == "L" else "2"
    if employment_type == "PPPK":
        year = rng.randint(max(born.year + 20, 2019), 2025)
        return f"{born:%Y%m%d}{year}{rng.randint(10, 30):02d}{sex}{seq % 999 + 1:03d}"
    start_year = min(born.year + rng.randint(21, 30), 2024)
    return f"{born:%Y%m%d}{start_year}{rng.randint(1, 12):02d}{sex}{seq % 999 + 1:03d}"


def demo_contract_start(nip: str, seq: int) -> date:
    """A PPPK's contract starts on the first of a month (TMT) of the year their NI PPPK names;
    the month varies so that the demo shows contract years that do not start on 1 January.
    Drawn from the NIP and the sequence, not from the random generator, so that adding it left
    the rest of the demo data as it was."""
    return date(int(nip[8:12]), 1 + (seq * 5) % 12, 1)


def demo_name(ctx: DemoContext, gender: str) -> str:
    first = ctx.rng.choice(FIRST_MALE if gender == "L" else FIRST_FEMALE)
    middle = ctx.rng.choice(MIDDLE)
    return " ".join(part for part in (first, middle, ctx.rng.choice(FAMILY)) if part)


def add_employee(
    ctx: DemoContext,
    unit: Unit,
    jabatan: str,
    jenis: str,
    *,
    name=None,
    email=None,
    gender=None,
    employment_type=None,
    golongan=None,
) -> Employee:
    rng = ctx.rng
    gender = gender or rng.choice("LP")
    employment_type = employment_type or ("PPPK" if rng.random() < 0.25 else "PNS")
    seq = len(ctx.employees) + 1
    nip = demo_nip(ctx, gender, employment_type, seq)
    if golongan is None:
        golongan = (
            rng.choice(["VII", "IX", "X"])
            if employment_type == "PPPK"
            else rng.choice(["II/b", "II/c", "II/d", "III/a", "III/b"])
        )
    name = name or demo_name(ctx, gender)
    employee = Employee(
        nip=nip,
        name=name,
        email=email or f"{nip}@marelan.go.id",
        unit_id=unit.id,
        jabatan=jabatan,
        jenis_jabatan=jenis,
        golongan=golongan,
        employment_type=employment_type,
        contract_start=demo_contract_start(nip, seq) if employment_type == "PPPK" else None,
    )
    employee.password_hash = demo_password_hash(ctx)
    db.session.add(employee)
    ctx.employees.append(employee)
    return employee


@demo_seeder(order=0, name="organisasi dan pegawai")
def seed_organisation(ctx: DemoContext) -> None:
    for code, name, kind, parent_code in UNITS:
        parent = ctx.units.get(parent_code)
        unit = Unit(
            code=code,
            name=name,
            kind=kind,
            parent_id=parent.id if parent else None,
            depth=(parent.depth + 1) if parent else 0,
        )
        db.session.add(unit)
        db.session.flush()
        unit.path = f"{parent.path if parent else '/'}{unit.id}/"
        ctx.units[code] = unit

    named = {
        "camat": ("KEC", "Drs. Muhammad Ridwan Nasution", "camat@demo.local", "L"),
        "lurah_terjun": ("KEL-TJ", "Rosmawati Siregar, S.STP", "lurah.terjun@demo.local", "P"),
    }
    for key, (code, name, email, gender) in named.items():
        unit = ctx.units[code]
        title = HEAD_TITLES.get(
            code, ("Lurah " + unit.name.replace("Kelurahan ", ""), "pengawas", "III/c")
        )
        person = add_employee(
            ctx,
            unit,
            title[0],
            title[1],
            name=name,
            email=email,
            gender=gender,
            employment_type="PNS",
            golongan=title[2],
        )
        ctx.people[key] = person

    db.session.flush()
    for code, unit in ctx.units.items():
        if code == "KEC":
            unit.head_id = ctx.people["camat"].id
            continue
        if code == "KEL-TJ":
            unit.head_id = ctx.people["lurah_terjun"].id
        else:
            title = HEAD_TITLES.get(code) or (
                "Lurah " + unit.name.replace("Kelurahan ", ""),
                "pengawas",
                "III/c",
            )
            head = add_employee(
                ctx, unit, title[0], title[1], employment_type="PNS", golongan=title[2]
            )
            db.session.flush()
            unit.head_id = head.id
        if unit.kind in ("kelurahan", "puskesmas", "seksi", "subbagian"):
            titles = STAFF_TITLES.get(unit.kind, STAFF_TITLES["default"])
            count = {"kelurahan": 6, "puskesmas": 6}.get(unit.kind, 3)
            for i in range(count):
                add_employee(ctx, unit, *titles[i % len(titles)])

    umpeg = ctx.units["SEK-UMPEG"]
    ctx.people["admin"] = add_employee(
        ctx,
        umpeg,
        "Pranata Komputer Ahli Pertama",
        "fungsional",
        name="Andi Pratama Lubis",
        email="admin@demo.local",
        gender="L",
        employment_type="PNS",
        golongan="III/a",
    )
    ctx.people["penyelenggara"] = add_employee(
        ctx,
        umpeg,
        "Analis Sumber Daya Manusia Aparatur",
        "fungsional",
        name="Dewi Anggraini Harahap",
        email="penyelenggara@demo.local",
        gender="P",
        employment_type="PNS",
        golongan="III/b",
    )
    ctx.people["pegawai"] = add_employee(
        ctx,
        ctx.units["KEL-TJ"],
        "Pengelola Layanan Kependudukan",
        "pelaksana",
        name="Fitri Wahyuni Tanjung",
        email="pegawai@demo.local",
        gender="P",
        employment_type="PNS",
        golongan="II/c",
    )
    db.session.flush()
    ctx.people["admin"].role_rows.append(EmployeeRole(role="admin"))
    ctx.people["penyelenggara"].role_rows.append(EmployeeRole(role="organizer"))
    ctx.echo(f"  {len(ctx.units)} units, {len(ctx.employees)} employees")
