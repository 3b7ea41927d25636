"""ASVS requirements docs/security.md used to list as not covered: password hashing algorithm
(2.4.1), absolute session timeout (3.3.2), no secrets in logs (7.1.1), no caching of
sensitive files (8.2.1)."""

import logging
import time
from io import BytesIO

import itsdangerous.timed
from sqlalchemy import select

from blueprints.auth.models import Employee
from blueprints.workshops.models import ExternalLearning
from extensions import db
from tests.conftest import PASSWORD
from tests.test_security_inputs import PDF, _external_data, sign_in

NEW_PASSWORD = "Rahasia-Baru-7731"  # noqa: S105 - a test password, looked for in the logs


def test_a_password_set_through_the_app_is_stored_as_salted_scrypt(app, org, client):
    """The test accounts use a cheap hash for speed; the app's own path must use scrypt."""
    sign_in(client, org.staff_a1)
    response = client.post(
        "/akun/kata-sandi",
        data={"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 303
    db.session.expire_all()
    stored = db.session.get(Employee, org.staff_a1.id).password_hash
    assert stored.startswith("scrypt:") and NEW_PASSWORD not in stored
    salt = stored.split("$")[1]
    assert len(salt) >= 16
    # The same password for someone else gives another hash (salted).
    other = db.session.get(Employee, org.staff_b1.id)
    other.set_password(NEW_PASSWORD)
    assert other.password_hash != stored


def test_a_session_ends_ten_hours_after_login_whatever_the_activity(client, org, monkeypatch):
    sign_in(client, org.staff_a1)
    assert client.get("/").status_code == 200
    real = time.time
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: real() + 9.9 * 3600)
    assert client.get("/").status_code == 200  # still inside the lifetime
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: real() + 10.1 * 3600)
    response = client.get("/")
    assert response.status_code == 302 and "/masuk" in response.headers["Location"]


def test_passwords_never_reach_the_logs(app, org, client, caplog):
    """Every logger at DEBUG (the app's, SQLAlchemy's with its parameters, the rate limiter's)
    through failed logins up to the rate limit, a login and a password change."""
    caplog.set_level(logging.DEBUG)
    db.engine.dispose()  # new connections decide SQL logging from the (now DEBUG) logger level
    for _attempt in range(6):
        client.post(
            "/masuk", data={"identifier": org.staff_b1.email, "password": "Salah-Sekali-991"}
        )
    sign_in(client, org.staff_a1)
    client.post(
        "/akun/kata-sandi",
        data={"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert caplog.records  # the requests were logged
    logged = "\n".join(f"{record.getMessage()} {record.__dict__}" for record in caplog.records)
    for secret in ("Salah-Sekali-991", PASSWORD, NEW_PASSWORD):
        assert secret not in logged


def test_evidence_files_are_not_cached(app, org, client):
    sign_in(client, org.staff_a1)
    response = client.post(
        "/pelatihan/jp/eksternal/baru",
        data=_external_data(evidence=(BytesIO(PDF), "sertifikat.pdf")),
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    record = db.session.scalars(select(ExternalLearning)).one()
    with client.get(f"/pelatihan/eksternal/{record.id}/bukti") as download:
        assert download.status_code == 200
        assert download.headers["Cache-Control"] == "private, no-store"
