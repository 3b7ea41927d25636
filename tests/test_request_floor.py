"""The floor of every request: static files cost no session or database work, are fingerprinted
and cached for a year; responses are compressed when the client asks; the user and their roles
are one statement; fragments build no navigation."""

import gzip
import re

import brotli
import pytest

from blueprints.common import static as static_files
from extensions import db
from tests import factories


@pytest.fixture
def org(app):
    org = factories.small_org()
    db.session.commit()
    return org


def _login(client, person):
    response = client.post(
        "/masuk", data={"identifier": person.email, "password": factories.PASSWORD}
    )
    assert response.status_code in (302, 303)


def _static_urls(html: str) -> list[str]:
    return re.findall(r'(?:href|src)="(/static/[^"]+)"', html)


def test_static_request_runs_no_sql_and_sets_no_cookie(app, org, queries):
    client = app.test_client()
    _login(client, org.camat)
    page = client.get("/")
    urls = _static_urls(page.get_data(as_text=True))
    assert any(".css" in url for url in urls) and any(".js" in url for url in urls)
    for url in urls:
        db.session.expunge_all()
        with queries() as q:
            response = client.get(url)
        assert response.status_code == 200, url
        response.close()
        assert q.count == 0, (url, q.statements)
        assert "Set-Cookie" not in response.headers, url
        assert "Cookie" not in (response.vary or ""), url


def test_static_request_with_a_session_cookie_does_not_refresh_it(app, org, queries):
    # A permanent session refreshes its cookie on every response; a static file must not.
    app.config["SESSION_REFRESH_EACH_REQUEST"] = True
    client = app.test_client()
    _login(client, org.camat)
    with client.session_transaction() as session:
        session.permanent = True
    assert "Set-Cookie" in client.get("/").headers  # a page refreshes it
    with queries() as q:
        version = static_files.content_hash(app, "css/app.css")
        response = client.get(f"/static/css/app.css?v={version}")
    response.close()
    assert response.status_code == 200
    assert q.count == 0
    assert "Set-Cookie" not in response.headers


def test_static_urls_are_fingerprinted_and_immutable(app, org):
    client = app.test_client()
    _login(client, org.staff_a1)
    urls = _static_urls(client.get("/").get_data(as_text=True))
    css = next(url for url in urls if "css/app.css" in url)
    js = next(url for url in urls if "js/app.js" in url)
    for url, filename in ((css, "css/app.css"), (js, "js/app.js")):
        version = url.split("?v=", 1)[1]
        assert version == static_files.content_hash(app, filename)
        response = client.get(url)
        response.close()
        assert response.status_code == 200
        cache = response.cache_control
        assert cache.immutable and cache.public and cache.max_age == 365 * 24 * 3600, url
        assert "no-store" not in response.headers.get("Cache-Control", "")
    # No fingerprint, or an outdated one: revalidated, never kept for a year.
    for url in ("/static/css/app.css", "/static/css/app.css?v=000000000000"):
        response = client.get(url)
        response.close()
        assert response.status_code == 200
        assert not response.cache_control.immutable, url
        assert response.cache_control.no_cache, url


def test_fingerprint_follows_the_content(app, tmp_path):
    folder = tmp_path / "static"
    folder.mkdir()
    (folder / "a.css").write_text("body { color: red }")
    app.static_folder = str(folder)
    first = static_files.content_hash(app, "a.css")
    (folder / "a.css").write_text("body { color: blue; }")
    second = static_files.content_hash(app, "a.css")
    assert first and second and first != second
    assert static_files.content_hash(app, "missing.css") is None


@pytest.mark.parametrize(
    ("accept", "encoding", "decode"),
    [("br", "br", brotli.decompress), ("gzip", "gzip", gzip.decompress)],
)
def test_pages_and_static_files_are_compressed_when_asked(app, org, accept, encoding, decode):
    client = app.test_client()
    _login(client, org.camat)
    plain = client.get("/")
    assert "Content-Encoding" not in plain.headers
    page = client.get("/", headers={"Accept-Encoding": f"{accept}, identity"})
    assert page.status_code == 200
    assert page.headers["Content-Encoding"] == encoding
    assert "Accept-Encoding" in page.headers["Vary"] and "HX-Request" in page.headers["Vary"]
    body = decode(page.get_data())
    assert b"</html>" in body
    assert len(page.get_data()) < len(body) / 2
    for url in _static_urls(plain.get_data(as_text=True)):
        if url.split("?")[0].endswith((".css", ".js")):
            response = client.get(url, headers={"Accept-Encoding": accept})
            assert response.headers.get("Content-Encoding") == encoding, url
            assert decode(response.get_data()), url


@pytest.mark.parametrize(
    "mimetype", ["text/csv; charset=utf-8", "application/json", "text/javascript"]
)
def test_json_csv_and_scripts_are_compressed(app, mimetype):
    from flask import Response

    from extensions import compress

    body = ("nip,nama,unit\n" + "198001012005011001,Contoh Pegawai,KEL-TJ\n" * 100).encode()
    with app.test_request_context("/", headers={"Accept-Encoding": "gzip"}):
        response = compress.after_request(Response(body, mimetype=mimetype))
    assert response.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.get_data()) == body


def test_user_and_roles_are_one_statement(app, org, queries):
    client = app.test_client()
    _login(client, org.admin)  # an account with a stored role
    client.get("/notifikasi/jumlah")
    db.session.expunge_all()
    with queries() as q:
        response = client.get("/notifikasi/jumlah")
    assert response.status_code == 200
    employee_reads = [s for s in q.statements if re.search(r"\bFROM employee\b", s)]
    role_reads = [s for s in q.statements if "employee_role" in s]
    assert len(employee_reads) == 1, q.statements
    assert len(role_reads) == 1 and role_reads[0] is employee_reads[0], q.statements
    # The cheapest authenticated request: the user (with roles) and the unread count.
    assert q.count == 2, q.statements


def test_fragments_build_no_navigation(app, org, queries, monkeypatch):
    from blueprints.common import nav

    built = []
    original = nav.navigation_for
    monkeypatch.setattr(nav, "navigation_for", lambda user: built.append(1) or original(user))
    client = app.test_client()
    _login(client, org.camat)
    client.get("/notifikasi/jumlah", headers={"HX-Request": "true"})
    assert built == []
    page = client.get("/")
    assert page.status_code == 200
    assert built == [1]  # once for the whole page
    assert b'aria-current="page"' in page.get_data()


@pytest.mark.parametrize(
    ("endpoint", "values", "params"),
    [
        ("dashboard.leader", {}, {"unit": 7}),
        ("dashboard.leader_people", {}, {"ukuran": "jp-capai", "unit": 12}),
        ("surveys.results", {"wave_id": 3}, {"unit": 40}),
        ("feedback.team", {}, {"q": "Siti & Co", "show": None}),
        ("dashboard.leader", {}, {}),
    ],
)
def test_with_query_writes_what_url_for_writes(app, endpoint, values, params):
    """Tables build a row's links from one url_for and the row's parameters (links.with_query):
    the links must be the ones url_for would have written."""
    from flask import url_for

    from blueprints.common.links import with_query

    with app.test_request_context("/"):
        expected = url_for(endpoint, **values, **{k: v for k, v in params.items() if v is not None})
        assert with_query(url_for(endpoint, **values), **params) == expected
        assert with_query("/x?page=2", unit=5) == "/x?page=2&unit=5"


def test_gunicorn_workers_freeze_what_start_up_built():
    """deploy/gunicorn.conf.py moves the loaded app out of the collector's reach in each worker
    (full collections otherwise added 70-80 ms to one request in thirty)."""
    import gc
    import runpy
    from pathlib import Path

    conf = runpy.run_path(str(Path(__file__).parents[1] / "deploy" / "gunicorn.conf.py"))
    try:
        conf["post_worker_init"](None)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_postgresql_connections_plan_each_statement_for_its_parameters(app):
    """No JIT (its compiling cost more than it saved on page queries) and custom plans (a
    prepared statement planned blind to a unit's path read everyone); SQLite has neither."""
    from sqlalchemy import text

    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL settings")
    assert db.session.execute(text("SHOW jit")).scalar() == "off"
    assert db.session.execute(text("SHOW plan_cache_mode")).scalar() == "force_custom_plan"
