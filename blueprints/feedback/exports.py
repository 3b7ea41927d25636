"""Feedback as CSV/XLSX rows: the entries a user may read about others (each passing can_read()
and audited), and one entry."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from blueprints.auth.models import Employee
from blueprints.feedback import tags
from blueprints.feedback.constants import value_label
from blueprints.feedback.models import Feedback
from blueprints.feedback.visibility import can_read, readable_condition, record_read
from extensions import db


def export_rows(user) -> tuple[list[str], list[list]]:
    """The sent feedback a leader may read about others (given, or in their subtree).
    Each row passes can_read(); a row read by a non-party is written to the audit log."""
    feedback_rows = db.session.scalars(
        select(Feedback)
        .where(readable_condition(user), Feedback.status == "sent", Feedback.receiver_id != user.id)
        .options(
            selectinload(Feedback.receiver).selectinload(Employee.unit),
            selectinload(Feedback.author),
            selectinload(Feedback.values),
            selectinload(Feedback.competencies),
            selectinload(Feedback.follow_ups),
        )
        .order_by(Feedback.sent_at.desc(), Feedback.id.desc())
    ).all()
    header = export_header()
    dictionary = tags.tags_by_code()  # once, whether or not in a request
    rows = []
    for feedback in feedback_rows:
        if not can_read(user, feedback):  # the one rule has the last word
            continue
        record_read(user, feedback, "export")
        rows.append(feedback_row(feedback, dictionary))
    return header, rows


def export_header() -> list[str]:
    return [
        str(_l("Tanggal")),
        str(_l("Penerima")),
        str(_l("NIP")),
        str(_l("Unit")),
        str(_l("Pemberi")),
        str(_l("Dikirim")),
        str(_l("Dibaca")),
        str(_l("Nilai BerAKHLAK")),
        str(_l("Kompetensi")),
        str(_l("Situasi")),
        str(_l("Kekuatan")),
        str(_l("Area perbaikan")),
        str(_l("Tindak lanjut terbuka")),
        str(_l("Tanggapan")),
    ]


def feedback_row(feedback: Feedback, dictionary=None) -> list:
    return [
        feedback.occurred_on,
        feedback.receiver.name,
        feedback.receiver.nip,
        feedback.receiver.unit.name,
        feedback.author.name,
        feedback.sent_at,
        feedback.acknowledged_at,
        ", ".join(value_label(v) for v in feedback.value_codes),
        ", ".join(tags.labels(feedback.competency_codes, dictionary)),
        feedback.context,
        feedback.strengths,
        feedback.improvements,
        sum(1 for f in feedback.follow_ups if f.confirmed_at is None),
        feedback.response or "",
    ]
