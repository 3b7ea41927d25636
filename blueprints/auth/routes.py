from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from blueprints.auth import devices, services
from blueprints.auth.blueprint import bp
from blueprints.auth.forms import LanguageForm, LoginForm, PasswordChangeForm
from blueprints.auth.models import Employee
from blueprints.common.forms import EmptyForm
from blueprints.common.htmx import is_htmx
from extensions import db, limiter, login_manager

login_manager.login_view = "auth.login"
login_manager.session_protection = "basic"


@login_manager.user_loader
def load_user(user_id: str) -> Employee | None:
    """The session holds 'id:version'; a bumped version (logout, new password) ends it."""
    try:
        raw_id, raw_version = user_id.split(":", 1)
        version = int(raw_version)
        # The account and its stored roles in one statement (not a second one for the roles).
        employee = (
            db.session.scalars(
                select(Employee)
                .options(joinedload(Employee.role_rows))
                .where(Employee.id == int(raw_id))
            )
            .unique()
            .one_or_none()
        )
    except ValueError:
        return None
    if employee is None or not employee.active or employee.session_version != version:
        return None
    return employee


@login_manager.unauthorized_handler
def unauthorized():
    if is_htmx():
        # An htmx request whose session expired: send the whole page to the login form.
        target = url_for("auth.login")
        response = current_app.response_class("", 401)
        response.headers["HX-Redirect"] = target
        return response
    flash(_("Silakan masuk untuk melanjutkan."), "info")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def _account_key() -> str:
    """The per-account limit counts the account: every spelling of its NIP and of its e-mail is
    one account (the lookup's own canonical spelling finds it). An identifier that names no
    account is counted by its canonical spelling, so it answers exactly as an account would."""
    if "login_account_key" not in g:
        identifier = services.canonical_identifier(request.form.get("identifier"))
        account = services.find_account(identifier) if identifier else None
        g.login_account_key = (
            f"login:account:{account.id}"
            if account is not None
            else "login:" + (identifier or request.remote_addr or "?")
        )
    return g.login_account_key


def _known_device() -> bool:
    """This browser has logged in to the account before (see devices.py): it is exempt from
    the per-account limit and counted on its own device limit instead."""
    if "known_device" not in g:
        identifier = request.form.get("identifier")
        account = services.find_account(identifier) if devices.current() and identifier else None
        g.known_device = account is not None and devices.knows(account.id)
    return g.known_device


def _device_key() -> str:
    return "login-device:" + (devices.device_id() or "?")


def _login_failed(_response) -> bool:
    return bool(g.get("login_failed"))


def _failures_per_account() -> str:
    return current_app.config["LOGIN_FAILURES_PER_ACCOUNT"]


@bp.route("/masuk", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_ATTEMPTS_PER_IP"], methods=["POST"], scope="login-ip"
)
@limiter.limit(
    _failures_per_account,
    key_func=_account_key,
    methods=["POST"],
    scope="login-account",
    deduct_when=_login_failed,
    exempt_when=_known_device,
)
@limiter.limit(
    _failures_per_account,
    key_func=_device_key,
    methods=["POST"],
    scope="login-device",
    deduct_when=_login_failed,
    exempt_when=lambda: not _known_device(),
)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.home"))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        account = services.authenticate(form.identifier.data, form.password.data)
        if account is not None:
            session.clear()
            login_user(account)
            session.permanent = True
            if account.must_change_password:
                flash(_("Silakan ganti kata sandi Anda sebelum melanjutkan."), "warning")
                return devices.remember(redirect(url_for("auth.password"), 303), account.id)
            target = form.next.data if services.is_safe_next(form.next.data) else None
            return devices.remember(redirect(target or url_for("dashboard.home"), 303), account.id)
        g.login_failed = True
        form.password.errors.append(_("NIP/email atau kata sandi salah."))
    status = 422 if request.method == "POST" else 200
    return render_template("auth/login.html", form=form), status


@bp.post("/keluar")
@login_required
def logout():
    if EmptyForm().validate_on_submit():
        services.end_all_sessions(current_user)
        db.session.commit()
        logout_user()
        session.clear()
        flash(_("Anda telah keluar."), "info")
    return redirect(url_for("auth.login"), 303)


@bp.route("/akun/kata-sandi", methods=["GET", "POST"])
@login_required
def password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.current_password.data):
            form.current_password.errors.append(_("Kata sandi sekarang salah."))
        else:
            account = current_user._get_current_object()
            services.change_password(account, form.new_password.data)
            db.session.commit()
            # Other devices are signed out; this one continues with the new session version.
            session.clear()
            login_user(account)
            flash(
                _("Kata sandi berhasil diganti. Sesi di perangkat lain telah diakhiri."), "success"
            )
            return redirect(url_for("dashboard.home"), 303)
    status = 422 if request.method == "POST" else 200
    return render_template("auth/password.html", form=form), status


@bp.post("/bahasa")
def language():
    form = LanguageForm()
    target = form.next.data if services.is_safe_next(form.next.data) else url_for("dashboard.home")
    if form.validate_on_submit():
        session["lang"] = form.lang.data
        if current_user.is_authenticated:
            current_user.locale = form.lang.data
            db.session.commit()
    return redirect(target, 303)


@bp.before_app_request
def require_password_change():
    """An account reset by an admin must choose a new password before anything else."""
    if (
        current_user.is_authenticated
        and current_user.must_change_password
        and request.endpoint not in {"auth.password", "auth.logout", "auth.language", "static"}
    ):
        return redirect(url_for("auth.password"))
    return None
