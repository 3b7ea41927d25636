"""Blueprints: each owns its models, forms, services, routes and templates."""

from importlib import import_module

from flask import Flask

# Order matters only for navigation defaults; each entry is a package with a `bp`.
BLUEPRINTS = (
    "auth",
    "dashboard",
    "notifications",
    "admin",
    "workshops",
    "feedback",
    "surveys",
)


def register_blueprints(app: Flask) -> None:
    for name in BLUEPRINTS:
        try:
            module = import_module(f"blueprints.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"blueprints.{name}":
                continue  # not built yet
            raise
        app.register_blueprint(module.bp)
    _import_models()


def _import_models() -> None:
    """Every model module (so that metadata and Alembic see all tables) and data seeder."""
    for name in BLUEPRINTS:
        for part in ("models", "demo", "large"):
            try:
                import_module(f"blueprints.{name}.{part}")
            except ModuleNotFoundError as exc:
                if exc.name not in (f"blueprints.{name}", f"blueprints.{name}.{part}"):
                    raise
