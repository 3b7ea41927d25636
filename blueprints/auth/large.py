"""Large data set: 250 units and 5,000 employees (scaled), in bulk."""

from datetime import date

from sqlalchemy import select, update

from blueprints.auth.demo import FAMILY, FIRST_FEMALE, FIRST_MALE
from blueprints.auth.models import Employee, EmployeeRole, Unit
from blueprints.common.large import LargeContext, insert_in_chunks, large_seeder
from extensions import db


def _nip(rng, n: int, employment_type: str, gender: str, used: set[str]) -> str:
    """A valid NIP or NI PPPK not in `used` (which it joins). At --scale 10 (50,000 people)
    random birth dates repeat often enough for two people to draw the same number: draw again."""
    sex = "1" if gender == "L" else "2"
    seq = n % 999 + 1
    while True:
        born = date(rng.randint(1965, 2000), rng.randint(1, 12), rng.randint(1, 28))
        if employment_type == "PPPK":
            appointed = f"{max(born.year + 20, 2019) + n % 5}{10 + n % 80:02d}"
        else:
            # Appointed at 22 to 29, never after 2025 (a TMT in the future is no valid NIP).
            appointed = f"{min(born.year + 22 + n % 8, 2025)}{1 + n % 12:02d}"
        nip = f"{born:%Y%m%d}{appointed}{sex}{seq:03d}"
        if nip not in used:
            used.add(nip)
            return nip


@large_seeder(order=0, name="units and employees")
def seed_people(ctx: LargeContext) -> None:
    rng = ctx.rng
    unit_count = max(3, ctx.n(250))
    root = Unit(code="L-ROOT", name="Kecamatan Besar", kind="kecamatan", path="/", depth=0)
    db.session.add(root)
    db.session.flush()
    root.path = f"/{root.id}/"
    groups = max(1, unit_count // 12)
    rows = []
    for g in range(groups):
        rows.append(
            {
                "code": f"L-G{g:03d}",
                "name": f"Kelurahan Besar {g + 1}",
                "kind": "kelurahan",
                "parent_id": root.id,
                "path": "",
                "depth": 1,
                "active": True,
            }
        )
    insert_in_chunks(Unit.__table__, rows)
    group_ids = list(db.session.scalars(select(Unit.id).where(Unit.depth == 1).order_by(Unit.id)))
    rows = []
    for i in range(unit_count - 1 - groups):
        parent = group_ids[i % len(group_ids)]
        rows.append(
            {
                "code": f"L-U{i:04d}",
                "name": f"Lingkungan {i + 1}",
                "kind": "lingkungan",
                "parent_id": parent,
                "path": "",
                "depth": 2,
                "active": True,
            }
        )
    insert_in_chunks(Unit.__table__, rows)
    # Materialised paths in two set-based updates.
    db.session.execute(
        update(Unit).where(Unit.depth == 1).values(path=root.path + func_cast_id(Unit.id) + "/")
    )
    parent = Unit.__table__.alias("parent")
    db.session.execute(
        update(Unit)
        .where(Unit.depth == 2)
        .values(
            path=select(parent.c.path).where(parent.c.id == Unit.parent_id).scalar_subquery()
            + func_cast_id(Unit.id)
            + "/"
        )
    )
    ctx.unit_ids = list(db.session.scalars(select(Unit.id).order_by(Unit.id)))
    ctx.root_unit_id = root.id

    employees = []
    used_nips: set[str] = set()
    total = ctx.n(5000)
    for n in range(total):
        gender = rng.choice("LP")
        employment_type = "PPPK" if rng.random() < 0.25 else "PNS"
        first = rng.choice(FIRST_MALE if gender == "L" else FIRST_FEMALE)
        employees.append(
            {
                "nip": _nip(rng, n, employment_type, gender, used_nips),
                "name": f"{first} {rng.choice(FAMILY)} {n}",
                "email": f"pegawai{n}@besar.local",
                "unit_id": ctx.unit_ids[n % len(ctx.unit_ids)],
                "jabatan": "Pelaksana",
                "jenis_jabatan": "pelaksana",
                "golongan": "IX" if employment_type == "PPPK" else "II/c",
                "employment_type": employment_type,
                "active": True,
                "password_hash": ctx.password_hash,
                "must_change_password": False,
                "session_version": 1,
                "locale": "id",
            }
        )
    insert_in_chunks(Employee.__table__, employees)
    rows = db.session.execute(select(Employee.id, Employee.unit_id).order_by(Employee.id)).all()
    ctx.employee_ids = [r.id for r in rows]
    ctx.employee_unit = {r.id: r.unit_id for r in rows}
    # The first employee of each unit heads it.
    heads = {}
    for employee_id, unit_id in ctx.employee_unit.items():
        heads.setdefault(unit_id, employee_id)
    ctx.unit_heads = heads
    db.session.execute(update(Unit), [{"id": u, "head_id": h} for u, h in heads.items()])
    ctx.organizer_ids = ctx.employee_ids[1:6]
    insert_in_chunks(
        EmployeeRole.__table__,
        [{"employee_id": e, "role": "organizer"} for e in ctx.organizer_ids]
        + [{"employee_id": ctx.employee_ids[-1], "role": "admin"}],
    )


def func_cast_id(column):
    from sqlalchemy import String, cast

    return cast(column, String)
