"""`flask backup`, then `flask restore` into a fresh database, gives the same data: every table has
the same row count and the same checksum. On SQLite (VACUUM INTO) and on PostgreSQL
(pg_dump custom format, pg_restore)."""

import hashlib
import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from blueprints.common import backup as backups
from extensions import db
from tests.conftest import make_test_app

POSTGRES = bool(os.environ.get("TEST_DATABASE_URL"))


@pytest.fixture
def fresh_url(tmp_path, database_url) -> Iterator[str]:
    """An empty database of the run's backend, to restore into (on PostgreSQL created and
    dropped here, like conftest's own)."""
    if not POSTGRES:
        yield f"sqlite:///{tmp_path / 'restored.sqlite'}"
        return
    url = make_url(database_url)
    name = f"karier_restore_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def restored_app(fresh_url, tmp_path):
    app = make_test_app(fresh_url, str(tmp_path / "restored-instance"))
    yield app
    with app.app_context():
        db.engine.dispose()


def checksums_in(app) -> dict[str, backups.TableSum]:
    with app.app_context():
        return backups.table_checksums(db.engine)


def run(app, *args: str):
    """A command on `app`: with the test's own app context open, the CLI would use that one."""
    with app.app_context():
        return app.test_cli_runner().invoke(args=list(args))


def test_backup_then_restore_gives_the_same_rows_and_checksums(
    app, demo, runner, tmp_path, fresh_url, restored_app
):
    db.session.commit()
    dest = tmp_path / ("backup.dump" if POSTGRES else "backup.sqlite")
    made = runner.invoke(args=["backup", str(dest)])
    assert made.exit_code == 0, made.output
    assert dest.is_file() and not dest.with_name(dest.name + ".partial").exists()
    with open(dest, "rb") as file:
        assert file.read(16).startswith(b"PGDMP" if POSTGRES else b"SQLite format 3\0")

    restored = run(restored_app, "restore", str(dest), "--yes")
    assert restored.exit_code == 0, restored.output

    original = backups.table_checksums(db.engine)
    copy = checksums_in(restored_app)
    # Every table of the app, with the demo's data in it, came back identical.
    assert set(db.metadata.tables) <= set(original)
    assert original["employee"].rows >= 60 and original["feedback"].rows > 0
    assert sum(1 for t in original.values() if t.rows) >= 20
    assert copy == original
    assert backups.differences(original, copy) == {}
    compared = runner.invoke(args=["db-checksum", "--compare", fresh_url])
    assert compared.exit_code == 0 and "Same data" in compared.output, compared.output

    # One changed value in one row of the copy: that table's checksum differs, and only it.
    with restored_app.app_context():
        db.session.execute(
            text(
                "UPDATE employee SET jabatan = jabatan || '.' WHERE id = (SELECT min(id) FROM employee)"
            )
        )
        db.session.commit()
        db.session.remove()
    changed = checksums_in(restored_app)
    assert changed["employee"].rows == original["employee"].rows
    assert changed["employee"].checksum != original["employee"].checksum
    assert set(backups.differences(original, changed)) == {"employee"}
    compared = runner.invoke(args=["db-checksum", "--compare", fresh_url])
    assert compared.exit_code == 1 and "employee:" in compared.output, compared.output

    # Restoring over a database that has data (the real case) puts the backup's data back.
    again = run(restored_app, "restore", str(dest), "--yes")
    assert again.exit_code == 0, again.output
    assert checksums_in(restored_app) == original


@pytest.mark.skipif(POSTGRES, reason="SQLite backup files")
def test_a_sqlite_backup_file_can_be_checked_without_changing_it(app, demo, runner, tmp_path):
    db.session.commit()
    dest = tmp_path / "backup.sqlite"
    assert runner.invoke(args=["backup", str(dest)]).exit_code == 0
    before = hashlib.sha256(dest.read_bytes()).hexdigest()
    compared = runner.invoke(args=["db-checksum", "--compare", str(dest)])
    assert compared.exit_code == 0 and "Same data" in compared.output, compared.output
    assert hashlib.sha256(dest.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("backup")) == [
        "backup.sqlite"
    ]  # self-contained: no -wal or -shm beside it
    listed = runner.invoke(args=["db-checksum"])
    assert listed.exit_code == 0
    employee = next(line for line in listed.output.splitlines() if line.startswith("employee "))
    figures = backups.file_checksums(dest)["employee"]
    assert employee.split()[1:] == [str(figures.rows), figures.checksum]


def test_restore_refuses_a_file_that_is_no_backup(app, org, tmp_path, restored_app):
    db.session.commit()
    bogus = tmp_path / "not-a-backup"
    bogus.write_bytes(b"this is not a database dump\n" * 100)
    result = run(restored_app, "restore", str(bogus), "--yes")
    assert result.exit_code != 0
    assert "Restored" not in result.output
    assert checksums_in(restored_app) == {}  # the target was left as it was: empty


def test_without_pg_dump_backup_fails_and_says_so(monkeypatch, tmp_path):
    monkeypatch.setattr(backups.shutil, "which", lambda name: None)
    with pytest.raises(backups.BackupError, match="pg_dump is not on PATH"):
        backups.backup_postgres("postgresql+psycopg://karier@127.0.0.1/karier", tmp_path / "x.dump")
    assert list(tmp_path.iterdir()) == []
