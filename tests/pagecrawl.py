"""Every HTML page a demo role can reach: a crawl of GET links with the Flask test client.

Used by the layout test (tests/e2e/test_layout_overflow.py) and the HTML checker test
(tests/test_html_valid.py). A crawl starts at the home page and at every GET endpoint of the route
matrix (tests/test_security_matrix.py) that takes no argument, follows same-site links, and keeps at
most PER_ENDPOINT distinct URLs per endpoint (a session page stands for every session page), so that
the set is the route matrix's pages as that role sees them on the demo data."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

from werkzeug.exceptions import HTTPException

DEMO_ROLES = {
    "pegawai": "pegawai@demo.local",
    "penyelenggara": "penyelenggara@demo.local",
    "camat": "camat@demo.local",
    "lurah": "lurah.terjun@demo.local",
    "admin": "admin@demo.local",
}
DEMO_PASSWORD = "demo-marelan"  # noqa: S105 - the documented demo password
PER_ENDPOINT = 2
MAX_PAGES = 400
# Not pages: logout and language are POST, the rest answer files or fragments.
SKIP_ENDPOINTS = {"static", "notifications.count", "dashboard.healthz", "auth.login"}


@dataclass
class Page:
    role: str
    url: str
    endpoint: str
    html: str


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href and "download" not in dict(attrs):
                self.hrefs.append(href)


def _endpoint(app, url: str) -> str | None:
    parts = urlsplit(url)
    try:
        endpoint, _ = app.url_map.bind("localhost").match(parts.path, method="GET")
    except HTTPException:
        return None
    return endpoint


def _start_urls(app) -> list[str]:
    urls = ["/"]
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and not rule.arguments and rule.endpoint not in SKIP_ENDPOINTS:
            urls.append(rule.rule)
    return sorted(set(urls), key=lambda u: (u != "/", u))


def crawl(app, role: str, per_endpoint: int = PER_ENDPOINT) -> list[Page]:
    """Log in as the demo role with a fresh test client and collect its HTML pages."""
    client = app.test_client()
    form = client.get("/masuk").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form)
    response = client.post(
        "/masuk",
        data={
            "identifier": DEMO_ROLES[role],
            "password": DEMO_PASSWORD,
            "csrf_token": token.group(1) if token else "",
        },
    )
    assert response.status_code in (302, 303), f"login as {role} failed"
    queue = _start_urls(app)
    seen: set[str] = set()
    per: dict[str, int] = {}
    pages: list[Page] = []
    while queue and len(pages) < MAX_PAGES:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        endpoint = _endpoint(app, url)
        if endpoint is None or endpoint in SKIP_ENDPOINTS or per.get(endpoint, 0) >= per_endpoint:
            continue
        response = client.get(url)
        is_page = response.status_code == 200 and response.mimetype == "text/html"
        html = response.get_data(as_text=True) if is_page else ""
        response.close()  # downloads are file streams
        if not is_page:
            continue
        if "<html" not in html[:300].lower():
            continue
        per[endpoint] = per.get(endpoint, 0) + 1
        pages.append(Page(role, url, endpoint, html))
        parser = _Links()
        parser.feed(html)
        for href in parser.hrefs:
            target = urldefrag(urljoin(url, href)).url
            parts = urlsplit(target)
            if parts.scheme not in ("", "http") or parts.netloc not in ("", "localhost"):
                continue
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            if path not in seen and not re.search(r"/(keluar|logout)\b", path):
                queue.append(path)
    return pages
