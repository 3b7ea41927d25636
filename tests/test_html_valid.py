"""Valid HTML (issue 15): the Nu Html Checker (vnu-jar from npm, run with Java) finds 0 errors on
every page each demo role can reach (tests/pagecrawl.py, the pages of pagecrawl.DIRECT included),
CSRF on as in production. Every such page links the one stylesheet, css/app.css.

Locally the test is skipped when Java or node_modules/vnu-jar is missing; on CI (CI or
KARIER_REQUIRE_BROWSER set) it is required, like the browser tests."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.pagecrawl import DEMO_PASSWORD, DEMO_ROLES, DIRECT, crawl, seed_for_crawl

ROOT = Path(__file__).resolve().parents[1]
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
REQUIRED = bool(os.environ.get("CI") or os.environ.get("KARIER_REQUIRE_BROWSER"))


def _checker() -> list[str]:
    java = shutil.which("java")
    if java and VNU.exists():
        return [java, "-Xss2m", "-jar", str(VNU)]
    missing = "java (apt-get install default-jre-headless)" if not java else f"{VNU} (npm ci)"
    if REQUIRED:
        pytest.fail(f"{missing} is missing: the HTML checker is required on CI")
    pytest.skip(f"{missing} is missing; CI runs the HTML checker")


def test_every_page_of_every_demo_role_is_valid_html(csrf_app, tmp_path):
    checker = _checker()
    result = csrf_app.test_cli_runner().invoke(args=["seed-demo", "--password", DEMO_PASSWORD])
    assert result.exit_code == 0, result.output
    seed_for_crawl(csrf_app)
    where: dict[str, str] = {}
    for role in DEMO_ROLES:
        pages = crawl(csrf_app, role)
        assert len(pages) >= 25, (role, [p.url for p in pages])
        missing = DIRECT[role] - {p.endpoint for p in pages}
        assert not missing, (role, missing)
        for number, page in enumerate(pages):
            # One stylesheet for the whole app (issue 12): one request, one cache entry.
            sheets = re.findall(r'<link rel="stylesheet" href="([^"?]+)', page.html)
            assert sheets == ["/static/css/app.css"], (role, page.url, sheets)
            path = tmp_path / f"{role}-{number:03d}.html"
            path.write_text(page.html, encoding="utf-8")
            where[str(path)] = f"{role} {page.url}"
    run = subprocess.run(
        [
            *checker,
            "--errors-only",
            "--format",
            "json",
            *sorted(str(p) for p in tmp_path.glob("*.html")),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    messages = json.loads(run.stderr or run.stdout or '{"messages": []}')["messages"]
    errors = [m for m in messages if m.get("type") in ("error", "non-document-error")]
    report = [
        f"{where.get(m.get('url', '').removeprefix('file:'), m.get('url'))}: {m['message']} «{m.get('extract', '')[:80]}»"
        for m in errors
    ]
    assert not report, f"{len(report)} errors on {len(where)} pages:\n" + "\n".join(report[:60])
