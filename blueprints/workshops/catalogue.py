"""The catalogue: workshops (programmes), their sessions and topics: search, the session
view staff see, and the organizer's create/edit/status/listing of workshops and sessions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import abort, url_for
from flask_babel import gettext as _
from sqlalchemy import Select, and_, case, func, literal, or_, select
from sqlalchemy.orm import aliased, contains_eager

from blueprints.admin.audit import audit
from blueprints.auth.models import Employee
from blueprints.common.pagination import Page, paginate
from blueprints.common.refusals import Refused
from blueprints.common.timefmt import as_utc, utcnow
from blueprints.notifications.services import notify
from blueprints.workshops.models import (
    ACTIVE_REGISTRATION,
    Certificate,
    Registration,
    Topic,
    Workshop,
    WorkshopSession,
    workshop_organizer,
    workshop_topic_link,
)
from blueprints.workshops.rules import (
    CATALOGUE_PAGE_SIZE,
    certificate_allowed,
    has_ended,
    has_started,
    month_bounds,
    resolve_now,
    when_text,
)
from blueprints.workshops.seats import (
    clashes_for,
    counts_for,
    lock_session,
    promote_waitlist,
    registration_of,
    registration_refusal,
    seats_taken_expr,
    seats_taken_now,
    waiting_expr,
    waitlist_rank,
)
from extensions import db


@dataclass
class CatalogueFilters:
    q: str = ""
    topic: int | None = None
    competency: str = ""
    month: str = ""
    seats: bool = False


def catalogue_stmt(filters: CatalogueFilters, user, now: datetime | None = None) -> Select:
    """Upcoming published sessions, with seats taken, waitlist length and my registration."""
    taken = seats_taken_expr()
    mine = aliased(Registration)
    stmt = (
        select(WorkshopSession, taken.label("taken"), waiting_expr().label("waiting"), mine)
        .join(WorkshopSession.workshop)
        .outerjoin(mine, and_(mine.session_id == WorkshopSession.id, mine.employee_id == user.id))
        .where(
            WorkshopSession.status == "published",
            WorkshopSession.starts_at > resolve_now(now),
            Workshop.active.is_(True),
        )
        .options(contains_eager(WorkshopSession.workshop).selectinload(Workshop.topics))
        .order_by(WorkshopSession.starts_at, WorkshopSession.id)
    )
    if filters.q:
        stmt = stmt.where(
            or_(
                Workshop.title.icontains(filters.q, autoescape=True),
                Workshop.description.icontains(filters.q, autoescape=True),
            )
        )
    if filters.topic:
        stmt = stmt.where(Workshop.topics.any(Topic.id == filters.topic))
    if filters.competency:
        stmt = stmt.where(Workshop.competency_type == filters.competency)
    if filters.month and (bounds := month_bounds(filters.month)):
        stmt = stmt.where(
            WorkshopSession.starts_at >= bounds[0], WorkshopSession.starts_at < bounds[1]
        )
    if filters.seats:
        stmt = stmt.where(taken < WorkshopSession.capacity)
    return stmt


def catalogue(filters: CatalogueFilters, user) -> Page:
    """A page of SessionViews: a count query, the page query, and one query for its topics."""
    page = paginate(catalogue_stmt(filters, user), per_page=CATALOGUE_PAGE_SIZE, scalars=False)
    page.items = [
        SessionView(session, int(taken), int(waiting), mine)
        for session, taken, waiting, mine in page.items
    ]
    return page


def active_topics() -> list[Topic]:
    return list(
        db.session.scalars(select(Topic).where(Topic.active.is_(True)).order_by(Topic.name))
    )


# --- one session, as staff see it ------------------------------------------------------------
@dataclass
class SessionView:
    session: WorkshopSession
    taken: int
    waiting: int
    mine: Registration | None
    clashes: list[WorkshopSession] = field(default_factory=list)
    waitlist_rank: int | None = None
    certificate: Certificate | None = None

    @property
    def status(self) -> str | None:
        return self.mine.status if self.mine is not None else None

    @property
    def seats_left(self) -> int:
        return max(0, self.session.capacity - self.taken)

    @property
    def is_full(self) -> bool:
        return self.taken >= self.session.capacity

    @property
    def active(self) -> bool:
        return self.mine is not None and self.mine.status in ACTIVE_REGISTRATION

    def refusal(self) -> str | None:
        """Why this person cannot register now (None: they can)."""
        return registration_refusal(self.session) if not self.active else None

    @property
    def can_cancel(self) -> bool:
        return self.active and not has_started(self.session) and not self.mine.mandatory

    @property
    def can_evaluate(self) -> bool:
        mine = self.mine
        return bool(
            mine
            and mine.status == "confirmed"
            and mine.attended
            and not mine.evaluated
            and has_ended(self.session)
        )

    @property
    def has_certificate(self) -> bool:
        return certificate_allowed(self.mine) if self.mine else False


def session_view(session: WorkshopSession, user) -> SessionView:
    taken, waiting = counts_for(session.id)
    mine = registration_of(session.id, user.id)
    view = SessionView(session, taken, waiting, mine)
    if mine is None or mine.status not in ACTIVE_REGISTRATION:
        if session.status == "published" and not has_started(session):
            view.clashes = clashes_for(session, user.id)
    else:
        view.waitlist_rank = waitlist_rank(mine)
    return view


def workshop_sessions(workshop: Workshop, user, now: datetime | None = None) -> list:
    """The programme's upcoming published sessions as SessionViews (one query)."""
    taken = seats_taken_expr()
    mine = aliased(Registration)
    rows = db.session.execute(
        select(WorkshopSession, taken, waiting_expr(), mine)
        .outerjoin(mine, and_(mine.session_id == WorkshopSession.id, mine.employee_id == user.id))
        .where(
            WorkshopSession.workshop_id == workshop.id,
            WorkshopSession.status == "published",
            WorkshopSession.starts_at > resolve_now(now),
        )
        .order_by(WorkshopSession.starts_at)
        .limit(50)
    ).all()
    views = []
    for session, n_taken, n_waiting, registration in rows:
        views.append(SessionView(session, int(n_taken), int(n_waiting), registration))
    return views


def update_session(
    session: WorkshopSession, data: dict, by, now: datetime | None = None
) -> list[Registration]:
    """Apply an organizer's edit. Raising capacity promotes the waitlist at once; a change of
    time or place notifies everyone registered. Returns the promoted registrations."""
    now = resolve_now(now)
    session = lock_session(session.id)
    if session.status in ("cancelled", "completed"):
        raise Refused(_("Sesi yang dibatalkan atau selesai tidak dapat diubah."))
    taken = seats_taken_now(session.id)
    if data["capacity"] < taken:
        raise Refused(
            _("Kapasitas tidak boleh kurang dari jumlah peserta terdaftar (%(n)d).", n=taken)
        )
    changed = (
        as_utc(session.starts_at) != as_utc(data["starts_at"])
        or as_utc(session.ends_at) != as_utc(data["ends_at"])
        or session.venue != data["venue"]
        or session.online_url != data["online_url"]
    )
    for key, value in data.items():
        setattr(session, key, value)
    session.updated_at = now
    promoted = promote_waitlist(session, now)
    if changed and session.status == "published":
        _notify_registrants(session, "workshops.session_changed", exclude={r.id for r in promoted})
    audit("workshops.session_updated", session, actor=by)
    return promoted


def _notify_registrants(session: WorkshopSession, kind: str, exclude=frozenset()) -> int:
    people = db.session.scalars(
        select(Employee)
        .join(Registration, Registration.employee_id == Employee.id)
        .where(
            Registration.session_id == session.id,
            Registration.status.in_(ACTIVE_REGISTRATION),
            Registration.id.not_in(list(exclude)) if exclude else literal(True),
        )
    ).all()
    link = url_for("workshops.show", session_id=session.id)
    for person in people:
        notify(person, kind, link=link, workshop=session.workshop.title, when=when_text(session))
    return len(people)


def create_session(workshop: Workshop, data: dict, by) -> WorkshopSession:
    session = WorkshopSession(workshop_id=workshop.id, status="draft", queue_seq=0, **data)
    db.session.add(session)
    db.session.flush()
    audit("workshops.session_created", session, workshop.title, actor=by)
    return session


def set_session_status(
    session: WorkshopSession, action: str, by, now: datetime | None = None
) -> None:
    """publish (draft -> published), cancel (notifies registrants), complete (after the start)."""
    now = resolve_now(now)
    session = lock_session(session.id)
    if action == "publish":
        if session.status != "draft":
            raise Refused(_("Hanya draf yang dapat diterbitkan."))
        if as_utc(session.starts_at) <= now:
            raise Refused(_("Sesi yang sudah lewat tidak dapat diterbitkan."))
        session.status = "published"
        promote_waitlist(session, now)
    elif action == "cancel":
        if session.status not in ("draft", "published"):
            raise Refused(_("Sesi ini tidak dapat dibatalkan."))
        was_published = session.status == "published"
        session.status = "cancelled"
        if was_published:
            _notify_registrants(session, "workshops.session_cancelled")
    elif action == "complete":
        if session.status != "published" or as_utc(session.starts_at) > now:
            raise Refused(_("Hanya sesi terbit yang sudah dimulai dapat ditandai selesai."))
        session.status = "completed"
    else:
        abort(400)
    session.updated_at = now
    audit(f"workshops.session_{action}", session, actor=by)


def save_workshop(
    workshop: Workshop | None, data: dict, topic_ids: list[int], organizer_ids: list[int], by
) -> Workshop:
    if workshop is None:
        workshop = Workshop(created_by_id=by.id)
        db.session.add(workshop)
    for key, value in data.items():
        setattr(workshop, key, value)
    workshop.topics = list(db.session.scalars(select(Topic).where(Topic.id.in_(topic_ids or [0]))))
    ids = set(organizer_ids or []) | {by.id}
    workshop.organizers = list(db.session.scalars(select(Employee).where(Employee.id.in_(ids))))
    db.session.flush()
    audit("workshops.workshop_saved", workshop, workshop.title, actor=by)
    return workshop


def organizer_candidates() -> list[Employee]:
    from blueprints.auth.models import EmployeeRole

    return list(
        db.session.scalars(
            select(Employee)
            .join(EmployeeRole, EmployeeRole.employee_id == Employee.id)
            .where(EmployeeRole.role == "organizer", Employee.active.is_(True))
            .order_by(Employee.name)
        )
    )


def managed_workshops(user) -> list[tuple[Workshop, int, int]]:
    """(workshop, upcoming sessions, sessions total) for the workshops this person organizes."""
    now = utcnow()
    rows = db.session.execute(
        select(
            Workshop,
            func.count(
                case(
                    (
                        and_(
                            WorkshopSession.starts_at > now, WorkshopSession.status != "cancelled"
                        ),
                        1,
                    )
                )
            ),
            func.count(WorkshopSession.id),
        )
        .join(workshop_organizer, workshop_organizer.c.workshop_id == Workshop.id)
        .outerjoin(WorkshopSession, WorkshopSession.workshop_id == Workshop.id)
        .where(workshop_organizer.c.employee_id == user.id)
        .group_by(Workshop.id)
        .order_by(Workshop.title)
    ).all()
    return [(w, int(up), int(total)) for w, up, total in rows]


def managed_sessions(
    user, workshop_id: int | None = None, upcoming_only: bool = True, limit: int = 50
) -> list:
    """Rows (session, taken, waiting, pending, attended) for the organizer's sessions."""
    stmt = (
        select(
            WorkshopSession,
            seats_taken_expr().label("taken"),
            waiting_expr().label("waiting"),
            select(func.count(Registration.id))
            .where(
                Registration.session_id == WorkshopSession.id,
                Registration.status == "pending_approval",
            )
            .correlate(WorkshopSession)
            .scalar_subquery()
            .label("pending"),
            select(func.count(Registration.id))
            .where(Registration.session_id == WorkshopSession.id, Registration.attended.is_(True))
            .correlate(WorkshopSession)
            .scalar_subquery()
            .label("attended"),
        )
        .join(WorkshopSession.workshop)
        .join(workshop_organizer, workshop_organizer.c.workshop_id == Workshop.id)
        .where(workshop_organizer.c.employee_id == user.id)
        .options(contains_eager(WorkshopSession.workshop))
    )
    if workshop_id is not None:
        stmt = stmt.where(WorkshopSession.workshop_id == workshop_id)
    if upcoming_only:
        stmt = stmt.where(
            WorkshopSession.ends_at > utcnow() - timedelta(days=7),
            WorkshopSession.status != "cancelled",
        )
        stmt = stmt.order_by(WorkshopSession.starts_at)
    else:
        stmt = stmt.order_by(WorkshopSession.starts_at.desc())
    return db.session.execute(stmt.limit(limit)).all()


# --- topics (admin) -------------------------------------------------------------------------
def all_topics_with_use() -> list[tuple[Topic, int]]:
    rows = db.session.execute(
        select(Topic, func.count(workshop_topic_link.c.workshop_id))
        .outerjoin(workshop_topic_link, workshop_topic_link.c.topic_id == Topic.id)
        .group_by(Topic.id)
        .order_by(Topic.name)
    ).all()
    return [(t, int(n)) for t, n in rows]
