"""The JP ledger: attendance (not registration) credits JP, verified records count, WIB years."""

from datetime import date, time, timedelta

import pytest
from sqlalchemy import select

from blueprints.admin.settings import set_setting
from blueprints.auth.access import subtree_unit_ids_stmt
from blueprints.auth.models import Employee
from blueprints.common.timefmt import today_wib, wib_to_utc
from blueprints.workshops.ledger import jp_by_employee, jp_for_year, jp_target
from blueprints.workshops.models import WorkshopSession
from blueprints.workshops.rules import default_jp
from extensions import db
from tests import factories_workshops as wf


@pytest.fixture
def org(org):
    wf.fast_logins()
    return org


@pytest.fixture
def ws(org):
    return wf.workshop(org.organizer, "Pelayanan Publik yang Berempati")


def test_default_jp_is_whole_45_minute_units():
    start = wf.utc(2026, 3, 2, 2, 0)
    assert default_jp(start, start + timedelta(hours=3)) == 4
    assert default_jp(start, start + timedelta(minutes=89)) == 1
    assert default_jp(start, start + timedelta(minutes=90)) == 2
    assert default_jp(start, start + timedelta(minutes=30)) == 0


def test_attended_three_hour_session_created_by_form_credits_4_jp(client, org, login_as, ws):
    login_as(org.organizer)
    day = today_wib() - timedelta(days=2)
    response = client.post(
        f"/pelatihan/kelola/program/{ws.id}/sesi/baru",
        data={
            "day": day.isoformat(),
            "start_time": "09:00",
            "end_time": "12:00",
            "venue": "Aula Kantor Camat",
            "capacity": "20",
            "jp_credited": "",
        },
    )
    assert response.status_code == 303
    session = db.session.scalars(select(WorkshopSession)).one()
    assert session.jp_credited == 4
    assert session.starts_at.replace(tzinfo=None) == wib_to_utc(day, time(9)).replace(tzinfo=None)
    session.status = "published"
    db.session.commit()
    wf.registration(session, org.staff_a1, "confirmed", attended=True)
    wf.registration(session, org.staff_a2, "confirmed", attended=False)  # no-show
    year = day.year
    assert jp_for_year(org.staff_a1, year) == 4
    assert jp_for_year(org.staff_a2, year) == 0


def test_attendance_and_verified_records_count_nothing_else(org, ws):
    # Registration alone (confirmed or waitlisted) credits nothing.
    s = wf.session(ws, starts_at=wf.utc(2026, 3, 2, 2, 0))
    wf.registration(s, org.staff_a1, "confirmed")
    wf.registration(s, org.staff_a2, "waitlisted")
    assert jp_by_employee([org.staff_a1.id, org.staff_a2.id], 2026) == {}
    # Attendance of a cancelled session credits nothing either.
    cancelled = wf.session(ws, starts_at=wf.utc(2026, 3, 3, 2, 0), status="cancelled", jp=4)
    wf.registration(cancelled, org.staff_a2, "confirmed", attended=True)
    assert jp_for_year(org.staff_a2, 2026) == 0
    # Only verified external records count, in the year of their date.
    day = date(2026, 5, 10)
    wf.external(org.staff_a1, jp=5, status="verified", learned_on=day)
    wf.external(org.staff_a1, jp=7, status="pending", learned_on=day)
    wf.external(org.staff_a1, jp=9, status="rejected", learned_on=day)
    wf.external(org.staff_a1, jp=11, status="verified", learned_on=date(2025, 12, 31))
    assert jp_for_year(org.staff_a1, 2026) == 5
    assert jp_for_year(org.staff_a1, 2025) == 11


def test_year_boundary_is_wib_not_utc(org, ws):
    # 31 Dec 2025 18:00 UTC is 1 Jan 2026 01:00 WIB: it counts for 2026.
    new_year = wf.session(ws, starts_at=wf.utc(2025, 12, 31, 18, 0), hours=2, jp=2)
    # 31 Dec 2026 16:30 UTC is 31 Dec 2026 23:30 WIB: still 2026.
    late = wf.session(ws, starts_at=wf.utc(2026, 12, 31, 16, 30), hours=1, jp=1)
    # 31 Dec 2026 17:00 UTC is 1 Jan 2027 00:00 WIB: 2027.
    next_year = wf.session(ws, starts_at=wf.utc(2026, 12, 31, 17, 0), hours=1, jp=10)
    for s in (new_year, late, next_year):
        wf.registration(s, org.staff_a1, "confirmed", attended=True)
    assert jp_for_year(org.staff_a1, 2025) == 0
    assert jp_for_year(org.staff_a1, 2026) == 3
    assert jp_for_year(org.staff_a1, 2027) == 10


def test_bulk_variant_takes_a_scope_statement_in_one_query(org, ws, queries):
    s = wf.session(ws, starts_at=wf.utc(2026, 3, 2, 2, 0), jp=4)
    wf.registration(s, org.staff_a1, "confirmed", attended=True)
    wf.registration(s, org.staff_b1, "confirmed", attended=True)
    wf.external(org.staff_a2, jp=3, status="verified", learned_on=date(2026, 4, 1))
    wf.external(org.staff_a1, jp=2, status="verified", learned_on=date(2026, 4, 1))
    in_kel_a = select(Employee.id).where(Employee.unit_id == org.kel_a.id)
    assert jp_by_employee(in_kel_a, 2026) == {org.staff_a1.id: 6, org.staff_a2.id: 3}
    # A leader's scope as a statement of employees works too (one SQL query).
    scope = select(Employee).where(Employee.unit_id.in_(subtree_unit_ids_stmt(org.camat)))
    with queries() as q:
        result = jp_by_employee(scope, 2026)
    assert q.count == 1
    assert result == {org.staff_a1.id: 6, org.staff_a2.id: 3, org.staff_b1.id: 4}


def test_targets_come_from_settings(org):
    assert (jp_target(org.staff_a1).kind, jp_target(org.staff_a1).value) == ("min", 20)
    assert (jp_target(org.staff_a2).kind, jp_target(org.staff_a2).value) == ("max", 24)  # PPPK
    set_setting("jp_target_pns", 30)
    db.session.commit()
    assert jp_target(org.staff_a1).value == 30


def test_ledger_page_shows_progress_and_parts(client, org, login_as, ws):
    year = today_wib().year
    s = wf.session(ws, starts_at=wib_to_utc(date(year, 1, 2), time(9)), jp=4)
    wf.registration(s, org.staff_a1, "confirmed", attended=True)
    wf.external(org.staff_a1, jp=5, status="verified", learned_on=date(year, 1, 3))
    wf.external(
        org.staff_a1,
        jp=6,
        status="pending",
        learned_on=date(year, 1, 4),
        title="Seminar Kota Cerdas",
    )
    login_as(org.staff_a1)
    page = client.get("/pelatihan/jp").get_data(as_text=True)
    assert '<progress id="jp-progress' in page and 'value="9"' in page and 'max="20"' in page
    assert "Kurang 11 JP" in page
    assert "Seminar Kota Cerdas" in page and "Menunggu verifikasi" in page
    # A leader above sees the same ledger; a peer does not.
    login_as(org.lurah_a)
    assert client.get(f"/pelatihan/jp/pegawai/{org.staff_a1.id}").status_code == 200
    login_as(org.staff_a2)
    assert client.get(f"/pelatihan/jp/pegawai/{org.staff_a1.id}").status_code == 404
