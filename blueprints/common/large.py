"""The large data set of product.md §6 for benchmarks: `flask --app app seed-large`.

Each blueprint registers a bulk seeder with @large_seeder(order, name); seeders insert with
executemany-style bulk INSERTs (no ORM objects per row) so that the whole set builds in well
under two minutes on two cores, on SQLite or PostgreSQL. The same --seed gives the same data.
"""

import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field

import click
from flask import Flask
from sqlalchemy import JSON, func, select, text

from extensions import db


@dataclass
class LargeContext:
    rng: random.Random
    scale: float
    password_hash: str
    unit_ids: list[int] = field(default_factory=list)
    root_unit_id: int | None = None
    unit_heads: dict[int, int] = field(default_factory=dict)  # unit id -> head employee id
    employee_ids: list[int] = field(default_factory=list)
    employee_unit: dict[int, int] = field(default_factory=dict)  # employee id -> unit id
    organizer_ids: list[int] = field(default_factory=list)
    echo: Callable[[str], None] = print

    def n(self, full_size: int) -> int:
        """A count of the full data set, scaled."""
        return max(1, int(full_size * self.scale))


_SEEDERS: list[tuple[int, str, Callable[[LargeContext], None]]] = []


def large_seeder(order: int, name: str):
    def register(func):
        if all(existing != name for _o, existing, _f in _SEEDERS):
            _SEEDERS.append((order, name, func))
            _SEEDERS.sort(key=lambda item: item[0])
        return func

    return register


def insert_in_chunks(table, rows: list[dict], chunk: int = 2000) -> None:
    """Bulk INSERT (executemany); chunked to keep memory and statement size small."""
    for start in range(0, len(rows), chunk):
        db.session.execute(table.insert(), rows[start : start + chunk])


# --- helpers every large seeder shares ------------------------------------------------------
def next_id(model) -> int:
    """The first free id of a table, for rows inserted in bulk with explicit ids."""
    return int(db.session.scalar(select(func.coalesce(func.max(model.id), 0)))) + 1


def bulk_insert(table, rows: list[dict]) -> None:
    """insert_in_chunks, or on PostgreSQL a COPY (ten times faster than multi-row INSERTs for the
    survey answers). Every row has the same keys. Runs in the session's transaction."""
    if not rows:
        return
    if db.engine.dialect.name != "postgresql":
        insert_in_chunks(table, rows, chunk=5000)
        return
    # COPY applies no Python-side defaults: columns the rows leave out that have a plain
    # default (a NOT NULL column added later, say) get it here, as INSERT would give it.
    missing = {
        column.name: column.default.arg
        for column in table.columns
        if column.name not in rows[0] and column.default is not None and column.default.is_scalar
    }
    columns = list(rows[0]) + list(missing)
    rows = [{**row, **missing} for row in rows] if missing else rows
    as_json = [isinstance(table.c[name].type, JSON) for name in columns]
    names = ", ".join(f'"{name}"' for name in columns)
    driver = db.session.connection().connection.driver_connection
    with (
        driver.cursor() as cursor,
        cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy,
    ):
        for row in rows:
            copy.write_row(
                [
                    json.dumps(row[name]) if encode and row[name] is not None else row[name]
                    for name, encode in zip(columns, as_json, strict=True)
                ]
            )


def analyze(*models) -> None:
    """Fresh statistics after a bulk load, so that PostgreSQL plans the next queries well."""
    if db.engine.dialect.name == "postgresql":
        for model in models:
            db.session.execute(text(f'ANALYZE "{model.__tablename__}"'))


def sync_sequence(model) -> None:
    """After explicit ids on PostgreSQL, move the id sequence past them (SQLite needs nothing)."""
    if db.engine.dialect.name != "postgresql":
        return
    first_free = select(func.coalesce(func.max(model.id), 0) + 1).scalar_subquery()
    sequence = func.pg_get_serial_sequence(model.__tablename__, "id")
    db.session.execute(select(func.setval(sequence, first_free, False)))


def superiors(ctx: LargeContext) -> dict[int, int]:
    """employee id -> direct superior id, by the rule of the access module (the head of their
    unit, or for a head the nearest head above). The root's head has none."""
    from blueprints.auth.access import nearest_head

    out = {}
    for employee_id, unit_id in ctx.employee_unit.items():
        head = nearest_head(unit_id, excluding=employee_id)
        if head is not None:
            out[employee_id] = head
    return out


def register_large_command(app: Flask) -> None:
    @app.cli.command("seed-large")
    @click.option(
        "--scale", default=1.0, show_default=True, help="1.0 = the full data set of product.md §6"
    )
    @click.option(
        "--seed", default=6, show_default=True, help="random seed: the same seed, the same data"
    )
    @click.option("--password", default="demo-marelan", show_default=True)
    def seed_large(scale: float, seed: int, password: str):
        """Build the large data set for benchmarks on an empty database."""
        import time

        from werkzeug.security import generate_password_hash

        from blueprints.auth.models import Employee

        if db.session.scalar(select(func.count(Employee.id))):
            raise click.ClickException("The database is not empty. Use a fresh database.")
        context = LargeContext(
            rng=random.Random(seed),
            scale=scale,
            password_hash=generate_password_hash(password),
            echo=click.echo,
        )
        started = time.monotonic()
        for number, (_order, name, seeder) in enumerate(_SEEDERS, start=1):
            step = time.monotonic()
            click.echo(f"[{number}/{len(_SEEDERS)}] {name} …", nl=False)
            seeder(context)
            db.session.commit()
            click.echo(f" {time.monotonic() - step:.1f} s")
        # Fresh statistics: right after a bulk load the query planner would otherwise plan blind
        # (PostgreSQL took 24 s instead of 72 ms for the leader dashboard). SQLite has ANALYZE too.
        # PostgreSQL also VACUUMs, as autovacuum would soon after: until then no page is marked
        # all-visible, and a covering index still reads every row it finds.
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM"))
        click.echo(f"Large data set ready in {time.monotonic() - started:.1f} s")
