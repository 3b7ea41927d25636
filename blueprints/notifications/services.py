"""notify(): the one way any blueprint tells a person something happened.

Blueprints register the text of each kind once (register_kind); the text is translated when
shown, so each person reads notifications in their own language.
"""

import smtplib
from email.message import EmailMessage

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import func, select, update

from blueprints.common.timefmt import localize_params, utcnow
from blueprints.notifications.models import Notification, OutboxMail
from extensions import db

_KINDS: dict[str, object] = {}


def register_kind(kind: str, text) -> None:
    """text: a lazy_gettext string with %(name)s placeholders filled from params."""
    _KINDS[kind] = text


def render_text(kind: str, params: dict) -> str:
    template = _KINDS.get(kind)
    if template is None:
        return kind
    try:
        return str(template) % localize_params(params)  # dates in the reader's style
    except (KeyError, TypeError, ValueError):
        return str(template)


def notify(recipient, kind: str, link: str = "", **params) -> Notification:
    """Queue a notification in the caller's transaction (and an e-mail when SMTP is set up)."""
    note = Notification(recipient_id=recipient.id, kind=kind, params=params, link=link)
    db.session.add(note)
    if current_app.config.get("MAIL_SERVER") and recipient.email:
        with force_locale(recipient.locale or "id"):
            text = render_text(kind, params)
        base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
        db.session.add(
            OutboxMail(
                to_address=recipient.email,
                subject=f"[Karier ASN Marelan] {text[:200]}",
                body=f"{text}\n\n{base}{link}\n",
            )
        )
    return note


def unread_count(user) -> int:
    return (
        db.session.scalar(
            select(func.count(Notification.id)).where(
                Notification.recipient_id == user.id, Notification.read_at.is_(None)
            )
        )
        or 0
    )


def mark_read(user, notification_id: int) -> Notification | None:
    note = db.session.get(Notification, notification_id)
    if note is None or note.recipient_id != user.id:
        return None
    if note.read_at is None:
        note.read_at = utcnow()
    return note


def mark_read_by_link(user, link: str) -> int:
    """The user has done what their unread notifications pointing at `link` asked (read and
    acknowledged a feedback, say): mark them read in one statement. Returns how many."""
    result = db.session.execute(
        update(Notification)
        .where(
            Notification.recipient_id == user.id,
            Notification.link == link,
            Notification.read_at.is_(None),
        )
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def mark_all_read(user) -> None:
    db.session.execute(
        update(Notification)
        .where(Notification.recipient_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )


def send_queued_mail(limit: int = 100) -> tuple[int, int]:
    """Send what is queued; a failure is recorded on the row and retried next time."""
    config = current_app.config
    pending = list(
        db.session.scalars(
            select(OutboxMail)
            .where(OutboxMail.sent_at.is_(None), OutboxMail.attempts < 10)
            .order_by(OutboxMail.id)
            .limit(limit)
        )
    )
    sent = failed = 0
    for mail in pending:
        message = EmailMessage()
        message["From"] = config["MAIL_FROM"]
        message["To"] = mail.to_address
        message["Subject"] = mail.subject
        message.set_content(mail.body)
        mail.attempts += 1
        try:
            with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
                if config.get("MAIL_USE_TLS"):
                    smtp.starttls()
                if config.get("MAIL_USERNAME"):
                    smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
                smtp.send_message(message)
            mail.sent_at = utcnow()
            sent += 1
        except (OSError, smtplib.SMTPException) as exc:
            mail.last_error = str(exc)[:500]
            failed += 1
        db.session.commit()
    return sent, failed
