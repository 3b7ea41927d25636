"""Workshops that match a weak dimension's topics, looked up lazily in the workshops blueprint.

If that blueprint is missing or changes shape, suggestions simply come without workshops.
"""

from flask import url_for
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.routing import BuildError

from blueprints.common.timefmt import utcnow
from extensions import db

NEEDED = ("Workshop", "WorkshopSession", "Topic", "workshop_topic_link")


def _models():
    try:
        from blueprints.workshops import models
    except ImportError:  # pragma: no cover - the workshops blueprint is not there
        return None
    if not all(hasattr(models, name) for name in NEEDED):
        return None  # pragma: no cover
    return models


def url(workshop_id: int) -> str | None:
    for endpoint in ("workshops.show", "workshops.workshop"):
        try:
            return url_for(endpoint, workshop_id=workshop_id)
        except BuildError:
            continue
    return None


def by_topics(topics: set[str], limit_per_topic: int = 3) -> dict[str, list[dict]]:
    """topic name (lower case) -> active workshops on it, those with an upcoming session first.
    One query for all the topics of a page."""
    models = _models()
    topics = {t.lower() for t in topics if t}
    if models is None or not topics:
        return {}
    workshop, session, topic, link = (
        models.Workshop,
        models.WorkshopSession,
        models.Topic,
        models.workshop_topic_link,
    )
    upcoming = (
        select(session.workshop_id, func.min(session.starts_at).label("next_start"))
        .where(session.status == "published", session.starts_at > utcnow())
        .group_by(session.workshop_id)
        .subquery()
    )
    stmt = (
        select(workshop.id, workshop.title, func.lower(topic.name), upcoming.c.next_start)
        .join(link, link.c.workshop_id == workshop.id)
        .join(topic, topic.id == link.c.topic_id)
        .outerjoin(upcoming, upcoming.c.workshop_id == workshop.id)
        .where(workshop.active.is_(True), func.lower(topic.name).in_(sorted(topics)))
        .order_by(upcoming.c.next_start.is_(None), upcoming.c.next_start, workshop.title)
    )
    out: dict[str, list[dict]] = {}
    try:
        rows = db.session.execute(stmt).all()
    except SQLAlchemyError:  # pragma: no cover - a half-built workshops schema
        db.session.rollback()
        return {}
    for wid, title, name, next_start in rows:
        bucket = out.setdefault(name, [])
        if len(bucket) < limit_per_topic:
            bucket.append({"id": wid, "title": title, "next_start": next_start, "url": url(wid)})
    return out
