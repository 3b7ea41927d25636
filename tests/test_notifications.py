"""In-app notifications, the header badge, and the e-mail outbox."""

import smtplib

import pytest
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from blueprints.notifications import services
from blueprints.notifications.models import Notification, OutboxMail
from extensions import db
from tests.conftest import HX

services.register_kind("test.hello", _l("Halo %(name)s, ada kabar baru"))


def _notify(person, link="/notifikasi/", **params):
    note = services.notify(person, "test.hello", link=link, name=params.get("name", "Budi"))
    db.session.commit()
    return note


def test_badge_counts_unread_and_refreshes_as_fragment(client, org, login_as):
    login_as(org.staff_a1)
    assert 'class="badge"' not in client.get("/").get_data(as_text=True)
    _notify(org.staff_a1)
    _notify(org.staff_a1)
    _notify(org.staff_b1)  # someone else's
    page = client.get("/").get_data(as_text=True)
    assert '<span class="badge"' in page and ">2</span>" in page
    fragment = client.get("/notifikasi/jumlah", headers=HX).get_data(as_text=True)
    assert fragment.startswith('<span id="notif-badge"') and ">2</span>" in fragment
    assert "<html" not in fragment


def test_list_renders_in_readers_language_and_opening_marks_read(client, org, login_as):
    note = _notify(org.staff_a1, link="/notifikasi/?page=1", name="Siti")
    login_as(org.staff_a1)
    assert "Halo Siti, ada kabar baru" in client.get("/notifikasi/").get_data(as_text=True)
    response = client.post(f"/notifikasi/{note.id}/buka")
    assert response.status_code == 303 and response.headers["Location"] == "/notifikasi/?page=1"
    db.session.refresh(note)
    assert note.read_at is not None


def test_cannot_open_someone_elses_notification(client, org, login_as):
    note = _notify(org.staff_b1)
    login_as(org.staff_a1)
    client.post(f"/notifikasi/{note.id}/buka")
    db.session.refresh(note)
    assert note.read_at is None


@pytest.mark.parametrize("link", ["https://evil.example/", "//evil.example/x"])
def test_stored_links_never_redirect_off_site(client, org, login_as, link):
    note = _notify(org.staff_a1, link=link)
    login_as(org.staff_a1)
    assert client.post(f"/notifikasi/{note.id}/buka").headers["Location"] == "/notifikasi/"


def test_read_all(client, org, login_as):
    _notify(org.staff_a1)
    _notify(org.staff_a1)
    login_as(org.staff_a1)
    response = client.post("/notifikasi/baca-semua", headers=HX)
    assert response.headers["HX-Trigger"] == "notifications-changed"
    unread = db.session.scalars(select(Notification).where(Notification.read_at.is_(None))).all()
    assert unread == []


@pytest.mark.parametrize("app_config", [{"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": 1}])
def test_mail_is_queued_and_a_failing_server_blocks_nothing(app, org, runner, app_config):
    _notify(org.staff_a1)
    mail = db.session.scalars(select(OutboxMail)).one()
    assert mail.to_address == org.staff_a1.email and "Halo Budi" in mail.subject
    result = runner.invoke(args=["send-mail"])  # nothing listens on port 1
    assert result.exit_code == 0 and "failed 1" in result.output
    db.session.refresh(mail)
    assert mail.sent_at is None and mail.attempts == 1 and mail.last_error


@pytest.mark.parametrize("app_config", [{"MAIL_SERVER": "mail.local", "MAIL_USE_TLS": False}])
def test_mail_is_sent_when_the_server_answers(app, org, runner, monkeypatch, app_config):
    sent = []

    class FakeSMTP:
        def __init__(self, host, port, timeout):
            assert host == "mail.local"

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def send_message(self, message):
            sent.append(message)

    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    _notify(org.staff_a1)
    result = runner.invoke(args=["send-mail"])
    assert "sent 1" in result.output
    assert sent[0]["To"] == org.staff_a1.email
    assert db.session.scalars(select(OutboxMail)).one().sent_at is not None


def test_no_mail_queued_without_smtp(app, org):
    _notify(org.staff_a1)
    assert db.session.scalars(select(OutboxMail)).all() == []
