"""The feedback blueprint's two refusals: NotAllowed (the user may see the object but not do this
to it: a 403 page) and InvalidAction (a rule says no: a Refused, shown as a 409 page with its
message by the blueprint's error handler in routes/shared.py)."""

from blueprints.common.refusals import Refused


class NotAllowed(Exception):
    """The user may see the object but not do this to it (a 403)."""


class InvalidAction(Refused):
    """The action does not fit the object's state (shown to the user as a message)."""
