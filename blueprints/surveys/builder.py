"""Survey instruments: the builder (instruments, dimensions, questions), the built-in
instrument's install, and freezing (an opened or built-in instrument cannot change)."""

from __future__ import annotations

from flask import abort
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, select

from blueprints.admin.audit import audit
from blueprints.surveys import instrument as builtin
from blueprints.surveys.access import Frozen, SurveyError
from blueprints.surveys.models import (
    SurveyDimension,
    SurveyInstrument,
    SurveyQuestion,
    SurveyWave,
)
from extensions import db


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
