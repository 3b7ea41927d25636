"""Surveys access and refusals: who may manage or read results, and the errors services raise."""

from __future__ import annotations

from blueprints.auth.access import has_role
from blueprints.common.refusals import Refused


class SurveyError(Refused):
    """A rule refused the action; ``message`` (and str(exc)) is the translated text for the user.

    The text is translated when raised (a plain str, as views flashed it before), so that a
    flash stores text, not a lazy string the session would keep as markup."""

    def __init__(self, message):
        super().__init__(str(message))


class Frozen(SurveyError):
    pass


class AlreadySubmitted(SurveyError):
    pass


# --- access -------------------------------------------------------------------------------------
def can_manage(user) -> bool:
    return has_role(user, "admin")


def can_see_results(user) -> bool:
    return has_role(user, "admin") or has_role(user, "leader")
