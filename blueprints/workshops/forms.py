"""Forms of the workshops blueprint. Times are entered in WIB and stored in UTC."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    IntegerField,
    RadioField,
    SearchField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
    URLField,
)
from wtforms.validators import (
    URL,
    DataRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from blueprints.common.timefmt import as_utc, to_wib, today_wib, wib_to_utc
from blueprints.workshops.models import COMPETENCY_TYPES, LEARNING_FORMS, LEARNING_KINDS
from blueprints.workshops.rules import default_jp


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _kind_choices():
    return {
        str(LEARNING_FORMS[form]): [(key, label) for key, label in kinds.items()]
        for form, kinds in LEARNING_KINDS.items()
    }


def _int_or_none(value):
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


class CatalogueForm(FlaskForm):
    """A GET form: the URL is the state, so results can be shared and bookmarked."""

    class Meta:
        csrf = False

    q = SearchField(_l("Cari judul atau deskripsi"), validators=[Optional(), Length(max=100)])
    topic = SelectField(_l("Topik"), coerce=_int_or_none, validators=[Optional()])
    competency = SelectField(_l("Jenis kompetensi"), validators=[Optional()])
    month = SelectField(_l("Bulan"), validators=[Optional()])
    seats = BooleanField(_l("Hanya yang masih ada kursi"))

    def fill_choices(self, topics, months, month_label):
        # "" (not None): the "all topics" option must not put topic=None in the URL.
        self.topic.choices = [("", _l("Semua topik"))] + [(t.id, t.name) for t in topics]
        self.competency.choices = [("", _l("Semua jenis"))] + list(COMPETENCY_TYPES.items())
        self.month.choices = [("", _l("Semua bulan"))] + [(m, month_label(m)) for m in months]


class WorkshopForm(FlaskForm):
    title = StringField(_l("Judul"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Deskripsi"), validators=[Optional(), Length(max=5000)])
    competency_type = SelectField(
        _l("Jenis kompetensi"), choices=list(COMPETENCY_TYPES.items()), validators=[DataRequired()]
    )
    topics = MultiCheckboxField(_l("Topik"), coerce=int, validators=[Optional()])
    learning_form = RadioField(
        _l("Bentuk pembelajaran"),
        choices=list(LEARNING_FORMS.items()),
        default="klasikal",
        validators=[DataRequired()],
    )
    learning_kind = SelectField(_l("Jenis kegiatan"), validators=[DataRequired()])
    requires_approval = BooleanField(
        _l("Perlu izin atasan"),
        description=_l("Permohonan menunggu persetujuan atasan langsung dan belum memesan kursi."),
    )
    organizers = MultiCheckboxField(_l("Penyelenggara"), coerce=int, validators=[Optional()])
    active = BooleanField(
        _l("Pelatihan aktif"),
        default=True,
        description=_l("Pelatihan nonaktif tidak tampil di katalog; riwayat dan JP tetap ada."),
    )
    # The signatory of its certificates; an empty name = the default (document settings).
    signatory_title = StringField(
        _l("Jabatan penanda tangan sertifikat"),
        validators=[Optional(), Length(max=200)],
        description=_l("Kosong = penanda tangan bawaan (Camat) dari pengaturan dokumen."),
    )
    signatory_name = StringField(
        _l("Nama penanda tangan"), validators=[Optional(), Length(max=200)]
    )
    signatory_nip = StringField(
        _l("NIP penanda tangan"),
        validators=[
            Optional(),
            Regexp(r"^[0-9 ]{18,21}$", message=_l("NIP terdiri dari 18 angka.")),
        ],
    )
    signatory_rank = StringField(
        _l("Pangkat/golongan penanda tangan"),
        validators=[Optional(), Length(max=100)],
        description=_l("Mis. Pembina, IV/a"),
    )

    def __init__(self, *args, topics=(), organizers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.topics.choices = [(t.id, t.name) for t in topics]
        self.organizers.choices = [(p.id, p.name) for p in organizers]
        self.learning_kind.choices = _kind_choices()

    def validate_learning_kind(self, field):
        if field.data not in LEARNING_KINDS.get(self.learning_form.data, {}):
            raise ValidationError(_l("Jenis kegiatan tidak sesuai dengan bentuk pembelajaran."))

    def to_data(self) -> dict:
        return {
            "title": self.title.data.strip(),
            "description": (self.description.data or "").strip(),
            "competency_type": self.competency_type.data,
            "learning_form": self.learning_form.data,
            "learning_kind": self.learning_kind.data,
            "requires_approval": bool(self.requires_approval.data),
            "active": bool(self.active.data),
            "signatory_title": (self.signatory_title.data or "").strip(),
            "signatory_name": (self.signatory_name.data or "").strip(),
            "signatory_nip": (self.signatory_nip.data or "").replace(" ", ""),
            "signatory_rank": (self.signatory_rank.data or "").strip(),
        }

    def validate_signatory_nip(self, field):
        if field.data and len(field.data.replace(" ", "")) != 18:
            raise ValidationError(_l("NIP terdiri dari 18 angka."))


class SessionForm(FlaskForm):
    day = DateField(_l("Tanggal"), validators=[DataRequired()])
    start_time = TimeField(_l("Mulai (WIB)"), validators=[DataRequired()])
    end_time = TimeField(_l("Selesai (WIB)"), validators=[DataRequired()])
    venue = StringField(_l("Tempat"), validators=[Optional(), Length(max=200)])
    online_url = URLField(
        _l("Tautan daring"), validators=[Optional(), URL(require_tld=False), Length(max=500)]
    )
    facilitator = StringField(_l("Fasilitator"), validators=[Optional(), Length(max=200)])
    capacity = IntegerField(
        _l("Kapasitas"), validators=[DataRequired(), NumberRange(min=1, max=10_000)]
    )
    jp_credited = IntegerField(
        _l("JP yang diakui"),
        validators=[Optional(), NumberRange(min=0, max=200)],
        description=_l("Kosongkan untuk memakai bawaan: satuan utuh 45 menit dari durasi sesi."),
    )
    registration_opens = DateTimeLocalField(
        _l("Pendaftaran dibuka (WIB)"),
        format="%Y-%m-%dT%H:%M",
        validators=[Optional()],
        description=_l("Kosongkan: dibuka sejak sesi diterbitkan."),
    )
    registration_closes = DateTimeLocalField(
        _l("Pendaftaran ditutup (WIB)"),
        format="%Y-%m-%dT%H:%M",
        validators=[Optional()],
        description=_l("Kosongkan: ditutup saat sesi dimulai."),
    )

    def validate_end_time(self, field):
        if self.start_time.data and field.data and field.data <= self.start_time.data:
            raise ValidationError(_l("Waktu selesai harus setelah waktu mulai."))

    def validate_online_url(self, field):
        value = (field.data or "").strip().lower()
        if value and not value.startswith(("https://", "http://")):
            raise ValidationError(_l("Tautan harus diawali http:// atau https://."))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not (self.venue.data or "").strip() and not (self.online_url.data or "").strip():
            self.venue.errors = [*self.venue.errors, _l("Isi tempat atau tautan daring.")]
            valid = False
        return valid

    def validate_registration_closes(self, field):
        opens, closes = self.registration_opens.data, field.data
        if opens and closes and closes <= opens:
            raise ValidationError(_l("Penutupan pendaftaran harus setelah pembukaannya."))
        starts = (
            datetime.combine(self.day.data, self.start_time.data)
            if self.day.data and self.start_time.data
            else None
        )
        if closes and starts and closes > starts:
            raise ValidationError(_l("Pendaftaran harus ditutup paling lambat saat sesi dimulai."))

    def fill_from(self, session) -> None:
        start, end = to_wib(session.starts_at), to_wib(session.ends_at)
        self.day.data = start.date()
        self.start_time.data = start.time().replace(tzinfo=None)
        self.end_time.data = end.time().replace(tzinfo=None)
        self.venue.data = session.venue
        self.online_url.data = session.online_url
        self.facilitator.data = session.facilitator
        self.capacity.data = session.capacity
        self.jp_credited.data = session.jp_credited
        if session.registration_opens_at:
            self.registration_opens.data = to_wib(session.registration_opens_at).replace(
                tzinfo=None
            )
        if session.registration_closes_at:
            self.registration_closes.data = to_wib(session.registration_closes_at).replace(
                tzinfo=None
            )

    def to_data(self) -> dict:
        starts_at = wib_to_utc(self.day.data, self.start_time.data)
        ends_at = wib_to_utc(self.day.data, self.end_time.data)
        jp = self.jp_credited.data
        opens, closes = self.registration_opens.data, self.registration_closes.data
        return {
            "starts_at": starts_at,
            "ends_at": ends_at,
            "venue": (self.venue.data or "").strip(),
            "online_url": (self.online_url.data or "").strip(),
            "facilitator": (self.facilitator.data or "").strip(),
            "capacity": self.capacity.data,
            "jp_credited": jp if jp is not None else default_jp(starts_at, ends_at),
            "registration_opens_at": as_utc(wib_to_utc(opens.date(), opens.time()))
            if opens
            else None,
            "registration_closes_at": as_utc(wib_to_utc(closes.date(), closes.time()))
            if closes
            else None,
        }


class DeclineForm(FlaskForm):
    reason = StringField(_l("Alasan penolakan"), validators=[DataRequired(), Length(max=500)])


class AddPeopleForm(FlaskForm):
    people = TextAreaField(
        _l("NIP atau email peserta"),
        validators=[DataRequired(), Length(max=20_000)],
        description=_l("Satu per baris. Peserta wajib mendapat kursi atau masuk daftar tunggu."),
    )


class WalkInForm(FlaskForm):
    person = StringField(
        _l("NIP atau email peserta langsung"), validators=[DataRequired(), Length(max=254)]
    )


RATING_CHOICES = [
    (1, _l("1 – sangat kurang")),
    (2, _l("2 – kurang")),
    (3, _l("3 – cukup")),
    (4, _l("4 – baik")),
    (5, _l("5 – sangat baik")),
]


class EvaluationForm(FlaskForm):
    relevance = RadioField(
        _l("Relevansi materi dengan pekerjaan"),
        choices=RATING_CHOICES,
        coerce=int,
        validators=[DataRequired(_l("Pilih nilai 1–5."))],
    )
    usefulness = RadioField(
        _l("Kebermanfaatan"),
        choices=RATING_CHOICES,
        coerce=int,
        validators=[DataRequired(_l("Pilih nilai 1–5."))],
    )
    facilitator = RadioField(
        _l("Fasilitator"),
        choices=RATING_CHOICES,
        coerce=int,
        validators=[DataRequired(_l("Pilih nilai 1–5."))],
    )
    comment = TextAreaField(
        _l("Komentar (opsional)"),
        validators=[Optional(), Length(max=2000)],
        description=_l("Penyelenggara membaca komentar tanpa mengetahui penulisnya."),
    )


class ExternalLearningForm(FlaskForm):
    title = StringField(_l("Judul kegiatan"), validators=[DataRequired(), Length(max=200)])
    provider = StringField(
        _l("Penyelenggara kegiatan"), validators=[DataRequired(), Length(max=200)]
    )
    learning_form = RadioField(
        _l("Bentuk pembelajaran"),
        choices=list(LEARNING_FORMS.items()),
        default="nonklasikal",
        validators=[DataRequired()],
    )
    learning_kind = SelectField(_l("Jenis kegiatan"), validators=[DataRequired()])
    learned_on = DateField(_l("Tanggal selesai"), validators=[DataRequired()])
    jp = IntegerField(_l("JP"), validators=[DataRequired(), NumberRange(min=1, max=200)])
    evidence = FileField(
        _l("Bukti (sertifikat)"),
        validators=[FileRequired(_l("Unggah berkas bukti."))],
        description=_l("PDF, JPG atau PNG, paling besar 5 MB."),
        render_kw={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.learning_kind.choices = _kind_choices()

    def validate_learning_kind(self, field):
        if field.data not in LEARNING_KINDS.get(self.learning_form.data, {}):
            raise ValidationError(_l("Jenis kegiatan tidak sesuai dengan bentuk pembelajaran."))

    def validate_learned_on(self, field):
        if field.data and field.data > today_wib():
            raise ValidationError(_l("Tanggal tidak boleh di masa depan."))

    def to_data(self) -> dict:
        return {
            "title": self.title.data.strip(),
            "provider": self.provider.data.strip(),
            "learning_form": self.learning_form.data,
            "learning_kind": self.learning_kind.data,
            "learned_on": self.learned_on.data,
            "jp": self.jp.data,
        }


class RejectForm(FlaskForm):
    reason = StringField(_l("Alasan penolakan"), validators=[DataRequired(), Length(max=500)])


class TopicForm(FlaskForm):
    name = StringField(_l("Nama topik"), validators=[DataRequired(), Length(max=100)])


class CheckinCodeForm(FlaskForm):
    """The fallback to scanning: the six digits shown under the QR on the organizer's screen."""

    code = StringField(
        _l("Kode presensi"),
        validators=[DataRequired(), Length(max=20)],
        description=_l("Enam angka yang tampil di layar penyelenggara."),
        render_kw={"inputmode": "numeric", "autocomplete": "one-time-code"},
    )
