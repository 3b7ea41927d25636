"""Forms of the competencies blueprint. Every field is rendered by the field() macro."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp
from wtforms.widgets import HiddenInput

from blueprints.competencies.dictionary import KINDS

LEVEL_CHOICES = [(n, str(n)) for n in range(1, 6)]


class AssessForm(FlaskForm):
    competency = SelectField(_l("Kompetensi"), coerce=int, validators=[InputRequired()])
    level = SelectField(
        _l("Level yang dinilai"), coerce=int, choices=LEVEL_CHOICES, validators=[InputRequired()]
    )
    assessed_on = DateField(_l("Tanggal penilaian"), validators=[Optional()])
    note = TextAreaField(
        _l("Catatan"),
        validators=[Optional(), Length(max=2000)],
        description=_l(
            "Misalnya: hasil dialog kinerja triwulan ini, contoh perilaku yang terlihat."
        ),
    )


class SelfAssessForm(FlaskForm):
    competency = SelectField(_l("Kompetensi"), coerce=int, validators=[InputRequired()])
    level = SelectField(
        _l("Level menurut saya"), coerce=int, choices=LEVEL_CHOICES, validators=[InputRequired()]
    )
    note = TextAreaField(_l("Catatan"), validators=[Optional(), Length(max=2000)])


class CentreForm(FlaskForm):
    nip = StringField(
        _l("NIP / NI PPPK"),
        validators=[DataRequired(), Length(max=30)],
        description=_l("18 digit; spasi boleh."),
    )
    competency = SelectField(_l("Kompetensi"), coerce=int, validators=[InputRequired()])
    level = SelectField(
        _l("Level"), coerce=int, choices=LEVEL_CHOICES, validators=[InputRequired()]
    )
    assessed_on = DateField(_l("Tanggal assessment"), validators=[DataRequired()])
    note = TextAreaField(_l("Catatan"), validators=[Optional(), Length(max=2000)])


class TargetForm(FlaskForm):
    jabatan = StringField(
        _l("Jabatan yang dituju"),
        validators=[Optional(), Length(max=200)],
        description=_l("Kosongkan untuk menghapus arah karier."),
        render_kw={"list": "jabatan-options", "autocomplete": "off"},
    )


class CompetencyForm(FlaskForm):
    code = StringField(
        _l("Kode"),
        validators=[
            DataRequired(),
            Length(max=40),
            Regexp(r"^[a-z][a-z0-9_]*$", message=_l("Huruf kecil, angka dan garis bawah.")),
        ],
    )
    name = StringField(_l("Nama"), validators=[DataRequired(), Length(max=120)])
    kind = SelectField(_l("Jenis"), choices=list(KINDS.items()), validators=[DataRequired()])
    field = StringField(_l("Bidang (kompetensi teknis)"), validators=[Optional(), Length(max=100)])
    level_1 = TextAreaField(_l("Level 1"), validators=[DataRequired(), Length(max=500)])
    level_2 = TextAreaField(_l("Level 2"), validators=[DataRequired(), Length(max=500)])
    level_3 = TextAreaField(_l("Level 3"), validators=[DataRequired(), Length(max=500)])
    level_4 = TextAreaField(_l("Level 4"), validators=[DataRequired(), Length(max=500)])
    level_5 = TextAreaField(_l("Level 5"), validators=[DataRequired(), Length(max=500)])
    active = BooleanField(_l("Aktif"), default=True)


class ImportForm(FlaskForm):
    file = FileField(_l("Berkas XLSX"), validators=[FileRequired()])


class MandatoryForm(FlaskForm):
    # The AKPK year the page shows: the people assigned are those with the gap in that year.
    year = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
    session = SelectField(_l("Sesi"), coerce=int, validators=[InputRequired()])
    competency = SelectField(_l("Kompetensi"), coerce=int, validators=[InputRequired()])
    unit = SelectField(_l("Unit"), coerce=int, validators=[Optional()])
    min_gap = IntegerField(
        _l("Kesenjangan minimal (level)"),
        default=1,
        validators=[InputRequired(), NumberRange(min=1, max=4)],
    )
