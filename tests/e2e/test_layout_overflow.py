"""Phone-first layout (issue 15): on the demo data, every page each demo role can reach (the route
matrix's GET pages, found by tests/pagecrawl.py) opened in Chromium at 390 x 844 is no wider than
the viewport and its header is at most 120 px tall; the menu opens without JavaScript."""

from __future__ import annotations

import pytest

from tests.pagecrawl import DEMO_PASSWORD, DEMO_ROLES, crawl

PHONE = {"width": 390, "height": 844}
HEADER_MAX = 120

MEASURE = """() => {
  const root = document.scrollingElement;
  const header = document.querySelector('.site-header');
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
  return {scroll: root.scrollWidth, inner: innerWidth,
          header: header ? Math.round(header.getBoundingClientRect().height) : 0, wide};
}"""


@pytest.fixture
def demo_live(live_app, live_server):
    result = live_app.test_cli_runner().invoke(args=["seed-demo", "--password", DEMO_PASSWORD])
    assert result.exit_code == 0, result.output
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
    context = browser.new_context(base_url=demo_live.url, locale="id-ID", viewport=PHONE)
    context.set_default_timeout(15_000)
    page = context.new_page()
    problems = []
    try:
        _login(page, DEMO_ROLES[role])
        for crawled in pages:
            page.goto(crawled.url, wait_until="load")
            seen = page.evaluate(MEASURE)
            if seen["scroll"] > seen["inner"]:
                problems.append(f"{crawled.url}: {seen['scroll']} px wide {seen['wide']}")
            if seen["header"] > HEADER_MAX:
                problems.append(f"{crawled.url}: header {seen['header']} px")
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
