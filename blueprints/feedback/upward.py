"""Upward feedback: staff rate how their direct superior guides them, anonymously.

The anonymity rules are those of blueprints/common/anonymity.py (shared with the surveys):
- an answer row holds the round, the leader it is about, the date (``date_stamp()``), the scores
  and the comment — no employee and a random, non-sequential id (``random_id()``);
- who took part is stored apart (UpwardParticipation: round and employee, nothing else) only to
  allow one answer per round; nothing joins it to answers, and both are written in one
  transaction so a second submission is refused by the primary key;
- a leader sees a round's figures only once it is closed and only when at least the round's
  threshold answered (``group_visible``); comments need their own larger threshold
  (``comments_visible``) and come in random order. Thresholds are frozen when the round opens.
- the submitting transaction writes the participation row and the answer *sealed* into the
  anonymity inbox (``anonymity.seal_answer``; a key outside the database); answers reach
  ``upward_answer`` only in batches of at least k per leader (``anonymity.mix``: by the daily
  job, and at closing), so no physical or transaction-order signal of the database pairs an
  answer with fewer than k people; a leader with fewer than k answers at closing has none
  written (they stay sealed: they could never be shown anyway);
- submitting writes no audit entry and no notification (either would put a person and a time
  next to the submission);
- subtraction guard: a leader sees one group per round (their own answers) and no pooled figure
  across rounds, so no hidden group can be derived by subtraction; admins see only how many took
  part in each round, never a figure per leader.
"""

from dataclasses import dataclass
from datetime import date

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, insert, or_, select
from sqlalchemy.exc import IntegrityError

from blueprints.admin.audit import audit
from blueprints.admin.settings import get_setting
from blueprints.auth import access
from blueprints.auth.models import Employee
from blueprints.common import anonymity, sealing
from blueprints.common.db import lock_row
from blueprints.common.timefmt import stored_day, today_wib, utcnow
from blueprints.feedback.constants import UPWARD_COMMENT_MAX, UPWARD_STATEMENTS
from blueprints.feedback.errors import InvalidAction
from blueprints.feedback.models import UpwardAnswer, UpwardParticipation, UpwardRound
from blueprints.notifications.services import notify, register_kind
from extensions import db

register_kind(
    "feedback.upward_open",
    _l(
        "Putaran umpan balik untuk atasan “%(title)s” dibuka sampai %(closes)s. Jawaban Anda anonim."
    ),
)


def current_round(today: date | None = None) -> UpwardRound | None:
    today = today or today_wib()
    return db.session.scalars(
        select(UpwardRound)
        .where(
            UpwardRound.closed_at.is_(None),
            UpwardRound.opens_on <= today,
            UpwardRound.closes_on >= today,
        )
        .order_by(UpwardRound.opens_on.desc(), UpwardRound.id.desc())
        .limit(1)
    ).first()


def _finished_condition(today: date):
    return or_(UpwardRound.closed_at.is_not(None), UpwardRound.closes_on < today)


# --- admin ----------------------------------------------------------------------------------
def open_round(admin, title: str, closes_on: date, opens_on: date | None = None) -> UpwardRound:
    today = today_wib()
    opens_on = opens_on or today
    if closes_on < opens_on:
        raise InvalidAction(_l("Tanggal tutup harus sesudah tanggal buka."))
    if current_round(today) is not None:
        raise InvalidAction(_l("Masih ada putaran yang terbuka. Tutup dulu putaran itu."))
    k = anonymity.effective_threshold(get_setting("upward_min_group"), default=3)
    comment_k = max(k, anonymity.effective_threshold(get_setting("upward_comment_min_group")))
    round_ = UpwardRound(
        title=title.strip(),
        opens_on=opens_on,
        closes_on=closes_on,
        min_group=k,
        comment_min_group=comment_k,
        opened_by_id=admin.id,
    )
    db.session.add(round_)
    db.session.flush()
    audit("upward.round_opened", round_, detail=round_.title, actor=admin)
    if opens_on <= today:
        announce_round(round_)
    return round_


def announce_round(round_: UpwardRound) -> None:
    """Tell every active employee who has a direct superior (one row each, one transaction)."""
    link = url_for("feedback.upward_form")
    for employee in db.session.scalars(select(Employee).where(Employee.active.is_(True))):
        if access.direct_superior_id(employee):
            notify(
                employee,
                "feedback.upward_open",
                link=link,
                title=round_.title,
                closes=stored_day(round_.closes_on),
            )


def close_round(admin, round_: UpwardRound) -> None:
    if round_.closed_at is not None:
        raise InvalidAction(_l("Putaran ini sudah ditutup."))
    _close(round_, admin)


def close_due_rounds() -> int:
    """Close the rounds whose closing date has passed (on access and from the daily command)."""
    due = list(
        db.session.scalars(
            select(UpwardRound).where(
                UpwardRound.closed_at.is_(None), UpwardRound.closes_on < today_wib()
            )
        )
    )
    for round_ in due:
        _close(round_, None)
    return len(due)


def _close(round_: UpwardRound, actor) -> None:
    """Everything still sealed is mixed first (per leader, k or more), then the round closes."""
    anonymity.mix(STREAM, round_.id, final=True)
    round_.closed_at = utcnow()
    audit("upward.round_closed", round_, detail=round_.title, actor=actor)


# --- the anonymity stream: how mixed answers are written --------------------------------------
STREAM = "upward"


def _write_answers(round_id: int, day: date, rows: list[anonymity.MixedRow]) -> None:
    """One INSERT for a mixed batch, in the order given (the mixer's random-id order)."""
    db.session.execute(
        insert(UpwardAnswer),
        [
            {
                "id": row.id,
                "round_id": round_id,
                "leader_id": row.label,
                "answered_on": day,
                "comment": row.data["comment"],
                **{code: int(row.data["scores"][code]) for code in UPWARD_STATEMENTS},
            }
            for row in rows
        ],
    )


def _round_threshold(round_id: int) -> int:
    return db.session.get(UpwardRound, round_id).min_group


def _open_round_ids() -> list[int]:
    return list(db.session.scalars(select(UpwardRound.id).where(UpwardRound.closed_at.is_(None))))


def rewrite_stored(round_id: int) -> int:
    """Answers an older version stored one submit at a time, written again as one batch (per
    leader, k or more; the rest back into the inbox, sealed)."""
    rows = db.session.scalars(select(UpwardAnswer).where(UpwardAnswer.round_id == round_id)).all()
    readable = [
        (
            row.leader_id,
            {
                "scores": {code: getattr(row, code) for code in UPWARD_STATEMENTS},
                "comment": row.comment,
            },
        )
        for row in rows
    ]
    db.session.execute(delete(UpwardAnswer).where(UpwardAnswer.round_id == round_id))
    return anonymity.rewrite(STREAM, round_id, readable)


#: Every sealed upward answer is this long: all statements scored and the longest comment.
SEALED_SIZE = sealing.widest_plaintext(
    {
        "scores": dict.fromkeys(UPWARD_STATEMENTS, 5),
        "comment": sealing.WIDEST_CHARACTER * UPWARD_COMMENT_MAX,
    }
)

anonymity.register_stream(
    anonymity.Stream(
        name=STREAM,
        threshold=_round_threshold,
        lock=lambda round_id: lock_row(UpwardRound, round_id),
        write=_write_answers,
        open_batches=_open_round_ids,
        sealed_size=lambda _round_id: SEALED_SIZE,
        parents=None,  # an answer about one leader can never count for another
        stored_batches=lambda: list(db.session.scalars(select(UpwardRound.id))),
        rewrite_stored=rewrite_stored,
    )
)


def rounds_overview() -> list[dict]:
    """For admins: each round with how many took part in it (never a figure per leader)."""
    close_due_rounds()
    taken = (
        select(UpwardParticipation.round_id, func.count().label("n"))
        .group_by(UpwardParticipation.round_id)
        .subquery()
    )
    rows = db.session.execute(
        select(UpwardRound, func.coalesce(taken.c.n, 0))
        .outerjoin(taken, taken.c.round_id == UpwardRound.id)
        .order_by(UpwardRound.opens_on.desc(), UpwardRound.id.desc())
    )
    today = today_wib()
    return [
        {"round": round_, "participants": n, "open": round_.is_open(today)} for round_, n in rows
    ]


# --- staff ----------------------------------------------------------------------------------
@dataclass
class Eligibility:
    round: UpwardRound | None
    superior: Employee | None
    answered: bool

    @property
    def can_answer(self) -> bool:
        return self.round is not None and self.superior is not None and not self.answered


def eligibility(user) -> Eligibility:
    round_ = current_round()
    superior_id = access.direct_superior_id(user)
    superior = db.session.get(Employee, superior_id) if superior_id else None
    answered = False
    if round_ is not None:
        answered = (
            db.session.get(UpwardParticipation, {"round_id": round_.id, "employee_id": user.id})
            is not None
        )
    return Eligibility(round_, superior, answered)


def submit(user, scores: dict[str, int], comment: str) -> None:
    """One answer per person per round, about their own direct superior only."""
    state = eligibility(user)
    if state.round is None:
        raise InvalidAction(_l("Tidak ada putaran umpan balik yang terbuka."))
    if state.superior is None:
        raise InvalidAction(_l("Anda belum memiliki atasan langsung di sistem."))
    if state.answered:
        raise InvalidAction(_l("Anda sudah mengisi putaran ini. Terima kasih."))
    if set(scores) != set(UPWARD_STATEMENTS) or not all(1 <= v <= 5 for v in scores.values()):
        raise InvalidAction(_l("Isi semua pernyataan dengan nilai 1 sampai 5."))
    db.session.add(UpwardParticipation(round_id=state.round.id, employee_id=user.id))
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise InvalidAction(_l("Anda sudah mengisi putaran ini. Terima kasih.")) from None
    anonymity.seal_answer(
        STREAM,
        state.round.id,
        label=state.superior.id,
        data={"scores": scores, "comment": sealing.sealable_text(comment, UPWARD_COMMENT_MAX)},
    )


# --- the leader's results -------------------------------------------------------------------
@dataclass
class RoundResult:
    round: UpwardRound
    finished: bool
    visible: bool
    respondents: int | None  # only when visible
    averages: dict[str, float]
    overall: float | None
    comments: list[str] | None  # None: below the comment threshold


def results_for(leader) -> list[RoundResult]:
    """Every round, newest first, with the leader's aggregates where the rules allow."""
    close_due_rounds()
    today = today_wib()
    columns = [getattr(UpwardAnswer, code) for code in UPWARD_STATEMENTS]
    mine = (
        select(
            UpwardAnswer.round_id,
            func.count().label("n"),
            *[func.avg(column).label(column.key) for column in columns],
        )
        .where(UpwardAnswer.leader_id == leader.id)
        .group_by(UpwardAnswer.round_id)
        .subquery()
    )
    rows = db.session.execute(
        select(UpwardRound, mine)
        .outerjoin(mine, mine.c.round_id == UpwardRound.id)
        .order_by(UpwardRound.opens_on.desc(), UpwardRound.id.desc())
    ).all()
    results: list[RoundResult] = []
    comment_rounds: list[int] = []
    for row in rows:
        round_ = row[0]
        n = row.n or 0
        finished = round_.closed_at is not None or round_.closes_on < today
        visible = finished and anonymity.group_visible(n, round_.min_group)
        averages = (
            {code: float(getattr(row, code)) for code in UPWARD_STATEMENTS} if visible else {}
        )
        show_comments = visible and anonymity.comments_visible(
            n, round_.comment_min_group, round_.min_group
        )
        if show_comments:
            comment_rounds.append(round_.id)
        results.append(
            RoundResult(
                round=round_,
                finished=finished,
                visible=visible,
                respondents=n if visible else None,
                averages=averages,
                overall=(sum(averages.values()) / len(averages)) if averages else None,
                comments=[] if show_comments else None,
            )
        )
    if comment_rounds:
        by_round: dict[int, list[str]] = {rid: [] for rid in comment_rounds}
        for rid, text in db.session.execute(
            select(UpwardAnswer.round_id, UpwardAnswer.comment)
            .where(
                UpwardAnswer.leader_id == leader.id,
                UpwardAnswer.round_id.in_(comment_rounds),
                UpwardAnswer.comment != "",
            )
            .order_by(anonymity.sql_random_order())
        ):
            by_round[rid].append(text)
        for result in results:
            if result.comments is not None:
                result.comments = anonymity.random_order(by_round[result.round.id])
    return results


def finished_rounds_exist() -> bool:
    return (
        db.session.scalar(
            select(func.count(UpwardRound.id)).where(_finished_condition(today_wib()))
        )
        > 0
    )
