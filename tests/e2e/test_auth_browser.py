from playwright.sync_api import expect

from tests import factories
from tests.e2e.conftest import assert_accessible, login


def test_login_in_browser_then_home_is_accessible(page, live_server):
    org = factories.small_org()
    page.goto("/masuk")
    assert_accessible(page)
    login(page, org.staff_a1.email)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Staf A1")
    assert_accessible(page)


def test_login_form_works_without_javascript(page_nojs, live_server):
    org = factories.small_org()
    login(page_nojs, org.staff_a1.email)
    expect(page_nojs.get_by_role("heading", level=1)).to_contain_text("Staf A1")
