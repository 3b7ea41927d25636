"""The dashboard blueprint object. Its views and commands attach to it from the modules that
blueprints.register_blueprints imports (routes, commands); this module imports none of them."""

from flask import Blueprint

# cli_group=None: `flask --app app notify-due` (a top-level command a timer can run).
bp = Blueprint("dashboard", __name__, cli_group=None)
