"""Foundation security: CSRF, headers, cookies, rate limit, sessions, redirects."""

import re

import pytest

from blueprints.auth.services import is_safe_next
from extensions import db
from tests import factories
from tests.conftest import HX, PASSWORD


def _csrf_token(client, path="/masuk") -> str:
    html = client.get(path).get_data(as_text=True)
    return (
        re.search(
            r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"',
            html,
        ).group(1)
        or ""
    )


def _token(html: str) -> str:
    match = re.search(r'"X-CSRFToken": "([^"]+)"', html)
    assert match, "the page carries the CSRF token for htmx"
    return match.group(1)


class TestCsrf:
    def test_post_without_token_is_refused_with_400(self, csrf_app):
        org = factories.small_org()
        client = csrf_app.test_client()
        response = client.post(
            "/masuk", data={"identifier": org.staff_a1.email, "password": PASSWORD}
        )
        assert response.status_code == 400
        assert "kedaluwarsa" in response.get_data(as_text=True)

    def test_every_post_route_refuses_a_missing_token(self, csrf_app):
        factories.small_org()
        client = csrf_app.test_client()
        post_rules = [
            r
            for r in csrf_app.url_map.iter_rules()
            if "POST" in r.methods and not r.arguments and r.endpoint != "static"
        ]
        assert post_rules
        for rule in post_rules:
            response = client.post(rule.rule, data={})
            assert response.status_code in (400, 302, 401), (rule.rule, response.status_code)
            # 302/401: login required first; logged in, it must be 400 (checked below).

    def test_logged_in_post_without_token_is_400_and_htmx_header_succeeds(self, csrf_app):
        org = factories.small_org()
        client = csrf_app.test_client()
        html = client.get("/masuk").get_data(as_text=True)
        token = _token(html)
        login = client.post(
            "/masuk",
            data={"identifier": org.staff_a1.email, "password": PASSWORD, "csrf_token": token},
        )
        assert login.status_code == 303
        assert client.post("/notifikasi/baca-semua").status_code == 400
        home = client.get("/").get_data(as_text=True)
        response = client.post(
            "/notifikasi/baca-semua", headers={**HX, "X-CSRFToken": _token(home)}
        )
        assert response.status_code == 204
        assert response.headers["HX-Redirect"] == "/notifikasi/"


class TestHeaders:
    def test_security_headers_on_pages(self, client, org, login_as):
        for path in ("/masuk", "/healthz"):
            self._assert_headers(client.get(path))
        login_as(org.staff_a1)
        self._assert_headers(client.get("/"))
        self._assert_headers(client.get("/tidak-ada"))

    @staticmethod
    def _assert_headers(response):
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"]
        assert "HX-Request" in response.headers["Vary"]

    def test_pages_have_no_inline_script_or_style(self, client, org, login_as):
        login_as(org.admin)
        for path in ("/", "/masuk", "/notifikasi/", "/admin/"):
            html = client.get(path).get_data(as_text=True)
            assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
            assert " style=" not in html and "hx-on" not in html, path

    def test_session_cookie_flags(self, client, org):
        response = client.post(
            "/masuk", data={"identifier": org.staff_a1.email, "password": PASSWORD}
        )
        cookie = response.headers["Set-Cookie"]
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


@pytest.mark.parametrize("app_config", [{"SESSION_COOKIE_SECURE": True}])
def test_session_cookie_secure_when_configured_for_https(client, org, app_config):
    response = client.post("/masuk", data={"identifier": org.staff_a1.email, "password": PASSWORD})
    assert "Secure" in response.headers["Set-Cookie"]
    assert "Strict-Transport-Security" in response.headers


class TestLogin:
    def test_login_with_nip_or_email(self, client, org):
        assert (
            client.post(
                "/masuk", data={"identifier": org.staff_a1.email.upper(), "password": PASSWORD}
            ).status_code
            == 303
        )
        client.post("/keluar")
        spaced = f"{org.staff_b1.nip[:8]} {org.staff_b1.nip[8:14]} {org.staff_b1.nip[14]} {org.staff_b1.nip[15:]}"
        assert (
            client.post("/masuk", data={"identifier": spaced, "password": PASSWORD}).status_code
            == 303
        )

    def test_wrong_password_rerenders_with_message_and_keeps_identifier(self, client, org):
        response = client.post(
            "/masuk", data={"identifier": org.staff_a1.email, "password": "salah"}
        )
        assert response.status_code == 422
        html = response.get_data(as_text=True)
        assert "kata sandi salah" in html and org.staff_a1.email in html

    def test_inactive_account_cannot_log_in(self, client, org):
        org.staff_a1.active = False
        db.session.commit()
        response = client.post(
            "/masuk", data={"identifier": org.staff_a1.email, "password": PASSWORD}
        )
        assert response.status_code == 422

    def test_sixth_wrong_password_within_a_minute_is_429_in_indonesian(self, client, org):
        data = {"identifier": org.staff_a1.email, "password": "salah-lagi"}
        statuses = [client.post("/masuk", data=data).status_code for _ in range(5)]
        assert statuses == [422] * 5
        sixth = client.post("/masuk", data=data)
        assert sixth.status_code == 429
        assert "Terlalu banyak percobaan masuk" in sixth.get_data(as_text=True)
        # Even the right password waits: the account is throttled, not the person guessing.
        right = client.post("/masuk", data={**data, "password": PASSWORD})
        assert right.status_code == 429
        # Another account from the same address is not affected.
        other = client.post("/masuk", data={"identifier": org.staff_b1.email, "password": PASSWORD})
        assert other.status_code == 303

    def test_successful_logins_do_not_count_toward_the_limit(self, client, org):
        for _ in range(7):
            assert (
                client.post(
                    "/masuk", data={"identifier": org.staff_a1.email, "password": PASSWORD}
                ).status_code
                == 303
            )
            client.post("/keluar")


class TestSessions:
    def test_anonymous_is_redirected_to_login_with_next(self, client, org):
        response = client.get("/notifikasi/")
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/masuk?next=")

    def test_expired_session_on_htmx_request_gets_hx_redirect(self, client, org):
        response = client.get("/notifikasi/jumlah", headers=HX)
        assert response.status_code == 401
        assert response.headers["HX-Redirect"] == "/masuk"

    def test_logout_ends_the_session_on_every_device(self, app, org):
        laptop, phone = app.test_client(), app.test_client()
        for device in (laptop, phone):
            device.post("/masuk", data={"identifier": org.staff_a1.email, "password": PASSWORD})
            assert device.get("/").status_code == 200
        laptop.post("/keluar")
        assert laptop.get("/").status_code == 302
        assert phone.get("/").status_code == 302

    def test_password_change_ends_other_sessions_but_keeps_this_one(self, app, org):
        laptop, phone = app.test_client(), app.test_client()
        for device in (laptop, phone):
            device.post("/masuk", data={"identifier": org.staff_a1.email, "password": PASSWORD})
        response = laptop.post(
            "/akun/kata-sandi",
            data={
                "current_password": PASSWORD,
                "new_password": "kata-sandi-baru-99",
                "confirm": "kata-sandi-baru-99",
            },
        )
        assert response.status_code == 303
        assert laptop.get("/").status_code == 200
        assert phone.get("/").status_code == 302
        phone.post("/masuk", data={"identifier": org.staff_a1.email, "password": PASSWORD})
        assert phone.get("/").status_code == 302
        phone.post(
            "/masuk", data={"identifier": org.staff_a1.email, "password": "kata-sandi-baru-99"}
        )
        assert phone.get("/").status_code == 200

    def test_password_change_validation_keeps_session(self, client, org, login_as):
        login_as(org.staff_a1)
        response = client.post(
            "/akun/kata-sandi",
            data={"current_password": "salah", "new_password": "pendek", "confirm": "beda"},
        )
        assert response.status_code == 422
        assert client.get("/").status_code == 200

    def test_forced_password_change_after_admin_reset(self, client, org, login_as):
        org.staff_a1.must_change_password = True
        db.session.commit()
        response = login_as(org.staff_a1)
        assert response.headers["Location"] == "/akun/kata-sandi"
        assert client.get("/").headers["Location"].endswith("/akun/kata-sandi")


class TestRedirects:
    @pytest.mark.parametrize(
        "target",
        [
            "https://evil.example/",
            "//evil.example/",
            "/\\evil.example",
            "javascript:alert(1)",
            "http:/evil",
            "\\\\evil",
            "/ok\r\nLocation: x",
            "",
        ],
    )
    def test_unsafe_next_is_ignored(self, client, org, target):
        assert not is_safe_next(target)
        response = client.post(
            "/masuk", data={"identifier": org.staff_a1.email, "password": PASSWORD, "next": target}
        )
        assert response.headers["Location"] == "/"

    def test_safe_next_is_followed(self, client, org):
        response = client.post(
            "/masuk",
            data={
                "identifier": org.staff_a1.email,
                "password": PASSWORD,
                "next": "/notifikasi/?page=2",
            },
        )
        assert response.headers["Location"] == "/notifikasi/?page=2"


def test_healthz_checks_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_request_id_is_echoed_or_made(client):
    made = client.get("/healthz").headers["X-Request-ID"]
    assert len(made) == 32
    given = client.get("/healthz", headers={"X-Request-ID": "abc123-proxy-id"})
    assert given.headers["X-Request-ID"] == "abc123-proxy-id"
    forged = client.get("/healthz", headers={"X-Request-ID": "<script>alert(1)</script>"})
    assert forged.headers["X-Request-ID"] != "<script>alert(1)</script>"
