"""Karier ASN Marelan: the application factory, read as a list of steps."""

import os

from flask import Flask

from blueprints import register_blueprints
from blueprints.common.commands import register_commands
from blueprints.common.errors import register_errorhandlers
from blueprints.common.logs import configure_logging
from blueprints.common.setup import (
    configure_database,
    configure_proxy,
    load_config,
    register_extensions,
    register_request_hooks,
    register_template_helpers,
    register_url_converters,
)


def create_app(config: dict | None = None) -> Flask:
    # KARIER_INSTANCE_PATH moves instance/ (config, secret key, SQLite file, uploads) elsewhere.
    app = Flask(
        __name__,
        instance_relative_config=True,
        instance_path=os.environ.get("KARIER_INSTANCE_PATH") or None,
    )
    load_config(app, config)
    configure_logging(app)
    configure_database(app)
    configure_proxy(app)
    register_extensions(app)
    register_url_converters(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_request_hooks(app)
    register_template_helpers(app)
    register_commands(app)
    return app
