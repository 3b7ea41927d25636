from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

MIN_PASSWORD = 10


class LoginForm(FlaskForm):
    identifier = StringField(
        _l("NIP atau email"),
        validators=[DataRequired(), Length(max=254)],
        render_kw={"autocomplete": "username", "autofocus": True},
    )
    password = PasswordField(
        _l("Kata sandi"),
        validators=[DataRequired(), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )
    next = HiddenField()


def _not_trivial(form, field):
    if field.data and field.data.lower() in {"password123", "1234567890", "marelan123"}:
        raise ValidationError(_l("Kata sandi ini terlalu mudah ditebak."))


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(
        _l("Kata sandi sekarang"),
        validators=[DataRequired()],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        _l("Kata sandi baru"),
        validators=[DataRequired(), Length(min=MIN_PASSWORD, max=200), _not_trivial],
        description=_l("Minimal %(n)d karakter.", n=MIN_PASSWORD),
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Ulangi kata sandi baru"),
        validators=[DataRequired(), EqualTo("new_password", _l("Kedua kata sandi tidak sama."))],
        render_kw={"autocomplete": "new-password"},
    )


class LanguageForm(FlaskForm):
    lang = SelectField(_l("Bahasa"), choices=[("id", "Bahasa Indonesia"), ("en", "English")])
    next = HiddenField()
