"""Who may see and do what: the one place that defines roles and scopes.

Roles: every account is staff ("pegawai"); admin and organizer ("penyelenggara") are stored;
a leader ("pimpinan") is whoever heads an active unit, and their scope is the subtree of the
units they head. Blueprints ask these functions; they never re-derive a rule themselves.
"""

from collections.abc import Iterable
from functools import wraps

from flask import abort, g
from flask_login import current_user, login_required
from sqlalchemy import Select, and_, false, or_, select

from blueprints.auth.models import Employee, Unit
from extensions import db

ROLES = ("staff", "leader", "organizer", "admin")


# --- roles ---------------------------------------------------------------------------------
def has_role(user, role: str) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if role == "staff":
        return True
    if role == "leader":
        return bool(led_units(user))
    return role in user.stored_roles


def roles_of(user) -> list[str]:
    return [role for role in ROLES if has_role(user, role)]


def role_required(*roles: str):
    """Allow the view to users holding any of `roles`; 403 for others, login for anonymous."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not any(has_role(current_user, role) for role in roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


# --- scopes --------------------------------------------------------------------------------
def _cache() -> dict:
    if "access_cache" not in g:
        g.access_cache = {}
    return g.access_cache


def led_units(user) -> list[Unit]:
    """The active units this person heads (one query per request)."""
    key = ("led", user.id)
    cache = _cache()
    if key not in cache:
        cache[key] = list(
            db.session.scalars(
                select(Unit)
                .where(Unit.head_id == user.id, Unit.active.is_(True))
                .order_by(Unit.path)
            )
        )
    return cache[key]


def subtree_condition(units: Iterable[Unit]):
    """SQL condition on Unit: the unit is one of `units` or below one of them."""
    paths = [unit.path for unit in units]
    if not paths:
        return false()
    return or_(*[Unit.path.startswith(path, autoescape=True) for path in paths])


def subtree_unit_ids_stmt(user) -> Select:
    """SELECT unit.id for the leader's scope: usable as a subquery in any blueprint's query."""
    return select(Unit.id).where(subtree_condition(led_units(user)))


def subtree_unit_ids(user) -> set[int]:
    key = ("subtree", user.id)
    cache = _cache()
    if key not in cache:
        cache[key] = set(db.session.scalars(subtree_unit_ids_stmt(user)))
    return cache[key]


def units_in_scope_stmt(root: Unit) -> Select:
    return select(Unit.id).where(Unit.path.startswith(root.path, autoescape=True))


def is_above(leader, employee: Employee) -> bool:
    """The leader heads the employee's unit or one of its ancestors (and is not the employee)."""
    if leader is None or employee is None or leader.id == employee.id:
        return False
    return employee.unit_id in subtree_unit_ids(leader)


def can_view_employee(viewer, employee: Employee) -> bool:
    """Profiles: oneself, leaders above, and admins (who manage accounts)."""
    if viewer.id == employee.id:
        return True
    return has_role(viewer, "admin") or is_above(viewer, employee)


def employees_in_scope_stmt(leader) -> Select:
    """Active employees under the leader (excluding the leader)."""
    return select(Employee).where(
        Employee.unit_id.in_(subtree_unit_ids_stmt(leader)),
        Employee.id != leader.id,
        Employee.active.is_(True),
    )


# --- direct superior (atasan langsung) ------------------------------------------------------
def _unit_heads() -> dict[int, tuple[int | None, int | None]]:
    """unit id -> (parent id, head id), one query per request; units are a few hundred at most."""
    cache = _cache()
    if "unit_heads" not in cache:
        rows = db.session.execute(select(Unit.id, Unit.parent_id, Unit.head_id))
        cache["unit_heads"] = {uid: (parent, head) for uid, parent, head in rows}
    return cache["unit_heads"]


def nearest_head(unit_id: int | None, excluding: int | None) -> int | None:
    units = _unit_heads()
    seen = set()
    while unit_id is not None and unit_id not in seen:
        seen.add(unit_id)
        parent, head = units.get(unit_id, (None, None))
        if head is not None and head != excluding:
            return head
        unit_id = parent
    return None


def direct_superior_id(employee: Employee) -> int | None:
    """Set explicitly, or the head of their unit, or (for a head) the nearest head above."""
    if employee.superior_id:
        return employee.superior_id
    return nearest_head(employee.unit_id, excluding=employee.id)


def direct_superior(employee: Employee) -> Employee | None:
    sid = direct_superior_id(employee)
    return db.session.get(Employee, sid) if sid else None


def direct_reports_stmt(leader) -> Select:
    """Employees whose direct superior (explicit or derived from the tree) is `leader`."""
    member_units, reporting_heads = _reporting_lines(leader.id)
    # Heads as a subquery, not a list of ids: a province has thousands of units, and a list that
    # long made the database test it against every employee (100 ms at 50,000 people).
    heads = select(Unit.head_id).where(Unit.head_id.is_not(None))
    derived = and_(
        Employee.superior_id.is_(None),
        or_(
            and_(Employee.unit_id.in_(member_units), Employee.id.not_in(heads)),
            Employee.id.in_(reporting_heads),
        ),
    )
    return select(Employee).where(
        Employee.active.is_(True), or_(Employee.superior_id == leader.id, derived)
    )


def _reporting_lines(leader_id: int) -> tuple[list[int], list[int]]:
    """(units whose nearest head is the leader, heads reporting to the leader):
    walked over the unit tree once per leader and request, however often the statement is built."""
    cache = _cache()
    key = ("reporting", leader_id)
    if key not in cache:
        heads = _head_units()  # head id -> the unit they belong to
        member_units = [uid for uid in _unit_heads() if nearest_head(uid, None) == leader_id]
        reporting_heads = [
            head
            for head, unit_id in heads.items()
            if head != leader_id and nearest_head(unit_id, head) == leader_id
        ]
        cache[key] = (member_units, reporting_heads)
    return cache[key]


def _head_units() -> dict[int, int]:
    cache = _cache()
    if "head_units" not in cache:
        rows = db.session.execute(
            select(Employee.id, Employee.unit_id).where(
                Employee.id.in_(select(Unit.head_id).where(Unit.head_id.is_not(None)))
            )
        )
        cache["head_units"] = dict(rows.all())
    return cache["head_units"]


def is_direct_superior(leader, employee: Employee) -> bool:
    return leader is not None and direct_superior_id(employee) == leader.id
