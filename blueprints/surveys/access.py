"""Surveys access and refusals: who may manage or read results, and the errors services raise."""

from __future__ import annotations

from blueprints.auth.access import has_role


class SurveyError(Exception):
    """A rule refused the action; str(exc) is a translated message for the user."""


class Frozen(SurveyError):
    pass


class AlreadySubmitted(SurveyError):
    pass


# --- access -------------------------------------------------------------------------------------
def can_manage(user) -> bool:
    return has_role(user, "admin")


def can_see_results(user) -> bool:
    return has_role(user, "admin") or has_role(user, "leader")
