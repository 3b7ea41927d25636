"""The leader's team heatmap: people × competencies of their standards, sortable (GET)."""

from flask import request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from blueprints.admin.audit import audit
from blueprints.auth.access import role_required
from blueprints.common import htmx
from blueprints.common.pagination import current_page
from blueprints.competencies import gaps
from blueprints.competencies.blueprint import bp
from extensions import db


@bp.get("/tim")
@role_required("leader")
def team():
    sort = request.args.get("urut", "name")[:40]
    direction = "desc" if request.args.get("arah") == "desc" else "asc"
    # Individual gaps read by a leader: written to the audit log like a feedback read. Committed
    # before the matrix is built, so the commit does not expire the people the page shows.
    audit("competencies.team_read", None, f"halaman {current_page()}", actor=current_user)
    db.session.commit()
    matrix = gaps.team_matrix(current_user, sort, direction)

    def sort_url(key):
        flip = "desc" if matrix.sort == key and matrix.direction == "asc" else "asc"
        if key != "name" and matrix.sort != key:
            flip = "desc"  # the largest gaps first
        return url_for("competencies.team", urut=key, arah=flip)

    response = htmx.render(
        "competencies/team.html",
        "competencies/_team_table.html",
        matrix=matrix,
        sort_url=sort_url,
        caption=_l("Kesenjangan kompetensi tim"),
    )
    response.headers["Vary"] = "HX-Request"
    return response
