"""CLI commands: `flask --app app <command>`."""

import click
from flask import Flask, current_app
from sqlalchemy import func, select

from blueprints.common import backup as backups
from extensions import db


def register_commands(app: Flask) -> None:
    from blueprints.common.large import register_large_command

    register_large_command(app)
    app.cli.add_command(create_admin)
    app.cli.add_command(seed_demo)
    app.cli.add_command(backup)
    app.cli.add_command(restore)
    app.cli.add_command(db_checksum)
    app.cli.add_command(send_mail)
    app.cli.add_command(mix_answers)
    app.cli.add_command(rewrite_anonymous)


@click.command("create-admin")
@click.option("--nip", required=True, help="NIP (18 digits)")
@click.option("--name", required=True)
@click.option("--email", required=True)
@click.option("--unit", "unit_code", default=None, help="Unit code (default: the root unit)")
@click.option("--employment-type", type=click.Choice(["PNS", "PPPK"]), default="PNS")
@click.password_option()
def create_admin(nip, name, email, unit_code, employment_type, password):
    """Create (or promote) an administrator account."""
    from blueprints.admin.audit import audit
    from blueprints.auth import nip as nip_rules
    from blueprints.auth.models import Employee, EmployeeRole, Unit

    try:
        digits = nip_rules.parse(nip, employment_type).digits
    except nip_rules.NipError as exc:
        raise click.ClickException(str(exc)) from exc
    unit = (
        db.session.scalars(select(Unit).where(Unit.code == unit_code)).first()
        if unit_code
        else db.session.scalars(
            select(Unit).where(Unit.parent_id.is_(None)).order_by(Unit.id)
        ).first()
    )
    if unit is None:
        unit = Unit(code="ROOT", name="Kecamatan Medan Marelan", kind="kecamatan", path="/")
        db.session.add(unit)
        db.session.flush()
        unit.path = f"/{unit.id}/"
    employee = db.session.scalars(select(Employee).where(Employee.nip == digits)).first()
    if employee is None:
        employee = Employee(
            nip=digits,
            name=name,
            email=email.lower(),
            unit_id=unit.id,
            employment_type=employment_type,
            jabatan="Administrator Sistem",
        )
        db.session.add(employee)
    employee.set_password(password)
    db.session.flush()
    if "admin" not in employee.stored_roles:
        employee.role_rows.append(EmployeeRole(role="admin"))
    audit("account.admin_created", employee, actor=employee)
    db.session.commit()
    click.echo(f"Admin {employee.email} siap.")


@click.command("seed-demo")
@click.option("--password", default="demo-marelan", show_default=True)
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has people.")
def seed_demo(password, if_empty):
    """Create the demo Marelan: units, people, workshops, feedback, surveys."""
    from blueprints.auth.models import Employee
    from blueprints.common.demo import DemoContext, registered_seeders

    has_people = db.session.scalar(select(func.count(Employee.id)))
    if has_people:
        if if_empty:
            click.echo("Database already has data; demo seeding skipped.")
            return
        raise click.ClickException("The database is not empty. Use a fresh database for the demo.")
    import random

    context = DemoContext(rng=random.Random(2026), password=password, echo=click.echo)
    seeders = registered_seeders()
    for number, (_order, name, seeder) in enumerate(seeders, start=1):
        click.echo(f"[{number}/{len(seeders)}] {name} …")
        seeder(context)
        db.session.commit()
    click.echo(f"Demo data ready: {len(context.employees)} employees. Password: {password}")


@click.command("backup")
@click.argument("dest", type=click.Path(dir_okay=False, writable=True))
def backup(dest):
    """Back up the database to DEST, safe while the app runs.

    SQLite: VACUUM INTO a fresh, checked, self-contained file (rebuilt row by row, not a page
    copy: docs/anonymity.md). PostgreSQL: pg_dump in
    its custom format (restore with `flask restore`, i.e. pg_restore).
    """
    try:
        if db.engine.dialect.name == "sqlite":
            pages = backups.backup_sqlite(db.engine, dest)
            click.echo(f"Backup written to {dest} ({pages} pages, SQLite VACUUM INTO)")
        else:
            backups.backup_postgres(db.engine.url, dest)
            click.echo(f"Backup written to {dest} (pg_dump, custom format)")
    except backups.BackupError as exc:
        raise click.ClickException(str(exc)) from exc


@click.command("restore")
@click.argument("src", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore(src, yes):
    """Replace the whole database with the backup SRC made by `flask backup`. Stop the app first.

    SQLite: the online backup API in reverse. PostgreSQL: pg_restore --clean --if-exists
    --no-owner --single-transaction (all or nothing).
    """
    url = db.engine.url.render_as_string(hide_password=True)
    if not yes:
        click.confirm(f"Replace everything in {url} with {src}?", abort=True)
    try:
        if db.engine.dialect.name == "sqlite":
            pages = backups.restore_sqlite(db.engine, src)
            click.echo(f"Restored {src} into {url} ({pages} pages)")
        else:
            db.engine.dispose()
            backups.restore_postgres(db.engine.url, src)
            click.echo(f"Restored {src} into {url} (pg_restore)")
    except backups.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    source = src if db.engine.dialect.name == "sqlite" else "<URL of the backed-up database>"
    click.echo(f"Check it against the source: flask db-checksum --compare {source}")


@click.command("db-checksum")
@click.option(
    "--compare",
    "other",
    metavar="URL_OR_FILE",
    help="Another database (URL, or a SQLite backup file): list the tables that differ.",
)
def db_checksum(other):
    """Row count and checksum of every table; with --compare, exit 1 when anything differs."""
    try:
        mine = backups.table_checksums(db.engine)
        if other is None:
            for name, figures in mine.items():
                click.echo(f"{name:<32} {figures.rows:>10} {figures.checksum}")
            return
        theirs = backups.checksums_of(other)
    except backups.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    differing = backups.differences(mine, theirs)
    for name, (a, b) in differing.items():
        described = [f"{x.rows} rows {x.checksum[:16]}" if x else "missing" for x in (a, b)]
        click.echo(f"{name}: {described[0]} here, {described[1]} there")
    if differing:
        raise click.ClickException(
            f"{len(differing)} of {len(mine.keys() | theirs.keys())} tables differ"
        )
    click.echo(f"Same data: {len(mine)} tables, {sum(t.rows for t in mine.values())} rows")


@click.command("send-mail")
@click.option("--limit", default=100, show_default=True)
def send_mail(limit):
    """Send queued notification e-mails (run it from a timer)."""
    from blueprints.notifications.services import send_queued_mail

    if not current_app.config.get("MAIL_SERVER"):
        click.echo("MAIL_SERVER is not set; nothing sent.")
        return
    sent, failed = send_queued_mail(limit)
    click.echo(f"sent {sent}, failed {failed}")


@click.command("mix-answers")
def mix_answers():
    """Move sealed survey and upward answers into the readable tables where groups of at least
    k can be formed (the daily timer runs it; submitting and closing mix too)."""
    from blueprints.common import anonymity

    totals = anonymity.mix_open_batches()
    click.echo(
        ", ".join(f"{name}: {t.moved} mixed, {t.waiting} waiting" for name, t in totals.items())
    )
    unreadable = sum(t.unreadable for t in totals.values())
    if unreadable:  # a wrong or lost ANONYMITY_KEY (docs/deploy.md): they stay sealed
        raise click.ClickException(f"{unreadable} sealed answers do not open with this key.")


@click.command("rewrite-anonymous")
def rewrite_anonymous():
    """Once, after upgrading from a version without the anonymity inbox: write the stored
    anonymous answers again in batches (docs/anonymity.md), then compact the SQLite file."""
    from blueprints.common import anonymity
    from blueprints.common.db import is_sqlite

    done = anonymity.rewrite_all_stored()
    if is_sqlite():  # rebuild the file: no freed page keeps an old row's place or bytes
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM")
    click.echo(", ".join(f"{name}: {n} rewritten" for name, n in done.items()))
