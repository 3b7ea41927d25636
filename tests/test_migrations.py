"""`flask db upgrade` from empty builds exactly the schema the models describe (SQLite and PG)."""

import os
import uuid

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from extensions import db
from tests.conftest import make_test_app


def _fresh_database(tmp_path):
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        return f"sqlite:///{tmp_path / 'migrate.sqlite'}", None
    url = make_url(base.replace("postgresql://", "postgresql+psycopg://", 1))
    name = f"karier_migrate_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop():
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url.set(database=name).render_as_string(hide_password=False), drop


def test_upgrade_from_empty_matches_models_and_downgrades(tmp_path):
    url, drop = _fresh_database(tmp_path)
    try:
        app = make_test_app(url, str(tmp_path))
        directory = os.path.join(app.root_path, "migrations")
        with app.app_context():
            upgrade(directory=directory, revision="heads")
            with db.engine.connect() as conn:
                diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
            assert diff == [], f"models and migrations differ: {diff}"
            downgrade(directory=directory, revision="base")
            with db.engine.connect() as conn:
                remaining = set(db.inspect(conn).get_table_names()) - {"alembic_version"}
            assert remaining == set()
            db.engine.dispose()
    finally:
        if drop:
            drop()
