"""Feedback as evidence on a competency: the sent feedback a person received, tagged with a
competency of the dictionary (feedback.tags), counted per competency and linked from the person's
competency profile (competencies.gaps) — only as far as the viewer may read that feedback
(visibility.readable_condition, the one rule)."""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, func, select

from blueprints.feedback import tags, visibility
from blueprints.feedback.models import Feedback, FeedbackCompetency
from extensions import db

#: How many of the newest tagged feedback an evidence line links to.
EVIDENCE_RECENT = 3


@dataclass
class Evidence:
    """Sent feedback a person received tagged with one competency: how many, and the newest
    few as (feedback id, date of the conversation)."""

    tag: tags.Tag
    count: int = 0
    recent: list[tuple[int, date]] = field(default_factory=list)


def evidence_for(viewer, employee_id: int) -> list[Evidence]:
    """The feedback evidence on each competency of one person, as `viewer` may see it: only sent
    feedback received by the person that visibility.readable_condition (the one rule of who reads
    feedback) lets `viewer` read. In the dictionary's order; one query (and the dictionary's)."""
    dictionary = tags.tags_by_code()
    seen = and_(
        Feedback.receiver_id == employee_id,
        Feedback.status == "sent",
        visibility.readable_condition(viewer),
    )
    per_code = {"partition_by": FeedbackCompetency.code}
    ranked = (
        select(
            FeedbackCompetency.code,
            Feedback.id,
            Feedback.occurred_on,
            func.row_number()
            .over(**per_code, order_by=(Feedback.occurred_on.desc(), Feedback.id.desc()))
            .label("n"),
            func.count().over(**per_code).label("total"),
        )
        .join(Feedback, Feedback.id == FeedbackCompetency.feedback_id)
        .where(seen)
        .subquery()
    )
    counts: dict[str, int] = {}
    recent: dict[str, list[tuple[int, date]]] = {}
    for code, feedback_id, occurred_on, _n, total in db.session.execute(
        select(ranked).where(ranked.c.n <= EVIDENCE_RECENT).order_by(ranked.c.code, ranked.c.n)
    ):
        counts[code] = total
        recent.setdefault(code, []).append((feedback_id, occurred_on))
    return [
        Evidence(tag, counts[code], recent.get(code, []))
        for code, tag in dictionary.items()
        if counts.get(code)
    ]
