"""Reference lists of the Indonesian civil service (domain.md §1). Kept as data, not as law."""

from flask_babel import lazy_gettext as _l

EMPLOYMENT_TYPES = ("PNS", "PPPK")

GOLONGAN_PNS = {
    "I/a": "Juru Muda",
    "I/b": "Juru Muda Tingkat I",
    "I/c": "Juru",
    "I/d": "Juru Tingkat I",
    "II/a": "Pengatur Muda",
    "II/b": "Pengatur Muda Tingkat I",
    "II/c": "Pengatur",
    "II/d": "Pengatur Tingkat I",
    "III/a": "Penata Muda",
    "III/b": "Penata Muda Tingkat I",
    "III/c": "Penata",
    "III/d": "Penata Tingkat I",
    "IV/a": "Pembina",
    "IV/b": "Pembina Tingkat I",
    "IV/c": "Pembina Utama Muda",
    "IV/d": "Pembina Utama Madya",
    "IV/e": "Pembina Utama",
}

# PPPK golongan I to XVII (source unconfirmed: domain.md keeps it as a list in data).
GOLONGAN_PPPK = [
    "I",
    "II",
    "III",
    "IV",
    "V",
    "VI",
    "VII",
    "VIII",
    "IX",
    "X",
    "XI",
    "XII",
    "XIII",
    "XIV",
    "XV",
    "XVI",
    "XVII",
]

JENIS_JABATAN = {
    "jpt": _l("Jabatan Pimpinan Tinggi"),
    "administrator": _l("Administrator"),
    "pengawas": _l("Pengawas"),
    "fungsional": _l("Fungsional"),
    "pelaksana": _l("Pelaksana"),
}

UNIT_KINDS = {
    "kecamatan": _l("Kecamatan"),
    "sekretariat": _l("Sekretariat"),
    "subbagian": _l("Subbagian"),
    "seksi": _l("Seksi"),
    "kelurahan": _l("Kelurahan"),
    "puskesmas": _l("Puskesmas"),
    "lingkungan": _l("Lingkungan"),
    "lainnya": _l("Unit lain"),
}

# Roles stored explicitly. "Pimpinan" (leader) is not stored: heading a unit makes one a leader.
STORED_ROLES = {"admin": _l("Admin"), "organizer": _l("Penyelenggara")}
ROLE_LABELS = {**STORED_ROLES, "leader": _l("Pimpinan"), "staff": _l("Pegawai")}
