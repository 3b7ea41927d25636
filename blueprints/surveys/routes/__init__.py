"""The surveys views, by capability; importing this package attaches them all to
blueprints.surveys.blueprint.bp (each module imports bp from there, never from here)."""

from blueprints.surveys.routes import actions, admin, answering, pulse, results  # noqa: F401
