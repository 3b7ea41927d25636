"""Form helpers shared by every blueprint."""

from flask_wtf import FlaskForm


class EmptyForm(FlaskForm):
    """An action button (delete, acknowledge, register...) still carries a CSRF token."""
