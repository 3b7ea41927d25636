"""Kept figures: per person, what leaders' pages read about them, stored and kept true on write.

`person_figures` holds, for each employee, their JP of their JP period that contained the day it
was computed (`jp_year` is that period's label: a calendar year, or a PPPK's contract year, see
workshops/jp_period.py), the sent feedback of the quarter it was computed for, the time of their
last sent feedback, and their open follow-ups (sent, not confirmed). Every transaction that
changes a source row (a registration, its session, an external record, a feedback entry, a
follow-up) recomputes the affected people's rows before it commits, in the same transaction
(`before_commit`): the ORM changes are collected at each flush, bulk UPDATE/DELETE statements by
the rows they match. A change of a person's contract start or employment type moves their JP
period: it is a source too.

Readers never trust a stale period: `jp_expr(today)` is the stored JP when it was computed for
the person's period that contains today (its label, `label_now_expr`), else 0 (a new period
starts at 0 until its first attended session or record, which is a write); the same for the
quarter. Targets (settings) and units are not stored: compliance is compared at read time and
units are joined, so moving people or changing targets needs no update. Overdue follow-ups
depend on today's date and are counted live (an indexed lookup). `rebuild()` recomputes
everyone (after a bulk load such as seed-large, or `flask rebuild-figures`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time

from sqlalchemy import (
    DateTime,
    ForeignKey,
    Integer,
    String,
    case,
    delete,
    event,
    func,
    insert,
    select,
)
from sqlalchemy import inspect as inspect_object
from sqlalchemy.orm import Mapped, Session, mapped_column

from blueprints.auth.models import Employee
from blueprints.common.timefmt import today_wib, wib_to_utc
from blueprints.feedback.models import Feedback, FollowUp
from blueprints.workshops.jp_period import label_now_expr
from blueprints.workshops.ledger import jp_sources
from blueprints.workshops.models import ExternalLearning, Registration, WorkshopSession
from extensions import db

CHUNK = 500


class PersonFigures(db.Model):
    __tablename__ = "person_figures"

    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), primary_key=True)
    jp_year: Mapped[int] = mapped_column(Integer)
    jp: Mapped[int] = mapped_column(Integer, default=0)
    quarter: Mapped[str] = mapped_column(String(7))  # "2026-4"
    feedback_quarter: Mapped[int] = mapped_column(Integer, default=0)
    last_feedback_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    open_follow_ups: Mapped[int] = mapped_column(Integer, default=0)


# --- periods --------------------------------------------------------------------------------
def quarter_key(day: date) -> str:
    return f"{day.year}-{(day.month - 1) // 3 + 1}"


def quarter_bounds(day: date) -> tuple[datetime, datetime]:
    """[start, end) of the WIB quarter that contains `day`, in UTC."""
    q = (day.month - 1) // 3 + 1
    start = date(day.year, 3 * (q - 1) + 1, 1)
    end = date(day.year + 1, 1, 1) if q == 4 else date(day.year, 3 * q + 1, 1)
    return wib_to_utc(start, time()), wib_to_utc(end, time())


# --- the live computation (the definition the kept rows must equal) -------------------------
def live_figures(employee_ids: list[int], today: date | None = None, executor=None) -> dict:
    """employee id -> the figures computed from the source tables now. `executor`: the session
    (default) or a connection (the migration that creates the table fills it)."""
    executor = executor if executor is not None else db.session
    today = today or today_wib()
    start, end = quarter_bounds(today)
    out = {
        eid: {
            "jp_year": today.year,  # replaced below by the label of the person's period
            "jp": 0,
            "quarter": quarter_key(today),
            "feedback_quarter": 0,
            "last_feedback_at": None,
            "open_follow_ups": 0,
        }
        for eid in employee_ids
    }
    for start_at in range(0, len(employee_ids), CHUNK):
        ids = employee_ids[start_at : start_at + CHUNK]
        # Each person's period that contains today, and its label, in one query.
        sources = jp_sources(ids, None, today)
        jp_rows = executor.execute(
            select(Employee.id, label_now_expr(today), func.sum(sources.c.jp))
            .outerjoin(sources, sources.c.employee_id == Employee.id)
            .where(Employee.id.in_(ids))
            .group_by(Employee.id, Employee.contract_start)
        )
        for eid, label, jp in jp_rows:
            out[eid]["jp_year"] = int(label)
            out[eid]["jp"] = int(jp or 0)
        sent = executor.execute(
            select(
                Feedback.receiver_id,
                func.max(Feedback.sent_at),
                func.count(case((Feedback.sent_at >= start, 1))),
            )
            .where(
                Feedback.receiver_id.in_(ids),
                Feedback.status == "sent",
                Feedback.sent_at < end,
            )
            .group_by(Feedback.receiver_id)
        )
        for eid, last, quarter_n in sent:
            out[eid]["last_feedback_at"] = last
            out[eid]["feedback_quarter"] = int(quarter_n or 0)
        later = executor.execute(
            select(Feedback.receiver_id, func.max(Feedback.sent_at))
            .where(
                Feedback.receiver_id.in_(ids),
                Feedback.status == "sent",
                Feedback.sent_at >= end,
            )
            .group_by(Feedback.receiver_id)
        )
        for eid, last in later:  # a clock set back: still the latest one
            out[eid]["last_feedback_at"] = last
        follow = executor.execute(
            select(Feedback.receiver_id, func.count(FollowUp.id))
            .join(FollowUp, FollowUp.feedback_id == Feedback.id)
            .where(
                Feedback.receiver_id.in_(ids),
                Feedback.status == "sent",
                FollowUp.confirmed_at.is_(None),
            )
            .group_by(Feedback.receiver_id)
        )
        for eid, n in follow:
            out[eid]["open_follow_ups"] = int(n)
    return out


def recompute(employee_ids: Iterable[int], executor=None) -> None:
    """Rewrite the kept rows of these people from the live computation (same transaction)."""
    ids = sorted({int(i) for i in employee_ids if i is not None})
    if not ids:
        return
    executor = executor if executor is not None else db.session
    figures = live_figures(ids, executor=executor)
    table = PersonFigures.__table__
    for start_at in range(0, len(ids), CHUNK):
        chunk = ids[start_at : start_at + CHUNK]
        executor.execute(delete(table).where(table.c.employee_id.in_(chunk)))
        executor.execute(insert(table), [{"employee_id": eid, **figures[eid]} for eid in chunk])


def rebuild(executor=None) -> int:
    """Every employee's row, from scratch. Returns the number of people."""
    executor = executor if executor is not None else db.session
    if isinstance(executor, Session) or executor is db.session:
        executor.flush()
        _pending(executor).clear()
    ids = [int(i) for i in executor.execute(select(Employee.id)).scalars()]
    executor.execute(delete(PersonFigures.__table__))
    recompute(ids, executor)
    return len(ids)


# --- what readers use -----------------------------------------------------------------------
def jp_expr(today: date):
    """The kept JP of the person's period that contains `today` (0 if the row is of another
    period or missing). Employee must be in the query (outer-joined PersonFigures)."""
    current = PersonFigures.jp_year == label_now_expr(today)
    return func.coalesce(case((current, PersonFigures.jp), else_=0), 0)


def kept_jp_now(today: date):
    """Subquery (employee_id, jp): the kept JP of each person's period that contains `today`,
    for the people who have some (join it on employee_id, coalesce to 0)."""
    return (
        select(PersonFigures.employee_id.label("employee_id"), PersonFigures.jp.label("jp"))
        .join(Employee, Employee.id == PersonFigures.employee_id)
        .where(PersonFigures.jp_year == label_now_expr(today), PersonFigures.jp != 0)
        .subquery("jp_totals")
    )


def feedback_quarter_expr(today: date):
    return func.coalesce(
        case(
            (PersonFigures.quarter == quarter_key(today), PersonFigures.feedback_quarter), else_=0
        ),
        0,
    )


# --- keeping them true ----------------------------------------------------------------------
def _pending(session: Session) -> set:
    """(kind, id) pairs touched in this transaction: ("person", id) or ("session", id)."""
    return session.info.setdefault("kept_figures_pending", set())


# A person's JP period follows these (workshops/jp_period.py): changing them moves the period.
PERIOD_FIELDS = ("contract_start", "employment_type")


def _period_changed(employee: Employee) -> bool:
    attrs = inspect_object(employee).attrs
    return any(attrs[name].history.has_changes() for name in PERIOD_FIELDS)


def _note_object(pending: set, obj) -> None:
    if isinstance(obj, (Registration, ExternalLearning)):
        pending.add(("person", obj.employee_id))
    elif isinstance(obj, Feedback):
        pending.add(("person", obj.receiver_id))
    elif isinstance(obj, FollowUp):
        pending.add(("feedback", obj.feedback_id))
    elif isinstance(obj, WorkshopSession):
        pending.add(("session", obj.id))


@event.listens_for(Session, "after_flush")
def _after_flush(session, flush_context):
    pending = _pending(session)
    for obj in (*session.new, *session.dirty, *session.deleted):
        _note_object(pending, obj)
    # after_flush: the objects' history is still the flushed one. A new person has no JP yet.
    pending.update(
        ("person", obj.id)
        for obj in session.dirty
        if isinstance(obj, Employee) and _period_changed(obj)
    )


_BULK_KEYS = {
    Employee: ("person", Employee.id),
    Registration: ("person", Registration.employee_id),
    ExternalLearning: ("person", ExternalLearning.employee_id),
    Feedback: ("person", Feedback.receiver_id),
    FollowUp: ("feedback", FollowUp.feedback_id),
    WorkshopSession: ("session", WorkshopSession.id),
}


@event.listens_for(Session, "do_orm_execute")
def _bulk_statement(state):
    """An ORM-enabled INSERT, UPDATE or DELETE (bulk, not through objects): note the rows it
    writes (INSERT: from its parameters) or matches (before it runs)."""
    if not (state.is_insert or state.is_update or state.is_delete) or state.bind_mapper is None:
        return
    entry = _BULK_KEYS.get(state.bind_mapper.class_)
    if entry is None:
        return
    kind, column = entry
    if state.bind_mapper.class_ is Employee:
        _employee_statement(state)
        return
    if state.is_insert:
        if kind == "session":
            return  # a new session has no registrations yet
        params = state.parameters
        rows = params if isinstance(params, list) else [params or {}]
        _pending(state.session).update((kind, row.get(column.key)) for row in rows)
        return
    where = state.statement.whereclause
    stmt = select(column).distinct()
    if where is not None:
        stmt = stmt.where(where)
    ids = state.session.execute(stmt).scalars().all()
    _pending(state.session).update((kind, i) for i in ids)


def _employee_statement(state) -> None:
    """A new person has no JP yet; an UPDATE by primary key (the import: one dict per person)
    moves the period of the people whose contract start or employment type it sets; any other
    UPDATE or DELETE of employees, the people it matches."""
    if state.is_insert:
        return
    params = state.parameters
    if isinstance(params, list):
        ids = {row.get("id") for row in params if any(name in row for name in PERIOD_FIELDS)}
    else:
        stmt = select(Employee.id)
        if state.statement.whereclause is not None:
            stmt = stmt.where(state.statement.whereclause)
        ids = set(state.session.execute(stmt).scalars())
    _pending(state.session).update(("person", i) for i in ids)


@event.listens_for(Session, "before_commit")
def _before_commit(session):
    if session.info.get("kept_figures_off"):
        return
    session.flush()
    pending = _pending(session)
    if not pending:
        return
    people = {i for kind, i in pending if kind == "person" and i is not None}
    sessions = [i for kind, i in pending if kind == "session" and i is not None]
    feedback = [i for kind, i in pending if kind == "feedback" and i is not None]
    if sessions:
        people |= set(
            session.scalars(
                select(Registration.employee_id).where(Registration.session_id.in_(sessions))
            )
        )
    if feedback:
        people |= set(
            session.scalars(select(Feedback.receiver_id).where(Feedback.id.in_(feedback)))
        )
    pending.clear()
    recompute(people, session)


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session, previous_transaction):
    _pending(session).clear()
