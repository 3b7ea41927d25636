"""The competencies views, one module per capability; importing this package attaches them to
blueprints.competencies.blueprint.bp."""

from blueprints.competencies.routes import (  # noqa: F401
    akpk,
    dictionary,
    profile,
    standards,
    team,
    workshops,
)
