"""CLI commands: `flask --app app <command>`."""

import shutil
import sqlite3
from pathlib import Path

import click
from flask import Flask, current_app
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from extensions import db


def register_commands(app: Flask) -> None:
    from blueprints.common.large import register_large_command

    register_large_command(app)
    app.cli.add_command(create_admin)
    app.cli.add_command(seed_demo)
    app.cli.add_command(backup)
    app.cli.add_command(send_mail)


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
        else db.session.scalars(select(Unit).where(Unit.parent_id.is_(None)).order_by(Unit.id)).first()
    )
    if unit is None:
        unit = Unit(code="ROOT", name="Kecamatan Medan Marelan", kind="kecamatan", path="/")
        db.session.add(unit)
        db.session.flush()
        unit.path = f"/{unit.id}/"
    employee = db.session.scalars(select(Employee).where(Employee.nip == digits)).first()
    if employee is None:
        employee = Employee(
            nip=digits, name=name, email=email.lower(), unit_id=unit.id,
            employment_type=employment_type, jabatan="Administrator Sistem",
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
    """Online backup of the SQLite database to DEST; for PostgreSQL, print the pg_dump command."""
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        source = sqlite3.connect(url.database)
        target = sqlite3.connect(dest)
        try:
            pages = {"done": 0}

            def progress(status, remaining, total):
                pages["done"] = total - remaining
                click.echo(f"\r{pages['done']}/{total} pages", nl=False)

            source.backup(target, pages=256, progress=progress)
        finally:
            target.close()
            source.close()
        click.echo(f"\nBackup written to {dest}")
        return
    pg_dump = shutil.which("pg_dump") or "pg_dump"
    plain = url.set(drivername="postgresql").render_as_string(hide_password=True)
    click.echo(f'{pg_dump} --format=custom --file "{Path(dest)}" "{plain}"')
    click.echo("Restore with: pg_restore --clean --if-exists --dbname <url> " + str(Path(dest)))


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
