"""Change-readiness surveys: instruments, waves, anonymous answering and thresholded results.

Anonymity rules live in blueprints/common/anonymity.py (shared with upward feedback); the
threat model is docs/anonymity.md.
"""

from flask import Blueprint

bp = Blueprint("surveys", __name__, url_prefix="/survei")

from blueprints.surveys import cli, routes, routes_admin  # noqa: E402,F401
