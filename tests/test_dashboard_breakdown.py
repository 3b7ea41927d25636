"""The leader dashboard breaks its figures down one unit level at a time; the totals and the
XLSX export still cover the whole scope."""

import io

from openpyxl import load_workbook

from tests import factories as f


def _units_table(html: str) -> str:
    return html[html.index('id="units-heading"') : html.index('id="below-heading"')]


def test_drill_down_one_level_at_a_time(org, client, login_as):
    ling = f.unit("LING-I", "Lingkungan Satu", org.kel_a, kind="lingkungan")
    f.employee(ling, "Warga Lingkungan")
    login_as(org.camat)
    top = client.get("/dasbor/pimpinan").get_data(as_text=True)
    table = _units_table(top)
    assert org.kel_a.name in table and org.kel_b.name in table and ling.name not in table
    assert f'href="/dasbor/pimpinan?unit={org.kel_a.id}"' in table
    assert f'href="/dasbor/pimpinan?unit={org.kec.id}"' not in table  # the top is not a link
    assert "(1 unit di bawahnya)" in table

    below = client.get(f"/dasbor/pimpinan?unit={org.kel_a.id}").get_data(as_text=True)
    table = _units_table(below)
    assert ling.name in table and org.kel_b.name not in table
    assert 'href="/dasbor/pimpinan"' in table  # the way back up
    # The headline figures are the whole scope's on every level.
    stat = lambda html: html[html.index('id="stat-jp"') : html.index('id="stat-below"')]  # noqa: E731
    assert stat(top) == stat(below)

    workbook = load_workbook(io.BytesIO(client.get("/dasbor/pimpinan/ekspor.xlsx").data))
    names = {row[0] for row in workbook["Per unit"].iter_rows(min_row=2, values_only=True)}
    assert ling.name in names and org.kel_a.name in names


def test_drill_down_stays_in_scope(org, client, login_as):
    login_as(org.lurah_a)
    assert client.get(f"/dasbor/pimpinan?unit={org.kel_a.id}").status_code == 200
    for unit in (org.kec, org.kel_b, org.sek):
        assert client.get(f"/dasbor/pimpinan?unit={unit.id}").status_code == 404
    assert client.get("/dasbor/pimpinan?unit=999999999").status_code == 404


def test_units_below_come_a_page_at_a_time(org, client, login_as, monkeypatch):
    """A province's root has hundreds of units below it: the unit table and the survey index
    table show the same page of them; the headline figures stay the whole scope's."""
    from blueprints.dashboard import services

    monkeypatch.setattr(services, "UNITS_PER_PAGE", 1)
    login_as(org.camat)
    children = [u for u in (org.kel_a, org.kel_b, org.sek)]
    pages = [client.get(f"/dasbor/pimpinan?page={n}").get_data(as_text=True) for n in (1, 2, 3)]
    stat = lambda html: html[html.index('id="stat-jp"') : html.index('id="stat-below"')]  # noqa: E731
    shown = []
    for n, html in enumerate(pages, start=1):
        table = _units_table(html)
        names = [u.name for u in children if f">{u.name}<" in table.split("</table>")[0]]
        assert len(names) == 1, (n, names)
        shown += names
        assert org.kec.name in table  # the led unit heads every page
        assert f"Halaman {n} dari 3" in html
        assert stat(html) == stat(pages[0])
    assert sorted(shown) == sorted(u.name for u in children)
    assert 'href="/dasbor/pimpinan?page=2"' in pages[0]
    assert "Halaman 3 dari 3" in client.get("/dasbor/pimpinan?page=99").get_data(as_text=True)
