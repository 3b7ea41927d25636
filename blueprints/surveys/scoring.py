"""Scoring in SQL, and the thresholds applied to every figure (the only way results are read).

Scoring (product.md §3.3), in SQL at two moments: when a response is stored, its per-dimension
sums are written (survey_response_score, with the two-thirds rule applied); results then sum
those rows per unit:
- a reverse-keyed item counts as 6 - x;
- a person's dimension score is the mean of the items of that dimension they answered, and only
  when they answered at least two thirds of them (3 * answered >= 2 * items); otherwise the
  person does not count for that dimension at all (no prorating);
- a group's dimension score is the mean of its members' dimension scores;
- the distribution (1..5) and % favourable (share of answers of 4 or 5 after reverse keying) are
  counted over the answers of the people who count for the dimension;
- readiness index = mean of the readiness dimensions' scores; resistance index likewise.

A group is a unit with everything under it. Per-unit sums come from SQL (GROUP BY); they are
rolled up to every ancestor in SQL too (a join on the materialised path). The guard
(blueprints/common/anonymity.py) then decides what may be shown, and only those figures leave
this module: ``WaveFigures`` holds no number for a hidden group.

A closed wave's figures are computed once, at closing, and stored (SurveyResultNode/Cell);
an open wave's are computed from responses dated before today (WIB), and kept for a few
minutes (``_live_figures``).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from time import monotonic

from flask import current_app, g
from sqlalchemy import Float, case, cast, delete, exists, func, insert, select
from sqlalchemy.orm import aliased

from blueprints.auth.access import subtree_condition
from blueprints.auth.models import Employee, Unit
from blueprints.common.anonymity import comments_visible, effective_threshold, guard
from blueprints.common.timefmt import today_wib
from blueprints.surveys.models import (
    SurveyAnswer,
    SurveyDimension,
    SurveyQuestion,
    SurveyResponse,
    SurveyResponseScore,
    SurveyResultCell,
    SurveyResultNode,
    SurveyWave,
)
from extensions import db

LIKERT = (1, 2, 3, 4, 5)


@dataclass
class CellFigure:
    """One group's figures for one dimension (present only when they may be shown)."""

    n: int  # people who count for the dimension (two-thirds rule)
    mean: float
    favourable: float  # share 0..1
    dist: tuple[int, int, int, int, int]  # answers 1..5 after reverse keying

    @property
    def answers(self) -> int:
        return sum(self.dist)

    @property
    def shares(self) -> list[float]:
        total = self.answers or 1
        return [count / total for count in self.dist]


@dataclass
class NodeFigure:
    """One group (a unit and its subtree). ``n`` is None when the group is hidden."""

    unit_id: int
    parent_id: int | None
    path: str
    depth: int
    n_eligible: int
    n: int | None
    visible: bool
    comments_visible: bool

    @property
    def response_rate(self) -> float | None:
        if not self.visible or not self.n_eligible:
            return None
        return min(1.0, self.n / self.n_eligible)


@dataclass
class WaveFigures:
    wave_id: int
    nodes: dict[int, NodeFigure] = field(default_factory=dict)
    cells: dict[tuple[int, int], CellFigure] = field(default_factory=dict)
    cutoff: date | None = None  # open waves: responses dated before this day
    stored: bool = False

    def cell(self, unit_id: int, dimension_id: int) -> CellFigure | None:
        return self.cells.get((unit_id, dimension_id))

    def index(self, unit_id: int, dimension_ids: list[int]) -> float | None:
        """Mean of the dimensions' scores, only when every one of them may be shown (otherwise
        the index and the shown dimensions would give the hidden one away)."""
        if not dimension_ids:
            return None
        values = [self.cells.get((unit_id, d)) for d in dimension_ids]
        if any(v is None for v in values):
            return None
        return sum(v.mean for v in values) / len(values)


# --- raw sums (never leave this module without the guard) -------------------------------------
@dataclass
class _RawCell:
    n: int = 0
    score_sum: float = 0.0
    answers: int = 0
    fav: int = 0
    dist: list[int] = field(default_factory=lambda: [0, 0, 0, 0, 0])


def keyed_value():
    """The answer after reverse keying (SQL expression)."""
    return case((SurveyQuestion.reverse_keyed, 6 - SurveyAnswer.value), else_=SurveyAnswer.value)


def _rollup(per_unit, measures: list[str], extra_group: tuple[str, ...] = ()):
    """Sum per-unit measures into every ancestor (a unit's group includes its subtree)."""
    member, ancestor = aliased(Unit), aliased(Unit)
    # (unit, ancestor-or-self) pairs, computed once (a few hundred units: a few hundred pairs
    # per level) and then joined by id. Joining every per-unit row to every unit with LIKE
    # instead costs rows x units comparisons (2,000 x 250 for the root's breakdown).
    pairs = (
        select(member.id.label("member_id"), ancestor.id.label("ancestor_id"))
        .select_from(member)
        .join(ancestor, member.path.startswith(ancestor.path))
        .cte("unit_pairs")
        .prefix_with("MATERIALIZED")
    )
    groups = [per_unit.c[name] for name in extra_group]
    return (
        select(
            pairs.c.ancestor_id.label("node_id"),
            *groups,
            *[func.sum(per_unit.c[name]).label(name) for name in measures],
        )
        .select_from(per_unit)
        .join(pairs, pairs.c.member_id == per_unit.c.unit_id)
        .group_by(pairs.c.ancestor_id, *groups)
    )


def _response_filter(wave_id: int, before: date | None):
    conditions = [SurveyResponse.wave_id == wave_id]
    if before is not None:
        conditions.append(SurveyResponse.submitted_on < before)
    return conditions


def score_responses(wave: SurveyWave, response_id: str | None = None) -> None:
    """Score responses in SQL (INSERT ... SELECT): one row per response and dimension that the
    response counts for, i.e. with at least two thirds of the dimension's items answered.
    For one response (at submission) or every unscored response of the wave (bulk loads)."""
    items = (
        select(SurveyQuestion.dimension_id, func.count().label("n_items"))
        .where(SurveyQuestion.instrument_id == wave.instrument_id, SurveyQuestion.kind == "likert")
        .group_by(SurveyQuestion.dimension_id)
        .subquery()
    )
    keyed = keyed_value()
    conditions = [SurveyAnswer.value.is_not(None)]
    if response_id is not None:
        conditions.append(SurveyAnswer.response_id == response_id)
    else:
        conditions += [
            SurveyResponse.wave_id == wave.id,
            ~exists().where(SurveyResponseScore.response_id == SurveyResponse.id),
        ]
    per_response = (
        select(
            SurveyAnswer.response_id,
            SurveyQuestion.dimension_id,
            func.count(SurveyAnswer.value),
            func.sum(keyed),
            func.sum(case((keyed >= 4, 1), else_=0)),
            *[func.sum(case((keyed == v, 1), else_=0)) for v in LIKERT],
        )
        .select_from(SurveyAnswer)
        .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
        .join(SurveyQuestion, SurveyQuestion.id == SurveyAnswer.question_id)
        .join(items, items.c.dimension_id == SurveyQuestion.dimension_id)
        .where(*conditions)
        .group_by(SurveyAnswer.response_id, SurveyQuestion.dimension_id, items.c.n_items)
        .having(3 * func.count(SurveyAnswer.value) >= 2 * items.c.n_items)
        # Written in key order (random response ids), like the batch itself (docs/anonymity.md).
        .order_by(SurveyAnswer.response_id, SurveyQuestion.dimension_id)
    )
    columns = [
        "response_id",
        "dimension_id",
        "answered",
        "total",
        "favourable",
        *[f"d{v}" for v in LIKERT],
    ]
    db.session.execute(insert(SurveyResponseScore).from_select(columns, per_response))


def raw_cells(wave: SurveyWave, before: date | None = None) -> dict[tuple[int, int], _RawCell]:
    """(group unit id, dimension id) -> sums over every scored response in the group's subtree."""
    score = SurveyResponseScore
    per_unit = (
        select(
            SurveyResponse.unit_id.label("unit_id"),
            score.dimension_id.label("dimension_id"),
            func.count().label("n"),
            func.sum(cast(score.total, Float) / score.answered).label("score_sum"),
            func.sum(score.answered).label("answers"),
            func.sum(score.favourable).label("fav"),
            *[func.sum(getattr(score, f"d{v}")).label(f"d{v}") for v in LIKERT],
        )
        .join(SurveyResponse, SurveyResponse.id == score.response_id)
        .where(*_response_filter(wave.id, before))
        .group_by(SurveyResponse.unit_id, score.dimension_id)
        .subquery()
    )
    measures = ["n", "score_sum", "answers", "fav", *[f"d{v}" for v in LIKERT]]
    out: dict[tuple[int, int], _RawCell] = {}
    for row in db.session.execute(_rollup(per_unit, measures, ("dimension_id",))).mappings():
        out[(row["node_id"], row["dimension_id"])] = _RawCell(
            n=int(row["n"] or 0),
            score_sum=float(row["score_sum"] or 0.0),
            answers=int(row["answers"] or 0),
            fav=int(row["fav"] or 0),
            dist=[int(row[f"d{v}"] or 0) for v in LIKERT],
        )
    return out


def raw_counts(wave: SurveyWave, before: date | None = None) -> dict[int, int]:
    """group unit id -> responses in its subtree."""
    per_unit = (
        select(SurveyResponse.unit_id.label("unit_id"), func.count().label("n"))
        .where(*_response_filter(wave.id, before))
        .group_by(SurveyResponse.unit_id)
        .subquery()
    )
    return {node: int(n or 0) for node, n in db.session.execute(_rollup(per_unit, ["n"]))}


def eligible_counts(wave: SurveyWave) -> dict[int, int]:
    """group unit id -> active employees in its subtree who are invited to the wave."""
    targets = [t.unit for t in wave.targets]
    per_unit = (
        select(Employee.unit_id.label("unit_id"), func.count().label("n"))
        .where(
            Employee.active.is_(True),
            Employee.unit_id.in_(select(Unit.id).where(subtree_condition(targets))),
        )
        .group_by(Employee.unit_id)
        .subquery()
    )
    return {node: int(n or 0) for node, n in db.session.execute(_rollup(per_unit, ["n"]))}


# --- the tree the wave covers ---------------------------------------------------------------------
@dataclass(frozen=True)
class UnitInfo:
    id: int
    code: str
    name: str
    parent_id: int | None
    path: str
    depth: int


def tree_key(path: str) -> tuple[int, ...]:
    """Sort key for tree order ('/1/13/' after '/1/2/')."""
    return tuple(int(part) for part in path.strip("/").split("/") if part)


def all_units() -> dict[int, UnitInfo]:
    """Every unit (a few hundred at most), once per request."""
    if "survey_units" not in g:
        rows = db.session.execute(
            select(Unit.id, Unit.code, Unit.name, Unit.parent_id, Unit.path, Unit.depth)
        )
        g.survey_units = {row.id: UnitInfo(*row) for row in rows}
    return g.survey_units


def wave_tree(wave: SurveyWave) -> dict[int, UnitInfo]:
    """The units a wave covers: its target subtrees and their ancestors (up to the root)."""
    units = all_units()
    target_paths = [t.unit.path for t in wave.targets]
    keep: set[int] = set()
    for path in target_paths:
        keep.update(int(part) for part in path.strip("/").split("/") if part)
    for unit in units.values():
        if any(unit.path.startswith(path) for path in target_paths):
            keep.add(unit.id)
    return {uid: units[uid] for uid in keep if uid in units}


# --- figures with the thresholds applied -----------------------------------------------------------
def compute_figures(
    wave: SurveyWave,
    dimension_ids: list[int],
    before: date | None = None,
) -> WaveFigures:
    """Aggregate in SQL, then keep only what may be shown (k, comments, subtraction guard)."""
    k = effective_threshold(wave.min_group)
    tree = wave_tree(wave)
    counts = raw_counts(wave, before)
    eligible = eligible_counts(wave)
    cells = raw_cells(wave, before)

    groups = {
        uid: (u.parent_id if u.parent_id in tree else None, counts.get(uid, 0))
        for uid, u in tree.items()
    }
    visible = guard(groups, k)
    comment_k = max(k, effective_threshold(wave.comment_min_group, default=10))
    talkative = guard(groups, comment_k, hidden=set(tree) - visible)

    figures = WaveFigures(wave_id=wave.id, cutoff=before)
    for uid, unit in tree.items():
        shown = uid in visible
        figures.nodes[uid] = NodeFigure(
            unit_id=uid,
            parent_id=groups[uid][0],
            path=unit.path,
            depth=unit.depth,
            n_eligible=eligible.get(uid, 0),
            n=counts.get(uid, 0) if shown else None,
            visible=shown,
            comments_visible=shown
            and uid in talkative
            and comments_visible(counts.get(uid, 0), comment_k, k),
        )
    for dimension_id in dimension_ids:
        scored = {
            uid: (
                groups[uid][0],
                cells[(uid, dimension_id)].n if (uid, dimension_id) in cells else 0,
            )
            for uid in tree
        }
        for uid in guard(scored, k, hidden=set(tree) - visible):
            raw = cells[(uid, dimension_id)]
            figures.cells[(uid, dimension_id)] = CellFigure(
                n=raw.n,
                mean=raw.score_sum / raw.n,
                favourable=raw.fav / raw.answers if raw.answers else 0.0,
                dist=tuple(raw.dist),
            )
    return figures


def dimension_ids_of(wave: SurveyWave) -> list[int]:
    return list(
        db.session.scalars(
            select(SurveyDimension.id)
            .where(SurveyDimension.instrument_id == wave.instrument_id)
            .order_by(SurveyDimension.position, SurveyDimension.id)
        )
    )


def store_figures(wave: SurveyWave, figures: WaveFigures) -> None:
    """Write a closed wave's figures once (only what may be shown; hidden groups keep no n)."""
    db.session.execute(delete(SurveyResultCell).where(SurveyResultCell.wave_id == wave.id))
    db.session.execute(delete(SurveyResultNode).where(SurveyResultNode.wave_id == wave.id))
    db.session.add_all(
        SurveyResultNode(
            wave_id=wave.id,
            unit_id=node.unit_id,
            parent_id=node.parent_id,
            path=node.path,
            depth=node.depth,
            n_eligible=node.n_eligible,
            n_responses=node.n,
            visible=node.visible,
            comments_visible=node.comments_visible,
        )
        for node in figures.nodes.values()
    )
    db.session.add_all(
        SurveyResultCell(
            wave_id=wave.id,
            unit_id=uid,
            dimension_id=did,
            n_scored=cell.n,
            mean=cell.mean,
            favourable=cell.favourable,
            d1=cell.dist[0],
            d2=cell.dist[1],
            d3=cell.dist[2],
            d4=cell.dist[3],
            d5=cell.dist[4],
        )
        for (uid, did), cell in figures.cells.items()
    )


def load_stored(
    wave_ids: list[int], unit_ids: list[int] | None = None, cells: bool = True
) -> dict[int, WaveFigures]:
    """Closed waves' stored figures: two queries whatever the number of waves or responses.
    `unit_ids` limits them to some units (the trend of one unit needs no other); without
    `cells`, only the groups are read. Plain rows, not ORM objects: a root unit's waves are
    thousands of cells."""
    out = {wid: WaveFigures(wave_id=wid, stored=True) for wid in wave_ids}
    if not wave_ids:
        return out
    nodes = select(SurveyResultNode.__table__).where(SurveyResultNode.wave_id.in_(wave_ids))
    cell_rows = select(SurveyResultCell.__table__).where(SurveyResultCell.wave_id.in_(wave_ids))
    if unit_ids is not None:
        nodes = nodes.where(SurveyResultNode.unit_id.in_(unit_ids))
        cell_rows = cell_rows.where(SurveyResultCell.unit_id.in_(unit_ids))
    for node in db.session.execute(nodes):
        out[node.wave_id].nodes[node.unit_id] = NodeFigure(
            unit_id=node.unit_id,
            parent_id=node.parent_id,
            path=node.path,
            depth=node.depth,
            n_eligible=node.n_eligible,
            n=node.n_responses if node.visible else None,
            visible=node.visible,
            comments_visible=node.visible and node.comments_visible,
        )
    if not cells:
        return out
    for cell in db.session.execute(cell_rows):
        if (
            cell.unit_id in out[cell.wave_id].nodes
            and out[cell.wave_id].nodes[cell.unit_id].visible
        ):
            out[cell.wave_id].cells[(cell.unit_id, cell.dimension_id)] = CellFigure(
                n=cell.n_scored,
                mean=cell.mean,
                favourable=cell.favourable,
                dist=(cell.d1, cell.d2, cell.d3, cell.d4, cell.d5),
            )
    return out


def figures_for(wave: SurveyWave, unit_ids: Collection[int] | None = None) -> WaveFigures | None:
    """The figures the results pages may show for this wave, or None when none may be shown
    yet (a draft, or an open wave without live results).

    `unit_ids` limits a closed wave's stored figures to those units: a page showing twenty
    units of two hundred and fifty reads only theirs. An open wave's live figures are computed
    for the whole tree at once (and kept, see _live_figures), so the limit does not apply."""
    if not has_figures(wave):
        return None
    cache = g.setdefault("survey_figures", {})
    whole = (wave.id, None)
    key = whole if unit_ids is None or wave.status != "closed" else (wave.id, frozenset(unit_ids))
    if whole in cache:
        return cache[whole]
    if key not in cache:
        if wave.status == "closed":
            limit = None if unit_ids is None else sorted(unit_ids)
            cache[key] = load_stored([wave.id], unit_ids=limit)[wave.id]
        else:
            cache[key] = _live_figures(wave)
    return cache[key]


def prefetch_stored(waves: list[SurveyWave], unit_ids: Collection[int]) -> None:
    """Read the stored figures of several closed waves for these units at once (two queries,
    not two a wave), where figures_for(wave, unit_ids) then finds them: a trend over four
    waves asks for the same units of each."""
    cache = g.setdefault("survey_figures", {})
    key = frozenset(unit_ids)
    wanted = [
        w.id
        for w in waves
        if w.status == "closed" and (w.id, None) not in cache and (w.id, key) not in cache
    ]
    for wave_id, figures in load_stored(wanted, unit_ids=sorted(key)).items():
        cache[(wave_id, key)] = figures


def has_figures(wave: SurveyWave) -> bool:
    """Closed waves have stored figures; open ones only when live results are switched on."""
    return wave.status == "closed" or (wave.status == "open" and bool(wave.live_results))


def stored_nodes(wave: SurveyWave) -> dict[int, NodeFigure]:
    """A closed wave's groups as stored at closing (its unit tree then), without the cells."""
    cache = g.setdefault("survey_stored_nodes", {})
    if wave.id not in cache:
        whole = g.get("survey_figures", {}).get((wave.id, None))
        cache[wave.id] = (
            whole.nodes
            if whole
            else load_stored([wave.id], unit_ids=None, cells=False)[wave.id].nodes
        )
    return cache[wave.id]


LIVE_FIGURES_SECONDS = 300


def _live_figures(wave: SurveyWave) -> WaveFigures:
    """An open wave's live figures, computed at most once per LIVE_FIGURES_SECONDS per process.

    They count responses dated before today (WIB), so during a day only the invited headcount
    (people joining or leaving a unit) can change them: the key holds everything else they
    depend on, and the number of responses counted, so a late-arriving response still shows
    at once. Each app (each gunicorn worker) keeps its own small cache."""
    cutoff = today_wib()
    counted = db.session.scalar(
        select(func.count()).select_from(SurveyResponse).where(*_response_filter(wave.id, cutoff))
    )
    key = (wave.id, cutoff, wave.min_group, wave.comment_min_group, counted)
    cache = current_app.extensions.setdefault("survey_live_figures", {})
    hit = cache.get(key)
    if hit is not None and monotonic() - hit[0] < LIVE_FIGURES_SECONDS:
        return hit[1]
    figures = compute_figures(wave, dimension_ids_of(wave), before=cutoff)
    for stale in [k for k in list(cache) if k[0] == wave.id]:  # list(): other threads add keys
        cache.pop(stale, None)
    cache[key] = (monotonic(), figures)
    return figures
