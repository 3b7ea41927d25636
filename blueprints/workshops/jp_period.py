"""The JP period of a person: which days count toward their JP of a year (issue 16, domain.md §2).

THE RULE — written here only; everything that counts JP asks this module:

- A PNS, or a PPPK whose contract start is not recorded: the calendar year in WIB, labelled by
  its year.
- A PPPK with a contract start (`Employee.contract_start`): the contract year ("1 tahun masa
  perjanjian kerja", PP 49/2018 art. 40), labelled by the calendar year it starts in. It runs
  from the anniversary of the contract start in that year to the day before the next
  anniversary; a contract started on 29 February has its anniversary on 28 February in a
  non-leap year. The anniversaries also run backward before the contract start, so a person's
  periods cover time without gap or overlap: JP earned before the first contract year (an
  earlier contract, a date typed early) still falls in exactly one period.
- Days turn at midnight WIB: a session counts in the period of the WIB day it starts on, an
  external record in the period of the day it is dated.
- A person's "this year" is the period that contains today (WIB). For a PPPK it carries last
  year's label until this year's anniversary.

In SQL, many people are counted in one query, each in their own period. A period depends only on
the month and day of the contract start, its anniversary key (month * 100 + day: at most 366
values), and on the label; so `periods()` is a VALUES table (a CTE) of one row per key, plus key
0 for the calendar year, whose bounds come from `period()` below: SQL looks a person's bounds up
by key and never computes a date, which SQLite and PostgreSQL do differently. The one piece
written in SQL is `label_now_expr()` (a comparison of keys, cheap for a page of thousands of
people); tests check it against `label_on()` for every key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

from sqlalchemy import Date, DateTime, Integer, and_, case, cast, column, extract, func, text

from blueprints.auth.models import Employee
from blueprints.common.timefmt import today_wib, wib_to_utc
from extensions import db

CALENDAR = 0  # the anniversary key of everyone who counts by calendar year


@dataclass(frozen=True)
class Period:
    label: int  # the calendar year the period starts in
    first: date
    end: date  # the day after the last day
    contract: bool  # a contract year (else a calendar year)

    @property
    def last(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def start_at(self) -> datetime:
        """The first instant, midnight WIB, in UTC."""
        return wib_to_utc(self.first, time())

    @property
    def end_at(self) -> datetime:
        return wib_to_utc(self.end, time())

    def contains(self, day: date) -> bool:
        return self.first <= day < self.end


def anniversary(start: date, year: int) -> date:
    """The anniversary of `start` in `year`: 29 February falls on 28 February in a non-leap year."""
    try:
        return start.replace(year=year)
    except ValueError:
        return date(year, 2, 28)


def period(contract_start: date | None, label: int) -> Period:
    """The period labelled `label` of a person with this contract start (None: calendar year)."""
    if contract_start is None:
        return Period(label, date(label, 1, 1), date(label + 1, 1, 1), False)
    first = anniversary(contract_start, label)
    return Period(label, first, anniversary(contract_start, label + 1), True)


def label_on(contract_start: date | None, day: date) -> int:
    """The label of the period that contains `day`."""
    if contract_start is None or day >= anniversary(contract_start, day.year):
        return day.year
    return day.year - 1


def contract_start_of(employee: Employee) -> date | None:
    # The schema allows a contract start only for a PPPK; this guards an unsaved object too.
    return employee.contract_start if employee.employment_type == "PPPK" else None


def period_of(employee: Employee, label: int) -> Period:
    return period(contract_start_of(employee), label)


def period_label(employee: Employee, day: date) -> int:
    """The label of the person's period that contains `day`."""
    return label_on(contract_start_of(employee), day)


def current_period(employee: Employee, today: date | None = None) -> Period:
    """The person's "this year": the period that contains today (WIB)."""
    start = contract_start_of(employee)
    return period(start, label_on(start, today or today_wib()))


# --- SQL --------------------------------------------------------------------------------------
def _key(day: date) -> int:
    return day.month * 100 + day.day


@lru_cache(maxsize=1)
def _keys() -> tuple[tuple[int, date | None], ...]:
    """(key, a contract start with that anniversary) for the calendar and every day of a leap
    year, so that 29 February is one of them."""
    days = [date(2000, 1, 1) + timedelta(days=n) for n in range(366)]
    return ((CALENDAR, None), *((_key(day), day) for day in days))


def anniversary_key(contract_start=None):
    """SQL: a person's anniversary key (month * 100 + day of the contract start), 0 without one."""
    contract_start = Employee.contract_start if contract_start is None else contract_start
    month = cast(extract("month", contract_start), Integer)
    day = cast(extract("day", contract_start), Integer)
    return func.coalesce(month * 100 + day, CALENDAR)


@dataclass(frozen=True)
class Periods:
    """The periods of one query: `table` (anniversary, label, start_at, end_at, first_day,
    end_day) and the instants and days every row lies within (for an index on the dates)."""

    table: object
    start_at: datetime
    end_at: datetime
    first: date
    end: date

    def of_employee(self):
        """Join condition: the row of the person (Employee must be in the query)."""
        return self.table.c.anniversary == anniversary_key()

    def holds_instant(self, instant):
        t = self.table.c
        return and_(
            instant >= self.start_at,
            instant < self.end_at,
            instant >= t.start_at,
            instant < t.end_at,
        )

    def holds_day(self, day):
        t = self.table.c
        return and_(day >= self.first, day < self.end, day >= t.first_day, day < t.end_day)


def periods(label: int | None = None, today: date | None = None) -> Periods:
    """Every anniversary key's period labelled `label`; with no label, the period that contains
    `today` (default: today in WIB), i.e. each person's "this year"."""
    return _periods(label, today or today_wib(), db.engine.dialect.name)


@lru_cache(maxsize=16)
def _periods(label: int | None, today: date, dialect: str) -> Periods:
    rows = [
        (key, period(start, label if label is not None else label_on(start, today)))
        for key, start in _keys()
    ]
    spans = [p for _key_, p in rows]
    return Periods(
        _table(rows, dialect),
        min(p.start_at for p in spans),
        max(p.end_at for p in spans),
        min(p.first for p in spans),
        max(p.end for p in spans),
    )


# SQLite and PostgreSQL both name the columns of a VALUES list column1, column2, …
_SELECT = (
    "SELECT column1 AS anniversary, column2 AS label, column3 AS start_at, "
    "column4 AS end_at, column5 AS first_day, column6 AS end_day"
)


def _table(rows: list[tuple[int, Period]], dialect: str):
    """The VALUES table as SQL text with its values written in: the same text for every query
    of a day, so SQLAlchemy's statement cache and the databases' plan caches hold it (2,202 bound
    parameters made each query cost tens of milliseconds of Python). Instants and days are
    written as SQLite stores them (text) or, elsewhere, as standard SQL typed literals."""
    lines = ",\n".join(
        f"({key}, {p.label}, {_instant(p.start_at, dialect)}, {_instant(p.end_at, dialect)}, "
        f"{_day(p.first, dialect)}, {_day(p.end, dialect)})"
        for key, p in rows
    )
    sql = f"{_SELECT} FROM (VALUES {lines}) AS jp_period_values"  # noqa: S608 (our own values)
    return (
        text(sql)
        .columns(
            column("anniversary", Integer),
            column("label", Integer),
            column("start_at", DateTime(timezone=True)),
            column("end_at", DateTime(timezone=True)),
            column("first_day", Date),
            column("end_day", Date),
        )
        .cte("jp_period")
    )


def _instant(value: datetime, dialect: str) -> str:
    utc = value.astimezone(UTC)
    if dialect == "sqlite":  # SQLAlchemy's storage format for DateTime on SQLite
        return f"'{utc:%Y-%m-%d %H:%M:%S.%f}'"
    return f"TIMESTAMP WITH TIME ZONE '{utc.isoformat()}'"


def _day(value: date, dialect: str) -> str:
    if dialect == "sqlite":
        return f"'{value.isoformat()}'"
    return f"DATE '{value.isoformat()}'"


def label_now_expr(today: date | None = None, contract_start=None):
    """SQL: the label of the person's period that contains `today` (Employee in the query, or
    another `contract_start` column).

    A contract's anniversary has come this year when its key is at most today's. In a non-leap
    year, 28 February is also the anniversary of a 29 February start: on that day and after,
    today's key counts as 229.
    """
    today = today or today_wib()
    key = _key(today)
    leap = today.year % 4 == 0 and (today.year % 100 != 0 or today.year % 400 == 0)
    if not leap and key == 228:
        key = 229
    contract_start = Employee.contract_start if contract_start is None else contract_start
    return case(
        (
            and_(contract_start.is_not(None), anniversary_key(contract_start) > key),
            today.year - 1,
        ),
        else_=today.year,
    )
