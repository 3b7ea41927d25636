"""`flask --app app import-employees FILE [--dry-run]`: the CSV import from the command line.

Same checks and the same all-or-nothing commit as the web import. New accounts get no password
(an admin gives a temporary one with a password reset).
"""

from pathlib import Path

import click
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.exc import SQLAlchemyError

from blueprints.admin import importer
from blueprints.admin.blueprint import bp
from extensions import db


@bp.cli.command("import-employees")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and report; save nothing.")
def import_employees(file: Path, dry_run: bool) -> None:
    """Import employees from a CSV file (all rows or none)."""
    # Outside a request there is no user or session to choose the language from.
    with force_locale("id"):
        _run(file, dry_run)


def _run(file: Path, dry_run: bool) -> None:
    try:
        text = importer.decode(file.read_bytes())
    except importer.ImportFileError as error:
        raise click.ClickException(str(error.args[0])) from error
    estimate = max(1, text.count("\n"))
    with click.progressbar(length=estimate, label=_("Memeriksa baris")) as bar:
        plan = importer.validate(text, progress=lambda done: bar.update(done - bar.pos))
    for message in plan.file_errors:
        click.echo(str(message), err=True)
    for error in plan.errors:
        column = f" [{error.column}]" if error.column else ""
        click.echo(
            _(
                "Baris %(line)d%(column)s: %(reason)s",
                line=error.line,
                column=column,
                reason=str(error.reason),
            ),
            err=True,
        )
    if not plan.ok:
        raise click.ClickException(
            _(
                "Tidak ada yang diimpor: %(count)d kesalahan pada %(lines)d baris.",
                count=len(plan.errors) + len(plan.file_errors),
                lines=plan.error_lines,
            )
        )
    summary = _(
        "%(created)d pegawai baru, %(updated)d diperbarui.",
        created=len(plan.creates),
        updated=len(plan.updates),
    )
    if dry_run:
        click.echo(_("Uji coba (--dry-run): %(summary)s Tidak ada yang disimpan.", summary=summary))
        return
    try:
        with click.progressbar(length=len(plan.rows), label=_("Menyimpan")) as bar:
            result = importer.apply(
                plan,
                actor=None,
                source=f"CLI {file.name}",
                progress=lambda done: bar.update(done - bar.pos),
            )
        db.session.commit()
    except SQLAlchemyError as error:
        db.session.rollback()
        raise click.ClickException(
            _("Impor gagal, tidak ada yang disimpan: %(error)s", error=error.__class__.__name__)
        ) from error
    click.echo(
        _(
            "Impor selesai: %(created)d pegawai baru, %(updated)d diperbarui.",
            created=result.created,
            updated=result.updated,
        )
    )
