from flask import Blueprint

# cli_group=None: the blueprint's commands are top level (`flask --app app import-employees`).
bp = Blueprint("admin", __name__, url_prefix="/admin", cli_group=None)

from blueprints.admin import commands, routes  # noqa: E402,F401
