"""The auth blueprint object. Its views and commands attach to it from the modules that
blueprints.register_blueprints imports (routes, commands); this module imports none of them."""

from flask import Blueprint

bp = Blueprint("auth", __name__)
