"""The competencies blueprint object; views attach to it from routes/ (imported by
blueprints.register_blueprints); this module imports none of them."""

from flask import Blueprint

bp = Blueprint("competencies", __name__, url_prefix="/kompetensi", cli_group="competencies")
