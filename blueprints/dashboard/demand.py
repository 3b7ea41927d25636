"""Kept demand counts: what feedback asked training for, per WIB day, kept true on write.

The organizer dashboard counts, over the last DEMAND_DAYS days, the competency tags of sent
feedback and the workshops leaders recommended in it. Counted from the feedback tables, that is
a join over a year of feedback on every page view, and it grows with the organisation (issue
12). Here the counts are kept per day: `demand_tag_day` (day, code, n) and `demand_workshop_day`
(day, workshop, n). The dashboard sums at most DEMAND_DAYS rows per tag or workshop, whatever
the number of feedback entries.

Every transaction that sends feedback or changes its tags or recommended workshops recomputes
the days it touched before it commits, in the same transaction (`before_commit`), from the
source rows of that day alone. The recomputed counts are written as an upsert, so that two
transactions recomputing the same day (two leaders sending feedback at once) both end with the
count of everything committed (PostgreSQL's READ COMMITTED sees the other's rows in the next
statement). `rebuild()` recomputes every day (after a bulk load such as seed-large, a restore,
or `flask rebuild-figures`). The day of a feedback is the WIB day of its `sent_at`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, time, timedelta

from sqlalchemy import delete, event, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from blueprints.common.timefmt import to_wib, wib_to_utc
from blueprints.dashboard.models import DemandTagDay, DemandWorkshopDay
from blueprints.feedback.models import Feedback, FeedbackCompetency, FeedbackWorkshop
from extensions import db

_PENDING_KEY = "demand_days_pending"


# --- the live computation of one day (the definition the kept rows must equal) -------------
def _day_bounds(day: date):
    return wib_to_utc(day, time()), wib_to_utc(day + timedelta(days=1), time())


def _sent_on(day: date):
    start, end = _day_bounds(day)
    return (Feedback.status == "sent", Feedback.sent_at >= start, Feedback.sent_at < end)


def _live_counts(key_column, day: date, executor=None) -> dict:
    """key -> how many feedback sent on `day` carry it (a tag's code or a workshop's id)."""
    executor = executor if executor is not None else db.session
    rows = executor.execute(
        select(key_column, func.count())
        .join(Feedback, Feedback.id == key_column.class_.feedback_id)
        .where(*_sent_on(day))
        .group_by(key_column)
    )
    return {key: int(n) for key, n in rows}


def live_tag_counts(day: date, executor=None) -> dict[str, int]:
    return _live_counts(FeedbackCompetency.code, day, executor)


def live_workshop_counts(day: date, executor=None) -> dict[int, int]:
    return _live_counts(FeedbackWorkshop.workshop_id, day, executor)


# --- writing --------------------------------------------------------------------------------
def _upsert(executor, model, rows: list[dict], keys: tuple[str, ...]) -> None:
    if not rows:
        return
    dialect = postgresql if _dialect_name(executor) == "postgresql" else sqlite
    stmt = dialect.insert(model.__table__).values(rows)
    executor.execute(stmt.on_conflict_do_update(index_elements=keys, set_={"n": stmt.excluded.n}))


def _rewrite_day(executor, model, key: str, day: date, counts: dict) -> None:
    """The day's rows become `counts`: upserted, and keys no longer counted removed."""
    column = getattr(model, key)
    gone = delete(model).where(model.day == day)
    if counts:
        gone = gone.where(column.not_in(list(counts)))
    executor.execute(gone)
    rows = [{"day": day, key: k, "n": n} for k, n in counts.items()]
    _upsert(executor, model, rows, ("day", key))


def recompute(days: Iterable[date], executor=None) -> None:
    """Rewrite the kept rows of these days from the source rows (same transaction)."""
    executor = executor if executor is not None else db.session
    for day in sorted(set(days)):
        _rewrite_day(executor, DemandTagDay, "code", day, live_tag_counts(day, executor))
        _rewrite_day(
            executor, DemandWorkshopDay, "workshop_id", day, live_workshop_counts(day, executor)
        )


def rebuild(executor=None) -> int:
    """Every day from scratch (one grouped query per table). Returns the number of days.
    `executor`: the session (default) or a connection."""
    executor = executor if executor is not None else db.session
    if hasattr(executor, "flush"):  # a session, not a connection
        executor.flush()
        _pending(executor).clear()
    executor.execute(delete(DemandTagDay))
    executor.execute(delete(DemandWorkshopDay))
    sent = select(Feedback.id, Feedback.sent_at).where(Feedback.status == "sent").subquery()
    days: set[date] = set()
    for model, link, key in (
        (DemandTagDay, FeedbackCompetency, "code"),
        (DemandWorkshopDay, FeedbackWorkshop, "workshop_id"),
    ):
        # Grouped by the UTC instant's WIB day in Python would loop over feedback; the WIB day is
        # the UTC time plus 7 hours, truncated: one grouped query on both databases.
        wib_day = _wib_day_sql(executor, sent.c.sent_at)
        counted = executor.execute(
            select(wib_day, getattr(link, key), func.count())
            .join(sent, sent.c.id == link.feedback_id)
            .group_by(wib_day, getattr(link, key))
        ).all()
        rows = [{"day": _as_date(d), key: k, "n": int(n)} for d, k, n in counted]
        for start in range(0, len(rows), 500):
            executor.execute(model.__table__.insert(), rows[start : start + 500])
        days |= {row["day"] for row in rows}
    return len(days)


def _dialect_name(executor) -> str:
    """A session's or a connection's (the migration that creates the tables fills them)."""
    bind = executor.get_bind() if hasattr(executor, "get_bind") else executor
    return bind.dialect.name


def _wib_day_sql(executor, column):
    if _dialect_name(executor) == "postgresql":
        return func.date(func.timezone("Asia/Jakarta", column))
    return func.date(column, "+7 hours")


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


# --- keeping them true ----------------------------------------------------------------------
def _pending(session: Session) -> set:
    """("day", date) and ("feedback", id) entries touched in this transaction."""
    return session.info.setdefault(_PENDING_KEY, set())


def _note(pending: set, obj) -> None:
    if isinstance(obj, Feedback):
        if obj.sent_at is not None:
            pending.add(("day", to_wib(obj.sent_at).date()))
    elif isinstance(obj, (FeedbackCompetency, FeedbackWorkshop)):
        pending.add(("feedback", obj.feedback_id))


@event.listens_for(Session, "after_flush")
def _after_flush(session, flush_context):
    pending = _pending(session)
    for obj in (*session.new, *session.dirty, *session.deleted):
        _note(pending, obj)


_BULK_FEEDBACK_ID = {
    Feedback: Feedback.id,
    FeedbackCompetency: FeedbackCompetency.feedback_id,
    FeedbackWorkshop: FeedbackWorkshop.feedback_id,
}


@event.listens_for(Session, "do_orm_execute")
def _bulk_statement(state):
    """An ORM-enabled bulk UPDATE or DELETE: note the feedback it matches (before it runs).
    Bulk INSERTs are loads (seed-large, imports): they end with rebuild()."""
    if not (state.is_update or state.is_delete) or state.bind_mapper is None:
        return
    column = _BULK_FEEDBACK_ID.get(state.bind_mapper.class_)
    if column is None:
        return
    stmt = select(column).distinct()
    if state.statement.whereclause is not None:
        stmt = stmt.where(state.statement.whereclause)
    ids = state.session.execute(stmt).scalars().all()
    _pending(state.session).update(("feedback", i) for i in ids)


@event.listens_for(Session, "before_commit")
def _before_commit(session):
    if session.info.get("kept_figures_off"):
        return
    session.flush()
    pending = _pending(session)
    if not pending:
        return
    days = {value for kind, value in pending if kind == "day"}
    feedback = [value for kind, value in pending if kind == "feedback" and value is not None]
    if feedback:
        sent = session.scalars(
            select(Feedback.sent_at).where(Feedback.id.in_(feedback), Feedback.sent_at.is_not(None))
        )
        days |= {to_wib(at).date() for at in sent}
    pending.clear()
    recompute(days, session)


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session, previous_transaction):
    _pending(session).clear()


# --- what the dashboard reads ---------------------------------------------------------------
def window_start(today: date, days: int) -> date:
    """The first day counted: the last `days` WIB days, today included."""
    return today - timedelta(days=days - 1)


def tag_counts(today: date, days: int) -> dict[str, int]:
    rows = db.session.execute(
        select(DemandTagDay.code, func.sum(DemandTagDay.n))
        .where(DemandTagDay.day >= window_start(today, days))
        .group_by(DemandTagDay.code)
    )
    return {code: int(n) for code, n in rows}


def workshop_counts_stmt(today: date, days: int):
    """(workshop_id, n) of the window, as a subquery to join topics or titles to."""
    return (
        select(DemandWorkshopDay.workshop_id, func.sum(DemandWorkshopDay.n).label("n"))
        .where(DemandWorkshopDay.day >= window_start(today, days))
        .group_by(DemandWorkshopDay.workshop_id)
        .subquery("demand_workshops")
    )
