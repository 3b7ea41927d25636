"""Charts on a phone (issue 15): on the demo survey results (the open wave: bars, stacked bars,
heatmap and trend) and the leader dashboard's trend, at 360 and 390 px in Chromium, every chart
fits its card (nothing scrolls inside a chart), its text renders at 12 px or more, every colour a
bar, segment, cell or line is drawn in has its swatch in the chart's legend, the distribution
table fits its card, and a table that must scroll inside its card shows a shadow that says so;
axe finds nothing serious on the phone page."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from blueprints.surveys.models import SurveyWave
from extensions import db
from tests.e2e.conftest import assert_accessible, login
from tests.pagecrawl import DEMO_PASSWORD, DEMO_ROLES

MIN_FONT_PX = 12

# Per chart figure: its box and its SVG's, what scrolls inside it, the smallest rendered text,
# the colours drawn and the colours of its legend's swatches.
CHARTS = """() => [...document.querySelectorAll('figure.chart-figure')]
    .filter(figure => figure.querySelector('svg.chart')).map(figure => {
  const svg = figure.querySelector('svg.chart');
  const box = el => { const r = el.getBoundingClientRect(); return {left: r.left, right: r.right}; };
  const texts = [...svg.querySelectorAll('text')].filter(t => t.textContent.trim());
  const sizes = texts.map(t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a);
  for (const el of figure.querySelectorAll('.heat-head-cell, .chart-legend')) {
    if (el.getClientRects().length) sizes.push(parseFloat(getComputedStyle(el).fontSize));
  }
  const drawn = new Set();
  for (const r of svg.querySelectorAll('rect.bar, rect.seg, rect.heat')) drawn.add(getComputedStyle(r).fill);
  for (const l of svg.querySelectorAll('line.line, circle.point')) drawn.add(getComputedStyle(l).stroke);
  const swatches = new Set([...figure.querySelectorAll('.chart-legend .swatch')]
    .map(s => getComputedStyle(s).backgroundColor));
  return {id: svg.id, figure: box(figure), svg: box(svg), texts: texts.length,
          scrolls: figure.scrollWidth - figure.clientWidth, smallest: Math.min(...sizes),
          drawn: [...drawn], swatches: [...swatches], viewport: innerWidth};
})"""

TABLES = """() => [...document.querySelectorAll('.table-wrap')].map(wrap => ({
  caption: (wrap.querySelector('caption') || {}).textContent,
  compact: !!wrap.querySelector('table.compact-table'),
  overflow: wrap.scrollWidth - wrap.clientWidth,
  right: wrap.getBoundingClientRect().right,
  background: getComputedStyle(wrap).backgroundImage,
  attachment: getComputedStyle(wrap).backgroundAttachment,
}))"""


@pytest.fixture
def demo_server(live_app, live_server):
    result = live_app.test_cli_runner().invoke(args=["seed-demo", "--password", DEMO_PASSWORD])
    assert result.exit_code == 0, result.output
    return live_server


def _open_wave_id() -> int:
    return db.session.scalars(select(SurveyWave.id).where(SurveyWave.status == "open")).one()


def _check_charts(charts: list[dict], where: str) -> None:
    assert charts, f"{where}: no chart"
    for chart in charts:
        name = f"{where} {chart['id']} at {chart['viewport']} px"
        assert chart["texts"] > 0, name
        assert chart["figure"]["right"] <= chart["viewport"], (name, chart["figure"])
        assert chart["svg"]["left"] >= chart["figure"]["left"] - 0.5, (name, chart)
        assert chart["svg"]["right"] <= chart["figure"]["right"] + 0.5, (name, chart)
        assert chart["scrolls"] <= 0, f"{name}: scrolls {chart['scrolls']} px inside its card"
        assert chart["smallest"] >= MIN_FONT_PX, f"{name}: text at {chart['smallest']:.1f} px"
        missing = set(chart["drawn"]) - set(chart["swatches"])
        assert chart["drawn"] and not missing, f"{name}: colours without a legend entry {missing}"


@pytest.mark.parametrize("width", [360, 390])
def test_survey_charts_fit_a_phone_and_read(browser, demo_server, width):
    wave_id = _open_wave_id()
    context = browser.new_context(
        base_url=demo_server.url, locale="id-ID", viewport={"width": width, "height": 844}
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        login(page, DEMO_ROLES["camat"], DEMO_PASSWORD)
        page.goto(f"/survei/hasil/{wave_id}")
        charts = page.evaluate(CHARTS)
        assert {c["id"] for c in charts} == {
            "chart-dimensions",
            "chart-distribution",
            "chart-heatmap",
            "chart-trend",
        }
        _check_charts(charts, "survey results")
        # The flagged colour is drawn on the demo data, so the legend must name it.
        flagged = page.locator("#chart-dimensions rect.bar-flagged")
        assert flagged.count() > 0
        assert page.locator(".chart-legend .bar-swatch-flagged").is_visible()
        # A phone shows the heatmap's columns as numbers named in the key.
        assert page.locator(".heat-head-key").first.is_visible()
        assert page.locator(".heat-key").is_visible()
        assert not page.locator(".heat-head-name").first.is_visible()
        assert_accessible(page)

        tables = page.evaluate(TABLES)
        for table in tables:
            assert table["right"] <= width, table
            if table["compact"]:
                assert table["overflow"] <= 0, f"{table['caption']} does not fit at {width} px"
            if table["overflow"] > 0:  # the cue: shadows fixed at the edges, covers that move
                assert table["background"].count("linear-gradient") >= 4, table
                assert "local" in table["attachment"] and "scroll" in table["attachment"], table
        assert any(t["overflow"] > 0 for t in tables), "the per-unit table scrolls on a phone"

        page.goto("/dasbor/pimpinan")
        _check_charts(page.evaluate(CHARTS), "leader dashboard")
    finally:
        context.close()


def test_heatmap_names_its_columns_on_a_wide_screen(browser, demo_server):
    wave_id = _open_wave_id()
    context = browser.new_context(
        base_url=demo_server.url, locale="id-ID", viewport={"width": 1280, "height": 800}
    )
    page = context.new_page()
    try:
        login(page, DEMO_ROLES["camat"], DEMO_PASSWORD)
        page.goto(f"/survei/hasil/{wave_id}")
        _check_charts(page.evaluate(CHARTS), "survey results")
        names = page.locator(".heat-head-name")
        assert names.first.is_visible() and not page.locator(".heat-key").is_visible()
        # Each name sits over its column: the header cells and the first row's cells line up.
        heads = page.locator(".heat-head-cell")
        cells = page.locator("#chart-heatmap rect.heat")
        for i in range(heads.count()):
            head, cell = heads.nth(i).bounding_box(), cells.nth(i).bounding_box()
            assert abs(head["x"] - cell["x"]) <= 2 and abs(head["width"] - cell["width"]) <= 3
    finally:
        context.close()
