"""Dashboards in Chromium: the notification badge follows another user's action without a reload
(and shows the count on a plain page load without JavaScript); axe on home, my career and the
dashboards."""

import pytest
from playwright.sync_api import expect

from extensions import db
from tests import factories
from tests import factories_dashboard as fd
from tests.conftest import _empty_all_tables, make_test_app
from tests.e2e.conftest import LiveServer, assert_accessible, login


@pytest.fixture
def poll_app(_schema, tmp_path):
    """CSRF on, and the badge polling every second."""
    app = make_test_app(_schema, str(tmp_path), WTF_CSRF_ENABLED=True, NOTIFICATION_POLL_SECONDS=1)
    with app.app_context():
        _empty_all_tables()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def poll_server(poll_app):
    server = LiveServer(poll_app)
    server.start()
    yield server
    server.stop()


def _context(browser, server, **options):
    context = browser.new_context(base_url=server.url, locale="id-ID", **options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "console",
        lambda msg: (
            errors.append(msg.text) if msg.type == "error" and "favicon" not in msg.text else None
        ),
    )
    return context, page, errors


def test_badge_updates_when_another_user_acts(browser, poll_server):
    org = factories.small_org()
    leader_ctx, leader, leader_errors = _context(browser, poll_server)
    staff_ctx, staff, staff_errors = _context(browser, poll_server)
    try:
        login(leader, org.lurah_a.email)
        leader.goto("/")
        badge = leader.locator("#notif-badge")
        expect(badge.locator(".badge")).to_have_count(0)
        # Another user asks the lurah for feedback, in another browser.
        login(staff, org.staff_a1.email)
        staff.goto("/umpan-balik/permintaan/baru")
        staff.get_by_label("Topik").fill("Cara saya menjelaskan persyaratan KTP-el")
        staff.get_by_role("button", name="Kirim permintaan").click()
        staff.wait_for_url("**/umpan-balik/permintaan")
        # The lurah's page was not reloaded: the badge polls and shows the new count.
        expect(badge.locator(".badge")).to_have_text("1")
        assert leader.url.endswith("/")
        assert not leader_errors and not staff_errors, leader_errors + staff_errors
    finally:
        leader_ctx.close()
        staff_ctx.close()


def test_badge_counts_on_a_page_load_without_javascript(browser, poll_server):
    org = factories.small_org()
    fd.feedback(org.lurah_a, org.staff_a1)
    with poll_server.app.test_request_context():
        from blueprints.notifications.services import notify

        notify(org.staff_a1, "feedback.received", link="/umpan-balik/", author=org.lurah_a.name)
        notify(org.staff_a1, "feedback.received", link="/umpan-balik/", author=org.lurah_a.name)
    db.session.commit()
    context, page, _errors = _context(browser, poll_server, java_script_enabled=False)
    try:
        login(page, org.staff_a1.email)
        page.goto("/")
        expect(page.locator("#notif-badge .badge")).to_have_text("2")
        # The home lists the unread feedback as a plain link to act on.
        page.locator("#needs-feedback a").first.click()
        expect(page.locator("h1")).to_contain_text("Umpan balik")
    finally:
        context.close()


def test_dashboards_are_accessible(page, live_server):
    org = factories.small_org()
    fd.home_scenario(org)
    fd.external(org.staff_a1, jp=20, status="verified")
    fd.feedback(org.camat, org.lurah_a, competencies=["komunikasi"])
    db.session.commit()
    for person, paths in (
        (org.staff_a1, ["/", "/karier"]),
        (org.lurah_a, ["/", "/dasbor/pimpinan", "/dasbor/pimpinan/pegawai?ukuran=jp-kurang"]),
        (org.camat, ["/dasbor/pimpinan"]),
        (org.organizer, ["/", "/dasbor/penyelenggara"]),
    ):
        page.context.clear_cookies()
        login(page, person.email)
        for path in paths:
            page.goto(path)
            expect(page.locator("h1")).to_be_visible()
            assert_accessible(page)
