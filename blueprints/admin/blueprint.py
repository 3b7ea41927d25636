"""The admin blueprint object. Its views and commands attach to it from the modules that
blueprints.register_blueprints imports (routes, commands); this module imports none of them."""

from flask import Blueprint

# cli_group=None: the blueprint's commands are top level (`flask --app app import-employees`).
bp = Blueprint("admin", __name__, url_prefix="/admin", cli_group=None)
