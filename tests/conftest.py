"""Test fixtures: a real SQLite file, or PostgreSQL when TEST_DATABASE_URL is set.

Each run gets a database of its own (created here, dropped at the end); the schema is built once
and every test starts from empty tables.
"""

import os
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask import Flask
from hypothesis import HealthCheck, settings
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

from app import create_app
from extensions import db
from tests import factories

HX = {"HX-Request": "true"}
#: The field a destructive action's form carries once the person said yes (common/confirm.py).
YES = {"confirmed": "1"}
PASSWORD = "rahasia-uji-123"

# Property tests on CI: the same examples on every run (derandomize: the seed is the test's own
# hash, so a CI failure fails again locally with HYPOTHESIS_PROFILE=ci), no deadline (database
# tests on a loaded machine are slow, not wrong), and the falsifying example printed with the
# blob that replays it (@reproduce_failure). Test modules' own settings(...) inherit from the
# profile loaded here, since conftest is imported before them.
settings.register_profile(
    "ci",
    derandomize=True,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "default")
)


def _postgres_url() -> str | None:
    return os.environ.get("TEST_DATABASE_URL") or None


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> Iterator[str]:
    """A database of our own for this run: created here, dropped at the end."""
    base = _postgres_url()
    if base is None:
        path = tmp_path_factory.mktemp("db") / "test.sqlite"
        yield f"sqlite:///{path}"
        return
    url = make_url(base.replace("postgresql://", "postgresql+psycopg://", 1))
    name = f"karier_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def make_test_app(database_url: str, instance_path: str, **overrides) -> Flask:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": "memory://",
        "SERVER_NAME": None,
        "UPLOAD_FOLDER": os.path.join(instance_path, "uploads"),
    }
    config.update(overrides)
    app = create_app(config)
    # Tests keep an app context open (to arrange data with db.session), and Flask then reuses it
    # for every request, `g` included. Real requests each get a fresh `g`: so must test requests,
    # or per-request caches (current user, locale, CSRF token, access scopes) would leak between
    # them. This runs before every other before_request hook.
    app.before_request_funcs.setdefault(None, []).insert(0, _fresh_g)
    return app


def _fresh_g() -> None:
    from flask import g

    for name in list(vars(g)):
        delattr(g, name)


@pytest.fixture(scope="session")
def _schema(database_url, tmp_path_factory) -> str:
    """Create the schema once from the models; tests/test_migrations.py proves that the Alembic
    migrations build exactly the same schema on SQLite and PostgreSQL."""
    instance = str(tmp_path_factory.mktemp("instance"))
    app = make_test_app(database_url, instance)
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    return database_url


def _empty_all_tables() -> None:
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    if db.engine.dialect.name == "postgresql":
        # DELETE with triggers (and so foreign-key checks) off is much faster than TRUNCATE for
        # small tables; the sequences restart so that every test sees the same ids.
        db.session.execute(text("SET LOCAL session_replication_role = replica"))
        for name in tables:
            db.session.execute(text(f'DELETE FROM "{name}"'))
        sequences = db.session.scalars(
            text("SELECT quote_ident(relname) FROM pg_class WHERE relkind = 'S'")
        ).all()
        if sequences:
            resets = ", ".join(f"setval('{seq}', 1, false)" for seq in sequences)
            db.session.execute(text(f"SELECT {resets}"))
    else:
        db.session.execute(text("PRAGMA foreign_keys=OFF"))
        for name in tables:
            db.session.execute(text(f"DELETE FROM {name}"))
        db.session.execute(text("DELETE FROM sqlite_sequence")) if _has_sqlite_sequence() else None
        db.session.execute(text("PRAGMA foreign_keys=ON"))
    db.session.commit()


def _has_sqlite_sequence() -> bool:
    return bool(
        db.session.execute(text("SELECT 1 FROM sqlite_master WHERE name='sqlite_sequence'")).first()
    )


@pytest.fixture
def app_config() -> dict:
    """Override in a test module to change the app's configuration."""
    return {}


@pytest.fixture
def app(_schema, tmp_path, app_config) -> Iterator[Flask]:
    app = make_test_app(_schema, str(tmp_path), **app_config)
    with app.app_context():
        _empty_all_tables()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def csrf_app(_schema, tmp_path) -> Iterator[Flask]:
    """CSRF on, as in production: for the tests that check security."""
    app = make_test_app(_schema, str(tmp_path), WTF_CSRF_ENABLED=True)
    with app.app_context():
        _empty_all_tables()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def org(app):
    """A small Marelan: kecamatan -> sekretariat/kelurahan, with heads, staff and roles."""
    return factories.small_org()


class LoginHelper:
    def __init__(self, client):
        self.client = client

    def __call__(self, person, password: str = PASSWORD, follow: bool = False):
        self.client.post("/keluar")
        return self.client.post(
            "/masuk",
            data={"identifier": person.email, "password": password},
            follow_redirects=follow,
        )


@pytest.fixture
def login_as(client) -> LoginHelper:
    return LoginHelper(client)


@pytest.fixture
def demo(app, runner):
    """The full demo data set of `flask seed-demo` (product.md §5)."""
    result = runner.invoke(args=["seed-demo", "--password", "demo-marelan"])
    assert result.exit_code == 0, result.output
    return factories.demo_people()


# --- query counting ----------------------------------------------------------------------
class QueryCounter:
    def __init__(self):
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)


@contextmanager
def count_queries() -> Iterator[QueryCounter]:
    """Counts SQL statements sent to the database (savepoints and pragmas excluded)."""
    counter = QueryCounter()
    ignored = re.compile(r"^\s*(SAVEPOINT|RELEASE|ROLLBACK|PRAGMA|BEGIN|COMMIT)", re.I)

    def before_cursor_execute(conn, cursor, statement, parameters, context, executemany):
        if not ignored.match(statement):
            counter.statements.append(statement)

    engine = db.engine
    # Requests in tests share the test's session; forget what it has loaded so that a request
    # counts the queries it would run in production (lazy loads included).
    db.session.expire_all()
    event.listen(engine, "before_cursor_execute", before_cursor_execute)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", before_cursor_execute)


@pytest.fixture
def queries():
    return count_queries
