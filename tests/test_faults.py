"""Faults: the database unavailable gives a clean 503 and the app recovers by itself."""

import os

import pytest
from sqlalchemy import text

from extensions import db
from tests.conftest import PASSWORD, make_test_app


def test_database_unreachable_gives_a_clean_503(tmp_path):
    app = make_test_app("postgresql://postgres@127.0.0.1:1/none", str(tmp_path))
    client = app.test_client()
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.get_json() == {"status": "error", "database": "unavailable"}
    page = client.post("/masuk", data={"identifier": "x@y.z", "password": "whatever-123"})
    assert page.status_code == 503
    html = page.get_data(as_text=True)
    assert "Basis data sedang tidak dapat dihubungi" in html and "Traceback" not in html


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="PostgreSQL connections only")
def test_recovers_after_the_database_drops_every_connection(app, org, client):
    client.post("/masuk", data={"identifier": org.staff_a1.email, "password": PASSWORD})
    assert client.get("/").status_code == 200
    # A restart of PostgreSQL, seen from the app: every server connection of ours is killed.
    name = db.engine.url.database
    db.session.remove()
    from sqlalchemy import create_engine

    killer = create_engine(db.engine.url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with killer.connect() as conn:
        conn.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = :name AND pid <> pg_backend_pid()"
            ),
            {"name": name},
        )
    killer.dispose()
    assert client.get("/").status_code == 200  # pool_pre_ping replaced the dead connections
    assert client.get("/healthz").status_code == 200
