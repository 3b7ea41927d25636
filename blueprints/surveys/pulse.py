"""The pulse re-measure: after a wave's actions, a short wave of the same units asks again about
the dimensions the actions targeted, and its results show before and after.

- A pulse is an ordinary wave (waves.create_wave / open_wave; answering, mixing and closing are
  untouched) of a short instrument copied from the baseline's: for each targeted dimension its
  first PULSE_ITEMS Likert items, the dimension's code kept so the pair can be matched. It
  targets the baseline's units (a leader's pulse: the part of them in their subtree) with the
  baseline's thresholds.
- Who opens one: an admin, or a leader when the setting survey_pulse_by_leader is 1.
- Before/after: each wave keeps its own guarded figures (k and the subtraction guard applied at
  closing, or live). A unit's pair is shown only where the unit's figure for the dimension is
  visible in both waves, and then the guard is run again on each wave with everything not shown
  in the other forced hidden, until the two agree: whatever the pair table shows of either wave
  is a guarded set of that wave (no group below k, no remainder below k by subtraction), so
  putting the two waves side by side derives nothing that neither wave shows on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask import abort
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from blueprints.admin.settings import SPECS, SettingSpec, get_setting
from blueprints.auth.access import has_role, led_units, subtree_unit_ids
from blueprints.common.anonymity import effective_threshold, guard
from blueprints.common.refusals import Refused
from blueprints.common.timefmt import today_wib
from blueprints.surveys import scoring, waves
from blueprints.surveys.actions import actions_for
from blueprints.surveys.models import (
    SurveyAction,
    SurveyDimension,
    SurveyInstrument,
    SurveyQuestion,
    SurveyWave,
)
from extensions import db

PULSE_ITEMS = 4  # at most this many items per targeted dimension

SPECS.setdefault(
    "survey_pulse_by_leader",
    SettingSpec(
        "survey_pulse_by_leader",
        0,
        _l("Pimpinan boleh membuka survei denyut (1 = ya, 0 = hanya admin)"),
        _l("Survei denyut mengukur ulang dimensi yang menjadi sasaran aksi, untuk unit yang sama."),
        0,
        1,
    ),
)


def can_open_pulse(user) -> bool:
    if has_role(user, "admin"):
        return True
    return has_role(user, "leader") and get_setting("survey_pulse_by_leader") == 1


def dimension_key(dimension: SurveyDimension) -> str:
    return dimension.code or f"dim-{dimension.id}"


def targeted_dimension_ids(baseline: SurveyWave) -> list[int]:
    """Dimensions that the baseline's actions answer (the default choice for a pulse)."""
    return list(
        db.session.scalars(
            select(SurveyAction.dimension_id)
            .where(SurveyAction.wave_id == baseline.id, SurveyAction.status != "batal")
            .distinct()
        )
    )


def actions_not_yet_due(baseline: SurveyWave) -> int:
    """Open actions of the baseline whose due date is still ahead (the pulse page says so)."""
    return int(
        db.session.scalar(
            select(func.count(SurveyAction.id)).where(
                SurveyAction.wave_id == baseline.id,
                SurveyAction.status.in_(("rencana", "berjalan")),
                SurveyAction.due_on >= today_wib(),
            )
        )
        or 0
    )


def _target_units(baseline: SurveyWave, user) -> list[int]:
    targets = baseline.target_unit_ids
    if has_role(user, "admin"):
        return targets
    mine = subtree_unit_ids(user)
    out = [uid for uid in targets if uid in mine]
    paths = {t.unit_id: t.unit.path for t in baseline.targets}
    for unit in led_units(user):  # a led unit below a wider target
        if unit.id not in out and any(unit.path.startswith(paths[t]) for t in targets):
            out.append(unit.id)
    return out


def _short_instrument(baseline: SurveyWave, dimension_ids: list[int]) -> SurveyInstrument:
    source = baseline.instrument
    chosen = [d for d in source.dimensions if d.id in set(dimension_ids)]
    if not chosen:
        raise Refused(_("Pilih sekurang-kurangnya satu dimensi untuk diukur ulang."))
    inst = SurveyInstrument(
        name=_("Denyut: %(name)s", name=source.name)[:200],
        description=_("Pengukuran ulang singkat setelah aksi: %(title)s", title=baseline.title),
        copied_from_id=source.id,
    )
    db.session.add(inst)
    db.session.flush()
    position = 0
    for dpos, dim in enumerate(chosen, 1):
        copy = SurveyDimension(
            instrument_id=inst.id,
            name=dim.name,
            code=dimension_key(dim),
            construct=dim.construct,
            description=dim.description,
            position=dpos,
        )
        db.session.add(copy)
        db.session.flush()
        items = [q for q in source.questions if q.kind == "likert" and q.dimension_id == dim.id]
        for question in items[:PULSE_ITEMS]:
            position += 1
            db.session.add(
                SurveyQuestion(
                    instrument_id=inst.id,
                    dimension_id=copy.id,
                    kind="likert",
                    text=question.text,
                    reverse_keyed=question.reverse_keyed,
                    position=position,
                )
            )
    db.session.flush()
    db.session.refresh(inst)
    return inst


def create_pulse(
    baseline: SurveyWave,
    user,
    dimension_ids: list[int],
    title: str,
    opens_on: date,
    closes_on: date,
) -> SurveyWave:
    """Create and open the pulse wave (an ordinary wave) for the baseline's units."""
    if not can_open_pulse(user):
        abort(403)
    if baseline.status != "closed" or baseline.baseline_wave_id is not None:
        raise Refused(_("Survei denyut dibuka dari gelombang utama yang sudah ditutup."))
    units = _target_units(baseline, user)
    if not units:
        abort(403)
    inst = _short_instrument(baseline, dimension_ids)
    wave = waves.create_wave(
        {
            "instrument_id": inst.id,
            "title": title,
            "change_description": baseline.change_description,
            "opens_on": opens_on,
            "closes_on": closes_on,
            "min_group": baseline.min_group,
            "comment_min_group": baseline.comment_min_group,
            "live_results": False,
            "unit_ids": units,
        },
        user,
    )
    wave.baseline_wave_id = baseline.id
    waves.open_wave(wave, user)
    return wave


# --- before and after ---------------------------------------------------------------------------
@dataclass
class PairCell:
    before: float | None = None
    after: float | None = None

    @property
    def shown(self) -> bool:
        return self.before is not None and self.after is not None

    @property
    def delta(self) -> float | None:
        return self.after - self.before if self.shown else None


@dataclass
class PairRow:
    unit: scoring.UnitInfo
    cells: list[PairCell] = field(default_factory=list)

    @property
    def any_shown(self) -> bool:
        return any(c.shown for c in self.cells)


@dataclass
class BeforeAfter:
    baseline: SurveyWave
    pulse: SurveyWave
    dimensions: list[tuple[SurveyDimension, SurveyDimension]]  # (baseline's, pulse's)
    rows: list[PairRow]
    available: bool  # both waves have figures to show
    shown: dict[int, set[int]] = field(default_factory=dict)  # per pulse dimension: units


def _groups(figures: scoring.WaveFigures, dimension_id: int) -> dict:
    """The wave's groups for one dimension: n where the cell may be shown, else 0 (hidden)."""
    return {
        uid: (
            node.parent_id,
            figures.cells[(uid, dimension_id)].n if (uid, dimension_id) in figures.cells else 0,
        )
        for uid, node in figures.nodes.items()
    }


def paired_units(
    before: tuple[dict, int], after: tuple[dict, int], limit: int = 10
) -> tuple[set, set]:
    """The units whose figures the pair shows, for each wave: guard each wave with what the
    other cannot show forced hidden, until both show the same units. Returns (before, after):
    equal sets, each a guarded set of its own wave."""
    (groups_b, k_b), (groups_p, k_p) = before, after
    shown_b = guard(groups_b, k_b)
    shown_p = guard(groups_p, k_p)
    for _round in range(limit):
        both = shown_b & shown_p
        shown_b = guard(groups_b, k_b, hidden=set(groups_b) - both)
        shown_p = guard(groups_p, k_p, hidden=set(groups_p) - both)
        if shown_b == shown_p:
            return shown_b, shown_p
    return set(), set()


def before_after(pulse: SurveyWave, unit_ids: list[int]) -> BeforeAfter | None:
    """The pair table for these units (in the given order), or None for an ordinary wave."""
    if pulse.baseline_wave_id is None:
        return None
    baseline = db.session.get(SurveyWave, pulse.baseline_wave_id)
    by_key = {dimension_key(d): d for d in baseline.instrument.dimensions}
    pairs = [(by_key[d.code], d) for d in pulse.instrument.dimensions if d.code in by_key]
    fig_b, fig_p = scoring.figures_for(baseline), scoring.figures_for(pulse)
    tree = scoring.wave_tree(pulse)
    result = BeforeAfter(baseline, pulse, pairs, [], fig_b is not None and fig_p is not None)
    if not result.available:
        return result
    k_b, k_p = effective_threshold(baseline.min_group), effective_threshold(pulse.min_group)
    for dim_b, dim_p in pairs:
        shown, _same = paired_units(
            (_groups(fig_b, dim_b.id), k_b), (_groups(fig_p, dim_p.id), k_p)
        )
        result.shown[dim_p.id] = shown
    for uid in unit_ids:
        if uid not in tree:
            continue
        row = PairRow(tree[uid])
        for dim_b, dim_p in pairs:
            if uid in result.shown[dim_p.id]:
                row.cells.append(
                    PairCell(fig_b.cells[(uid, dim_b.id)].mean, fig_p.cells[(uid, dim_p.id)].mean)
                )
            else:
                row.cells.append(PairCell())
        result.rows.append(row)
    return result


def baseline_actions(pulse: SurveyWave, unit_id: int) -> list[SurveyAction]:
    if pulse.baseline_wave_id is None:
        return []
    return actions_for(pulse.baseline_wave_id, unit_id)
