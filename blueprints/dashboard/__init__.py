"""Home, career profile, leader and organizer dashboards, "my data", and the daily notices."""

from flask import Blueprint

# cli_group=None: `flask --app app notify-due` (a top-level command a timer can run).
bp = Blueprint("dashboard", __name__, cli_group=None)

from blueprints.dashboard import commands, routes  # noqa: E402,F401
