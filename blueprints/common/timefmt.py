"""Time is stored in UTC and shown in WIB (Asia/Jakarta); dates and numbers in the user's locale."""

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
