"""The feedback views, one module per capability; importing this package attaches them all to
blueprints.feedback.blueprint.bp (blueprints.register_blueprints imports it)."""

from blueprints.feedback.routes import (  # noqa: F401
    admin,
    giving,
    plans,
    receiving,
    requests,
    shared,
    team,
    upward,
)
