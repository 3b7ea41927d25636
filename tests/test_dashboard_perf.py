"""Bounded queries: every dashboard page runs as many SQL statements with 5,000 employees as with
60 (no N+1), for each role that sees it."""

from extensions import db
from tests import factories_dashboard as fd
from tests.conftest import _empty_all_tables


def _pages(org) -> list[tuple[str, object, str]]:
    return [
        ("staff home", org.staff, "/"),
        ("staff career", org.staff, "/karier"),
        ("leader home", org.camat, "/"),
        ("leader career", org.camat, "/karier"),
        ("leader dashboard (root)", org.camat, "/dasbor/pimpinan"),
        ("leader dashboard (kelurahan)", org.lurah, "/dasbor/pimpinan"),
        ("below target", org.camat, "/dasbor/pimpinan/pegawai?ukuran=jp-kurang"),
        ("not covered", org.camat, "/dasbor/pimpinan/pegawai?ukuran=ub-belum&page=2"),
        ("export", org.camat, "/dasbor/pimpinan/ekspor.xlsx"),
        ("organizer home", org.organizer, "/"),
        ("organizer dashboard", org.organizer, "/dasbor/penyelenggara"),
    ]


def _counts(app, queries, org) -> dict[str, int]:
    out, clients = {}, {}
    pages = [(name, person.email, url) for name, person, url in _pages(org)]
    for name, email, url in pages:
        if email not in clients:
            clients[email] = app.test_client()
            clients[email].post("/masuk", data={"identifier": email, "password": "rahasia-uji-123"})
        client = clients[email]
        if not url.endswith(".xlsx"):
            assert client.get(url).status_code == 200, name  # warm caches (babel, templates)
        db.session.expunge_all()  # as a real request starts: lazy loads are counted
        with queries() as q:
            response = client.get(url)
        assert response.status_code == 200, name
        out[name] = q.count
    return out


def test_pages_run_the_same_number_of_queries_with_60_and_5000_employees(app, queries):
    small = _counts(app, queries, fd.bulk_org(60))
    db.session.remove()
    _empty_all_tables()
    large = _counts(app, queries, fd.bulk_org(5000))
    assert small == large
    assert max(small.values()) < 60, small  # and the constant is a small one
