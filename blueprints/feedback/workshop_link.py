"""What feedback needs from the workshops blueprint, imported lazily: the catalogue search for
the recommendation picker, a workshop's page, and whether a person attended one of its sessions.

If the workshops blueprint is missing or incomplete, the picker says so and nothing breaks.
"""

from datetime import date

from flask import url_for
from sqlalchemy import func, select
from werkzeug.routing import BuildError

from blueprints.common.timefmt import to_wib, utcnow
from extensions import db


def _models():
    try:
        from blueprints.workshops import models
    except ImportError:  # pragma: no cover - the workshops blueprint is not built yet
        return None
    if not all(hasattr(models, name) for name in ("Workshop", "WorkshopSession", "Registration")):
        return None  # pragma: no cover
    return models


def available() -> bool:
    return _models() is not None


def search(query: str, limit: int = 8) -> list[dict]:
    """Active workshops whose title (or description) matches, with their next session."""
    models = _models()
    if models is None:
        return []
    query = (query or "").strip()
    workshop, session = models.Workshop, models.WorkshopSession
    next_session = (
        select(session.workshop_id, func.min(session.starts_at).label("next_start"))
        .where(session.status == "published", session.starts_at > utcnow())
        .group_by(session.workshop_id)
        .subquery()
    )
    stmt = (
        select(workshop.id, workshop.title, next_session.c.next_start)
        .outerjoin(next_session, next_session.c.workshop_id == workshop.id)
        .where(workshop.active.is_(True))
        .order_by(next_session.c.next_start.is_(None), workshop.title)
        .limit(limit)
    )
    if query:
        escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%"
        stmt = stmt.where(
            workshop.title.ilike(pattern, escape="\\")
            | workshop.description.ilike(pattern, escape="\\")
        )
    return [
        {"id": wid, "title": title, "next_start": start}
        for wid, title, start in db.session.execute(stmt)
    ]


def titles(ids) -> dict[int, str]:
    """id -> title of the given workshops that exist (unknown ids are left out)."""
    models = _models()
    ids = {int(i) for i in ids if i}
    if models is None or not ids:
        return {}
    rows = db.session.execute(
        select(models.Workshop.id, models.Workshop.title).where(models.Workshop.id.in_(ids))
    )
    return dict(rows.all())


def choices() -> list[tuple[int, str]]:
    """Every active workshop, for a plain select."""
    models = _models()
    if models is None:
        return []
    rows = db.session.execute(
        select(models.Workshop.id, models.Workshop.title)
        .where(models.Workshop.active.is_(True))
        .order_by(models.Workshop.title)
    )
    return [(wid, title) for wid, title in rows]


def find_by_title(title: str) -> int | None:
    models = _models()
    if models is None:
        return None
    return db.session.scalar(
        select(models.Workshop.id).where(models.Workshop.title == title).limit(1)
    )


def url(workshop_id: int) -> str | None:
    """The workshop's page, where staff register for a session."""
    for endpoint in ("workshops.workshop", "workshops.show"):
        try:
            return url_for(endpoint, workshop_id=workshop_id)
        except BuildError:
            continue
    return None


def attended(employee_id: int, workshop_ids) -> dict[int, date]:
    """workshop id -> the WIB date of the latest session of it the employee attended."""
    models = _models()
    ids = {int(i) for i in workshop_ids if i}
    if models is None or not ids:
        return {}
    session, registration = models.WorkshopSession, models.Registration
    rows = db.session.execute(
        select(session.workshop_id, func.max(session.starts_at))
        .join(registration, registration.session_id == session.id)
        .where(
            registration.employee_id == employee_id,
            registration.attended.is_(True),
            session.workshop_id.in_(ids),
        )
        .group_by(session.workshop_id)
    )
    return {wid: to_wib(start).date() for wid, start in rows if start is not None}
