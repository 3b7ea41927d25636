"""Survey forms. The answer form is built per instrument (one field per question)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from blueprints.surveys.models import SurveyWave

LIKERT_CHOICES = [
    ("1", _l("Sangat Tidak Setuju")),
    ("2", _l("Tidak Setuju")),
    ("3", _l("Netral")),
    ("4", _l("Setuju")),
    ("5", _l("Sangat Setuju")),
]

CONSTRUCT_CHOICES = [
    ("readiness", _l("Kesiapan (makin tinggi makin siap)")),
    ("resistance", _l("Resistensi (makin tinggi makin menolak)")),
    ("other", _l("Lainnya")),
]

KIND_CHOICES = [
    ("likert", _l("Pernyataan skala 1–5")),
    ("text", _l("Pertanyaan terbuka (teks)")),
]

PLAN_STATUS_CHOICES = [
    ("rencana", _l("Direncanakan")),
    ("berjalan", _l("Sedang berjalan")),
    ("selesai", _l("Selesai")),
]


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def answer_field_name(question_id: int) -> str:
    return f"q_{question_id}"


def answer_form_class(wave: SurveyWave) -> type[FlaskForm]:
    """One optional field per question: Likert radios (values 1-5) or a text area."""

    class AnswerForm(FlaskForm):
        pass

    for number, question in enumerate(wave.instrument.questions, 1):
        label = f"{number}. {question.text}"
        if question.kind == "likert":
            field = RadioField(label, choices=LIKERT_CHOICES, validators=[Optional()])
        else:
            field = TextAreaField(
                label,
                validators=[Optional(), Length(max=2000)],
                description=_l(
                    "Boleh dikosongkan. Jangan menulis nama atau hal yang membuat "
                    "Anda mudah dikenali."
                ),
            )
        setattr(AnswerForm, answer_field_name(question.id), field)
    return AnswerForm


def answers_from_form(form: FlaskForm, wave: SurveyWave) -> dict:
    out = {}
    for question in wave.instrument.questions:
        value = getattr(form, answer_field_name(question.id)).data
        if value not in (None, "", "None"):
            out[question.id] = value
    return out


class InstrumentForm(FlaskForm):
    name = StringField(_l("Nama instrumen"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Keterangan"), validators=[Optional(), Length(max=4000)])


class DimensionForm(FlaskForm):
    name = StringField(_l("Nama dimensi"), validators=[DataRequired(), Length(max=120)])
    construct = SelectField(_l("Jenis"), choices=CONSTRUCT_CHOICES, default="readiness")
    description = TextAreaField(_l("Keterangan dimensi"), validators=[Optional(), Length(max=1000)])


class QuestionForm(FlaskForm):
    kind = SelectField(_l("Jenis pertanyaan"), choices=KIND_CHOICES, default="likert")
    text = TextAreaField(_l("Teks pertanyaan"), validators=[DataRequired(), Length(max=1000)])
    dimension_id = SelectField(
        _l("Dimensi"),
        coerce=int,
        validators=[Optional()],
        description=_l("Wajib untuk pernyataan skala."),
    )
    reverse_keyed = BooleanField(
        _l("Skor dibalik (pernyataan negatif: 6 − jawaban)"),
    )

    def set_dimensions(self, instrument) -> None:
        self.dimension_id.choices = [(0, _l("— tanpa dimensi (pertanyaan terbuka) —"))] + [
            (d.id, d.name) for d in instrument.dimensions
        ]


class WaveForm(FlaskForm):
    instrument_id = SelectField(_l("Instrumen"), coerce=int, validators=[InputRequired()])
    title = StringField(_l("Judul gelombang"), validators=[DataRequired(), Length(max=200)])
    change_description = TextAreaField(
        _l("Perubahan yang ditanyakan"),
        validators=[DataRequired(), Length(max=4000)],
        description=_l(
            "Ditampilkan di atas survei, misalnya: penerapan layanan administrasi "
            "kependudukan daring di kantor kelurahan."
        ),
    )
    opens_on = DateField(_l("Tanggal buka"), validators=[DataRequired()])
    closes_on = DateField(_l("Tanggal tutup"), validators=[DataRequired()])
    unit_ids = MultiCheckboxField(
        _l("Unit sasaran"),
        coerce=int,
        validators=[DataRequired()],
        description=_l("Semua pegawai di unit ini dan di bawahnya diundang."),
    )
    min_group = IntegerField(
        _l("Ambang anonimitas (k)"),
        validators=[InputRequired(), NumberRange(min=3, max=100)],
        description=_l(
            "Tidak ada angka untuk kelompok dengan kurang dari k responden. Minimal 3; "
            "tidak dapat diubah setelah gelombang dibuka."
        ),
    )
    comment_min_group = IntegerField(
        _l("Ambang komentar"),
        validators=[InputRequired(), NumberRange(min=3, max=100)],
        description=_l("Komentar hanya tampil untuk kelompok sebesar ini atau lebih."),
    )
    live_results = BooleanField(
        _l("Tampilkan hasil sementara selama gelombang dibuka"),
        description=_l(
            "Hasil sementara hanya memuat jawaban sampai kemarin. Membandingkan hasil "
            "dari hari ke hari dapat mempersempit dugaan pada kelompok kecil; biarkan "
            "tidak dicentang bila ragu."
        ),
    )

    def validate_closes_on(self, field):
        if self.opens_on.data and field.data and field.data < self.opens_on.data:
            from wtforms.validators import ValidationError

            raise ValidationError(_l("Tanggal tutup tidak boleh sebelum tanggal buka."))

    def validate_comment_min_group(self, field):
        if self.min_group.data and field.data is not None and field.data < self.min_group.data:
            from wtforms.validators import ValidationError

            raise ValidationError(_l("Ambang komentar tidak boleh lebih kecil dari k."))


class ActionPlanForm(FlaskForm):
    focus = TextAreaField(
        _l("Fokus (dimensi yang ingin diperbaiki)"), validators=[Optional(), Length(max=2000)]
    )
    actions = TextAreaField(
        _l("Langkah yang akan dilakukan"), validators=[DataRequired(), Length(max=4000)]
    )
    due_on = DateField(_l("Target selesai"), validators=[Optional()])
    status = SelectField(_l("Status"), choices=PLAN_STATUS_CHOICES, default="rencana")


class ReviewForm(FlaskForm):
    review = TextAreaField(
        _l("Hasil tinjauan: apa yang sudah berjalan dan apa yang belum"),
        validators=[DataRequired(), Length(max=4000)],
    )
    status = SelectField(_l("Status"), choices=PLAN_STATUS_CHOICES, default="berjalan")


ACTION_STATUS_CHOICES = [
    ("rencana", _l("Direncanakan")),
    ("berjalan", _l("Sedang berjalan")),
    ("selesai", _l("Selesai")),
    ("batal", _l("Dibatalkan")),
]


class ActionForm(FlaskForm):
    """One action of a plan. The view fills the dimension and session choices."""

    what = StringField(_l("Aksi"), validators=[DataRequired(), Length(max=300)])
    dimension_id = SelectField(
        _l("Alasan (dimensi yang dijawab)"), coerce=int, validators=[DataRequired()]
    )
    owner = StringField(
        _l("Penanggung jawab (NIP atau email)"),
        validators=[DataRequired(), Length(max=254)],
        description=_l("Anda sendiri atau pegawai di unit bawahan Anda."),
    )
    due_on = DateField(_l("Tenggat"), validators=[DataRequired()])
    status = SelectField(_l("Status"), choices=ACTION_STATUS_CHOICES, default="rencana")
    session_id = SelectField(
        _l("Sesi pelatihan atau sosialisasi terkait"), coerce=int, default=0, validate_choice=True
    )
    notes = TextAreaField(_l("Catatan"), validators=[Optional(), Length(max=4000)])


class BriefingForm(FlaskForm):
    """A sosialisasi the leader holds, scheduled as a session of its own kind."""

    day = DateField(_l("Tanggal"), validators=[DataRequired()])
    start_time = TimeField(_l("Mulai (WIB)"), validators=[DataRequired()])
    end_time = TimeField(_l("Selesai (WIB)"), validators=[DataRequired()])
    venue = StringField(_l("Tempat"), validators=[Optional(), Length(max=200)])
    capacity = IntegerField(
        _l("Kapasitas"), default=30, validators=[DataRequired(), NumberRange(min=1, max=10_000)]
    )
    jp = IntegerField(
        _l("JP yang diakui"),
        default=0,
        validators=[Optional(), NumberRange(min=0, max=200)],
        description=_l("0: sosialisasi tanpa JP."),
    )


class PulseForm(FlaskForm):
    """Open a pulse wave: the dimensions to measure again (the view fills the choices)."""

    dimension_ids = MultiCheckboxField(_l("Dimensi yang diukur ulang"), coerce=int)
    title = StringField(_l("Judul"), validators=[DataRequired(), Length(max=200)])
    opens_on = DateField(_l("Dibuka"), validators=[DataRequired()])
    closes_on = DateField(_l("Ditutup"), validators=[DataRequired()])
