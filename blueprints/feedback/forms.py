"""Forms of the feedback blueprint. Every field is rendered by the field() macro."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from blueprints.common.timefmt import today_wib
from blueprints.feedback import tags
from blueprints.feedback.constants import (
    BERAKHLAK,
    LIKERT,
    UPWARD_COMMENT_MAX,
    UPWARD_STATEMENTS,
)

FOLLOW_UP_ROWS = 3
#: The competency kinds of the dictionary and the tag field of the feedback form for each.
TAG_FIELDS = {
    "manajerial": "competencies_managerial",
    "sosial_kultural": "competencies_sociocultural",
    "teknis": "competencies_technical",
}


class MultiCheckboxField(SelectMultipleField):
    """Checkboxes (one per choice); the field() macro renders them as a fieldset."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _not_in_future(form, field):
    if field.data and field.data > today_wib():
        raise ValidationError(_l("Tanggal tidak boleh di masa depan."))


def _not_in_past(form, field):
    if field.data and field.data < today_wib():
        raise ValidationError(_l("Tanggal tidak boleh di masa lalu."))


def value_choices():
    return [
        (code, _("%(value)s — %(help)s", value=label, help=help_))
        for code, (label, help_) in BERAKHLAK.items()
    ]


def competency_choices(kind: str):
    """The dictionary's active entries of one kind (views widen it for a draft: tags.choices)."""
    return tags.choices(kind)


class FollowUpForm(Form):
    """One agreed action (a sub-form: the parent form carries the CSRF token)."""

    description = StringField(_l("Tindak lanjut"), validators=[Optional(), Length(max=500)])
    due_on = DateField(_l("Tenggat"), validators=[Optional()])

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        has_text = bool(self.description.data and self.description.data.strip())
        if has_text and not self.due_on.data and not self.due_on.errors:
            self.due_on.errors = [_l("Isi tenggat untuk tindak lanjut ini.")]
            return False
        return valid


class FeedbackForm(FlaskForm):
    receiver_id = SelectField(
        _l("Penerima"),
        coerce=int,
        validate_choice=False,  # the service decides who may receive (403 otherwise)
        validators=[
            InputRequired(),
            NumberRange(min=1, max=2**31 - 1, message=_l("Pilih penerima.")),
        ],
    )
    occurred_on = DateField(
        _l("Tanggal percakapan"),
        validators=[DataRequired(), _not_in_future],
        default=today_wib,
        description=_l("Hari umpan balik ini dibicarakan atau situasinya terjadi."),
    )
    context = TextAreaField(
        _l("Situasi atau konteks"),
        validators=[DataRequired(), Length(max=5000)],
        description=_l(
            "Apa yang terjadi, kapan, dalam pekerjaan apa. Uraikan perilaku, bukan pribadi."
        ),
    )
    strengths = TextAreaField(
        _l("Kekuatan"),
        validators=[DataRequired(), Length(max=5000)],
        description=_l("Apa yang sudah baik dan perlu dipertahankan."),
    )
    improvements = TextAreaField(
        _l("Area perbaikan"),
        validators=[DataRequired(), Length(max=5000)],
        description=_l("Apa yang perlu ditingkatkan, dan seperti apa bentuk yang lebih baik."),
    )
    values = MultiCheckboxField(
        _l("Nilai dasar BerAKHLAK yang terkait"),
        choices=value_choices,
        validators=[Optional()],
        description=_l("Nilai dasar ASN menurut SE MenPANRB 20/2021."),
    )
    # Choices from the competency dictionary; a code outside them fails validation (422).
    competencies_managerial = MultiCheckboxField(
        _l("Kompetensi manajerial"),
        choices=lambda: competency_choices("manajerial"),
        validators=[Optional()],
        description=_l("Dari kamus kompetensi (PermenPANRB 38/2017)."),
    )
    competencies_sociocultural = MultiCheckboxField(
        _l("Kompetensi sosial kultural"),
        choices=lambda: competency_choices("sosial_kultural"),
        validators=[Optional()],
        description=_l("Perekat bangsa, dari kamus kompetensi (PermenPANRB 38/2017)."),
    )
    competencies_technical = MultiCheckboxField(
        _l("Kompetensi teknis"),
        choices=lambda: competency_choices("teknis"),
        validators=[Optional()],
    )
    follow_ups = FieldList(FormField(FollowUpForm), min_entries=FOLLOW_UP_ROWS)
    workshops = MultiCheckboxField(
        _l("Pelatihan yang dipilih"),
        coerce=int,
        validate_choice=False,
        validators=[Optional()],
        description=_l("Hapus centang untuk membatalkan rekomendasi."),
    )
    workshop_q = StringField(
        _l("Cari pelatihan di katalog"),
        validators=[Optional(), Length(max=100)],
        description=_l("Ketik judul atau topik, misalnya “presentasi”."),
        render_kw={"type": "search", "autocomplete": "off"},
    )
    request_id = HiddenField()

    def offer_tags(self, keep=()) -> None:
        """The dictionary's tags of each kind, plus the inactive ones in `keep` (those already
        on the draft being edited, so that they stay checked)."""
        for kind, name in TAG_FIELDS.items():
            getattr(self, name).choices = tags.choices(kind, keep)

    def tag_codes(self) -> list[str]:
        return [code for name in TAG_FIELDS.values() for code in getattr(self, name).data or []]

    def validate_follow_ups(self, field):
        for entry in field.entries:
            due = entry.form.due_on.data
            if due and self.occurred_on.data and due < self.occurred_on.data:
                entry.form.due_on.errors = [
                    *entry.form.due_on.errors,
                    _l("Tenggat tidak boleh sebelum tanggal percakapan."),
                ]
                raise ValidationError(_l("Periksa tenggat tindak lanjut."))


class QuickFeedbackForm(FlaskForm):
    """The quick-give panel of the team view: the essentials, sent or saved as a draft."""

    receiver_id = HiddenField(validators=[DataRequired()])
    occurred_on = DateField(
        _l("Tanggal percakapan"), validators=[DataRequired(), _not_in_future], default=today_wib
    )
    context = TextAreaField(
        _l("Situasi atau konteks"), validators=[DataRequired(), Length(max=5000)]
    )
    strengths = TextAreaField(_l("Kekuatan"), validators=[DataRequired(), Length(max=5000)])
    improvements = TextAreaField(
        _l("Area perbaikan"), validators=[DataRequired(), Length(max=5000)]
    )


class AddendumForm(FlaskForm):
    body = TextAreaField(
        _l("Addendum"),
        validators=[DataRequired(), Length(max=5000)],
        description=_l(
            "Isi umpan balik yang sudah dikirim tidak berubah; addendum tampil di bawahnya."
        ),
    )


class ResponseForm(FlaskForm):
    response = TextAreaField(
        _l("Tanggapan Anda"),
        validators=[DataRequired(), Length(max=5000)],
        description=_l("Tanggapan hanya dapat dikirim sekali dan dibaca oleh pemberi umpan balik."),
    )


class RequestForm(FlaskForm):
    topic = StringField(
        _l("Topik"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("Misalnya: cara saya memimpin rapat koordinasi RT/RW."),
    )
    detail = TextAreaField(_l("Keterangan (opsional)"), validators=[Optional(), Length(max=2000)])


class DeclineForm(FlaskForm):
    reason = TextAreaField(
        _l("Alasan"),
        validators=[DataRequired(), Length(max=1000)],
        description=_l("Alasan ini ditampilkan kepada pegawai yang meminta."),
    )


class ReflectionForm(FlaskForm):
    went_well = TextAreaField(
        _l("Apa yang berjalan baik?"), validators=[Optional(), Length(max=3000)]
    )
    was_hard = TextAreaField(_l("Apa yang sulit?"), validators=[Optional(), Length(max=3000)])
    help_wanted = TextAreaField(
        _l("Bantuan apa yang Anda perlukan?"), validators=[Optional(), Length(max=3000)]
    )

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if not any(
            (f.data or "").strip() for f in (self.went_well, self.was_hard, self.help_wanted)
        ):
            self.went_well.errors.append(_l("Isi setidaknya satu pertanyaan."))
            return False
        return True


class GoalForm(FlaskForm):
    competency = SelectField(
        _l("Kompetensi"),
        choices=lambda: [("", _l("— pilih —")), *tags.choices()],
        validators=[DataRequired()],
    )
    title = StringField(
        _l("Sasaran"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("Apa yang ingin dicapai, misalnya “Menyampaikan paparan yang runtut”."),
    )
    reason = TextAreaField(_l("Alasan"), validators=[Optional(), Length(max=2000)])
    feedback_id = SelectField(
        _l("Berawal dari umpan balik"), coerce=int, validators=[Optional()], validate_choice=False
    )
    workshop_id = SelectField(
        _l("Pelatihan yang direncanakan"),
        coerce=int,
        validators=[Optional()],
        validate_choice=False,
    )
    external_activity = StringField(
        _l("Pembelajaran lain"),
        validators=[Optional(), Length(max=300)],
        description=_l("Misalnya e-learning, coaching, seminar di luar, belajar mandiri."),
    )
    target_on = DateField(_l("Target tanggal"), validators=[Optional(), _not_in_past])


class UpwardForm(FlaskForm):
    comment = TextAreaField(
        _l("Komentar (opsional)"),
        validators=[Optional(), Length(max=UPWARD_COMMENT_MAX)],
        description=_l(
            "Komentar hanya ditampilkan bila cukup banyak rekan yang menjawab, dalam urutan acak. "
            "Jangan menulis hal yang mengungkap identitas Anda."
        ),
    )


def _likert_choices():
    return [
        (value, _("%(n)d — %(label)s", n=value, label=label)) for value, label in LIKERT.items()
    ]


def _upward_fields():
    for code, text in UPWARD_STATEMENTS.items():
        setattr(
            UpwardForm,
            code,
            RadioField(
                text,
                choices=_likert_choices,
                coerce=int,
                validators=[InputRequired(message=_l("Pilih salah satu."))],
            ),
        )


_upward_fields()


class RoundForm(FlaskForm):
    title = StringField(
        _l("Nama putaran"),
        validators=[DataRequired(), Length(max=120)],
        description=_l("Misalnya “Triwulan I 2026”."),
    )
    closes_on = DateField(_l("Ditutup pada"), validators=[DataRequired(), _not_in_past])


class TeamFilterForm(Form):
    """GET filters of the team view (no CSRF: it changes nothing)."""

    q = StringField(
        _l("Cari nama atau NIP"),
        validators=[Optional(), Length(max=100)],
        render_kw={"type": "search"},
    )
    unit = SelectField(_l("Unit"), coerce=int, validators=[Optional()], validate_choice=False)
    show = SelectField(
        _l("Tampilkan"),
        choices=[
            ("all", _l("Semua")),
            ("overdue", _l("Terlambat diberi umpan balik")),
            ("followups", _l("Ada tindak lanjut terbuka")),
            ("requests", _l("Ada permintaan tertunda")),
        ],
        validators=[Optional()],
        validate_choice=False,
    )
    sort = HiddenField()
    dir = HiddenField()
