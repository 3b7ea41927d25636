"""Domain corrections of issue 16 item 8 (domain.md §1, §4): an NI PPPK whose appointment year is in
the future is refused; the Sekretaris Lurah and Kepala Seksi of a kelurahan are pengawas."""

from datetime import date

import pytest
from sqlalchemy import select

from blueprints.auth import nip
from blueprints.auth.models import Employee
from extensions import db


def test_ni_pppk_with_an_appointment_year_in_the_future_is_refused():
    today = date(2026, 6, 15)
    assert nip.parse("199009132025242014", "PPPK", today=today).digits == "199009132025242014"
    assert nip.parse("199009132026242014", "PPPK", today=today)
    with pytest.raises(nip.NipError) as error:
        nip.parse("199009132027242014", "PPPK", today=today)
    assert "masa depan" in str(error.value)


def test_kelurahan_secretaries_and_section_heads_are_pengawas(app, demo):
    rows = db.session.execute(
        select(Employee.jabatan, Employee.jenis_jabatan).where(
            Employee.jabatan.in_(
                (
                    "Sekretaris Lurah",
                    "Kepala Seksi Pemerintahan Kelurahan",
                    "Kepala Seksi Ketenteraman dan Ketertiban",
                )
            )
        )
    ).all()
    assert rows and {jenis for _j, jenis in rows} == {"pengawas"}
