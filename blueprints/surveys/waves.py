"""Survey waves: create, update, open and close them (closing due ones), who is eligible,
participation counts and reminders."""

from __future__ import annotations

from flask import abort
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select

from blueprints.admin.audit import audit
from blueprints.admin.settings import get_setting
from blueprints.auth.access import subtree_condition
from blueprints.auth.models import Employee, Unit
from blueprints.common.anonymity import effective_threshold
from blueprints.common.timefmt import format_day, today_wib, utcnow
from blueprints.notifications.services import notify, register_kind
from blueprints.surveys import mixing, scoring
from blueprints.surveys.access import Frozen, SurveyError
from blueprints.surveys.builder import get_instrument_or_404
from blueprints.surveys.models import (
    SurveyDraft,
    SurveyParticipation,
    SurveyWave,
    SurveyWaveUnit,
)
from extensions import db

# --- notification kinds (registered at import) ------------------------------------------------
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
    """Close: mix every answer still sealed that can form groups of k (the rest stays sealed:
    it could only be shown as hidden), then compute the figures once and store them."""
    if wave.status != "open":
        raise SurveyError(_l("Hanya gelombang yang sedang dibuka yang dapat ditutup."))
    mixing.mix_all(wave)
    scoring.score_responses(wave)  # anything loaded in bulk and not scored yet
    figures = scoring.compute_figures(wave, scoring.dimension_ids_of(wave))
    scoring.store_figures(wave, figures)
    wave.status = "closed"
    wave.closed_at = utcnow()
    db.session.execute(delete(SurveyDraft).where(SurveyDraft.wave_id == wave.id))
    audit("survey.wave_closed", wave, wave.title, actor=actor)


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


# --- who may answer today ---------------------------------------------------------------------
def is_open_today(wave: SurveyWave) -> bool:
    return wave.status == "open" and wave.opens_on <= today_wib() <= wave.closes_on


def is_invited(wave: SurveyWave, employee: Employee) -> bool:
    if not employee.active:
        return False
    path = employee.unit.path
    return any(path.startswith(t.unit.path) for t in wave.targets)
