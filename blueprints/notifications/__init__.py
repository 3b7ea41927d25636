from flask import Blueprint

bp = Blueprint("notifications", __name__, url_prefix="/notifikasi")

from blueprints.notifications import routes  # noqa: E402,F401
