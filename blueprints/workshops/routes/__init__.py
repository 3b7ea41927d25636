"""The workshops views, by capability. Importing this package attaches them all to ``bp``
(blueprints.workshops.blueprint); each view module imports ``bp`` itself, never this package."""

from blueprints.workshops.routes import (  # noqa: F401  (imported for their views)
    attendance,
    calendar,
    catalogue,
    certificates,
    checkin,
    display,
    documents,
    evidence,
    history,
    ledger,
    registration,
)
