"""Time is stored in UTC and shown in WIB (Asia/Jakarta); dates and numbers in the user's locale."""

import re
from datetime import UTC, date, datetime, time
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel.numbers import NumberPattern, parse_pattern
from flask_babel import format_date, format_datetime, get_locale

WIB = ZoneInfo("Asia/Jakarta")


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """SQLite hands back naive datetimes: they were stored as UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def to_wib(value: datetime) -> datetime:
    return as_utc(value).astimezone(WIB)


def today_wib() -> date:
    return utcnow().astimezone(WIB).date()


def wib_to_utc(day: date, at: time) -> datetime:
    """A wall-clock time in Marelan, as an aware UTC datetime."""
    return datetime.combine(day, at, tzinfo=WIB).astimezone(UTC)


def wib_year_bounds(year: int) -> tuple[datetime, datetime]:
    """[start, end) of a calendar year in WIB, in UTC: the JP year turns at midnight in Marelan."""
    return wib_to_utc(date(year, 1, 1), time()), wib_to_utc(date(year + 1, 1, 1), time())


# One date style per language (issue 15): "2 Des 2026" and "2 Dec 2026", times without seconds
# ("15.45 WIB", "15:45 WIB"). The named Babel styles map to these patterns.
_DATE_STYLES = {
    "short": "d MMM y",
    "medium": "d MMM y",
    "long": "d MMMM y",
    "full": "EEEE, d MMMM y",
}
_TIME = {"id": "HH.mm", "en": "HH:mm"}


def _language() -> str:
    return "en" if str(get_locale() or "id").startswith("en") else "id"


def _datetime_pattern(fmt: str) -> str:
    language = _language()
    if fmt in _DATE_STYLES:
        joiner = ", " if language == "en" else " "
        return f"{_DATE_STYLES[fmt]}{joiner}{_TIME[language]}"
    return fmt.replace("HH.mm", _TIME[language])


def format_wib(value: datetime | None, fmt: str = "medium") -> str:
    """'28 Nov 2026 09.00 WIB' in Indonesian, with the zone named so nobody has to guess."""
    if value is None:
        return ""
    return f"{format_datetime(to_wib(value), _datetime_pattern(fmt), rebase=False)} WIB"


def format_wib_date(value: datetime | None, fmt: str = "medium") -> str:
    if value is None:
        return ""
    return format_date(to_wib(value).date(), _DATE_STYLES.get(fmt, fmt))


def format_day(value: date | None, fmt: str = "medium") -> str:
    if value is None:
        return ""
    return format_date(value, _DATE_STYLES.get(fmt, fmt))


# Texts stored now and read later (a notification's parameters: the kind's text is translated
# when shown, in the reader's language). A date is stored in the source language's style, the same
# whoever wrote it: "2 Des 2026", "2 Des 2026 08.30 WIB"; localize_params() shows it in the
# reader's style when the text is read ("2 Dec 2026, 08:30 WIB"). Before issue 15 the stored
# form was "02-12-2026 08.30 WIB": it is read too.
_MONTHS_ID = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")
_MONTH = "(?P<mon>" + "|".join(_MONTHS_ID) + ")"
_STORED = re.compile(
    r"(?P<d>\d{1,2}) " + _MONTH + r" (?P<y>\d{4})(?: (?P<h>\d{2})\.(?P<mi>\d{2}) WIB)?"
)
_STORED_BEFORE = re.compile(
    r"(?P<d>\d{2})-(?P<m>\d{2})-(?P<y>\d{4})(?: (?P<h>\d{2})\.(?P<mi>\d{2}) WIB)?"
)


def stored_day(value: date) -> str:
    """A day for a stored text: "2 Des 2026" (see localize_params)."""
    return f"{value.day} {_MONTHS_ID[value.month - 1]} {value.year}"


def stored_moment(value: datetime) -> str:
    """A moment for a stored text, in WIB without seconds: "2 Des 2026 08.30 WIB"."""
    wib = to_wib(value)
    return f"{stored_day(wib.date())} {wib:%H.%M} WIB"


def localize_stored(value):
    """A value written by stored_day / stored_moment (or in the older dd-mm-yyyy form) in the
    reader's style; any other value as it is."""
    if not isinstance(value, str):
        return value
    match = _STORED.fullmatch(value) or _STORED_BEFORE.fullmatch(value)
    if match is None:
        return value
    parts = match.groupdict()
    month = _MONTHS_ID.index(parts["mon"]) + 1 if parts.get("mon") else int(parts["m"])
    try:
        day = date(int(parts["y"]), month, int(parts["d"]))
        if parts["h"] is None:
            return format_day(day)
        return format_wib(wib_to_utc(day, time(int(parts["h"]), int(parts["mi"]))))
    except ValueError:  # "31 Feb": not a date after all
        return value


def localize_params(params: dict) -> dict:
    """A stored text's parameters with their dates in the reader's style (call when showing)."""
    return {key: localize_stored(value) for key, value in (params or {}).items()}


@lru_cache(maxsize=16)
def _number_pattern(pattern: str) -> NumberPattern:
    return parse_pattern(pattern)


def format_pattern(value, pattern: str) -> str:
    """A number in the request's locale with a fixed pattern ("#,##0.00", "#,##0%").

    What flask_babel.format_decimal does, but the pattern is parsed once per process: a results
    page formats thousands of numbers and parsing was most of their cost.
    """
    return _number_pattern(pattern).apply(value, get_locale())


def format_number(value) -> str:
    if value is None:
        return "–"
    return format_pattern(value, "#,##0.###")


def format_decimal_1(value) -> str:
    if value is None:
        return "–"
    return format_pattern(value, "#,##0.0")


def format_percent(value) -> str:
    """value is a share between 0 and 1."""
    if value is None:
        return "–"
    return format_pattern(value, "#,##0%")
