"""The rule for a PPPK's contract start ("awal kontrak"), shared by the employee form, its
service and the CSV import: the JP year of a PPPK runs from it (workshops/jp_period.py).

- Only a PPPK has one (the schema refuses it for a PNS too).
- Not before 2019: PPPK exist since PP 49/2018 (in force from December 2018), so an earlier
  date is a typo.
- At most a year ahead of today: a renewed contract may be recorded before it starts, a date
  further away is a typo. A future start is harmless for the ledger: until then the person's
  JP year is the one ending the day before it (the anniversaries run backward too).
"""

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l

EARLIEST = date(2019, 1, 1)
AHEAD_DAYS = 366


def contract_start_problem(employment_type: str, start: date | None, today: date):
    """A translatable message when `start` is refused, else None."""
    if start is None:
        return None
    if employment_type != "PPPK":
        return _l("Awal kontrak hanya diisi untuk PPPK; kosongkan untuk PNS.")
    if start < EARLIEST:
        return _l("Awal kontrak tidak mungkin sebelum 2019 (PPPK diatur sejak PP 49/2018).")
    if start > today + timedelta(days=AHEAD_DAYS):
        return _l("Awal kontrak paling jauh satu tahun dari hari ini.")
    return None
