"""Settings an admin can change (JP targets, feedback cadence, anonymity thresholds).

Each setting has a default here; the `setting` table holds only what an admin changed.
"""

from dataclasses import dataclass

from flask import g
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from blueprints.admin.models import Setting
from blueprints.common.timefmt import utcnow
from extensions import db


@dataclass(frozen=True)
class SettingSpec:
    key: str
    default: int
    label: object
    help: object
    minimum: int = 0
    maximum: int = 10_000


SPECS = {
    spec.key: spec
    for spec in [
        SettingSpec(
            "jp_target_pns",
            20,
            _l("Target JP per tahun untuk PNS (minimal)"),
            _l("PP 11/2017 pasal 203: paling sedikit 20 JP per tahun."),
            1,
            200,
        ),
        SettingSpec(
            "jp_max_pppk",
            24,
            _l("Batas JP per tahun untuk PPPK (maksimal)"),
            _l("PP 49/2018 pasal 40: paling lama 24 JP per tahun kontrak."),
            1,
            200,
        ),
        SettingSpec(
            "feedback_cadence_days",
            90,
            _l("Siklus umpan balik (hari)"),
            _l("Pegawai ditandai terlambat bila tidak menerima umpan balik dalam jangka ini."),
            7,
            365,
        ),
        SettingSpec(
            "survey_min_group",
            5,
            _l("Ambang anonimitas survei (k)"),
            _l("Tidak ada angka untuk kelompok di bawah k responden. Minimal 3."),
            3,
            100,
        ),
        SettingSpec(
            "survey_comment_min_group",
            10,
            _l("Ambang komentar survei"),
            _l("Komentar hanya tampil untuk kelompok sebesar ini atau lebih."),
            3,
            100,
        ),
        SettingSpec(
            "upward_min_group",
            3,
            _l("Ambang umpan balik ke atas"),
            _l("Pimpinan melihat rata-rata hanya dari sekurang-kurangnya sekian responden."),
            3,
            100,
        ),
        SettingSpec(
            "upward_comment_min_group",
            5,
            _l("Ambang komentar umpan balik ke atas"),
            _l("Komentar ke atas hanya tampil dari sekurang-kurangnya sekian responden."),
            3,
            100,
        ),
        SettingSpec(
            "checkin_opens_before_minutes",
            30,
            _l("Presensi QR dibuka sebelum sesi (menit)"),
            _l("Peserta dapat memindai kode hadir sejak sekian menit sebelum sesi dimulai."),
            0,
            1440,
        ),
        SettingSpec(
            "checkin_closes_after_minutes",
            0,
            _l("Presensi QR ditutup setelah sesi (menit)"),
            _l("0: presensi ditutup tepat saat sesi berakhir."),
            0,
            1440,
        ),
    ]
}


def get_setting(key: str) -> int:
    """Cached per request: pages may read several settings without repeating queries."""
    cache = g.setdefault("settings_cache", None) if _has_g() else None
    if cache is None:
        cache = {row.key: row.value for row in db.session.scalars(select(Setting))}
        if _has_g():
            g.settings_cache = cache
    if key in cache:
        return int(cache[key]["value"])
    return SPECS[key].default


def set_setting(key: str, value: int) -> None:
    spec = SPECS[key]
    if not spec.minimum <= value <= spec.maximum:
        raise ValueError(key)
    row = db.session.get(Setting, key)
    if row is None:
        row = Setting(key=key, value={"value": value})
        db.session.add(row)
    else:
        row.value = {"value": value}
        row.updated_at = utcnow()
    if _has_g():
        g.pop("settings_cache", None)


def _has_g() -> bool:
    from flask import has_app_context

    return has_app_context()
