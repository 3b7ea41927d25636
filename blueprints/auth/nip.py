"""NIP (PNS) and NI PPPK: 18 digits, validated as domain.md §1 describes.

NIP PNS  = birth date YYYYMMDD + TMT CPNS YYYYMM + gender digit (1/2) + sequence (001-999).
NI PPPK  = birth date YYYYMMDD + year first appointed YYYY + 2-digit code + gender + sequence (3).
The PPPK middle part is unconfirmed, so only length, birth date, gender digit and an appointment
year not in the future are checked there.
"""

import re
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

DIGITS = re.compile(r"^\d{18}$")


class NipError(ValueError):
    """message is a lazy, translatable reason."""


@dataclass(frozen=True)
class ParsedNip:
    digits: str
    birth_date: date
    gender: str  # "L" or "P"


def normalize(raw: str) -> str:
    """Accept the printed form with spaces ('19800101 200501 1 001'); store digits only."""
    return re.sub(r"[\s.\-]", "", raw or "")


def _birth_date(digits: str) -> date:
    try:
        born = date(int(digits[0:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError as exc:
        raise NipError(_l("Tanggal lahir dalam NIP tidak valid.")) from exc
    if born.year < 1900:
        raise NipError(_l("Tanggal lahir dalam NIP tidak valid."))
    return born


def _gender(digit: str) -> str:
    if digit not in ("1", "2"):
        raise NipError(_l("Digit jenis kelamin dalam NIP harus 1 atau 2."))
    return "L" if digit == "1" else "P"


def _check_format(digits: str) -> None:
    if not DIGITS.match(digits):
        raise NipError(_l("NIP harus terdiri dari 18 angka."))


def parse_pns(raw: str, today: date | None = None) -> ParsedNip:
    today = today or date.today()
    digits = normalize(raw)
    _check_format(digits)
    born = _birth_date(digits)
    year, month = int(digits[8:12]), int(digits[12:14])
    if not 1 <= month <= 12:
        raise NipError(_l("TMT CPNS dalam NIP tidak valid."))
    if (year, month) > (today.year, today.month):
        raise NipError(_l("TMT CPNS dalam NIP tidak boleh di masa depan."))
    if (year, month) < (born.year + 18, born.month):
        raise NipError(_l("TMT CPNS dalam NIP harus setelah berusia 18 tahun."))
    gender = _gender(digits[14])
    if digits[15:18] == "000":
        raise NipError(_l("Nomor urut dalam NIP tidak boleh 000."))
    if born > today:
        raise NipError(_l("Tanggal lahir dalam NIP tidak valid."))
    return ParsedNip(digits, born, gender)


def parse_pppk(raw: str, today: date | None = None) -> ParsedNip:
    today = today or date.today()
    digits = normalize(raw)
    _check_format(digits)
    born = _birth_date(digits)
    if born > today:
        raise NipError(_l("Tanggal lahir dalam NIP tidak valid."))
    if int(digits[8:12]) > today.year:
        raise NipError(_l("Tahun pengangkatan dalam NI PPPK tidak boleh di masa depan."))
    gender = _gender(digits[14])
    return ParsedNip(digits, born, gender)


def parse(raw: str, employment_type: str, today: date | None = None) -> ParsedNip:
    if employment_type == "PPPK":
        return parse_pppk(raw, today)
    return parse_pns(raw, today)


def display(digits: str, employment_type: str = "PNS") -> str:
    """The printed form: '19800101 200501 1 001' (PNS) or '19900913 2025 24 2 014' (PPPK)."""
    if len(digits) != 18:
        return digits
    if employment_type == "PPPK":
        return f"{digits[:8]} {digits[8:12]} {digits[12:14]} {digits[14]} {digits[15:]}"
    return f"{digits[:8]} {digits[8:14]} {digits[14]} {digits[15:]}"
