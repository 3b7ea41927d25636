"""Survey answering: the waves open for a person, drafts, clean answers, submit and whether
someone has submitted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import abort
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, insert, literal, select
from sqlalchemy.exc import IntegrityError

from blueprints.auth.models import Employee, Unit
from blueprints.common.db import lock_row
from blueprints.common.sealing import sealable_text
from blueprints.common.timefmt import today_wib
from blueprints.surveys import drafts, mixing
from blueprints.surveys.access import AlreadySubmitted, SurveyError
from blueprints.surveys.models import (
    TEXT_ANSWER_MAX,
    SurveyDraft,
    SurveyParticipation,
    SurveyWave,
    SurveyWaveUnit,
)
from blueprints.surveys.waves import is_invited, is_open_today
from extensions import db


@dataclass
class OpenWave:
    wave: SurveyWave
    answered: bool
    has_draft: bool


def open_waves_for(employee: Employee) -> list[OpenWave]:
    """Waves open today for the employee's unit, with whether they have answered. Two queries;
    the home page includes templates/surveys/_open_waves.html with this list."""
    today = today_wib()
    path = literal(employee.unit.path)
    found = list(
        db.session.scalars(
            select(SurveyWave)
            .join(SurveyWaveUnit, SurveyWaveUnit.wave_id == SurveyWave.id)
            .join(Unit, Unit.id == SurveyWaveUnit.unit_id)
            .where(
                SurveyWave.status == "open",
                SurveyWave.opens_on <= today,
                SurveyWave.closes_on >= today,
                path.startswith(Unit.path),
            )
            .distinct()
            .order_by(SurveyWave.closes_on, SurveyWave.id)
        )
    )
    if not found:
        return []
    ids = [w.id for w in found]
    answered = set(
        db.session.scalars(
            select(SurveyParticipation.wave_id).where(
                SurveyParticipation.employee_id == employee.id, SurveyParticipation.wave_id.in_(ids)
            )
        )
    )
    drafted = set(
        db.session.scalars(
            select(SurveyDraft.wave_id).where(
                SurveyDraft.employee_id == employee.id, SurveyDraft.wave_id.in_(ids)
            )
        )
    )
    return [OpenWave(w, w.id in answered, w.id in drafted) for w in found]


def get_answerable_wave_or_404(wave_id: int, employee: Employee) -> SurveyWave:
    """A wave the person is invited to and that has opened; others do not exist for them."""
    wave = db.session.get(SurveyWave, wave_id)
    if wave is None or wave.status == "draft" or not is_invited(wave, employee):
        abort(404)
    return wave


def has_submitted(wave: SurveyWave, employee: Employee) -> bool:
    return db.session.get(SurveyParticipation, (wave.id, employee.id)) is not None


def clean_answers(wave: SurveyWave, raw: dict) -> dict[int, int | str]:
    """Keep only answers to this wave's questions: Likert 1..5, text trimmed (max 2000)."""
    out: dict[int, int | str] = {}
    for q in wave.instrument.questions:
        value = raw.get(q.id, raw.get(str(q.id)))
        if value in (None, ""):
            continue
        if q.kind == "likert":
            try:
                number = int(value)
            except (TypeError, ValueError):
                continue
            if 1 <= number <= 5:
                out[q.id] = number
        else:
            value = sealable_text(str(value), TEXT_ANSWER_MAX)
            if value:
                out[q.id] = value
    return out


def load_draft(wave: SurveyWave, employee: Employee) -> tuple[dict, bool]:
    """(answers saved so far, whether a draft existed that this session cannot read)."""
    row = db.session.get(SurveyDraft, (wave.id, employee.id))
    if row is None:
        return {}, False
    key = drafts.session_key(wave.id, employee.id)
    data = drafts.unseal(key, row.payload) if key else None
    if data is None:
        return {}, True
    return clean_answers(wave, data), False


def save_draft(wave: SurveyWave, employee: Employee, raw: dict) -> dict:
    if not is_open_today(wave):
        raise SurveyError(_l("Survei ini sedang tidak dibuka."))
    lock_row(Employee, employee.id)  # one person's draft saves and submit run one at a time
    if has_submitted(wave, employee):
        raise AlreadySubmitted(_l("Jawaban Anda untuk survei ini sudah terkirim."))
    answers = clean_answers(wave, raw)
    payload = drafts.seal(
        drafts.session_key(wave.id, employee.id, create=True),
        {str(k): v for k, v in answers.items()},
        size=mixing.sealed_size(wave.id),
    )
    row = db.session.get(SurveyDraft, (wave.id, employee.id))
    if row is None:
        db.session.add(SurveyDraft(wave_id=wave.id, employee_id=employee.id, payload=payload))
    else:
        row.payload = payload
    return answers


def submit(wave: SurveyWave, employee: Employee, raw: dict) -> None:
    """One transaction: participation (refused if already there), the answers sealed into the
    anonymity inbox, and the draft deleted (SQLite's secure_delete zeroes its bytes). The caller
    commits, then mixes (``mixing.mix_waiting``) in a transaction of its own: the answers
    become readable only in a batch of at least k (docs/anonymity.md)."""
    if not is_open_today(wave):
        raise SurveyError(_l("Survei ini sedang tidak dibuka."))
    answers = clean_answers(wave, raw)
    if not any(isinstance(v, int) for v in answers.values()):
        raise SurveyError(_l("Jawab sekurang-kurangnya satu pernyataan sebelum mengirim."))
    lock_row(Employee, employee.id)  # serialises with a concurrent draft save or submit
    if has_submitted(wave, employee):
        raise AlreadySubmitted(
            _l("Jawaban Anda untuk survei ini sudah terkirim sebelumnya. Kiriman kedua ditolak.")
        )
    try:  # the first write of the transaction: a concurrent second submit fails here
        db.session.execute(
            insert(SurveyParticipation).values(wave_id=wave.id, employee_id=employee.id)
        )
    except IntegrityError as exc:
        db.session.rollback()
        raise AlreadySubmitted(
            _l("Jawaban Anda untuk survei ini sudah terkirim sebelumnya. Kiriman kedua ditolak.")
        ) from exc
    mixing.seal_response(wave, employee.unit_id, answers)  # readable only once mixed
    db.session.execute(
        delete(SurveyDraft).where(
            SurveyDraft.wave_id == wave.id, SurveyDraft.employee_id == employee.id
        )
    )
    drafts.forget_key(wave.id, employee.id)


def today() -> date:
    return today_wib()
