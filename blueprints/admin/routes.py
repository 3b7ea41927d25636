from flask import render_template
from flask_babel import lazy_gettext as _l

from blueprints.admin import bp
from blueprints.auth.access import has_role, role_required
from blueprints.common.nav import register_nav

register_nav("admin.index", _l("Administrasi"), lambda user: has_role(user, "admin"), order=90)


@bp.get("/")
@role_required("admin")
def index():
    return render_template("admin/index.html")
