"""PPPK JP per contract year (issue 16, point 8; the rule: blueprints/workshops/jp_period.py).

The period at its boundaries (anniversary, 29 February, midnight WIB, before the first contract
year), the SQL that counts a mix of people in one query, the ledger page, a leader's figure (kept
figures, also when the contract changes), the admin form and import, the schema and migration."""

import os
from datetime import date, datetime, time, timedelta

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import Date, column, inspect, select, text, update, values
from sqlalchemy.exc import IntegrityError

from blueprints.admin import importer
from blueprints.admin.models import AuditEntry
from blueprints.auth.models import Employee
from blueprints.common.timefmt import today_wib, wib_to_utc
from blueprints.dashboard import services as dashboard
from blueprints.workshops.jp_period import label_now_expr, label_on, period
from blueprints.workshops.ledger import jp_by_employee, jp_for_year
from extensions import db
from tests import factories_dashboard as fd
from tests.conftest import make_test_app
from tests.factories_admin import csv_text, import_nip, import_row, sign_in
from tests.test_migrations import _fresh_database

MARCH_1 = date(2020, 3, 1)
LEAP_DAY = date(2024, 2, 29)


# --- the rule ---------------------------------------------------------------------------------
def test_a_contract_year_runs_from_one_anniversary_to_the_day_before_the_next():
    year = period(MARCH_1, 2026)
    assert (year.first, year.last, year.end, year.contract) == (
        date(2026, 3, 1),
        date(2027, 2, 28),
        date(2027, 3, 1),
        True,
    )
    assert period(MARCH_1, 2027).last == date(2028, 2, 29)  # a leap year's last day
    assert label_on(MARCH_1, date(2026, 2, 28)) == 2025
    assert label_on(MARCH_1, date(2026, 3, 1)) == 2026
    assert label_on(MARCH_1, date(2027, 2, 28)) == 2026
    assert label_on(MARCH_1, date(2027, 3, 1)) == 2027


def test_without_a_contract_start_the_calendar_year():
    year = period(None, 2026)
    assert (year.first, year.end, year.contract) == (date(2026, 1, 1), date(2027, 1, 1), False)
    assert label_on(None, date(2026, 12, 31)) == 2026 and label_on(None, date(2027, 1, 1)) == 2027


def test_a_29_february_contract_turns_on_28_february_in_other_years():
    assert period(LEAP_DAY, 2025).first == date(2025, 2, 28)
    assert period(LEAP_DAY, 2025).last == date(2026, 2, 27)
    assert period(LEAP_DAY, 2027).last == date(2028, 2, 28)
    assert period(LEAP_DAY, 2028).first == date(2028, 2, 29)
    assert label_on(LEAP_DAY, date(2027, 2, 27)) == 2026
    assert label_on(LEAP_DAY, date(2027, 2, 28)) == 2027
    assert label_on(LEAP_DAY, date(2028, 2, 28)) == 2027
    assert label_on(LEAP_DAY, date(2028, 2, 29)) == 2028


def test_before_the_first_contract_year_the_anniversaries_run_backward():
    start = date(2026, 7, 1)
    before = period(start, 2025)
    assert (before.first, before.last) == (date(2025, 7, 1), date(2026, 6, 30))
    assert label_on(start, date(2026, 1, 10)) == 2025
    assert label_on(start, date(2026, 7, 1)) == 2026


TODAYS = [
    date(2026, 1, 1),
    date(2026, 7, 15),
    date(2026, 12, 31),
    date(2027, 2, 27),
    date(2027, 2, 28),
    date(2027, 3, 1),
    date(2028, 2, 28),
    date(2028, 2, 29),
    date(2028, 3, 1),
]


def test_the_sql_label_agrees_with_the_rule_for_every_anniversary(app):
    starts = [date(2000, 1, 1) + timedelta(days=n) for n in range(366)]
    table = values(column("start", Date), name="starts").data([(d,) for d in starts]).cte()
    for today in TODAYS:
        rows = db.session.execute(select(table.c.start, label_now_expr(today, table.c.start)))
        got = {start: label for start, label in rows}
        assert got == {start: label_on(start, today) for start in starts}, today


# --- counting in SQL ------------------------------------------------------------------------
def _attended(person, starts_at: datetime, jp: int, title: str):
    session = fd.session(fd.workshop(person, title=title), starts=starts_at, jp=jp)
    fd.register(session, person, attended=True)


def _wib(day: date, hour: int, minute: int = 0) -> datetime:
    return wib_to_utc(day, time(hour, minute))


@pytest.fixture
def mixed(org):
    """staff_a2 (PPPK, contract from 1 March 2020) and staff_a1 (PNS), the same learning:
    sessions a minute either side of midnight WIB at the anniversary, records either side of
    the next one."""
    pppk, pns = org.staff_a2, org.staff_a1
    pppk.contract_start = MARCH_1
    for person in (pppk, pns):
        _attended(person, _wib(date(2026, 2, 28), 23, 59), 2, f"Sebelum {person.id}")
        _attended(person, _wib(date(2026, 3, 1), 0, 0), 3, f"Sesudah {person.id}")
        fd.external(person, jp=4, status="verified", day=date(2027, 2, 28))
        fd.external(person, jp=8, status="verified", day=date(2027, 3, 1))
    db.session.commit()
    return pppk, pns


def test_jp_counts_each_person_in_their_own_period_in_one_query(mixed, queries):
    pppk, pns = mixed
    ids = [pppk.id, pns.id]
    with queries() as counted:
        got = jp_by_employee(ids, 2026)
    assert got == {pppk.id: 3 + 4, pns.id: 2 + 3}
    assert counted.count == 1
    assert jp_by_employee([pppk.id, pns.id], 2025) == {pppk.id: 2}
    assert jp_by_employee([pppk.id, pns.id], 2027) == {pppk.id: 8, pns.id: 4 + 8}
    assert jp_for_year(pppk, 2026) == 7 and jp_for_year(pns, 2026) == 5


def test_this_year_is_the_period_that_contains_today(mixed):
    pppk, pns = mixed
    ids = [pppk.id, pns.id]
    assert jp_by_employee(ids, None, date(2027, 2, 28)) == {pppk.id: 7, pns.id: 12}
    assert jp_by_employee(ids, None, date(2027, 3, 1)) == {pppk.id: 8, pns.id: 12}


def test_before_the_first_contract_year_jp_still_counts_once(org):
    person = org.staff_a2
    person.contract_start = date(2026, 7, 1)
    fd.external(person, jp=5, status="verified", day=date(2026, 1, 10))
    db.session.commit()
    assert jp_for_year(person, 2025) == 5 and jp_for_year(person, 2026) == 0


# --- the ledger page --------------------------------------------------------------------------
def test_the_ledger_page_shows_the_contract_year_and_its_total(client, org):
    person = org.staff_a2
    person.contract_start = MARCH_1
    _attended(person, _wib(date(2025, 3, 2), 9), 3, "Pelatihan Dalam Periode")
    _attended(person, _wib(date(2025, 2, 15), 9), 5, "Pelatihan Tahun Kontrak Lalu")
    fd.external(person, jp=4, status="verified", day=date(2026, 2, 28), title="Kursus Akhir")
    fd.external(person, jp=6, status="verified", day=date(2026, 3, 1), title="Kursus Berikut")
    db.session.commit()
    sign_in(client, person)
    html = client.get("/pelatihan/jp?tahun=2025").get_data(as_text=True)
    assert "Tahun kontrak 1 Mar 2025 – 28 Feb 2026" in html
    assert '<p class="stat">7 <span class="stat-label">JP</span></p>' in html
    assert "Pelatihan Dalam Periode" in html and "Kursus Akhir" in html
    assert "Pelatihan Tahun Kontrak Lalu" not in html and "Kursus Berikut" not in html
    # The SIASN history beside it is a calendar year's, and the page says so.
    assert "Riwayat untuk SIASN disusun per tahun kalender 2025" in html


# --- a leader's figure (kept figures) ---------------------------------------------------------
def _anniversary_ten_days_ago(today: date) -> date:
    """A recent anniversary that is neither 1 January (a calendar year would then count the
    same) nor 29 February."""
    for back in (10, 11, 12):
        day = today - timedelta(days=back)
        if (day.month, day.day) not in ((1, 1), (2, 29)):
            return day
    raise AssertionError("unreachable")


def _leader_jp(leader, person) -> int:
    figures = dashboard.figures(leader)
    rows = db.session.execute(dashboard.people_stmt(leader, figures)).all()
    return {row.id: row.jp for row in rows}[person.id]


def test_a_leader_sees_the_contract_year_of_a_pppk_and_a_contract_change(client, org):
    today = today_wib()
    anniversary = _anniversary_ten_days_ago(today)
    person = org.staff_a2
    person.contract_start = anniversary.replace(year=anniversary.year - 3)
    db.session.commit()
    records = {anniversary: 3, anniversary - timedelta(days=1): 5, today: 7}
    for day, jp in records.items():
        fd.external(person, jp=jp, status="verified", day=day)
    db.session.commit()
    assert _leader_jp(org.lurah_a, person) == 3 + 7
    sign_in(client, person)
    page = client.get("/pelatihan/jp").get_data(as_text=True)
    assert '<p class="stat">10 <span class="stat-label">JP</span></p>' in page
    calendar = sum(jp for day, jp in records.items() if day.year == today.year)
    assert calendar != 10
    # The contract start goes: the calendar year, kept at once.
    person.contract_start = None
    person.employment_type = "PNS"
    db.session.commit()
    assert _leader_jp(org.lurah_a, person) == calendar
    # Back by a bulk UPDATE, as the import writes people.
    db.session.execute(
        update(Employee),
        [{"id": person.id, "employment_type": "PPPK", "contract_start": anniversary}],
    )
    db.session.commit()
    assert _leader_jp(org.lurah_a, person) == 10


# --- admin ----------------------------------------------------------------------------------
def _form(org, **overrides) -> dict:
    data = {
        "nip": import_nip(3, "PPPK"),
        "name": "Rina Sitepu",
        "email": "rina@marelan.go.id",
        "employment_type": "PPPK",
        "golongan": "IX",
        "contract_start": "2024-03-01",
        "jenis_jabatan": "fungsional",
        "jabatan": "Pranata Komputer",
        "unit_id": org.kel_a.id,
        "superior_nip": "",
    }
    data.update(overrides)
    return data


def test_the_admin_form_refuses_a_contract_start_for_a_pns(client, org):
    sign_in(client, org.admin)
    pns = _form(org, nip=import_nip(4), employment_type="PNS", golongan="III/a")
    response = client.post("/admin/pegawai/baru", data=pns)
    assert response.status_code == 422
    assert "Awal kontrak hanya diisi untuk PPPK; kosongkan untuk PNS." in response.get_data(
        as_text=True
    )
    assert db.session.scalar(select(Employee).where(Employee.name == "Rina Sitepu")) is None
    far = (today_wib() + timedelta(days=400)).isoformat()
    for day, message in (
        ("2018-05-01", "Awal kontrak tidak mungkin sebelum 2019"),
        (far, "Awal kontrak paling jauh satu tahun dari hari ini."),
        ("1-3-2024", "Isi tanggal yang valid."),
    ):
        response = client.post("/admin/pegawai/baru", data=_form(org, contract_start=day))
        assert response.status_code == 422 and message in response.get_data(as_text=True), day


def test_the_admin_form_keeps_and_audits_a_pppk_contract_start(client, org):
    sign_in(client, org.admin)
    assert client.post("/admin/pegawai/baru", data=_form(org)).status_code == 303
    person = db.session.scalars(select(Employee).where(Employee.name == "Rina Sitepu")).one()
    assert person.contract_start == date(2024, 3, 1)
    page = client.get(f"/admin/pegawai/{person.id}").get_data(as_text=True)
    assert 'value="2024-03-01"' in page
    edit = _form(org, contract_start="2024-07-01")
    assert client.post(f"/admin/pegawai/{person.id}", data=edit).status_code == 303
    note = db.session.scalars(
        select(AuditEntry.detail)
        .where(AuditEntry.action == "employee.updated")
        .order_by(AuditEntry.id.desc())
    ).first()
    assert "contract_start: 2024-03-01 -> 2024-07-01" in note
    # Made a PNS with the date still there: refused beside the field.
    to_pns = _form(org, employment_type="PNS", golongan="", contract_start="2024-07-01")
    response = client.post(f"/admin/pegawai/{person.id}", data=to_pns)
    assert response.status_code == 422
    assert "Awal kontrak hanya diisi untuk PPPK" in response.get_data(as_text=True)


def test_the_import_reads_the_optional_contract_column(app, org):
    rows = [
        import_row(1, status_kepegawaian="PPPK", awal_kontrak="2023-08-01"),
        import_row(2, awal_kontrak="2023-08-01"),  # a PNS
    ]
    plan = importer.validate(csv_text(rows, columns=importer.ALL_COLUMNS))
    assert [(e.line, e.column) for e in plan.errors] == [(3, "awal_kontrak")]
    rows[1]["awal_kontrak"] = ""
    plan = importer.validate(csv_text(rows, columns=importer.ALL_COLUMNS))
    assert plan.ok
    importer.apply(plan)
    db.session.commit()
    person = db.session.scalars(select(Employee).where(Employee.nip == rows[0]["nip"])).one()
    assert person.contract_start == date(2023, 8, 1)
    # A file without the column keeps it.
    again = {key: value for key, value in rows[0].items() if key != "awal_kontrak"}
    plan = importer.validate(csv_text([again | {"nama": "Nama Baru"}]))
    importer.apply(plan)
    db.session.commit()
    db.session.expire_all()
    person = db.session.get(Employee, person.id)
    assert (person.name, person.contract_start) == ("Nama Baru", date(2023, 8, 1))


# --- schema and migration ---------------------------------------------------------------------
def test_the_schema_refuses_a_contract_start_for_a_pns(org):
    org.staff_a1.contract_start = MARCH_1
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_the_migration_adds_and_removes_the_column(tmp_path):
    url, drop = _fresh_database(tmp_path)
    try:
        app = make_test_app(url, str(tmp_path))
        directory = os.path.join(app.root_path, "migrations")
        with app.app_context():
            upgrade(directory=directory, revision="0012_competency_current_index")
            with db.engine.begin() as conn:
                _insert_person(conn)
            upgrade(directory=directory, revision="0013_pppk_contract_start")
            with db.engine.connect() as conn:
                columns = {c["name"] for c in inspect(conn).get_columns("employee")}
                assert "contract_start" in columns
                # 0013 filled the kept figures of the people already there.
                assert conn.execute(text("SELECT count(*) FROM person_figures")).scalar() == 1
            with pytest.raises(IntegrityError), db.engine.begin() as conn:
                conn.execute(text("UPDATE employee SET contract_start = '2024-03-01'"))
            downgrade(directory=directory, revision="0012_competency_current_index")
            with db.engine.connect() as conn:
                columns = {c["name"] for c in inspect(conn).get_columns("employee")}
                assert "contract_start" not in columns
            db.engine.dispose()
    finally:
        if drop:
            drop()


def _insert_person(conn) -> None:
    conn.execute(
        text(
            "INSERT INTO unit (id, code, name, kind, path, depth, active) "
            "VALUES (1, 'KEC', 'Kecamatan', 'kecamatan', '/1/', 0, true)"
        )
    )
    conn.execute(
        text(
            "INSERT INTO employee (id, nip, name, email, unit_id, jabatan, jenis_jabatan, "
            "employment_type, active, must_change_password, session_version, locale) VALUES "
            "(1, '198001012005011001', 'Pegawai', 'p@uji.local', 1, '', 'pelaksana', 'PNS', "
            "true, false, 1, 'id')"
        )
    )
