"""Workshops: programmes and their sessions, registration with waitlist and approval,
attendance, evaluations, the JP ledger, certificates and calendars (product.md §3.1)."""

from flask import Blueprint

bp = Blueprint("workshops", __name__)

from blueprints.workshops import routes  # noqa: E402,F401
