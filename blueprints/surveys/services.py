"""Survey business rules: instruments, waves, answering, results and action plans.

Who may do what (one place for this blueprint):
- admins build instruments and run waves; they see every result (aggregated, thresholds applied);
- leaders see the results of their subtree and record action plans for it;
- staff answer the waves that target their unit; staff and organizers see no results.
Anonymity rules come from blueprints/common/anonymity.py; scoring from scoring.py.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from flask import abort, g
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, exists, func, insert, literal, or_, select, text, update
from sqlalchemy.exc import IntegrityError

from blueprints.admin.audit import audit
from blueprints.admin.settings import SPECS, SettingSpec, get_setting
from blueprints.auth.access import has_role, led_units, subtree_condition, subtree_unit_ids
from blueprints.auth.models import Employee, Unit
from blueprints.common.anonymity import (
    date_stamp,
    effective_threshold,
    random_id,
    sql_random_order,
)
from blueprints.common.db import is_sqlite, lock_row
from blueprints.common.timefmt import format_day, today_wib, utcnow
from blueprints.notifications.services import notify, register_kind
from blueprints.surveys import drafts, scoring, workshop_link
from blueprints.surveys import instrument as builtin
from blueprints.surveys.models import (
    SurveyActionPlan,
    SurveyAnswer,
    SurveyDimension,
    SurveyDraft,
    SurveyInstrument,
    SurveyParticipation,
    SurveyQuestion,
    SurveyResponse,
    SurveyResponseScore,
    SurveyWave,
    SurveyWaveUnit,
)
from extensions import db

TEXT_MAX = 2000
COMMENTS_SHOWN = 150
BREAKDOWN_DEPTH = 1  # levels of units below the viewed one on the results page
TREND_WAVES = 6

# --- settings and notification kinds (registered at import) -----------------------------------
SPECS.setdefault(
    "survey_flag_readiness_below",
    SettingSpec(
        "survey_flag_readiness_below",
        35,
        _l("Penanda kesiapan rendah (x10)"),
        _l(
            "Konvensi kami, bukan standar baku: dimensi kesiapan ditandai bila rata-ratanya di bawah "
            "nilai ini dibagi 10 (bawaan 35 = 3,5)."
        ),
        10,
        50,
    ),
)
SPECS.setdefault(
    "survey_flag_resistance_above",
    SettingSpec(
        "survey_flag_resistance_above",
        30,
        _l("Penanda resistensi tinggi (x10)"),
        _l(
            "Konvensi kami, bukan standar baku: dimensi resistensi ditandai bila rata-ratanya di atas "
            "nilai ini dibagi 10 (bawaan 30 = 3,0)."
        ),
        10,
        50,
    ),
)

register_kind(
    "surveys.opened",
    _l("Survei \u201c%(title)s\u201d dibuka sampai %(closes)s. Jawaban Anda anonim."),
)
register_kind(
    "surveys.reminder",
    _l(
        "Pengingat: survei \u201c%(title)s\u201d ditutup %(closes)s. "
        "Abaikan pesan ini bila Anda sudah mengisinya."
    ),
)


class SurveyError(Exception):
    """A rule refused the action; str(exc) is a translated message for the user."""


class Frozen(SurveyError):
    pass


class AlreadySubmitted(SurveyError):
    pass


# --- access -------------------------------------------------------------------------------------
def can_manage(user) -> bool:
    return has_role(user, "admin")


def can_see_results(user) -> bool:
    return has_role(user, "admin") or has_role(user, "leader")


# --- instruments --------------------------------------------------------------------------------
def install_builtin_instrument() -> tuple[SurveyInstrument, bool]:
    """Create the built-in instrument unless it exists (idempotent). Returns (it, created)."""
    existing = db.session.scalars(
        select(SurveyInstrument).where(SurveyInstrument.code == builtin.BUILTIN_CODE)
    ).first()
    if existing is not None:
        return existing, False
    inst = SurveyInstrument(
        code=builtin.BUILTIN_CODE,
        name=builtin.BUILTIN_NAME,
        description=builtin.BUILTIN_DESCRIPTION,
        builtin=True,
    )
    db.session.add(inst)
    dims = {}
    for position, (code, name, construct, description) in enumerate(builtin.DIMENSIONS, 1):
        dims[code] = SurveyDimension(
            code=code, name=name, construct=construct, description=description, position=position
        )
        inst.dimensions.append(dims[code])
    db.session.flush()
    for position, (code, question, reverse) in enumerate(builtin.QUESTIONS, 1):
        inst.questions.append(
            SurveyQuestion(
                kind="likert" if code else "text",
                text=question,
                dimension_id=dims[code].id if code else None,
                reverse_keyed=reverse,
                position=position,
            )
        )
    db.session.flush()
    audit("survey.instrument_installed", inst, builtin.BUILTIN_CODE)
    return inst, True


def builtin_instrument() -> SurveyInstrument | None:
    return db.session.scalars(
        select(SurveyInstrument).where(SurveyInstrument.code == builtin.BUILTIN_CODE)
    ).first()


def instruments() -> list[tuple[SurveyInstrument, int, int]]:
    """(instrument, Likert questions, waves using it) for the admin list."""
    questions = (
        select(func.count())
        .where(SurveyQuestion.instrument_id == SurveyInstrument.id)
        .scalar_subquery()
    )
    waves = (
        select(func.count())
        .where(SurveyWave.instrument_id == SurveyInstrument.id)
        .scalar_subquery()
    )
    return list(
        db.session.execute(
            select(SurveyInstrument, questions, waves).order_by(SurveyInstrument.name)
        ).all()
    )


def get_instrument_or_404(instrument_id: int) -> SurveyInstrument:
    inst = db.session.get(SurveyInstrument, instrument_id)
    if inst is None:
        abort(404)
    return inst


def instrument_frozen(inst: SurveyInstrument) -> bool:
    """The built-in instrument, and any instrument a wave has opened with, cannot change."""
    if inst.builtin:
        return True
    return bool(
        db.session.scalar(
            select(
                exists().where(SurveyWave.instrument_id == inst.id, SurveyWave.status != "draft")
            )
        )
    )


def _ensure_editable(inst: SurveyInstrument) -> None:
    if instrument_frozen(inst):
        raise Frozen(
            _l(
                "Instrumen ini sudah dipakai (atau bawaan) sehingga dibekukan. "
                "Salin instrumen untuk mengubahnya."
            )
        )


def create_instrument(name: str, description: str) -> SurveyInstrument:
    inst = SurveyInstrument(name=name.strip(), description=(description or "").strip())
    db.session.add(inst)
    db.session.flush()
    audit("survey.instrument_created", inst, inst.name)
    return inst


def update_instrument(inst: SurveyInstrument, name: str, description: str) -> None:
    _ensure_editable(inst)
    inst.name = name.strip()
    inst.description = (description or "").strip()


def copy_instrument(inst: SurveyInstrument) -> SurveyInstrument:
    """An editable copy (dimensions and questions), to change a frozen instrument."""
    copy = SurveyInstrument(
        name=str(_l("Salinan %(name)s", name=inst.name))[:200],
        description=inst.description,
        copied_from_id=inst.id,
    )
    db.session.add(copy)
    mapping = {}
    for dim in inst.dimensions:
        new = SurveyDimension(
            name=dim.name,
            code=dim.code,
            construct=dim.construct,
            description=dim.description,
            position=dim.position,
        )
        copy.dimensions.append(new)
        mapping[dim.id] = new
    db.session.flush()
    for q in inst.questions:
        copy.questions.append(
            SurveyQuestion(
                kind=q.kind,
                text=q.text,
                reverse_keyed=q.reverse_keyed,
                position=q.position,
                dimension_id=mapping[q.dimension_id].id if q.dimension_id else None,
            )
        )
    db.session.flush()
    audit("survey.instrument_copied", copy, f"from {inst.id}")
    return copy


def add_dimension(
    inst: SurveyInstrument, name: str, construct: str, description: str = "", code: str = ""
) -> SurveyDimension:
    _ensure_editable(inst)
    position = 1 + max((d.position for d in inst.dimensions), default=0)
    dim = SurveyDimension(
        name=name.strip(),
        construct=construct,
        code=code.strip(),
        description=(description or "").strip(),
        position=position,
    )
    inst.dimensions.append(dim)
    db.session.flush()
    return dim


def get_dimension_or_404(dimension_id: int) -> SurveyDimension:
    dim = db.session.get(SurveyDimension, dimension_id)
    if dim is None:
        abort(404)
    return dim


def update_dimension(dim: SurveyDimension, name: str, construct: str, description: str) -> None:
    _ensure_editable(dim.instrument)
    dim.name, dim.construct, dim.description = name.strip(), construct, (description or "").strip()


def delete_dimension(dim: SurveyDimension) -> None:
    _ensure_editable(dim.instrument)
    if db.session.scalar(select(exists().where(SurveyQuestion.dimension_id == dim.id))):
        raise SurveyError(_l("Hapus atau pindahkan dulu pertanyaan dimensi ini."))
    inst = dim.instrument
    inst.dimensions.remove(dim)
    db.session.delete(dim)
    db.session.flush()


def get_question_or_404(question_id: int) -> SurveyQuestion:
    q = db.session.get(SurveyQuestion, question_id)
    if q is None:
        abort(404)
    return q


def _check_question(inst: SurveyInstrument, kind: str, dimension_id: int | None) -> int | None:
    if kind == "text":
        return None
    if not dimension_id or dimension_id not in {d.id for d in inst.dimensions}:
        raise SurveyError(_l("Pilih dimensi untuk pertanyaan skala."))
    return dimension_id


def add_question(
    inst: SurveyInstrument, kind: str, text_: str, dimension_id: int | None, reverse: bool
) -> SurveyQuestion:
    _ensure_editable(inst)
    dimension_id = _check_question(inst, kind, dimension_id)
    position = 1 + max((q.position for q in inst.questions), default=0)
    q = SurveyQuestion(
        kind=kind,
        text=text_.strip(),
        dimension_id=dimension_id,
        reverse_keyed=bool(reverse) and kind == "likert",
        position=position,
    )
    inst.questions.append(q)
    db.session.flush()
    return q


def update_question(
    q: SurveyQuestion, kind: str, text_: str, dimension_id: int | None, reverse: bool
) -> None:
    _ensure_editable(q.instrument)
    q.dimension_id = _check_question(q.instrument, kind, dimension_id)
    q.kind, q.text = kind, text_.strip()
    q.reverse_keyed = bool(reverse) and kind == "likert"


def move_question(q: SurveyQuestion, direction: str) -> None:
    """Swap with the neighbour above ('up') or below ('down'); positions stay 1..n."""
    inst = q.instrument
    _ensure_editable(inst)
    ordered = sorted(inst.questions, key=lambda item: (item.position, item.id))
    index = ordered.index(q)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(ordered):
        ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, item in enumerate(ordered, 1):
        item.position = position
    db.session.flush()
    db.session.expire(inst, ["questions"])


def delete_question(q: SurveyQuestion) -> None:
    inst = q.instrument
    _ensure_editable(inst)
    inst.questions.remove(q)
    db.session.delete(q)
    for position, item in enumerate(sorted(inst.questions, key=lambda i: (i.position, i.id)), 1):
        item.position = position
    db.session.flush()


# --- waves --------------------------------------------------------------------------------------
def wave_defaults() -> dict:
    return {
        "min_group": effective_threshold(get_setting("survey_min_group")),
        "comment_min_group": get_setting("survey_comment_min_group"),
    }


def get_wave_or_404(wave_id: int) -> SurveyWave:
    wave = db.session.get(SurveyWave, wave_id)
    if wave is None:
        abort(404)
    return wave


def waves() -> list[SurveyWave]:
    return list(
        db.session.scalars(
            select(SurveyWave).order_by(SurveyWave.opens_on.desc(), SurveyWave.id.desc())
        )
    )


def _validate_wave(data: dict) -> None:
    if data["closes_on"] < data["opens_on"]:
        raise SurveyError(_l("Tanggal tutup tidak boleh sebelum tanggal buka."))
    if int(data["min_group"]) < 3:
        raise SurveyError(_l("Ambang anonimitas minimal 3."))
    if int(data["comment_min_group"]) < int(data["min_group"]):
        raise SurveyError(_l("Ambang komentar tidak boleh lebih kecil dari ambang anonimitas."))
    if not data["unit_ids"]:
        raise SurveyError(_l("Pilih sekurang-kurangnya satu unit sasaran."))


def _set_targets(wave: SurveyWave, unit_ids: list[int]) -> None:
    known = set(db.session.scalars(select(Unit.id).where(Unit.id.in_(unit_ids))))
    wanted = [uid for uid in dict.fromkeys(int(u) for u in unit_ids) if uid in known]
    current = {t.unit_id: t for t in wave.targets}
    for uid in list(current):
        if uid not in wanted:
            wave.targets.remove(current[uid])
    for uid in wanted:
        if uid not in current:
            wave.targets.append(SurveyWaveUnit(unit_id=uid))


def create_wave(data: dict, actor) -> SurveyWave:
    _validate_wave(data)
    inst = get_instrument_or_404(int(data["instrument_id"]))
    if not any(q.kind == "likert" for q in inst.questions):
        raise SurveyError(_l("Instrumen belum memiliki pertanyaan skala."))
    wave = SurveyWave(
        instrument_id=inst.id,
        title=data["title"].strip(),
        change_description=(data.get("change_description") or "").strip(),
        opens_on=data["opens_on"],
        closes_on=data["closes_on"],
        min_group=int(data["min_group"]),
        comment_min_group=int(data["comment_min_group"]),
        live_results=bool(data.get("live_results")),
        created_by_id=actor.id,
        status="draft",
    )
    db.session.add(wave)
    _set_targets(wave, data["unit_ids"])
    db.session.flush()
    audit("survey.wave_created", wave, wave.title)
    return wave


def update_wave(wave: SurveyWave, data: dict) -> None:
    """Only a draft changes: once open, the instrument, targets and thresholds are frozen."""
    if wave.status != "draft":
        raise Frozen(_l("Gelombang yang sudah dibuka tidak dapat diubah."))
    _validate_wave(data)
    wave.instrument_id = int(data["instrument_id"])
    wave.title = data["title"].strip()
    wave.change_description = (data.get("change_description") or "").strip()
    wave.opens_on, wave.closes_on = data["opens_on"], data["closes_on"]
    wave.min_group, wave.comment_min_group = int(data["min_group"]), int(data["comment_min_group"])
    wave.live_results = bool(data.get("live_results"))
    _set_targets(wave, data["unit_ids"])


def eligible_stmt(wave: SurveyWave):
    """Active employees in the wave's target subtrees (for invitations and reminders only)."""
    return select(Employee).where(
        Employee.active.is_(True),
        Employee.unit_id.in_(
            select(Unit.id).where(subtree_condition([t.unit for t in wave.targets]))
        ),
    )


def open_wave(wave: SurveyWave, actor) -> int:
    """Open a draft wave and tell everyone invited. Returns how many were notified."""
    if wave.status != "draft":
        raise SurveyError(_l("Gelombang ini sudah dibuka."))
    if wave.closes_on < today_wib():
        raise SurveyError(_l("Tanggal tutup sudah lewat; ubah dulu tanggalnya."))
    wave.status = "open"
    wave.opened_at = utcnow()
    from flask import url_for

    link = url_for("surveys.answer", wave_id=wave.id)
    count = 0
    for person in db.session.scalars(eligible_stmt(wave)):
        notify(
            person,
            "surveys.opened",
            link=link,
            title=wave.title,
            closes=format_day(wave.closes_on, "long"),
        )
        count += 1
    audit("survey.wave_opened", wave, f"{count} invited", actor=actor)
    return count


def close_wave(wave: SurveyWave, actor=None) -> None:
    """Close: compute the figures once and store them (guard applied); scrub row metadata."""
    if wave.status != "open":
        raise SurveyError(_l("Hanya gelombang yang sedang dibuka yang dapat ditutup."))
    scoring.score_responses(wave)  # anything loaded in bulk and not scored yet
    figures = scoring.compute_figures(wave, scoring.dimension_ids_of(wave))
    scoring.store_figures(wave, figures)
    _scrub_wave_rows(wave)
    wave.status = "closed"
    wave.closed_at = utcnow()
    db.session.execute(delete(SurveyDraft).where(SurveyDraft.wave_id == wave.id))
    audit("survey.wave_closed", wave, wave.title, actor=actor)


def _scrub_wave_rows(wave: SurveyWave) -> None:
    """PostgreSQL stamps every row with the transaction that wrote it (xmin): a response and
    its participation row written by one submit share it. Rewriting all of a wave's rows in
    the closing transaction gives them one stamp. (SQLite keeps no such stamp.)"""
    if is_sqlite():
        return
    response_ids = select(SurveyResponse.id).where(SurveyResponse.wave_id == wave.id)
    db.session.execute(
        update(SurveyResponse)
        .where(SurveyResponse.wave_id == wave.id)
        .values(submitted_on=SurveyResponse.submitted_on)
    )
    db.session.execute(
        update(SurveyAnswer)
        .where(SurveyAnswer.response_id.in_(response_ids))
        .values(value=SurveyAnswer.value)
    )
    db.session.execute(
        update(SurveyResponseScore)
        .where(SurveyResponseScore.response_id.in_(response_ids))
        .values(answered=SurveyResponseScore.answered)
    )
    db.session.execute(
        update(SurveyParticipation)
        .where(SurveyParticipation.wave_id == wave.id)
        .values(employee_id=SurveyParticipation.employee_id)
    )


def close_due_waves() -> list[SurveyWave]:
    """Close every open wave whose closing date has passed (run by the CLI and on access)."""
    due = list(
        db.session.scalars(
            select(SurveyWave).where(
                SurveyWave.status == "open", SurveyWave.closes_on < today_wib()
            )
        )
    )
    for wave in due:
        close_wave(wave)
    return due


def ensure_closed_if_due(wave: SurveyWave) -> None:
    if wave.status == "open" and wave.closes_on < today_wib():
        close_wave(wave)
        db.session.commit()


def participation_summary(wave: SurveyWave) -> tuple[int, int]:
    """(people who submitted, people invited) for the whole wave: counts, never names."""
    submitted = (
        db.session.scalar(
            select(func.count())
            .select_from(SurveyParticipation)
            .where(SurveyParticipation.wave_id == wave.id)
        )
        or 0
    )
    invited = (
        db.session.scalar(select(func.count()).select_from(eligible_stmt(wave).subquery())) or 0
    )
    return submitted, invited


def send_reminders(wave: SurveyWave, actor) -> int:
    """Notify exactly the invited people who have not submitted. Returns only how many."""
    if wave.status != "open":
        raise SurveyError(_l("Pengingat hanya untuk gelombang yang sedang dibuka."))
    from flask import url_for

    submitted = select(SurveyParticipation.employee_id).where(
        SurveyParticipation.wave_id == wave.id
    )
    link = url_for("surveys.answer", wave_id=wave.id)
    count = 0
    for person in db.session.scalars(eligible_stmt(wave).where(Employee.id.not_in(submitted))):
        notify(
            person,
            "surveys.reminder",
            link=link,
            title=wave.title,
            closes=format_day(wave.closes_on, "long"),
        )
        count += 1
    wave.reminders_sent += 1
    wave.last_reminder_at = utcnow()
    audit("survey.reminders_sent", wave, f"{count} reminded", actor=actor)
    return count


# --- staff: open waves and answering --------------------------------------------------------------
def is_open_today(wave: SurveyWave) -> bool:
    return wave.status == "open" and wave.opens_on <= today_wib() <= wave.closes_on


def is_invited(wave: SurveyWave, employee: Employee) -> bool:
    if not employee.active:
        return False
    path = employee.unit.path
    return any(path.startswith(t.unit.path) for t in wave.targets)


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
            value = str(value).strip()[:TEXT_MAX]
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
    )
    row = db.session.get(SurveyDraft, (wave.id, employee.id))
    if row is None:
        db.session.add(SurveyDraft(wave_id=wave.id, employee_id=employee.id, payload=payload))
    else:
        row.payload = payload
    return answers


def submit(wave: SurveyWave, employee: Employee, raw: dict) -> None:
    """One transaction: participation (refused if already there), the anonymous response and
    its answers, and the draft deleted. The caller commits."""
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
    response_id = random_id()
    db.session.execute(
        insert(SurveyResponse).values(
            id=response_id, wave_id=wave.id, unit_id=employee.unit_id, submitted_on=date_stamp()
        )
    )
    db.session.execute(
        insert(SurveyAnswer),
        [
            {
                "response_id": response_id,
                "question_id": qid,
                "value": value if isinstance(value, int) else None,
                "text": value if isinstance(value, str) else None,
            }
            for qid, value in answers.items()
        ],
    )
    scoring.score_responses(wave, response_id)
    if is_sqlite():
        db.session.execute(text("PRAGMA secure_delete = ON"))  # overwrite the draft's bytes
    db.session.execute(
        delete(SurveyDraft).where(
            SurveyDraft.wave_id == wave.id, SurveyDraft.employee_id == employee.id
        )
    )
    drafts.forget_key(wave.id, employee.id)


# --- results: which waves and which unit a viewer may see ----------------------------------------
def results_waves_for(user) -> list[SurveyWave]:
    """Opened or closed waves whose units meet the viewer's scope (admins: all)."""
    stmt = select(SurveyWave).where(SurveyWave.status != "draft")
    if not has_role(user, "admin"):
        units = led_units(user)
        if not units:
            return []
        target = Unit.__table__.alias("target")
        conditions = []
        for led in units:
            conditions.append(target.c.path.startswith(led.path, autoescape=True))
            conditions.append(literal(led.path).startswith(target.c.path))
        stmt = stmt.where(
            exists(
                select(1)
                .select_from(
                    SurveyWaveUnit.__table__.join(
                        target, target.c.id == SurveyWaveUnit.__table__.c.unit_id
                    )
                )
                .where(SurveyWaveUnit.__table__.c.wave_id == SurveyWave.id, or_(*conditions))
            )
        )
    return list(db.session.scalars(stmt.order_by(SurveyWave.opens_on.desc(), SurveyWave.id.desc())))


def get_results_wave_or_404(wave_id: int, user) -> SurveyWave:
    wave = db.session.get(SurveyWave, wave_id)
    if wave is None or wave.status == "draft":
        abort(404)
    if not has_role(user, "admin") and wave.id not in {w.id for w in results_waves_for(user)}:
        abort(404)
    ensure_closed_if_due(wave)
    return wave


def tree_for(wave: SurveyWave) -> dict[int, scoring.UnitInfo]:
    """The units of the wave's results: the stored snapshot for a closed wave (once a request)."""
    cache = g.setdefault("survey_trees", {})
    if wave.id not in cache:
        cache[wave.id] = _tree_for(wave)
    return cache[wave.id]


def _tree_for(wave: SurveyWave) -> dict[int, scoring.UnitInfo]:
    units = scoring.all_units()
    if wave.status == "closed":
        out = {}
        for uid, node in scoring.stored_nodes(wave).items():
            base = units.get(uid)
            name = base.name if base else f"#{uid}"
            code = base.code if base else ""
            out[uid] = scoring.UnitInfo(uid, code, name, node.parent_id, node.path, node.depth)
        return out
    return scoring.wave_tree(wave)


def viewable_unit_ids(user, wave: SurveyWave) -> list[int]:
    """Units of the wave's tree the viewer may look at, in tree order (once a request)."""
    cache = g.setdefault("survey_viewable", {})
    if (user.id, wave.id) not in cache:
        cache[(user.id, wave.id)] = _viewable_unit_ids(user, wave)
    return cache[(user.id, wave.id)]


def _viewable_unit_ids(user, wave: SurveyWave) -> list[int]:
    tree = tree_for(wave)
    allowed = set(tree) if has_role(user, "admin") else set(tree) & subtree_unit_ids(user)
    return [
        uid
        for uid, _u in sorted(tree.items(), key=lambda item: scoring.tree_key(item[1].path))
        if uid in allowed
    ]


def resolve_node(user, wave: SurveyWave, unit_id: int | None) -> scoring.UnitInfo:
    """The unit whose results are asked for (default: the viewer's top unit); 404 outside scope."""
    allowed = viewable_unit_ids(user, wave)
    if not allowed:
        abort(404)
    tree = tree_for(wave)
    if unit_id is None:
        return min(
            (tree[uid] for uid in allowed), key=lambda u: (u.depth, scoring.tree_key(u.path))
        )
    if unit_id not in allowed:
        abort(404)
    return tree[unit_id]


def unit_trail(
    unit: scoring.UnitInfo, allowed: list[int], tree: dict[int, scoring.UnitInfo]
) -> list[scoring.UnitInfo]:
    """The viewed unit's ancestors that the viewer may open, top first (the breadcrumb)."""
    may_open = set(allowed)
    ancestors = [int(part) for part in unit.path.strip("/").split("/") if part][:-1]
    return [tree[uid] for uid in ancestors if uid in may_open and uid in tree]


# --- results: the view every page, fragment and export is built from -----------------------------
@dataclass
class DimensionResult:
    dimension: SurveyDimension
    cell: scoring.CellFigure | None
    flagged: bool = False


@dataclass
class HeatRow:
    unit: scoring.UnitInfo
    level: int  # depth below the viewed unit
    node: scoring.NodeFigure
    cells: list[scoring.CellFigure | None]
    readiness: float | None
    resistance: float | None
    sub_units: int = 0  # units directly below it that have figures (its own breakdown)


@dataclass
class TrendPoint:
    wave: SurveyWave
    visible: bool
    readiness: float | None
    resistance: float | None
    means: dict[int, float]


@dataclass
class Suggestion:
    dimension: SurveyDimension
    text: str
    workshops: list[dict]


@dataclass
class ResultsView:
    wave: SurveyWave
    unit: scoring.UnitInfo
    dimensions: list[SurveyDimension]
    figures_available: bool
    node: scoring.NodeFigure | None = None
    results: list[DimensionResult] = field(default_factory=list)
    heat_rows: list[HeatRow] = field(default_factory=list)
    readiness: float | None = None
    resistance: float | None = None
    comments: list[tuple[SurveyQuestion, list[str]]] = field(default_factory=list)
    comments_total: int = 0
    comments_visible: bool = False
    trend: list[TrendPoint] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)
    cutoff: date | None = None
    k: int = 5
    comment_k: int = 10
    readiness_flag: float = 3.5
    resistance_flag: float = 3.0
    submitted: int = 0
    invited: int = 0

    @property
    def comments_shown(self) -> int:
        return sum(len(texts) for _question, texts in self.comments)

    @property
    def readiness_ids(self) -> list[int]:
        return [d.id for d in self.dimensions if d.construct == "readiness"]

    @property
    def resistance_ids(self) -> list[int]:
        return [d.id for d in self.dimensions if d.construct == "resistance"]


def flag_thresholds() -> tuple[float, float]:
    return (
        get_setting("survey_flag_readiness_below") / 10,
        get_setting("survey_flag_resistance_above") / 10,
    )


def is_flagged(
    dim: SurveyDimension, cell: scoring.CellFigure | None, thresholds: tuple[float, float]
) -> bool:
    """Our convention (configurable, labelled as ours): low readiness or high resistance."""
    if cell is None:
        return False
    if dim.construct == "readiness":
        return cell.mean < thresholds[0]
    if dim.construct == "resistance":
        return cell.mean > thresholds[1]
    return False


def _dimensions(wave: SurveyWave) -> list[SurveyDimension]:
    return list(
        db.session.scalars(
            select(SurveyDimension)
            .where(SurveyDimension.instrument_id == wave.instrument_id)
            .order_by(SurveyDimension.position, SurveyDimension.id)
        )
    )


def results_view(
    wave: SurveyWave,
    unit: scoring.UnitInfo,
    *,
    with_comments: int | None = COMMENTS_SHOWN,
    breakdown_depth: int | None = BREAKDOWN_DEPTH,
) -> ResultsView:
    """Everything the results page shows for one unit's subtree; the exports read the same.

    The unit breakdown goes `breakdown_depth` levels down (None: the whole subtree, as the
    exports give it). The page shows one level at a time, each unit linking to its own: a
    root unit's full tree is hundreds of rows nobody reads at once, and rendering them was
    most of the page's time."""
    dims = _dimensions(wave)
    thresholds = flag_thresholds()
    shown = _breakdown_ids(wave, unit, breakdown_depth)
    figures = scoring.figures_for(wave, None if breakdown_depth is None else shown)
    view = ResultsView(
        wave=wave,
        unit=unit,
        dimensions=dims,
        figures_available=figures is not None,
        k=effective_threshold(wave.min_group),
        comment_k=max(
            effective_threshold(wave.min_group),
            effective_threshold(wave.comment_min_group, default=10),
        ),
        readiness_flag=thresholds[0],
        resistance_flag=thresholds[1],
    )
    view.submitted, view.invited = participation_summary(wave)
    if figures is None:
        return view
    view.cutoff = figures.cutoff
    view.node = figures.nodes.get(unit.id)
    view.results = [
        DimensionResult(
            d, figures.cell(unit.id, d.id), is_flagged(d, figures.cell(unit.id, d.id), thresholds)
        )
        for d in dims
    ]
    view.readiness = figures.index(unit.id, view.readiness_ids)
    view.resistance = figures.index(unit.id, view.resistance_ids)
    view.heat_rows = _heat_rows(wave, figures, shown, unit, dims, view)
    view.trend = _trend(wave, unit.id, figures, view)
    view.suggestions = _suggestions([r for r in view.results if r.flagged])
    if view.node is not None and view.node.comments_visible:
        view.comments_visible = True
        view.comments, view.comments_total = comments_for(
            wave, unit, figures.cutoff, limit=with_comments
        )
    return view


def _breakdown_ids(
    wave: SurveyWave, unit: scoring.UnitInfo, breakdown_depth: int | None
) -> set[int]:
    """The units the breakdown shows: the unit and those below it, `breakdown_depth` levels
    down (None: the whole subtree)."""
    return {
        uid
        for uid, info in tree_for(wave).items()
        if info.path.startswith(unit.path)
        and (breakdown_depth is None or info.depth - unit.depth <= breakdown_depth)
    }


def _heat_rows(
    wave: SurveyWave,
    figures: scoring.WaveFigures,
    shown: set[int],
    unit: scoring.UnitInfo,
    dims: list[SurveyDimension],
    view: ResultsView,
) -> list[HeatRow]:
    """The shown units that have figures, in tree order."""
    tree = tree_for(wave)
    below = Counter(info.parent_id for info in tree.values() if info.parent_id)
    rows = []
    for uid, info in sorted(tree.items(), key=lambda item: scoring.tree_key(item[1].path)):
        if uid not in shown or uid not in figures.nodes:
            continue
        rows.append(
            HeatRow(
                unit=info,
                level=info.depth - unit.depth,
                node=figures.nodes[uid],
                cells=[figures.cell(uid, d.id) for d in dims],
                readiness=figures.index(uid, view.readiness_ids),
                resistance=figures.index(uid, view.resistance_ids),
                sub_units=below[uid],
            )
        )
    return rows


def _trend(
    wave: SurveyWave, unit_id: int, current: scoring.WaveFigures, view: ResultsView
) -> list[TrendPoint]:
    """Earlier closed waves of the same instrument (each with its own stored, guarded figures)."""
    earlier = list(
        db.session.scalars(
            select(SurveyWave)
            .where(
                SurveyWave.instrument_id == wave.instrument_id,
                SurveyWave.status == "closed",
                SurveyWave.id != wave.id,
                SurveyWave.opens_on <= wave.opens_on,
            )
            .order_by(SurveyWave.opens_on.desc(), SurveyWave.id.desc())
            .limit(TREND_WAVES - 1)
        )
    )
    earlier.reverse()
    stored = scoring.load_stored([w.id for w in earlier], unit_ids=[unit_id])
    points = []
    for w, figures in [*((w, stored[w.id]) for w in earlier), (wave, current)]:
        node = figures.nodes.get(unit_id)
        visible = bool(node and node.visible)
        points.append(
            TrendPoint(
                wave=w,
                visible=visible,
                readiness=figures.index(unit_id, view.readiness_ids) if visible else None,
                resistance=figures.index(unit_id, view.resistance_ids) if visible else None,
                means={d: c.mean for (u, d), c in figures.cells.items() if u == unit_id},
            )
        )
    return points


def _suggestions(flagged: list[DimensionResult]) -> list[Suggestion]:
    if not flagged:
        return []
    topics_by_dim = {}
    for row in flagged:
        text_, topics = builtin.suggestion_for(row.dimension.code, row.dimension.construct)
        topics_by_dim[row.dimension.id] = (str(text_), topics)
    found = workshop_link.by_topics({t for _text, topics in topics_by_dim.values() for t in topics})
    out = []
    for row in flagged:
        text_, topics = topics_by_dim[row.dimension.id]
        seen, matches = set(), []
        for topic in topics:
            for workshop in found.get(topic.lower(), []):
                if workshop["id"] not in seen:
                    seen.add(workshop["id"])
                    matches.append(workshop)
        out.append(Suggestion(row.dimension, text_, matches[:3]))
    return out


def comments_for(
    wave: SurveyWave,
    unit: scoring.UnitInfo,
    before: date | None,
    limit: int | None = COMMENTS_SHOWN,
) -> tuple[list[tuple[SurveyQuestion, list[str]]], int]:
    """Free-text answers of the unit's subtree in random order, and how many there are (one
    query). Callers check comments_visible first."""
    questions = [q for q in wave.instrument.questions if q.kind == "text"]
    if not questions:
        return [], 0
    conditions = [
        SurveyAnswer.question_id.in_([q.id for q in questions]),
        SurveyAnswer.text.is_not(None),
        SurveyResponse.wave_id == wave.id,
        Unit.path.startswith(unit.path, autoescape=True),
    ]
    if before is not None:
        conditions.append(SurveyResponse.submitted_on < before)
    stmt = (
        select(SurveyAnswer.question_id, SurveyAnswer.text, func.count().over())
        .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
        .join(Unit, Unit.id == SurveyResponse.unit_id)
        .where(*conditions)
        .order_by(sql_random_order())
    )
    if limit:
        stmt = stmt.limit(limit)
    rows = db.session.execute(stmt).all()
    total = rows[0][2] if rows else 0
    grouped = {q.id: [] for q in questions}
    for qid, body, _total in rows:
        grouped[qid].append(body)
    return [(q, grouped[q.id]) for q in questions if grouped[q.id]], total


# --- services other blueprints call -----------------------------------------------------------
@dataclass
class UnitIndices:
    unit: scoring.UnitInfo
    visible: bool
    n: int | None
    readiness: float | None
    resistance: float | None


def indices_by_unit(units, wave: SurveyWave, unit_ids: set[int] | None = None) -> list[UnitIndices]:
    """Readiness and resistance index per unit of the given units' subtrees for one wave, with
    every threshold applied (hidden units: visible False and no figures). For the leader
    dashboard: pass led_units(user) (or the root unit for admins) and a wave from latest_waves();
    `unit_ids` keeps only those units (the ones a page shows).
    A bounded number of queries whatever the data size; [] when the wave shows no figures yet."""
    figures = scoring.figures_for(wave, unit_ids)
    if figures is None:
        return []
    dims = _dimensions(wave)
    readiness_ids = [d.id for d in dims if d.construct == "readiness"]
    resistance_ids = [d.id for d in dims if d.construct == "resistance"]
    tree = tree_for(wave)
    paths = [u.path for u in units]
    out = []
    for uid, info in sorted(tree.items(), key=lambda item: scoring.tree_key(item[1].path)):
        if uid not in figures.nodes or not any(info.path.startswith(p) for p in paths):
            continue
        if unit_ids is not None and uid not in unit_ids:
            continue
        node = figures.nodes[uid]
        out.append(
            UnitIndices(
                unit=info,
                visible=node.visible,
                n=node.n,
                readiness=figures.index(uid, readiness_ids) if node.visible else None,
                resistance=figures.index(uid, resistance_ids) if node.visible else None,
            )
        )
    return out


def latest_waves(limit: int = 4) -> list[SurveyWave]:
    """The most recent waves that have opened (open or closed), newest first. For dashboards:
    with indices_by_unit() per wave this gives the trend."""
    return list(
        db.session.scalars(
            select(SurveyWave)
            .where(SurveyWave.status != "draft")
            .order_by(SurveyWave.opens_on.desc(), SurveyWave.id.desc())
            .limit(limit)
        )
    )


# --- action plans -------------------------------------------------------------------------------
def can_edit_plan(user, unit_id: int) -> bool:
    """Leaders record plans for units in their subtree; admins read them."""
    return has_role(user, "leader") and unit_id in subtree_unit_ids(user)


def plan_for(wave: SurveyWave, unit_id: int) -> SurveyActionPlan | None:
    return db.session.scalars(
        select(SurveyActionPlan).where(
            SurveyActionPlan.wave_id == wave.id, SurveyActionPlan.unit_id == unit_id
        )
    ).first()


def previous_wave(wave: SurveyWave) -> SurveyWave | None:
    """The wave of the same instrument before this one (its plan is revisited now)."""
    return db.session.scalars(
        select(SurveyWave)
        .where(
            SurveyWave.instrument_id == wave.instrument_id,
            SurveyWave.status != "draft",
            SurveyWave.id != wave.id,
            SurveyWave.opens_on <= wave.opens_on,
        )
        .order_by(SurveyWave.opens_on.desc(), SurveyWave.id.desc())
        .limit(1)
    ).first()


def save_plan(wave: SurveyWave, unit_id: int, user, data: dict) -> SurveyActionPlan:
    if not can_edit_plan(user, unit_id):
        abort(403)
    plan = plan_for(wave, unit_id)
    if plan is None:
        plan = SurveyActionPlan(wave_id=wave.id, unit_id=unit_id)
        db.session.add(plan)
    plan.author_id = user.id
    plan.focus = (data.get("focus") or "").strip()
    plan.actions = (data.get("actions") or "").strip()
    plan.due_on = data.get("due_on")
    plan.status = data.get("status") or "rencana"
    plan.updated_at = utcnow()
    db.session.flush()
    audit("survey.action_plan_saved", plan, f"wave {wave.id} unit {unit_id}")
    return plan


def review_plan(plan: SurveyActionPlan, user, review: str, status: str) -> None:
    if not can_edit_plan(user, plan.unit_id):
        abort(403)
    plan.review = (review or "").strip()
    plan.status = status
    plan.updated_at = utcnow()
    audit("survey.action_plan_reviewed", plan, f"wave {plan.wave_id} unit {plan.unit_id}")


def get_plan_or_404(plan_id: int, user) -> SurveyActionPlan:
    plan = db.session.get(SurveyActionPlan, plan_id)
    if plan is None or not (has_role(user, "admin") or plan.unit_id in subtree_unit_ids(user)):
        abort(404)
    return plan


def plans_for_units(unit_ids: list[int], limit: int = 20) -> list[SurveyActionPlan]:
    """Latest action plans of the given units (for the leader dashboard)."""
    if not unit_ids:
        return []
    return list(
        db.session.scalars(
            select(SurveyActionPlan)
            .where(SurveyActionPlan.unit_id.in_(unit_ids))
            .order_by(SurveyActionPlan.updated_at.desc())
            .limit(limit)
        )
    )


def today() -> date:
    return today_wib()
