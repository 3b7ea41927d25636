"""Administration rules: the unit tree, employee accounts, roles, the audit log and settings.

Views call these functions; every change is audited in the same transaction. The caller commits.
"""

import secrets
from dataclasses import dataclass
from datetime import date

from flask import abort
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, case, exists, func, literal, or_, select, update
from sqlalchemy.orm import aliased, selectinload

from blueprints.admin import settings as settings_module
from blueprints.admin.audit import audit
from blueprints.admin.contracts import contract_start_problem
from blueprints.admin.models import AuditEntry
from blueprints.auth import nip as nip_rules
from blueprints.auth.models import Employee, EmployeeRole, Unit
from blueprints.auth.services import end_all_sessions
from blueprints.common.refusals import Refused
from blueprints.common.timefmt import today_wib
from extensions import db


class AdminError(Refused):
    """A rule refused the change. `field` names the form field the message belongs to (or None)."""

    def __init__(self, message, field: str | None = None):
        super().__init__(message)
        self.field = field


# --- units ---------------------------------------------------------------------------------
@dataclass
class TreeRow:
    unit: Unit
    head_name: str | None
    members: int


def get_unit_or_404(unit_id: int) -> Unit:
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        abort(404)
    return unit


def unit_tree() -> list[TreeRow]:
    """Every unit in tree order (siblings by name), with its head and active member count:
    one query whatever the size of the organisation."""
    head = aliased(Employee)
    members = (
        select(func.count(Employee.id))
        .where(Employee.unit_id == Unit.id, Employee.active.is_(True))
        .correlate(Unit)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(Unit, head.name, members).outerjoin(head, head.id == Unit.head_id)
    ).all()
    return _tree_order([TreeRow(unit, head_name, count) for unit, head_name, count in rows])


def _tree_order(rows: list[TreeRow]) -> list[TreeRow]:
    children: dict[int | None, list[TreeRow]] = {}
    ids = {row.unit.id for row in rows}
    for row in rows:
        parent = row.unit.parent_id if row.unit.parent_id in ids else None
        children.setdefault(parent, []).append(row)
    for siblings in children.values():
        siblings.sort(key=lambda r: (r.unit.name.lower(), r.unit.id))
    ordered: list[TreeRow] = []
    stack = list(reversed(children.get(None, [])))
    while stack:
        row = stack.pop()
        ordered.append(row)
        stack.extend(reversed(children.get(row.unit.id, [])))
    return ordered


def unit_codes() -> list[tuple[str, str, int]]:
    """(code, name, depth) of every active unit in tree order: what unit_kode may say."""
    units = list(db.session.scalars(select(Unit).where(Unit.active.is_(True))))
    return [
        (row.unit.code, row.unit.name, row.unit.depth)
        for row in _tree_order([TreeRow(u, None, 0) for u in units])
    ]


def unit_choices(exclude: Unit | None = None, active_only: bool = True) -> list[tuple[int, str]]:
    """(id, indented name) in tree order, for select fields; `exclude` drops a unit's subtree."""
    stmt = select(Unit)
    if active_only:
        stmt = stmt.where(Unit.active.is_(True))
    units = list(db.session.scalars(stmt))
    ordered = _tree_order([TreeRow(u, None, 0) for u in units])
    return [
        (row.unit.id, "\u2003" * row.unit.depth + row.unit.name)
        for row in ordered
        if exclude is None or not row.unit.path.startswith(exclude.path)
    ]


def _unit_code_taken(code: str, exclude_id: int | None = None) -> bool:
    stmt = select(Unit.id).where(func.upper(Unit.code) == code.upper())
    if exclude_id is not None:
        stmt = stmt.where(Unit.id != exclude_id)
    return db.session.scalar(stmt) is not None


def create_unit(code: str, name: str, kind: str, parent_id: int | None) -> Unit:
    code = code.strip().upper()
    if _unit_code_taken(code):
        raise AdminError(_l("Kode unit sudah dipakai."), "code")
    parent = None
    if parent_id:
        parent = db.session.get(Unit, parent_id)
        if parent is None or not parent.active:
            raise AdminError(_l("Unit induk tidak ditemukan atau tidak aktif."), "parent_id")
    elif db.session.scalar(select(func.count(Unit.id))):
        raise AdminError(_l("Pilih unit induk: organisasi hanya punya satu akar."), "parent_id")
    unit = Unit(
        code=code,
        name=name.strip(),
        kind=kind,
        parent_id=parent.id if parent else None,
        depth=parent.depth + 1 if parent else 0,
        path="/",
    )
    db.session.add(unit)
    db.session.flush()
    unit.path = f"{parent.path if parent else '/'}{unit.id}/"
    audit("unit.created", unit, f"{unit.code} {unit.name}")
    return unit


def update_unit(unit: Unit, code: str, name: str, kind: str) -> None:
    code = code.strip().upper()
    if _unit_code_taken(code, exclude_id=unit.id):
        raise AdminError(_l("Kode unit sudah dipakai."), "code")
    changes = [
        f"{label}: {old} -> {new}"
        for label, old, new in (
            ("code", unit.code, code),
            ("name", unit.name, name.strip()),
            ("kind", unit.kind, kind),
        )
        if old != new
    ]
    unit.code, unit.name, unit.kind = code, name.strip(), kind
    if changes:
        audit("unit.updated", unit, "; ".join(changes))


def move_unit(unit: Unit, new_parent_id: int) -> None:
    """Re-parent a unit. The materialised path and depth of its whole subtree change in ONE
    UPDATE statement (string concatenation and substr behave the same on SQLite and PostgreSQL)."""
    new_parent = db.session.get(Unit, new_parent_id)
    if new_parent is None or not new_parent.active:
        raise AdminError(_l("Unit induk tidak ditemukan atau tidak aktif."), "parent_id")
    if new_parent.path.startswith(unit.path):
        raise AdminError(
            _l("Unit tidak dapat dipindahkan ke bawah dirinya sendiri atau sub-unitnya."),
            "parent_id",
        )
    if new_parent.id == unit.parent_id:
        return
    old_path, old_depth = unit.path, unit.depth
    new_path = f"{new_parent.path}{unit.id}/"
    delta = new_parent.depth + 1 - old_depth
    old_parent_id = unit.parent_id
    db.session.flush()
    db.session.execute(
        update(Unit)
        .where(Unit.path.startswith(old_path, autoescape=True))
        .values(
            path=literal(new_path) + func.substr(Unit.path, len(old_path) + 1),
            depth=Unit.depth + delta,
            parent_id=case((Unit.id == unit.id, new_parent.id), else_=Unit.parent_id),
        )
        .execution_options(synchronize_session=False)
    )
    db.session.expire_all()
    audit(
        "unit.moved",
        unit,
        f"parent: {old_parent_id} -> {new_parent.id}; path: {old_path} -> {new_path}",
    )


def head_choices(unit: Unit) -> list[tuple[int, str]]:
    """Active members of the unit (and the current head, wherever they sit)."""
    stmt = select(Employee).where(Employee.active.is_(True), Employee.unit_id == unit.id)
    if unit.head_id:
        stmt = select(Employee).where(
            Employee.active.is_(True),
            or_(Employee.unit_id == unit.id, Employee.id == unit.head_id),
        )
    people = db.session.scalars(stmt.order_by(Employee.name))
    return [(p.id, f"{p.name} ({nip_rules.display(p.nip, p.employment_type)})") for p in people]


def set_unit_head(unit: Unit, employee_id: int | None) -> None:
    if employee_id:
        person = db.session.get(Employee, employee_id)
        if person is None or not person.active:
            raise AdminError(_l("Pimpinan harus pegawai yang aktif."), "head_id")
    if unit.head_id == (employee_id or None):
        return
    old = unit.head_id
    unit.head_id = employee_id or None
    audit("unit.head_set", unit, f"head: {old} -> {unit.head_id}")


def deactivate_unit(unit: Unit) -> None:
    if not unit.active:
        return
    children = db.session.scalar(
        select(func.count(Unit.id)).where(Unit.parent_id == unit.id, Unit.active.is_(True))
    )
    if children:
        raise AdminError(
            _l("Unit ini masih punya sub-unit aktif; pindahkan atau nonaktifkan dulu.")
        )
    members = db.session.scalar(
        select(func.count(Employee.id)).where(
            Employee.unit_id == unit.id, Employee.active.is_(True)
        )
    )
    if members:
        raise AdminError(_l("Unit ini masih punya pegawai aktif; pindahkan mereka dulu."))
    unit.active = False
    audit("unit.deactivated", unit, unit.code)


def reactivate_unit(unit: Unit) -> None:
    if unit.active:
        return
    if unit.parent is not None and not unit.parent.active:
        raise AdminError(_l("Unit induknya tidak aktif; aktifkan unit induk dulu."))
    unit.active = True
    audit("unit.reactivated", unit, unit.code)


# --- employees: the list -------------------------------------------------------------------
ROLE_FILTERS = ("admin", "organizer", "leader", "staff")
STATUS_FILTERS = ("active", "inactive", "all")


def leads_expr():
    """SQL: the employee heads an active unit (is a leader)."""
    return exists().where(Unit.head_id == Employee.id, Unit.active.is_(True))


def _has_role_expr(role: str):
    return Employee.id.in_(select(EmployeeRole.employee_id).where(EmployeeRole.role == role))


def employee_search_stmt(
    q: str = "",
    unit: Unit | None = None,
    subtree: bool = True,
    role: str = "",
    status: str = "active",
) -> Select:
    """Rows of (Employee, is_leader) for the admin list; the unit and roles load in batches."""
    leads = leads_expr()
    stmt = select(Employee, leads.label("is_leader")).options(selectinload(Employee.unit))
    q = (q or "").strip()
    if q:
        conditions = [
            Employee.name.icontains(q, autoescape=True),
            Employee.email.icontains(q, autoescape=True),
            Employee.jabatan.icontains(q, autoescape=True),
        ]
        digits = nip_rules.normalize(q)
        if digits.isdigit():
            conditions.append(Employee.nip.startswith(digits, autoescape=True))
        stmt = stmt.where(or_(*conditions))
    if unit is not None:
        if subtree:
            stmt = stmt.where(
                Employee.unit_id.in_(
                    select(Unit.id).where(Unit.path.startswith(unit.path, autoescape=True))
                )
            )
        else:
            stmt = stmt.where(Employee.unit_id == unit.id)
    if role in ("admin", "organizer"):
        stmt = stmt.where(_has_role_expr(role))
    elif role == "leader":
        stmt = stmt.where(leads)
    elif role == "staff":
        stmt = stmt.where(~leads, ~Employee.id.in_(select(EmployeeRole.employee_id)))
    if status == "active":
        stmt = stmt.where(Employee.active.is_(True))
    elif status == "inactive":
        stmt = stmt.where(Employee.active.is_(False))
    return stmt.order_by(func.lower(Employee.name), Employee.id)


def get_employee_or_404(employee_id: int) -> Employee:
    employee = db.session.get(Employee, employee_id)
    if employee is None:
        abort(404)
    return employee


def is_leader(employee: Employee) -> bool:
    return bool(db.session.scalar(select(leads_expr().where(Unit.head_id == employee.id))))


def led_unit_names(employee: Employee) -> list[str]:
    return list(
        db.session.scalars(
            select(Unit.name)
            .where(Unit.head_id == employee.id, Unit.active.is_(True))
            .order_by(Unit.name)
        )
    )


# --- employees: changes --------------------------------------------------------------------
@dataclass
class EmployeeData:
    nip: str
    name: str
    email: str
    employment_type: str
    golongan: str | None
    jenis_jabatan: str
    jabatan: str
    unit_id: int
    superior_nip: str = ""
    contract_start: date | None = None  # PPPK only (admin/contracts.py)


def _check_employee(data: EmployeeData, employee: Employee | None) -> tuple[str, int | None]:
    """Rules needing the database: unique NIP and email, an active unit, an active superior.
    Returns (normalised NIP, superior id)."""
    try:
        digits = nip_rules.parse(data.nip, data.employment_type).digits
    except nip_rules.NipError as exc:
        raise AdminError(exc.args[0], "nip") from exc
    problem = contract_start_problem(data.employment_type, data.contract_start, today_wib())
    if problem is not None:
        raise AdminError(problem, "contract_start")
    own_id = employee.id if employee else None
    taken = db.session.scalar(select(Employee.id).where(Employee.nip == digits))
    if taken is not None and taken != own_id:
        raise AdminError(_l("NIP ini sudah terdaftar untuk pegawai lain."), "nip")
    taken = db.session.scalar(
        select(Employee.id).where(func.lower(Employee.email) == data.email.strip().lower())
    )
    if taken is not None and taken != own_id:
        raise AdminError(_l("Email ini sudah dipakai pegawai lain."), "email")
    unit = db.session.get(Unit, data.unit_id)
    if unit is None or not unit.active:
        raise AdminError(_l("Unit tidak ditemukan atau tidak aktif."), "unit_id")
    superior_id = None
    if data.superior_nip.strip():
        superior = db.session.scalar(
            select(Employee).where(Employee.nip == nip_rules.normalize(data.superior_nip))
        )
        if superior is None or not superior.active:
            raise AdminError(_l("Tidak ada pegawai aktif dengan NIP ini."), "superior_nip")
        if own_id is not None and superior.id == own_id:
            raise AdminError(
                _l("Pegawai tidak dapat menjadi atasan dirinya sendiri."), "superior_nip"
            )
        superior_id = superior.id
    return digits, superior_id


def create_employee(data: EmployeeData) -> Employee:
    """New accounts have NO password: an admin gives a temporary one with a password reset."""
    digits, superior_id = _check_employee(data, None)
    employee = Employee(
        nip=digits,
        name=data.name.strip(),
        email=data.email.strip().lower(),
        employment_type=data.employment_type,
        contract_start=data.contract_start,
        golongan=data.golongan or None,
        jenis_jabatan=data.jenis_jabatan,
        jabatan=data.jabatan.strip(),
        unit_id=data.unit_id,
        superior_id=superior_id,
        password_hash=None,
    )
    db.session.add(employee)
    db.session.flush()
    contract = f"; contract_start: {data.contract_start}" if data.contract_start else ""
    audit("employee.created", employee, f"{employee.nip} {employee.name}{contract}")
    return employee


def update_employee(employee: Employee, data: EmployeeData) -> None:
    digits, superior_id = _check_employee(data, employee)
    new = {
        "nip": digits,
        "name": data.name.strip(),
        "email": data.email.strip().lower(),
        "employment_type": data.employment_type,
        "contract_start": data.contract_start,
        "golongan": data.golongan or None,
        "jenis_jabatan": data.jenis_jabatan,
        "jabatan": data.jabatan.strip(),
        "unit_id": data.unit_id,
        "superior_id": superior_id,
    }
    changes = []
    for key, value in new.items():
        old = getattr(employee, key)
        if old != value:
            changes.append(f"{key}: {old} -> {value}")
            setattr(employee, key, value)
    if changes:
        audit("employee.updated", employee, "; ".join(changes))


def deactivate_employee(employee: Employee, actor: Employee) -> None:
    if employee.id == actor.id:
        raise AdminError(_l("Anda tidak dapat menonaktifkan akun Anda sendiri."))
    if not employee.active:
        return
    heads = led_unit_names(employee)
    if heads:
        raise AdminError(
            _l(
                "Pegawai ini memimpin %(units)s. Tetapkan pimpinan lain dulu.",
                units=", ".join(heads),
            )
        )
    employee.active = False
    end_all_sessions(employee)
    audit("employee.deactivated", employee, employee.nip)


def reactivate_employee(employee: Employee) -> None:
    if employee.active:
        return
    if not employee.unit.active:
        raise AdminError(_l("Unit pegawai ini tidak aktif; pindahkan ke unit aktif dulu."))
    employee.active = True
    audit("employee.reactivated", employee, employee.nip)


def set_roles(employee: Employee, roles: set[str], actor: Employee) -> None:
    roles = {role for role in roles if role in ("admin", "organizer")}
    current = employee.stored_roles
    if employee.id == actor.id and "admin" in current and "admin" not in roles:
        raise AdminError(_l("Anda tidak dapat mencabut peran admin Anda sendiri."))
    if roles == current:
        return
    for row in list(employee.role_rows):
        if row.role not in roles:
            employee.role_rows.remove(row)
    for role in sorted(roles - current):
        employee.role_rows.append(EmployeeRole(role=role))
    audit(
        "employee.roles_changed",
        employee,
        f"{','.join(sorted(current)) or '-'} -> {','.join(sorted(roles)) or '-'}",
    )


TEMP_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # noqa: S105 (an alphabet)


def reset_password(employee: Employee, actor: Employee) -> str:
    """A temporary password, shown once to the admin; the owner must change it at next login,
    and every session of the account ends now."""
    if employee.id == actor.id:
        raise AdminError(_l("Untuk akun Anda sendiri, gunakan menu Ganti kata sandi."))
    if not employee.active:
        raise AdminError(_l("Aktifkan akun ini dulu sebelum menyetel ulang kata sandinya."))
    groups = ["".join(secrets.choice(TEMP_PASSWORD_ALPHABET) for _ in range(4)) for _ in range(3)]
    temporary = "-".join(groups)
    employee.set_password(temporary)
    employee.must_change_password = True
    end_all_sessions(employee)
    audit("employee.password_reset", employee, employee.nip)
    return temporary


# --- audit log -----------------------------------------------------------------------------
def audit_actions() -> list[str]:
    return list(
        db.session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action))
    )


def audit_stmt(action: str = "", actor: str = "") -> Select:
    stmt = select(AuditEntry).options(selectinload(AuditEntry.actor))
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    actor = (actor or "").strip()
    if actor:
        digits = nip_rules.normalize(actor)
        condition = Employee.name.icontains(actor, autoescape=True) | Employee.email.icontains(
            actor, autoescape=True
        )
        if digits.isdigit():
            condition = condition | Employee.nip.startswith(digits, autoescape=True)
        stmt = stmt.where(AuditEntry.actor_id.in_(select(Employee.id).where(condition)))
    return stmt.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())


# --- settings ------------------------------------------------------------------------------
def current_settings() -> dict[str, int]:
    return {key: settings_module.get_setting(key) for key in settings_module.SPECS}


def update_settings(values: dict[str, int]) -> list[str]:
    """Store the values that changed (each audited). Returns the changed keys."""
    before = current_settings()
    changed = []
    for key, value in values.items():
        if key not in settings_module.SPECS or before.get(key) == value:
            continue
        settings_module.set_setting(key, value)
        audit("setting.updated", None, f"{key}: {before.get(key)} -> {value}")
        changed.append(key)
    return changed


# --- home ----------------------------------------------------------------------------------
def overview() -> dict[str, int]:
    """The admin home's figures in one query."""

    def count(stmt):
        return stmt.scalar_subquery()

    row = db.session.execute(
        select(
            count(select(func.count(Employee.id)).where(Employee.active.is_(True))).label("active"),
            count(select(func.count(Employee.id)).where(Employee.active.is_(False))).label(
                "inactive"
            ),
            count(select(func.count(Unit.id)).where(Unit.active.is_(True))).label("units"),
            count(
                select(func.count(func.distinct(Unit.head_id))).where(
                    Unit.active.is_(True), Unit.head_id.is_not(None)
                )
            ).label("leaders"),
            count(select(func.count(EmployeeRole.id)).where(EmployeeRole.role == "admin")).label(
                "admins"
            ),
            count(
                select(func.count(EmployeeRole.id)).where(EmployeeRole.role == "organizer")
            ).label("organizers"),
            count(
                select(func.count(Employee.id)).where(
                    Employee.active.is_(True), Employee.password_hash.is_(None)
                )
            ).label("without_password"),
        )
    ).one()
    return dict(row._mapping)


def recent_audit(limit: int = 8) -> list[AuditEntry]:
    return list(db.session.scalars(audit_stmt().limit(limit)))
