"""`flask --app app surveys ...`: install the built-in instrument, close due waves."""

import click

from blueprints.surveys.blueprint import bp
from extensions import db

bp.cli.short_help = "Survei: instrumen bawaan dan penutupan gelombang."


@bp.cli.command("install-instrument")
def install_instrument():
    """Install the built-in Indonesian instrument (does nothing when it exists)."""
    from blueprints.surveys.builder import install_builtin_instrument

    inst, created = install_builtin_instrument()
    db.session.commit()
    if created:
        click.echo(f"Instrumen bawaan dipasang (id {inst.id}, {len(inst.questions)} pertanyaan).")
    else:
        click.echo(f"Instrumen bawaan sudah ada (id {inst.id}); tidak ada yang diubah.")


@bp.cli.command("close-due")
def close_due():
    """Close the open waves whose closing date has passed and store their results."""
    from blueprints.surveys.waves import close_due_waves

    closed = close_due_waves()
    db.session.commit()
    click.echo(f"{len(closed)} gelombang ditutup.")
