"""The results page breaks a unit down one level at a time (the exports keep every level), and
an open wave's live figures are computed once and reused until something they count changes."""

import re
from datetime import timedelta

import pytest

from blueprints.common.timefmt import today_wib
from blueprints.surveys import scoring
from tests import factories as f
from tests import factories_surveys as fs
from tests.conftest import HX, count_queries


@pytest.fixture
def three_levels(org):
    """Kecamatan > Kelurahan A > Lingkungan I, with enough responses everywhere to show."""
    ling = f.unit("LING-I", "Lingkungan Satu", org.kel_a, kind="lingkungan")
    t = fs.instrument()
    w = fs.wave(t.inst, [org.kec], k=5)
    fs.responses(w, ling, fs.uniform(t, 4, 6))
    fs.responses(w, org.kel_a, fs.uniform(t, 4, 6))
    fs.responses(w, org.kel_b, fs.uniform(t, 3, 6))
    fs.responses(w, org.sek, fs.uniform(t, 2, 6))
    return t, w, ling


def _unit_table(html: str) -> str:
    return html[html.index('id="heat-title"') :]


def test_root_shows_the_units_directly_below_and_links_each_to_its_own(
    three_levels, org, client, login_as
):
    t, w, ling = three_levels
    login_as(org.camat)
    html = _unit_table(client.get(f"/survei/hasil/{w.id}").get_data(as_text=True))
    assert org.kel_a.name in html and org.kel_b.name in html and org.sek.name in html
    assert ling.name not in html  # two levels down: on Kelurahan A's own breakdown
    assert f'href="/survei/hasil/{w.id}?unit={org.kel_a.id}"' in html
    assert "(1 unit di bawahnya)" in html  # Kelurahan A has one unit below it

    page = client.get(f"/survei/hasil/{w.id}?unit={org.kel_a.id}").get_data(as_text=True)
    assert ling.name in _unit_table(page)
    trail = page[page.index('class="unit-trail') : page.index('class="results-unit"')]
    assert f'href="/survei/hasil/{w.id}?unit={org.kec.id}"' in trail and org.kec.name in trail

    # The htmx fragment for another unit carries the same one-level breakdown.
    fragment = client.get(f"/survei/hasil/{w.id}?unit={org.kec.id}", headers=HX)
    body = fragment.get_data(as_text=True)
    assert "<html" not in body and org.kel_a.name in body and ling.name not in _unit_table(body)


def test_exports_keep_every_level(three_levels, org, client, login_as):
    t, w, ling = three_levels
    login_as(org.camat)
    csv_rows = fs.parse_csv(client.get(f"/survei/hasil/{w.id}/ekspor.csv?tabel=unit").data)
    rows = {row[0]: row for row in csv_rows[1:]}
    assert set(rows) == {org.kec.name, org.sek.name, org.kel_a.name, ling.name, org.kel_b.name}
    assert fs.number(rows[ling.name][1]) == 6  # Lingkungan Satu's own respondents
    assert fs.number(rows[org.kel_a.name][1]) == 12  # Kelurahan A counts Lingkungan Satu too


def test_closed_wave_reads_only_the_shown_units_figures(three_levels, org, client, login_as):
    t, w, ling = three_levels
    fs.close(w)
    login_as(org.camat)
    client.get(f"/survei/hasil/{w.id}")
    from flask import g

    limited = [key for key in g.survey_figures if key[1] is not None]
    assert limited and ling.id not in limited[0][1] and org.kel_a.id in limited[0][1]
    assert ling.name not in _unit_table(client.get(f"/survei/hasil/{w.id}").get_data(as_text=True))


def _respondents(html: str) -> str:
    start = html.index("Responden</p>")
    return html[start : start + 80]


def test_live_figures_are_reused_until_a_counted_response_arrives(
    three_levels, org, client, login_as, monkeypatch
):
    t, w, ling = three_levels
    login_as(org.camat)
    with count_queries() as first:
        assert "24" in _respondents(client.get(f"/survei/hasil/{w.id}").get_data(as_text=True))
    with count_queries() as second:
        client.get(f"/survei/hasil/{w.id}")
    assert second.count <= first.count - 3  # the aggregates were not run again

    # A response dated today is not counted (nor does it recompute); one dated earlier is.
    fs.responses(w, org.kel_b, fs.uniform(t, 3, 1), on=today_wib())
    assert "24" in _respondents(client.get(f"/survei/hasil/{w.id}").get_data(as_text=True))
    fs.responses(w, org.kel_b, fs.uniform(t, 3, 1), on=today_wib() - timedelta(days=2))
    assert "25" in _respondents(client.get(f"/survei/hasil/{w.id}").get_data(as_text=True))

    # Within LIVE_FIGURES_SECONDS a change of the invited headcount waits; after, it shows.
    before = _invited(client.get(f"/survei/hasil/{w.id}").get_data(as_text=True))
    f.employee(org.kel_b, "Pegawai Baru")
    assert _invited(client.get(f"/survei/hasil/{w.id}").get_data(as_text=True)) == before
    monkeypatch.setattr(scoring, "LIVE_FIGURES_SECONDS", 0)
    with count_queries() as third:
        after = _invited(client.get(f"/survei/hasil/{w.id}").get_data(as_text=True))
    assert after == before + 1 and third.count >= first.count - 1


def _invited(html: str) -> int:
    match = re.search(r"dari (\d+) diundang", html)
    return int(match.group(1))


def test_units_below_come_a_page_at_a_time(three_levels, org, client, login_as, monkeypatch):
    """A province's root has hundreds of units below it: the table and the heat map show a page
    of them, with links to the others (plain links, and htmx swapping the results body)."""
    from blueprints.surveys import results as survey_results

    monkeypatch.setattr(survey_results, "UNITS_PER_PAGE", 2)
    t, w, ling = three_levels
    login_as(org.camat)
    below = {org.kel_a.name, org.kel_b.name, org.sek.name}
    seen = set()
    for page in (1, 2):
        html = _unit_table(client.get(f"/survei/hasil/{w.id}?page={page}").get_data(as_text=True))
        table = html[: html.index("</table>")]
        shown = {name for name in below if name in table}
        assert len(shown) == (2 if page == 1 else 1), (page, shown)
        assert org.kec.name in table  # the unit itself heads every page
        seen |= shown
        assert f"Halaman {page} dari 2" in html
    assert seen == below
    first = client.get(f"/survei/hasil/{w.id}").get_data(as_text=True)
    assert f'href="/survei/hasil/{w.id}?page=2"' in first
    assert 'data-hx-target="#results-body"' in first
    # A page past the end shows the last one; the exports still have every unit.
    last = client.get(f"/survei/hasil/{w.id}?page=9").get_data(as_text=True)
    assert "Halaman 2 dari 2" in last
    csv_rows = fs.parse_csv(client.get(f"/survei/hasil/{w.id}/ekspor.csv?tabel=unit").data)
    assert below <= {row[0] for row in csv_rows[1:]}
