"""Write an audit entry in the caller's transaction: the action and its record commit together."""

from flask import has_request_context, request
from flask_login import current_user

from blueprints.admin.models import AuditEntry
from extensions import db


def audit(action: str, target=None, detail: str = "", actor=None) -> AuditEntry:
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user
    entry = AuditEntry(
        action=action,
        actor_id=getattr(actor, "id", None),
        target_type=type(target).__tablename__ if target is not None else None,
        target_id=getattr(target, "id", None),
        detail=detail,
        ip=request.remote_addr if has_request_context() else None,
    )
    db.session.add(entry)
    return entry
