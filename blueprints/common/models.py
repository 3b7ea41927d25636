"""Tables of the shared machinery: the anonymity inbox (blueprints/common/anonymity.py)."""

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from extensions import db

RANDOM_ID_LENGTH = 32  # anonymity.random_id() length (kept here so the model needs no import)


class SealedAnswer(db.Model):
    """An answer waiting to be mixed: sealed with a key that is not in the database.

    ``stream`` says whose answer it is ("survey", "upward"), ``batch_key`` which wave or round,
    ``label`` the group it will be counted in (the unit at submission, or the leader it is
    about). The label is in the clear on purpose: the participation row written in the same
    transaction already names the person, and so their unit and superior; the answers are what
    must stay unreadable until they are mixed with at least k others (docs/anonymity.md).
    """

    __tablename__ = "anonymity_inbox"
    __table_args__ = (
        Index("ix_anonymity_inbox_batch", "stream", "batch_key", "label"),
        {"sqlite_with_rowid": False},
    )

    id: Mapped[str] = mapped_column(String(RANDOM_ID_LENGTH), primary_key=True)
    stream: Mapped[str] = mapped_column(String(16))
    batch_key: Mapped[int] = mapped_column()
    label: Mapped[int] = mapped_column()
    sealed: Mapped[str] = mapped_column(Text)
