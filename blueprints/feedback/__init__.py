"""Feedback: routine, structured feedback from leaders, acknowledged and acted on; requests,
follow-ups, development plans, self-reflection and anonymous upward feedback (product.md §3.2)."""

from flask import Blueprint

bp = Blueprint("feedback", __name__, url_prefix="/umpan-balik", cli_group="feedback")

from blueprints.feedback import commands, routes  # noqa: E402,F401
