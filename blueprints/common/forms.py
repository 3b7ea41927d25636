"""Form helpers shared by every blueprint."""

from flask_wtf import FlaskForm


class EmptyForm(FlaskForm):
    """An action button (delete, acknowledge, register...) still carries a CSRF token."""


def use_our_wtforms_catalog(translations_dir: str) -> None:
    """WTForms ships no Indonesian catalog, so its built-in messages ("This field is required.")
    would show in English. Flask-WTF looks them up in the folder that wtforms.i18n.messages_path()
    names; point it at ours, where translations/id/LC_MESSAGES/wtforms.po holds the Indonesian.
    Locales without a wtforms catalog there (English) fall back to WTForms' own English texts."""
    import flask_wtf.i18n

    flask_wtf.i18n.messages_path = lambda: translations_dir
