"""Only admins reach the administration: 403 for other roles, login for anonymous users,
HX-Redirect for htmx requests whose session has ended."""

from blueprints.auth.services import end_all_sessions
from extensions import db
from tests.conftest import HX


def _pages(org) -> list[str]:
    return [
        "/admin/",
        "/admin/unit",
        "/admin/unit/baru",
        f"/admin/unit/{org.kel_a.id}",
        "/admin/pegawai",
        "/admin/pegawai?q=staf",
        "/admin/pegawai/baru",
        f"/admin/pegawai/{org.staff_a1.id}",
        "/admin/impor",
        "/admin/impor/contoh.csv",
        "/admin/impor/" + "x" * 32,
        "/admin/audit",
        "/admin/pengaturan",
    ]


def _posts(org) -> list[str]:
    return [
        "/admin/unit/baru",
        f"/admin/unit/{org.kel_a.id}",
        f"/admin/unit/{org.kel_a.id}/pindah",
        f"/admin/unit/{org.kel_a.id}/pimpinan",
        f"/admin/unit/{org.kel_a.id}/nonaktifkan",
        f"/admin/unit/{org.kel_a.id}/aktifkan",
        "/admin/pegawai/baru",
        f"/admin/pegawai/{org.staff_a1.id}",
        f"/admin/pegawai/{org.staff_a1.id}/peran",
        f"/admin/pegawai/{org.staff_a1.id}/nonaktifkan",
        f"/admin/pegawai/{org.staff_a1.id}/aktifkan",
        f"/admin/pegawai/{org.staff_a1.id}/reset-sandi",
        "/admin/impor",
        "/admin/impor/" + "x" * 32,
        "/admin/pengaturan",
    ]


def test_non_admins_get_403_on_every_admin_page_and_action(client, org, login_as):
    for who in ("staff_a1", "organizer", "lurah_a", "camat"):
        login_as(getattr(org, who))
        for path in _pages(org):
            assert client.get(path).status_code == 403, (who, path)
            assert client.get(path, headers=HX).status_code == 403, (who, path)
        for path in _posts(org):
            assert client.post(path, data={"roles-admin": "y"}).status_code == 403, (who, path)
    # Nothing changed on the way.
    db.session.expire_all()
    assert org.staff_a1.stored_roles == set()


def test_the_admin_reaches_every_page(client, org, login_as):
    login_as(org.admin)
    for path in _pages(org):
        response = client.get(path, follow_redirects=True)
        assert response.status_code == 200, path


def test_anonymous_users_are_sent_to_login(client, org):
    for path in _pages(org):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/masuk?next="), path
    for path in _posts(org):
        assert client.post(path).status_code == 302, path


def test_htmx_fragment_with_an_expired_session_gets_hx_redirect(client, org, login_as):
    login_as(org.admin)
    fragment = client.get("/admin/pegawai?q=staf", headers=HX)
    assert fragment.status_code == 200
    assert "<html" not in fragment.get_data(as_text=True)
    # The session ends elsewhere (logout on another device, password reset...).
    end_all_sessions(org.admin)
    db.session.commit()
    response = client.get("/admin/pegawai?q=staf", headers=HX)
    assert response.status_code == 401
    assert response.headers["HX-Redirect"] == "/masuk"
    # Without htmx the same request is a plain redirect to the login page.
    plain = client.get("/admin/pegawai?q=staf")
    assert plain.status_code == 302 and plain.headers["Location"].startswith("/masuk")


def test_admin_navigation_entry_only_for_admins(client, org, login_as):
    login_as(org.staff_a1)
    assert 'href="/admin/"' not in client.get("/").get_data(as_text=True)
    login_as(org.admin)
    assert 'href="/admin/"' in client.get("/").get_data(as_text=True)
