"""Blueprints: each owns its models, forms, services, routes and templates."""

from importlib import import_module

from flask import Flask

# Order matters only for navigation defaults. Each entry is a package whose `blueprint` module
# holds `bp`; its `routes` and `commands` modules (or packages) attach views and CLI commands.
BLUEPRINTS = (
    "auth",
    "dashboard",
    "notifications",
    "admin",
    "workshops",
    "feedback",
    "surveys",
    "competencies",
)


VIEW_PARTS = ("routes", "commands")


def register_blueprints(app: Flask) -> None:
    for name in BLUEPRINTS:
        _import_parts(name, VIEW_PARTS)
        app.register_blueprint(import_module(f"blueprints.{name}.blueprint").bp)
    _import_models()


def _import_models() -> None:
    """Every model module (so that metadata and Alembic see all tables) and data seeder."""
    import_module("blueprints.common.models")
    for name in BLUEPRINTS:
        _import_parts(name, ("models", "demo", "large"))


def _import_parts(name: str, parts: tuple[str, ...]) -> None:
    """Import blueprints.<name>.<part> for each part the blueprint has."""
    for part in parts:
        try:
            import_module(f"blueprints.{name}.{part}")
        except ModuleNotFoundError as exc:
            if exc.name != f"blueprints.{name}.{part}":
                raise
