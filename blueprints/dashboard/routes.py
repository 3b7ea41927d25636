from flask import Response, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy.exc import SQLAlchemyError

from blueprints.admin.audit import audit
from blueprints.auth.access import has_role, role_required, roles_of
from blueprints.common.db import db_id, ping
from blueprints.common.htmx import is_partial
from blueprints.common.nav import register_nav
from blueprints.common.pagination import current_page, paginate
from blueprints.common.timefmt import today_wib
from blueprints.dashboard import exports, mydata, services
from blueprints.dashboard import organizer as organizer_services
from blueprints.dashboard.blueprint import bp
from blueprints.feedback.constants import GOAL_STATUSES, REQUEST_STATUSES
from blueprints.feedback.followups import follow_up_state
from extensions import db

register_nav("dashboard.home", _l("Beranda"), lambda user: True, order=0)
register_nav("dashboard.career", _l("Karier Saya"), lambda user: True, order=2)
register_nav(
    "dashboard.leader", _l("Dasbor Pimpinan"), lambda user: has_role(user, "leader"), order=3
)
register_nav(
    "dashboard.organizer",
    _l("Dasbor Penyelenggara"),
    lambda user: has_role(user, "organizer"),
    order=4,
)

PEOPLE_PAGE_SIZE = 50


@bp.context_processor
def _helpers():
    return {"score_text": services.score_text, "plan_status_label": services.plan_status_label}


@bp.get("/")
@login_required
def home():
    """The page; for htmx, the "hal menunggu" figures alone (they refresh themselves when an
    in-place action on the page changes what waits, see dashboard/_needs_summary.html)."""
    if is_partial():
        return render_template(
            "dashboard/_needs_summary.html", data=services.home(current_user), oob=True
        )
    return render_template(
        "dashboard/home.html",
        roles=roles_of(current_user),
        data=services.home(current_user),
        follow_up_state=follow_up_state,
        today=today_wib(),
    )


@bp.get("/karier")
@login_required
def career():
    return render_template(
        "dashboard/career.html",
        data=services.career(current_user),
        follow_up_state=follow_up_state,
        GOAL_STATUSES=GOAL_STATUSES,
        REQUEST_STATUSES=REQUEST_STATUSES,
        today=today_wib(),
    )


@bp.get("/karier/data-saya.zip")
@login_required
def my_data():
    user = current_user._get_current_object()
    body = mydata.zip_bytes(user)
    audit("dashboard.my_data_downloaded", user, actor=user)
    db.session.commit()
    response = Response(body, mimetype="application/zip")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="data-saya-{current_user.nip}.zip"'
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/dasbor/pimpinan")
@role_required("leader")
def leader():
    focus = services.unit_in_scope_or_404(current_user, request.args.get("unit", type=db_id))
    data = services.leader_dashboard(current_user, focus, page=current_page())
    return render_template("dashboard/leader.html", data=data)


@bp.get("/dasbor/pimpinan/pegawai")
@role_required("leader")
def leader_people():
    measure = request.args.get("ukuran", "semua")
    if measure not in services.MEASURES:
        measure = "semua"
    unit = services.unit_in_scope_or_404(current_user, request.args.get("unit", type=db_id))
    figures = services.figures(current_user)
    page = paginate(
        services.people_stmt(current_user, figures, measure, unit),
        per_page=PEOPLE_PAGE_SIZE,
        scalars=False,
    )
    quarter = services.quarter_of(figures.today)
    titles = {
        "semua": _("Pegawai"),
        "jp-kurang": _("Di bawah target JP %(year)d", year=figures.year),
        "jp-capai": _("Mencapai target JP %(year)d", year=figures.year),
        # Quarters as the performance cycle writes them: "Triwulan IV 2026" (docs/glossary.md).
        "ub-belum": _(
            "Belum menerima umpan balik Triwulan %(q)s %(year)d",
            q=services.quarter_numeral(quarter),
            year=figures.today.year,
        ),
        "ub-sudah": _(
            "Sudah menerima umpan balik Triwulan %(q)s %(year)d",
            q=services.quarter_numeral(quarter),
            year=figures.today.year,
        ),
    }
    return render_template(
        "dashboard/leader_people.html",
        titles=titles,
        page=page,
        measure=measure,
        unit=unit,
        figures=figures,
    )


@bp.get("/dasbor/pimpinan/ekspor.xlsx")
@role_required("leader")
def leader_export():
    return exports.leader_xlsx(current_user)


@bp.get("/dasbor/penyelenggara")
@role_required("organizer")
def organizer():
    return render_template(
        "dashboard/organizer.html", data=organizer_services.organizer_dashboard(current_user)
    )


@bp.get("/healthz")
def healthz():
    try:
        ping()
        return jsonify(status="ok", database="ok")
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="error", database="unavailable"), 503
