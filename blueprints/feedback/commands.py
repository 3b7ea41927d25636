"""`flask --app app feedback remind` (run daily): follow-up reminders, closing due rounds."""

import click

from blueprints.common.demo import demo_seeder
from blueprints.common.large import large_seeder
from blueprints.feedback.blueprint import bp
from extensions import db


@bp.cli.command("remind")
@click.option("--days", default=3, show_default=True, help="Remind this many days before due.")
def remind(days):
    """Notify receivers of follow-ups due soon or overdue (once per follow-up); close upward
    feedback rounds whose closing date has passed."""
    from flask import current_app

    from blueprints.feedback.followups import remind_due_follow_ups
    from blueprints.feedback.upward import close_due_rounds

    with current_app.test_request_context(base_url=current_app.config["PUBLIC_BASE_URL"]):
        count = remind_due_follow_ups(days)
        closed = close_due_rounds()
        db.session.commit()
    click.echo(f"{count} reminders queued, {closed} upward rounds closed")


@bp.cli.command("rebuild-figures")
def rebuild_figures():
    """Recompute every person's kept figures and the organizer dashboard's kept demand counts
    (after a bulk load or a restore)."""
    from blueprints.dashboard.demand import rebuild as rebuild_demand
    from blueprints.feedback.figures import rebuild

    count = rebuild()
    days = rebuild_demand()
    db.session.commit()
    click.echo(f"kept figures rebuilt for {count} people, demand counts for {days} days")


@demo_seeder(order=900, name="angka ringkas pimpinan")
def _demo_figures(ctx) -> None:
    from blueprints.feedback.figures import rebuild

    rebuild()


@large_seeder(order=900, name="kept figures")
def _large_figures(ctx) -> None:
    from blueprints.feedback.figures import rebuild

    rebuild()
