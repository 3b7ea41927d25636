"""The steps of create_app(): configuration, database, extensions, hooks and template helpers."""

import os
import secrets
from pathlib import Path

from flask import Flask, abort, g, has_request_context, request, session
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

import config as default_config
from blueprints.common.db import DB_INT_MAX
from blueprints.common.forms import use_our_wtforms_catalog
from blueprints.common.static import register_static
from extensions import babel, compress, csrf, db, limiter, login_manager, migrate

ENV_PREFIX = "KARIER"
SECRET_KEY_FILE = "secret_key"  # noqa: S105 (a file name, not a secret)


class ConfigurationError(RuntimeError):
    """The app cannot start safely with this configuration."""


def load_config(app: Flask, overrides: dict | None) -> None:
    """Defaults, then instance/config.py, then KARIER_* variables, then the caller's overrides."""
    app.config.from_object(default_config.Defaults)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env(ENV_PREFIX)
    if overrides:
        app.config.update(overrides)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key_from_instance(app)
    if not app.config.get("UPLOAD_FOLDER"):
        app.config["UPLOAD_FOLDER"] = os.path.join(app.instance_path, "uploads")


def _secret_key_from_instance(app: Flask) -> str:
    """Generate a key into instance/ on first start; production must be given one explicitly."""
    if app.config.get("PRODUCTION"):
        raise ConfigurationError(
            "SECRET_KEY is not set. Set KARIER_SECRET_KEY or SECRET_KEY in instance/config.py."
        )
    path = Path(app.instance_path) / SECRET_KEY_FILE
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    return path.read_text().strip()


def configure_database(app: Flask) -> None:
    uri = app.config.get("SQLALCHEMY_DATABASE_URI")
    if not uri:
        uri = "sqlite:///" + os.path.join(app.instance_path, "app.sqlite")
        app.config["SQLALCHEMY_DATABASE_URI"] = uri
    if uri.startswith("postgresql://"):
        # psycopg 3 is the driver we ship.
        uri = "postgresql+psycopg://" + uri[len("postgresql://") :]
        app.config["SQLALCHEMY_DATABASE_URI"] = uri
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    if uri.startswith("sqlite"):
        options.setdefault("connect_args", {"timeout": 30})
    else:
        options.setdefault("pool_pre_ping", True)
        # Sent at connect time. No JIT: PostgreSQL compiles a plan to machine code once its
        # estimated cost is high, and for a page's queries the compiling costs more than it
        # saves (94 ms of a 630 ms query on the survey comments at 50,000 people). Custom
        # plans: psycopg prepares a statement run five times, and PostgreSQL may then plan it
        # once for any parameters, blind to what they select (a unit's path: one unit or all
        # of them); the team view's first page took 52 ms instead of 2 at 50,000 people.
        options.setdefault(
            "connect_args", {"options": "-c jit=off -c plan_cache_mode=force_custom_plan"}
        )
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """WAL lets readers work during a write; the busy timeout makes writers wait, not fail;
    secure_delete overwrites deleted rows with zeros (mixed inbox rows, survey drafts), so a
    copy of the file holds no remains of them (docs/anonymity.md)."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()


class DatabaseInt(IntegerConverter):
    """<int:...> in URLs stops at the database's INTEGER range: a larger id is a 404, not a
    database error (PostgreSQL refuses ids above 2**31 - 1)."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", DB_INT_MAX)
        super().__init__(url_map, *args, **kwargs)


def register_url_converters(app: Flask) -> None:
    app.url_map.converters["int"] = DatabaseInt


def configure_proxy(app: Flask) -> None:
    count = int(app.config.get("PROXY_COUNT") or 0)
    if count:
        app.wsgi_app = ProxyFix(
            app.wsgi_app, x_for=count, x_proto=count, x_host=count, x_prefix=count
        )


def select_locale() -> str:
    if not has_request_context():
        return "id"  # CLI commands and background work speak Indonesian
    if current_user and current_user.is_authenticated and current_user.locale:
        return current_user.locale
    chosen = session.get("lang")
    if chosen in ("id", "en"):
        return chosen
    return "id"


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(app.root_path, "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    use_our_wtforms_catalog(os.path.join(app.root_path, "translations"))
    limiter.init_app(app)
    # Registered before the request hooks, so that it runs after them (it must see the final
    # headers and body).
    compress.init_app(app)


CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'self'; "
    "object-src 'none'; frame-ancestors 'none'"
)


def _all_values(multidict) -> list:
    return [value for values in multidict.listvalues() for value in values]


def _has_nul(values) -> bool:
    return any(isinstance(value, str) and "\x00" in value for value in values)


def register_request_hooks(app: Flask) -> None:
    register_static(app)

    @app.before_request
    def refuse_nul_characters():
        """Nobody types a NUL character, and no text we store or search may hold one: PostgreSQL
        refuses it in any statement (a server error deep in some query), SQLite would store it.
        Refuse the request up front (400), whatever the route, field, query or file name."""
        parts = [*request.args.keys(), *_all_values(request.args)]
        parts += (request.view_args or {}).values()
        if request.method in ("POST", "PUT", "PATCH", "DELETE"):
            parts += [*request.form.keys(), *_all_values(request.form)]
            parts += [upload.filename for upload in _all_values(request.files)]
        if _has_nul(parts):
            abort(400)

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers["Strict-Transport-Security"] = "max-age=31536000"
        # One URL serves a page and its fragment: caches must keep them apart.
        response.vary.add("HX-Request")
        # Static files never load the user (nor open the session): ask the endpoint first.
        if getattr(g, "no_store", False) or (
            request.endpoint != "static" and current_user and current_user.is_authenticated
        ):
            response.headers.setdefault("Cache-Control", "no-store")
        return response


def register_template_helpers(app: Flask) -> None:
    from flask_babel import get_locale

    from blueprints.auth.access import has_role
    from blueprints.auth.constants import ROLE_LABELS
    from blueprints.common import htmx, links, timefmt
    from blueprints.common.nav import LazyNavigation
    from blueprints.notifications.services import unread_count

    app.jinja_env.filters["wib"] = timefmt.format_wib
    app.jinja_env.filters["wib_date"] = timefmt.format_wib_date
    app.jinja_env.filters["tanggal"] = timefmt.format_day
    app.jinja_env.filters["number"] = timefmt.format_number
    app.jinja_env.filters["decimal"] = timefmt.format_decimal_1
    app.jinja_env.filters["percent"] = timefmt.format_percent
    app.jinja_env.filters["with_query"] = links.with_query
    app.jinja_env.add_extension("jinja2.ext.do")

    @app.context_processor
    def shell_context():
        return {
            "is_partial": htmx.is_partial(),
            "navigation": LazyNavigation(current_user),
            "get_locale_code": lambda: str(get_locale() or "id"),
            "unread_notifications": lambda: unread_count(current_user),
            "has_role": lambda role: has_role(current_user, role),
            "role_label": lambda role: ROLE_LABELS.get(role, role),
        }
