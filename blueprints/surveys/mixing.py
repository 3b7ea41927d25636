"""The surveys' stream of the anonymity engine (blueprints/common/anonymity.py): how a submitted
response waits sealed, and how mixed batches become readable responses, answers and scores.

A response is labelled with the respondent's unit at submission; at closing, a unit with fewer
than k waiting answers has them counted for the unit above (``Stream.parents``), so every group
written holds at least k. docs/anonymity.md explains why.
"""

from __future__ import annotations

from datetime import date

from flask import current_app
from sqlalchemy import delete, insert, select

from blueprints.common import anonymity, sealing
from blueprints.common.db import lock_row
from blueprints.surveys import scoring
from blueprints.surveys.models import (
    TEXT_ANSWER_MAX,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
    SurveyResponseScore,
    SurveyWave,
)
from extensions import db

STREAM = "survey"


def seal_response(wave: SurveyWave, unit_id: int, answers: dict[int, int | str]) -> None:
    """In the submitting transaction: the answers go into the inbox, sealed."""
    data = {"answers": {str(qid): value for qid, value in answers.items()}}
    anonymity.seal_answer(STREAM, wave.id, label=unit_id, data=data)


def mix_waiting(wave: SurveyWave) -> anonymity.MixOutcome:
    """Mix what may be mixed while the wave is open (the caller commits)."""
    return anonymity.mix(STREAM, wave.id)


def mix_after_submit(wave: SurveyWave) -> None:
    """Right after a submit's commit, in a transaction of its own. A failure here must not
    fail the submit (the answer is safe in the inbox; the daily job mixes it): roll back, log."""
    try:
        mix_waiting(wave)
        db.session.commit()
    except Exception as exc:  # noqa: BLE001 - any failure (a conflict, a lock timeout) waits
        db.session.rollback()
        current_app.logger.warning("survey %s: mixing after submit failed: %s", wave.id, exc)


def mix_all(wave: SurveyWave) -> anonymity.MixOutcome:
    """At closing: everything that can form groups of k or more (the caller commits)."""
    return anonymity.mix(STREAM, wave.id, final=True)


def waiting_count(wave: SurveyWave) -> int:
    return anonymity.pending_count(STREAM, wave.id)


def rewrite_stored(wave: SurveyWave, day: date | None = None) -> int:
    """Rewrite a wave's readable responses written before the inbox existed (one submit, one
    row): read them, delete them, and write them again as one batch through the engine (groups
    under k merged upwards, fresh random ids in random order). Returns the responses kept."""
    answers: dict[str, dict[str, int | str]] = {}
    labels: dict[str, int] = {}
    for response_id, unit_id in db.session.execute(
        select(SurveyResponse.id, SurveyResponse.unit_id).where(SurveyResponse.wave_id == wave.id)
    ):
        labels[response_id] = unit_id
        answers[response_id] = {}
    for response_id, question_id, value, text in db.session.execute(
        select(
            SurveyAnswer.response_id,
            SurveyAnswer.question_id,
            SurveyAnswer.value,
            SurveyAnswer.text,
        )
        .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
        .where(SurveyResponse.wave_id == wave.id)
    ):
        answers[response_id][str(question_id)] = value if value is not None else text
    ids = select(SurveyResponse.id).where(SurveyResponse.wave_id == wave.id)
    db.session.execute(delete(SurveyResponseScore).where(SurveyResponseScore.response_id.in_(ids)))
    db.session.execute(delete(SurveyAnswer).where(SurveyAnswer.response_id.in_(ids)))
    db.session.execute(delete(SurveyResponse).where(SurveyResponse.wave_id == wave.id))
    return anonymity.rewrite(
        STREAM, wave.id, [(labels[rid], {"answers": answers[rid]}) for rid in labels], day
    )


# --- the stream ---------------------------------------------------------------------------------
def _write(wave_id: int, day: date, rows: list[anonymity.MixedRow]) -> None:
    """A mixed batch, in the order given: responses, their answers, then their scores (SQL)."""
    db.session.execute(
        insert(SurveyResponse),
        [
            {"id": row.id, "wave_id": wave_id, "unit_id": row.label, "submitted_on": day}
            for row in rows
        ],
    )
    answer_rows = [
        {
            "response_id": row.id,
            "question_id": int(qid),
            "value": value if isinstance(value, int) else None,
            "text": value if isinstance(value, str) else None,
        }
        for row in rows
        for qid, value in sorted(row.data["answers"].items(), key=lambda item: int(item[0]))
    ]
    if answer_rows:
        db.session.execute(insert(SurveyAnswer), answer_rows)
    scoring.score_responses(db.session.get(SurveyWave, wave_id))


def sealed_size(wave_id: int) -> int:
    """The bytes every sealed response (and draft) of the wave is padded to: the response with
    every question answered as widely as the form allows."""
    wave = db.session.get(SurveyWave, wave_id)
    kinds = db.session.execute(
        select(SurveyQuestion.id, SurveyQuestion.kind).where(
            SurveyQuestion.instrument_id == wave.instrument_id
        )
    ).all()
    widest = {
        str(qid): 5 if kind == "likert" else sealing.WIDEST_CHARACTER * TEXT_ANSWER_MAX
        for qid, kind in kinds
    }
    return sealing.widest_plaintext({"answers": widest})


def _threshold(wave_id: int) -> int:
    return db.session.get(SurveyWave, wave_id).min_group


def _parents(wave_id: int) -> dict[int, int | None]:
    """Each unit of the wave's tree -> its parent in that tree (None at the top)."""
    tree = scoring.wave_tree(db.session.get(SurveyWave, wave_id))
    return {uid: (info.parent_id if info.parent_id in tree else None) for uid, info in tree.items()}


def _open_wave_ids() -> list[int]:
    return list(db.session.scalars(select(SurveyWave.id).where(SurveyWave.status == "open")))


def _stored_wave_ids() -> list[int]:
    return list(db.session.scalars(select(SurveyWave.id).where(SurveyWave.status != "draft")))


anonymity.register_stream(
    anonymity.Stream(
        name=STREAM,
        threshold=_threshold,
        lock=lambda wave_id: lock_row(SurveyWave, wave_id),
        write=_write,
        open_batches=_open_wave_ids,
        sealed_size=sealed_size,
        parents=_parents,
        stored_batches=_stored_wave_ids,
        rewrite_stored=lambda wave_id: rewrite_stored(db.session.get(SurveyWave, wave_id)),
    )
)
