from flask import jsonify, render_template
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy.exc import SQLAlchemyError

from blueprints.auth.access import roles_of
from blueprints.common.db import ping
from blueprints.common.nav import register_nav
from blueprints.dashboard import bp
from extensions import db

register_nav("dashboard.home", _l("Beranda"), lambda user: True, order=0)


@bp.get("/")
@login_required
def home():
    return render_template("dashboard/home.html", roles=roles_of(current_user))


@bp.get("/healthz")
def healthz():
    try:
        ping()
        return jsonify(status="ok", database="ok")
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="error", database="unavailable"), 503
