"""`flask --app app notify-due`: run once a day from a timer (see notices.py)."""

import click
from flask import current_app

from blueprints.dashboard.blueprint import bp


@bp.cli.command("notify-due")
def notify_due():
    """Queue the daily notifications: follow-ups due, survey reminders, upward rounds opening,
    sessions tomorrow, approvals still waiting."""
    from blueprints.dashboard.notices import notify_due as run

    with current_app.test_request_context(base_url=current_app.config["PUBLIC_BASE_URL"]):
        result = run()
    click.echo(
        f"follow-ups reminded: {result.follow_ups}; survey waves reminded: "
        f"{result.survey_reminders} ({result.survey_people} people); "
        f"upward rounds announced: {result.upward_rounds}; sessions reminded: "
        f"{result.sessions_reminded} ({result.session_people} people); "
        f"approvals reminded: {result.approvals_reminded}"
    )
