"""Property tests for NIP / NI PPPK validation (blueprints/auth/nip.py, domain.md §1).

Accepts generated real-looking numbers; rejects wrong length, impossible dates, an appointment
before the age of 18 or in the future, a gender digit other than 1/2 and the sequence 000.
"""

import calendar
from datetime import date

import pytest
from flask import Flask
from flask_babel import Babel
from hypothesis import assume, given
from hypothesis import strategies as st

from blueprints.auth import nip

TODAY = date(2026, 6, 15)


@pytest.fixture(scope="module", autouse=True)
def _babel_context():
    """Reasons are lazy strings: a bare app with Babel renders them (untranslated = Indonesian)."""
    app = Flask("nip-properties")
    Babel(app, default_locale="id")
    with app.app_context():
        yield


def _reason(raw: str, employment_type: str = "PNS") -> str:
    with pytest.raises(nip.NipError) as info:
        nip.parse(raw, employment_type, today=TODAY)
    return str(info.value.args[0])


birth_dates = st.dates(min_value=date(1950, 1, 1), max_value=date(TODAY.year - 18, TODAY.month, 1))
genders = st.sampled_from("12")
sequences = st.integers(min_value=1, max_value=999)


@st.composite
def pns_numbers(draw):
    """Birth date, TMT CPNS at 18 or later and not in the future, gender 1/2, sequence 001-999."""
    born = draw(birth_dates)
    earliest = born.year * 12 + born.month - 1 + 18 * 12
    latest = TODAY.year * 12 + TODAY.month - 1
    tmt = draw(st.integers(min_value=earliest, max_value=latest))
    year, month = divmod(tmt, 12)
    gender, seq = draw(genders), draw(sequences)
    return f"{born:%Y%m%d}{year:04d}{month + 1:02d}{gender}{seq:03d}", born, gender


@st.composite
def pppk_numbers(draw):
    born = draw(birth_dates)
    year = draw(st.integers(min_value=max(born.year + 18, 2019), max_value=TODAY.year))
    code = draw(st.integers(min_value=0, max_value=99))
    gender, seq = draw(genders), draw(sequences)
    return f"{born:%Y%m%d}{year:04d}{code:02d}{gender}{seq:03d}", born, gender


# --- accepted ------------------------------------------------------------------------------
@given(pns_numbers())
def test_accepts_real_looking_pns_numbers(case):
    digits, born, gender = case
    parsed = nip.parse(digits, "PNS", today=TODAY)
    assert parsed.digits == digits
    assert parsed.birth_date == born
    assert parsed.gender == ("L" if gender == "1" else "P")
    # The printed form with spaces is the same number.
    printed = nip.display(digits, "PNS")
    assert printed.count(" ") == 3
    assert nip.parse(printed, "PNS", today=TODAY).digits == digits


@given(pppk_numbers())
def test_accepts_real_looking_pppk_numbers(case):
    digits, born, _gender = case
    parsed = nip.parse(digits, "PPPK", today=TODAY)
    assert parsed.digits == digits and parsed.birth_date == born
    assert nip.parse(nip.display(digits, "PPPK"), "PPPK", today=TODAY).digits == digits


# --- rejected ------------------------------------------------------------------------------
@given(
    st.text(alphabet="0123456789", max_size=30).filter(lambda s: len(s) != 18),
    st.sampled_from(["PNS", "PPPK"]),
)
def test_rejects_wrong_length(raw, employment_type):
    assert _reason(raw, employment_type) == "NIP harus terdiri dari 18 angka."


@given(pns_numbers(), st.integers(min_value=0, max_value=17), st.sampled_from("aZ/#_x"))
def test_rejects_other_characters(case, position, char):
    digits = case[0]
    assert (
        _reason(digits[:position] + char + digits[position + 1 :])
        == "NIP harus terdiri dari 18 angka."
    )


@st.composite
def impossible_dates(draw):
    year = draw(st.integers(min_value=1950, max_value=2000))
    month = draw(st.integers(min_value=0, max_value=99))
    if 1 <= month <= 12:
        last = calendar.monthrange(year, month)[1]
        day = draw(st.one_of(st.just(0), st.integers(min_value=last + 1, max_value=99)))
    else:
        day = draw(st.integers(min_value=1, max_value=28))
    return f"{year:04d}{month:02d}{day:02d}"


@given(impossible_dates(), genders, sequences, st.sampled_from(["PNS", "PPPK"]))
def test_rejects_impossible_birth_dates(birth, gender, seq, employment_type):
    raw = f"{birth}201001{gender}{seq:03d}"
    assert _reason(raw, employment_type) == "Tanggal lahir dalam NIP tidak valid."


@given(pns_numbers(), st.sampled_from([0, 13, 14, 20, 45, 99]))
def test_rejects_impossible_tmt_month(case, month):
    digits = case[0]
    assert _reason(digits[:12] + f"{month:02d}" + digits[14:]) == "TMT CPNS dalam NIP tidak valid."


@given(birth_dates, st.integers(min_value=1, max_value=18 * 12), genders, sequences)
def test_rejects_appointment_before_age_18(born, months_too_early, gender, seq):
    tmt = born.year * 12 + born.month - 1 + 18 * 12 - months_too_early
    year, month = divmod(tmt, 12)
    raw = f"{born:%Y%m%d}{year:04d}{month + 1:02d}{gender}{seq:03d}"
    assert _reason(raw) == "TMT CPNS dalam NIP harus setelah berusia 18 tahun."


@given(birth_dates, st.integers(min_value=1, max_value=120), genders, sequences)
def test_rejects_appointment_in_the_future(born, months_ahead, gender, seq):
    tmt = TODAY.year * 12 + TODAY.month - 1 + months_ahead
    year, month = divmod(tmt, 12)
    assume(year <= 9999)
    raw = f"{born:%Y%m%d}{year:04d}{month + 1:02d}{gender}{seq:03d}"
    assert _reason(raw) == "TMT CPNS dalam NIP tidak boleh di masa depan."


@given(pns_numbers(), st.sampled_from("03456789"))
def test_rejects_gender_digit_other_than_1_or_2(case, digit):
    digits = case[0]
    assert (
        _reason(digits[:14] + digit + digits[15:])
        == "Digit jenis kelamin dalam NIP harus 1 atau 2."
    )


@given(pppk_numbers(), st.sampled_from("03456789"))
def test_rejects_gender_digit_for_pppk_too(case, digit):
    digits = case[0]
    assert (
        _reason(digits[:14] + digit + digits[15:], "PPPK")
        == "Digit jenis kelamin dalam NIP harus 1 atau 2."
    )


@given(pns_numbers())
def test_rejects_sequence_000(case):
    digits = case[0]
    assert _reason(digits[:15] + "000") == "Nomor urut dalam NIP tidak boleh 000."


@given(
    st.dates(min_value=date(TODAY.year, TODAY.month, TODAY.day + 1), max_value=date(2099, 12, 31))
)
def test_rejects_a_birth_date_in_the_future(born):
    assert (
        _reason(f"{born:%Y%m%d}2024{10:02d}1001", "PPPK") == "Tanggal lahir dalam NIP tidak valid."
    )
