"""Phone-first layout (issue 15): on the demo data, every page each demo role can reach (the route
matrix's GET pages and the pages of pagecrawl.DIRECT, found by tests/pagecrawl.py) opened in
Chromium at 360 px is no wider than the viewport, and at 390 x 844 its header is at most 120 px
tall (the same load, the viewport widened); the menu opens without JavaScript."""

from __future__ import annotations

import pytest

from tests.pagecrawl import DEMO_PASSWORD, DEMO_ROLES, DIRECT, crawl, seed_for_crawl

PHONE = {"width": 390, "height": 844}
NARROW = {"width": 360, "height": 780}  # the narrowest phone the layout is made for
HEADER_MAX = 120

WIDTH = """() => {
  const root = document.scrollingElement;
  const wide = [];
  if (root.scrollWidth > innerWidth) {
    for (const el of document.querySelectorAll('main *')) {
      const box = el.getBoundingClientRect();
      if (box.right > innerWidth + 1 && !el.closest('.table-wrap, .scroll-x')) {
        wide.push(el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ')[0] : '') + ' ' + Math.round(box.right));
        if (wide.length > 4) break;
      }
    }
  }
  return {scroll: root.scrollWidth, inner: innerWidth, wide};
}"""
HEADER = """() => {
  const header = document.querySelector('.site-header');
  return header ? Math.round(header.getBoundingClientRect().height) : 0;
}"""


@pytest.fixture
def demo_live(live_app, live_server):
    result = live_app.test_cli_runner().invoke(args=["seed-demo", "--password", DEMO_PASSWORD])
    assert result.exit_code == 0, result.output
    seed_for_crawl(live_app)
    return live_server


def _login(page, email):
    page.goto("/masuk")
    page.get_by_label("NIP atau email").fill(email)
    page.get_by_label("Kata sandi").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(lambda url: "/masuk" not in url)


@pytest.mark.parametrize("role", list(DEMO_ROLES))
def test_every_page_fits_a_phone(browser, live_app, demo_live, role):
    pages = crawl(live_app, role)
    endpoints = {p.endpoint for p in pages}
    assert len(pages) >= 25 and "dashboard.home" in endpoints, sorted(endpoints)
    assert DIRECT[role] <= endpoints, DIRECT[role] - endpoints
    context = browser.new_context(base_url=demo_live.url, locale="id-ID", viewport=NARROW)
    context.set_default_timeout(15_000)
    page = context.new_page()
    problems = []
    try:
        _login(page, DEMO_ROLES[role])
        viewport = NARROW
        for crawled in pages:
            # One load and one resize a page: it loads at the width the last one ended at.
            page.goto(crawled.url, wait_until="load")
            for turn in range(2):
                if turn:
                    viewport = PHONE if viewport is NARROW else NARROW
                    page.set_viewport_size(viewport)
                if viewport is NARROW:
                    seen = page.evaluate(WIDTH)
                    if seen["scroll"] > seen["inner"]:
                        problems.append(f"{crawled.url}: {seen['scroll']} px at 360 {seen['wide']}")
                else:
                    header = page.evaluate(HEADER)
                    if header > HEADER_MAX:
                        problems.append(f"{crawled.url}: header {header} px at 390 x 844")
    finally:
        context.close()
    assert not problems, f"{role}: {len(problems)} of {len(pages)} pages\n" + "\n".join(problems)


def test_the_menu_opens_without_javascript(browser, demo_live):
    context = browser.new_context(
        base_url=demo_live.url, locale="id-ID", viewport=PHONE, java_script_enabled=False
    )
    page = context.new_page()
    try:
        _login(page, DEMO_ROLES["camat"])
        nav_link = page.locator(".main-nav a").first
        assert not nav_link.is_visible()
        page.locator(".site-menu > summary").click()
        assert nav_link.is_visible()
        page.locator(".main-nav").get_by_role("link", name="Dasbor Pimpinan").click()
        page.wait_for_url("**/dasbor/pimpinan")
        assert page.locator(".site-header").bounding_box()["height"] <= HEADER_MAX
    finally:
        context.close()


def test_the_navigation_is_open_on_a_wide_screen(browser, demo_live):
    for js in (True, False):
        context = browser.new_context(
            base_url=demo_live.url,
            locale="id-ID",
            viewport={"width": 1280, "height": 800},
            java_script_enabled=js,
        )
        page = context.new_page()
        try:
            _login(page, DEMO_ROLES["camat"])
            assert page.locator(".main-nav a").first.is_visible()
            assert not page.locator(".site-menu > summary").is_visible()
            assert page.locator(".site-header").bounding_box()["height"] <= HEADER_MAX
        finally:
            context.close()
