"""In-app notifications, and the e-mail outbox that `flask send-mail` drains."""

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from blueprints.common.timefmt import utcnow
from extensions import db


class Notification(db.Model):
    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_recipient_unread", "recipient_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("employee.id"))
    kind: Mapped[str] = mapped_column(String(60))
    # Rendered at display time in the reader's language: kind -> text, params fill it in.
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    link: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class OutboxMail(db.Model):
    """Queued e-mail: a failing mail server delays these rows and never blocks a request."""

    __tablename__ = "outbox_mail"

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
