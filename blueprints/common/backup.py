"""Backup, restore and per-table checksums, for `flask backup`, `flask restore`, `flask db-checksum`.

SQLite: ``VACUUM INTO`` a fresh file (a consistent, rebuilt copy while the app runs), restored
with SQLite's backup API.
PostgreSQL: `pg_dump --format=custom`, restored with `pg_restore`. The checksums say whether two
databases hold the same rows: compare a database with its restored backup.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import URL, make_url


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why."""


# --- SQLite ---------------------------------------------------------------------------------
def sqlite_path(engine: Engine) -> Path:
    """The database file of a SQLite engine (Flask-SQLAlchemy has already made it absolute)."""
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise BackupError(f"Not a SQLite database file: {engine.url}")
    return Path(database)


def backup_sqlite(engine: Engine, dest: str | os.PathLike) -> int:
    """Write a fresh copy of the database to `dest` with ``VACUUM INTO``; returns its pages.

    Not a page copy: VACUUM INTO rebuilds every table and index into a new file, row by row in
    key order, inside one read transaction (a consistent snapshot that writers do not wait
    for). So the backup keeps no trace of the order rows were written in, no freed pages and no
    WAL (the anonymity property of docs/anonymity.md holds for backups too). It is written next
    to `dest` and renamed into place only once complete and checked, so a failed backup never
    leaves a half file under the final name.
    """
    dest = Path(dest)
    partial = dest.with_name(dest.name + ".partial")
    partial.unlink(missing_ok=True)
    raw = engine.raw_connection()
    try:
        raw.driver_connection.execute("VACUUM INTO ?", (str(partial),))
    finally:
        raw.close()
    target = sqlite3.connect(partial)
    try:
        target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        _check_sqlite(target, partial)
        pages = target.execute("PRAGMA page_count").fetchone()[0]
    finally:
        target.close()
    os.replace(partial, dest)
    return pages


def restore_sqlite(engine: Engine, src: str | os.PathLike) -> int:
    """Replace the contents of the engine's database with the SQLite backup `src`.

    Uses the backup API in the other direction, so the live file (and its -wal) is rewritten by
    SQLite itself, under its locks. Stop the app first: its open connections would see the data
    change under them. Returns the number of pages restored.
    """
    src = Path(src)
    if not src.is_file():
        raise BackupError(f"No such backup file: {src}")
    source = _read_only(src)
    try:
        _check_sqlite(source, src)
        engine.dispose()  # no pooled connection of ours holds the file open
        target = sqlite3.connect(sqlite_path(engine), timeout=30)
        try:
            source.backup(target)
            pages = target.execute("PRAGMA page_count").fetchone()[0]
        finally:
            target.close()
    finally:
        source.close()
    return pages


def _read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)


def _check_sqlite(connection: sqlite3.Connection, path: Path) -> None:
    try:
        result = connection.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.DatabaseError as exc:  # not a database at all
        raise BackupError(f"{path}: {exc}") from exc
    if result != "ok":
        raise BackupError(f"{path} failed SQLite's quick_check: {result}")


# --- PostgreSQL -----------------------------------------------------------------------------
def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """A libpq connection URI for pg_dump/pg_restore, and the environment carrying the password
    (PGPASSWORD, so that it never shows in the process list)."""
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} is not on PATH: install the PostgreSQL client tools "
            f"(Debian: apt-get install postgresql-client) matching the server's major version."
        )
    return path


def _run(args: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} failed: {result.stderr.strip()}")


def backup_postgres(url: URL | str, dest: str | os.PathLike) -> None:
    """`pg_dump --format=custom` of the database to `dest` (written aside, renamed when done).

    pg_dump works from one snapshot, so the app may keep running."""
    pg_dump = _tool("pg_dump")
    dest = Path(dest)
    partial = dest.with_name(dest.name + ".partial")
    uri, env = _libpq(make_url(url))
    try:
        _run([pg_dump, "--format=custom", "--no-password", f"--file={partial}", uri], env)
    except BackupError:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, dest)


def restore_postgres(url: URL | str, src: str | os.PathLike) -> None:
    """Restore a `pg_dump --format=custom` file into the database at `url`, all or nothing.

    --clean --if-exists drops what the dump contains before recreating it; --single-transaction
    means a failed restore leaves the database as it was. Stop the app first: its connections'
    locks would make the restore wait."""
    pg_restore = _tool("pg_restore")
    if not Path(src).is_file():
        raise BackupError(f"No such backup file: {src}")
    uri, env = _libpq(make_url(url))
    options = ["--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction"]
    _run(
        [pg_restore, *options, "--exit-on-error", "--no-password", f"--dbname={uri}", str(src)], env
    )


# --- checksums ------------------------------------------------------------------------------
@dataclass(frozen=True)
class TableSum:
    rows: int
    checksum: str  # sha256, hex


def table_checksums(engine: Engine) -> dict[str, TableSum]:
    """Row count and checksum of every table of the engine's database, by table name.

    A table's checksum is the sha256 of its rows' own sha256 digests, sorted: it does not depend
    on the order rows come back in, nor on the order of the columns (a row is hashed as its
    column-name/value pairs sorted by name). Values are normalised to text the same way whatever
    the driver returns (booleans as 0/1, datetimes in UTC, JSON with sorted keys, bytes as hex),
    so two copies of one database on the same backend always agree; across SQLite and PostgreSQL
    the checksums are comparable only where both store the values alike.

    All tables are read in one transaction (REPEATABLE READ on PostgreSQL, one read transaction
    on SQLite), so the figures describe one moment even while the app is writing.
    """
    raw = engine.raw_connection()
    try:
        return _checksums(raw.driver_connection, engine.dialect.name)
    finally:
        raw.rollback()
        raw.close()


def file_checksums(path: str | os.PathLike) -> dict[str, TableSum]:
    """`table_checksums` of a SQLite file, opened read-only: checking a backup never changes it."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"No such file: {path}")
    connection = _read_only(path)
    try:
        return _checksums(connection, "sqlite")
    finally:
        connection.close()


def checksums_of(target: str) -> dict[str, TableSum]:
    """Checksums of a database given as a URL, or of a SQLite file given as a path."""
    if "://" not in target:
        return file_checksums(target)
    engine = create_engine(target.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        return table_checksums(engine)
    finally:
        engine.dispose()


def _checksums(connection, dialect: str) -> dict[str, TableSum]:
    """The work of `table_checksums`, on a DB-API connection (sqlite3 or psycopg)."""
    cursor = connection.cursor()
    if dialect == "postgresql":
        connection.rollback()  # a pool's pre-ping may have begun a transaction
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    elif dialect == "sqlite":
        if not connection.in_transaction:
            cursor.execute("BEGIN")  # pysqlite would otherwise read each table apart
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite~_%' ESCAPE '~'"
        )
    else:
        raise BackupError(f"Checksums are not implemented for {dialect}")
    names = sorted(row[0] for row in cursor.fetchall())
    cursor.close()
    sums: dict[str, TableSum] = {}
    for name in names:
        # On PostgreSQL a server-side cursor, so that a large table is never all in memory.
        rows = (
            connection.cursor(name="checksum") if dialect == "postgresql" else connection.cursor()
        )
        quoted = '"' + name.replace('"', '""') + '"'
        rows.execute(f"SELECT * FROM {quoted}")  # noqa: S608 - names come from the catalog
        columns = [column[0] for column in rows.description]
        order = sorted(range(len(columns)), key=columns.__getitem__)
        digests = []
        while batch := rows.fetchmany(2000):
            for row in batch:
                pairs = [[columns[i], _canonical(row[i])] for i in order]
                text = json.dumps(pairs, ensure_ascii=False, separators=(",", ":"))
                digests.append(hashlib.sha256(text.encode()).digest())
        rows.close()
        digests.sort()
        sums[name] = TableSum(len(digests), hashlib.sha256(b"".join(digests)).hexdigest())
    return sums


def _canonical(value):
    """A JSON-safe, driver-independent form of one column value."""
    if value is None or isinstance(value, str | int) and not isinstance(value, bool):
        return value
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return "\\x" + bytes(value).hex()
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return str(value)


def differences(a: dict[str, TableSum], b: dict[str, TableSum]) -> dict[str, tuple]:
    """Tables whose row count or checksum differ (or that only one side has): name -> (a, b)."""
    return {
        name: (a.get(name), b.get(name))
        for name in sorted(a.keys() | b.keys())
        if a.get(name) != b.get(name)
    }
