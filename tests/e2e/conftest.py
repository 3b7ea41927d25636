"""Browser tests in real Chromium (Debian's /usr/bin/chromium) driven by Playwright.

The app runs in a thread on a free port with CSRF on. On CI (CI or KARIER_REQUIRE_BROWSER set)
a missing browser fails the run instead of skipping it.
"""

import os
import shutil
import threading
from collections.abc import Iterator

import pytest
from werkzeug.serving import make_server

from extensions import db
from tests.conftest import _empty_all_tables, make_test_app

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
REQUIRED = bool(os.environ.get("CI") or os.environ.get("KARIER_REQUIRE_BROWSER"))


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        if REQUIRED:
            pytest.fail(f"Chromium not found at {CHROMIUM}: browser tests are required on CI")
        pytest.skip("Chromium is not installed (apt-get install chromium); CI runs these")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class LiveServer:
    def __init__(self, app):
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        # Wait for request threads on shutdown, so that none outlives the test's database.
        self.server.daemon_threads = False
        self.server.block_on_close = True
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self):
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def live_app(_schema, tmp_path):
    """CSRF on, as in production. The test's own app context is for arranging data."""
    app = make_test_app(_schema, str(tmp_path), WTF_CSRF_ENABLED=True)
    with app.app_context():
        _empty_all_tables()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def live_server(live_app) -> Iterator[LiveServer]:
    server = LiveServer(live_app)
    server.start()
    yield server
    server.stop()


def _new_page(browser, live_server, **context_options):
    context = browser.new_context(base_url=live_server.url, locale="id-ID", **context_options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "console",
        lambda msg: (
            errors.append(msg.text)
            if msg.type == "error" and not _expected_console_error(msg.text)
            else None
        ),
    )
    page.js_errors = errors
    return context, page


def _expected_console_error(text: str) -> bool:
    """Chromium logs every non-2xx response; an invalid form answers 422 on purpose."""
    return "favicon" in text or "status of 422" in text


@pytest.fixture
def page(browser, live_server):
    context, page = _new_page(browser, live_server)
    yield page
    context.close()
    # A CSP violation or a script error in any flow is a bug.
    assert not page.js_errors, page.js_errors


@pytest.fixture
def page_nojs(browser, live_server):
    context, page = _new_page(browser, live_server, java_script_enabled=False)
    yield page
    context.close()


def login(page, email: str, password: str = "rahasia-uji-123") -> None:
    page.goto("/masuk")
    page.get_by_label("NIP atau email").fill(email)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(lambda url: "/masuk" not in url)


def assert_accessible(page) -> None:
    """axe-core finds no serious or critical violation on the current page."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]
    assert not bad, "\n".join(bad)
