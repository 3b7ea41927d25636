"""Administration forms. Rules that need the database live in services.py."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    SearchField,
    SelectField,
    StringField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    StopValidation,
    ValidationError,
)

from blueprints.admin.contracts import contract_start_problem
from blueprints.admin.importer import EMAIL as EMAIL_PATTERN
from blueprints.admin.settings import SPECS
from blueprints.auth import nip as nip_rules
from blueprints.auth.constants import (
    EMPLOYMENT_TYPES,
    GOLONGAN_PNS,
    GOLONGAN_PPPK,
    JENIS_JABATAN,
    ROLE_LABELS,
    UNIT_KINDS,
)
from blueprints.common.timefmt import today_wib

# WTForms ships no Indonesian catalog: its built-in messages are translated here, and every
# validator below carries its own Indonesian message.
_WTFORMS_MESSAGES = {
    "Not a valid choice.": _l("Pilihan tidak valid."),
    "This field is required.": _l("Wajib diisi."),
    "Invalid input.": _l("Isian tidak valid."),
    "Not a valid integer value.": _l("Isi dengan bilangan bulat."),
    "Not a valid date value.": _l("Isi tanggal yang valid."),
}


class _Messages:
    def gettext(self, message):
        return str(_WTFORMS_MESSAGES.get(message, message))

    def ngettext(self, singular, plural, n):
        return self.gettext(singular if n == 1 else plural)


class AdminForm(FlaskForm):
    class Meta:
        def get_translations(self, form):
            return _Messages()


def _required():
    return DataRequired(message=_l("Wajib diisi."))


def _max_length(limit: int):
    return Length(max=limit, message=_l("Paling banyak %(max)d karakter.", max=limit))


class WholeNumberField(IntegerField):
    """An integer field whose parse error is in Indonesian and stops the other checks."""

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        try:
            self.data = int(valuelist[0])
        except ValueError as exc:
            self.data = None
            raise ValueError(_l("Isi dengan bilangan bulat.")) from exc

    def pre_validate(self, form):
        if self.process_errors:
            raise StopValidation()


def _coerce_int_or_none(value):
    if value in (None, "", "None"):
        return None
    return int(value)


# --- units ---------------------------------------------------------------------------------
class UnitForm(AdminForm):
    code = StringField(
        _l("Kode unit"),
        validators=[
            _required(),
            _max_length(32),
            Regexp(
                r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
                message=_l("Gunakan huruf, angka, titik atau tanda hubung."),
            ),
        ],
        description=_l("Dipakai di berkas impor (kolom unit_kode), mis. KEL-TJ."),
    )
    name = StringField(_l("Nama unit"), validators=[_required(), _max_length(200)])
    kind = SelectField(
        _l("Jenis unit"), choices=[(key, label) for key, label in UNIT_KINDS.items()]
    )


class UnitCreateForm(UnitForm):
    parent_id = SelectField(_l("Unit induk"), coerce=_coerce_int_or_none, validate_choice=False)

    def validate_parent_id(self, field):
        valid = {_coerce_int_or_none(value) for value, _label in field.choices}
        if field.data not in valid:
            raise ValidationError(_l("Pilih unit induk dari daftar."))


class UnitMoveForm(AdminForm):
    parent_id = SelectField(
        _l("Pindahkan ke bawah unit"),
        coerce=_coerce_int_or_none,
        validate_choice=False,
        validators=[DataRequired(message=_l("Pilih unit induk baru."))],
    )


class UnitHeadForm(AdminForm):
    head_id = SelectField(
        _l("Pimpinan unit"),
        coerce=_coerce_int_or_none,
        description=_l("Pegawai aktif di unit ini. Pimpinan menjadi atasan langsung anggota unit."),
    )


# --- employees -----------------------------------------------------------------------------
GOLONGAN_CHOICES = {
    "PNS": [(code, f"{code} – {title}") for code, title in GOLONGAN_PNS.items()],
    "PPPK": [(code, code) for code in GOLONGAN_PPPK],
}


class EmployeeFilterForm(AdminForm):
    """The GET search form of the employee list (no CSRF: it changes nothing)."""

    class Meta:
        csrf = False

    q = SearchField(
        _l("Cari"),
        validators=[Optional(), _max_length(100)],
        description=_l("Nama, NIP, email atau jabatan."),
    )
    unit = SelectField(_l("Unit"), coerce=_coerce_int_or_none, validate_choice=False)
    scope = SelectField(
        _l("Cakupan unit"),
        choices=[("subtree", _l("Unit dan sub-unitnya")), ("unit", _l("Unit ini saja"))],
        validate_choice=False,
    )
    role = SelectField(
        _l("Peran"),
        choices=[
            ("", _l("Semua peran")),
            ("admin", ROLE_LABELS["admin"]),
            ("organizer", ROLE_LABELS["organizer"]),
            ("leader", ROLE_LABELS["leader"]),
            ("staff", _l("Pegawai tanpa peran lain")),
        ],
        validate_choice=False,
    )
    status = SelectField(
        _l("Status"),
        choices=[("active", _l("Aktif")), ("inactive", _l("Nonaktif")), ("all", _l("Semua"))],
        validate_choice=False,
    )


class EmployeeForm(AdminForm):
    nip = StringField(
        _l("NIP / NI PPPK"),
        validators=[_required(), _max_length(30)],
        description=_l("18 angka; spasi boleh, mis. 19800101 200501 1 001."),
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    name = StringField(_l("Nama lengkap"), validators=[_required(), _max_length(200)])
    email = EmailField(
        _l("Email"),
        validators=[
            _required(),
            Regexp(EMAIL_PATTERN, message=_l("Alamat email tidak valid.")),
            _max_length(254),
        ],
    )
    employment_type = SelectField(
        _l("Status kepegawaian"), choices=[(t, t) for t in EMPLOYMENT_TYPES]
    )
    golongan = SelectField(
        _l("Golongan"),
        validate_choice=False,
        description=_l("Golongan/ruang untuk PNS (I/a–IV/e), golongan I–XVII untuk PPPK."),
        # app.js shows only the <optgroup> of the chosen status; the server checks it anyway.
        render_kw={"data-follows": "employment_type"},
    )
    contract_start = DateField(
        _l("Awal kontrak (PPPK)"),
        validators=[Optional()],
        description=_l(
            "Tanggal mulai perjanjian kerja. Tahun JP PPPK berjalan sejak tanggal ini setiap "
            "tahun; tanpa tanggal, tahun kalender. Kosongkan untuk PNS."
        ),
    )
    jenis_jabatan = SelectField(
        _l("Jenis jabatan"), choices=[(key, label) for key, label in JENIS_JABATAN.items()]
    )
    jabatan = StringField(_l("Jabatan"), validators=[Optional(), _max_length(200)])
    unit_id = SelectField(_l("Unit"), coerce=_coerce_int_or_none, validate_choice=False)
    superior_nip = StringField(
        _l("NIP atasan langsung (opsional)"),
        validators=[Optional(), _max_length(30)],
        description=_l("Kosongkan agar atasan mengikuti struktur unit (pimpinan unitnya)."),
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Grouped by employment type (<optgroup>), built per request so labels are translated.
        self.golongan.choices = {
            str(_l("Tanpa golongan")): [("", str(_l("— tidak diisi —")))],
            **GOLONGAN_CHOICES,
        }

    def validate_nip(self, field):
        try:
            nip_rules.parse(field.data or "", self.employment_type.data)
        except nip_rules.NipError as exc:
            raise ValidationError(str(exc.args[0])) from exc

    def validate_golongan(self, field):
        if not field.data:
            return
        allowed = [code for code, _label in GOLONGAN_CHOICES.get(self.employment_type.data, [])]
        if field.data not in allowed:
            raise ValidationError(
                _l("Golongan ini tidak berlaku untuk %(type)s.", type=self.employment_type.data)
            )

    def validate_contract_start(self, field):
        problem = contract_start_problem(self.employment_type.data, field.data, today_wib())
        if problem is not None:
            raise ValidationError(problem)

    def validate_unit_id(self, field):
        if field.data not in {value for value, _label in field.choices}:
            raise ValidationError(_l("Pilih unit dari daftar."))


class RolesForm(AdminForm):
    admin = BooleanField(
        ROLE_LABELS["admin"], description=_l("Mengelola unit, akun, impor, pengaturan.")
    )
    organizer = BooleanField(
        ROLE_LABELS["organizer"], description=_l("Mengelola pelatihan, kehadiran dan sertifikat.")
    )


# --- import --------------------------------------------------------------------------------
class ImportForm(AdminForm):
    file = FileField(
        _l("Berkas CSV"),
        validators=[FileRequired(message=_l("Pilih berkas CSV."))],
        description=_l(
            "UTF-8 (dengan atau tanpa BOM), pemisah koma atau titik koma, paling besar 2 MB."
        ),
        render_kw={"accept": ".csv,text/csv"},
    )


# --- audit log -----------------------------------------------------------------------------
class AuditFilterForm(AdminForm):
    class Meta:
        csrf = False

    action = SelectField(_l("Tindakan"), validate_choice=False)
    actor = SearchField(
        _l("Pelaku"),
        validators=[Optional(), _max_length(100)],
        description=_l("Nama, email atau NIP."),
    )


# --- settings ------------------------------------------------------------------------------
def settings_form_class():
    """One integer field per setting in settings.SPECS, with its bounds."""

    class SettingsForm(AdminForm):
        pass

    for key, spec in SPECS.items():
        setattr(
            SettingsForm,
            key,
            WholeNumberField(
                spec.label,
                validators=[
                    InputRequired(message=_l("Wajib diisi dengan angka.")),
                    NumberRange(
                        min=spec.minimum,
                        max=spec.maximum,
                        message=_l(
                            "Isi angka antara %(min)d dan %(max)d.",
                            min=spec.minimum,
                            max=spec.maximum,
                        ),
                    ),
                ],
                description=spec.help,
                render_kw={"min": spec.minimum, "max": spec.maximum, "inputmode": "numeric"},
            ),
        )
    return SettingsForm
