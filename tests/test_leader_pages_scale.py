"""Leader pages at two data sizes: the leader dashboard and the team view run the same number of
SQL statements with 60 and 1,500 employees, and the team view's page count is the number of rows
its list has (counted without re-running the list's aggregates)."""

import pytest

from blueprints.feedback import team as teams
from extensions import db
from tests import factories
from tests import factories_dashboard as fd
from tests.conftest import _empty_all_tables

TEAM_URLS = [
    "/umpan-balik/tim",
    "/umpan-balik/tim?page=2",
    "/umpan-balik/tim?show=overdue",
    "/umpan-balik/tim?show=followups&sort=followups&dir=desc",
    "/umpan-balik/tim?show=requests",
    "/umpan-balik/tim?q=a&sort=last",
]
DASHBOARD_URLS = [
    "/dasbor/pimpinan",
    "/dasbor/pimpinan/pegawai?ukuran=jp-kurang",
]


def _client(app, person):
    client = app.test_client()
    response = client.post(
        "/masuk", data={"identifier": person.email, "password": factories.PASSWORD}
    )
    assert response.status_code in (302, 303)
    return client


def _statements(app, queries, org) -> dict[str, int]:
    counts = {}
    client = _client(app, org.camat)
    for url in TEAM_URLS + DASHBOARD_URLS:
        for headers in ({}, {"HX-Request": "true"}):
            assert client.get(url, headers=headers).status_code == 200, url  # warm caches
            db.session.expunge_all()
            with queries() as q:
                response = client.get(url, headers=headers)
            assert response.status_code == 200, url
            counts[(url, bool(headers))] = q.count
    return counts


def test_leader_dashboard_and_team_view_statements_do_not_grow_with_the_data(app, queries):
    small = _statements(app, queries, fd.bulk_org(60))
    db.session.remove()
    _empty_all_tables()
    large = _statements(app, queries, fd.bulk_org(1500))
    assert small == large
    assert max(small.values()) < 60, small


@pytest.mark.parametrize("show", ["all", "overdue", "followups", "requests"])
def test_team_count_is_the_number_of_rows(app, show):
    org = fd.bulk_org(60)
    for q, unit_id in (("", None), ("a", None), ("", org.lurah.unit_id)):
        filters = teams.TeamFilter(q=q, unit_id=unit_id, show=show)
        rows = db.session.execute(teams.team_stmt(org.camat, filters)).all()
        assert db.session.scalar(teams.team_count_stmt(org.camat, filters)) == len(rows)


def test_team_view_shows_the_total_and_pages(app, queries):
    org = fd.bulk_org(120)
    client = _client(app, org.camat)
    rows = db.session.execute(teams.team_stmt(org.camat, teams.TeamFilter())).all()
    assert len(rows) > 50
    html = client.get("/umpan-balik/tim?page=2").get_data(as_text=True)
    # Page 2 of 50 rows each lists the people after the first fifty, and a pager.
    names = [row.name for row in rows[50:100]]
    assert names and all(name in html for name in names[:5])
    assert f'href="/umpan-balik/tim/{rows[0].id}"' not in html
    assert f'href="/umpan-balik/tim/{rows[50].id}"' in html
