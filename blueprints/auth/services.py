"""Accounts: finding a person by NIP or email, logging in and out, passwords."""

from urllib.parse import urlsplit

from sqlalchemy import func, select

from blueprints.auth import nip as nip_rules
from blueprints.auth.models import Employee
from extensions import db


def canonical_identifier(identifier: str | None) -> str:
    """The one spelling of a login identifier: an e-mail trimmed and lower-cased, a NIP as its
    digits (spaces, dots and hyphens dropped). The account lookup and the per-account login
    limit both use it, so every spelling of one account is one account to the limiter."""
    identifier = (identifier or "").strip()
    if "@" in identifier:
        return identifier.lower()
    return nip_rules.normalize(identifier)


def find_account(identifier: str) -> Employee | None:
    canonical = canonical_identifier(identifier)
    if "@" in canonical:
        condition = func.lower(Employee.email) == canonical
    else:
        condition = Employee.nip == canonical
    return db.session.scalars(select(Employee).where(condition)).first()


def authenticate(identifier: str, password: str) -> Employee | None:
    account = find_account(identifier)
    if account is None or not account.active or not account.check_password(password):
        return None
    return account


def end_all_sessions(account: Employee) -> None:
    """Every cookie signed with the old session version stops working, on every device."""
    account.session_version = (account.session_version or 0) + 1


def change_password(account: Employee, new_password: str) -> None:
    from blueprints.admin.audit import audit  # admin imports this module: import late

    account.set_password(new_password)
    account.must_change_password = False
    end_all_sessions(account)
    audit("account.password_changed", account, actor=account)


def is_safe_next(target: str | None) -> bool:
    """Only paths on this site: no scheme, no host, no protocol-relative '//' or backslashes."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    if "\\" in target or any(ord(c) < 32 for c in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc
