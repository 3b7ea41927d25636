"""Survey results: which waves and units a viewer may see, the results view (breakdown, heat
rows, trend, suggestions, comments), flag settings, and indices by unit / latest waves for
the dashboards."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from flask import abort, g
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, literal, or_, select

from blueprints.admin.settings import SPECS, SettingSpec, get_setting
from blueprints.auth.access import has_role, led_units, subtree_unit_ids
from blueprints.auth.models import Unit
from blueprints.common.anonymity import effective_threshold, sql_random_order
from blueprints.common.pagination import Page, page_within
from blueprints.surveys import instrument as builtin
from blueprints.surveys import mixing, scoring, workshop_link
from blueprints.surveys.models import (
    SurveyAnswer,
    SurveyDimension,
    SurveyQuestion,
    SurveyResponse,
    SurveyWave,
    SurveyWaveUnit,
)
from blueprints.surveys.waves import ensure_closed_if_due, participation_summary
from extensions import db

COMMENTS_SHOWN = 150
BREAKDOWN_DEPTH = 1  # levels of units below the viewed one on the results page
UNITS_PER_PAGE = 25  # units of that level per page
TREND_WAVES = 6

# --- settings (registered at import) -------------------------------------------------------------
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
    if wave.status == "closed":
        return _stored_units(scoring.stored_nodes(wave))
    return scoring.wave_tree(wave)


def _stored_units(nodes: dict[int, scoring.NodeFigure]) -> dict[int, scoring.UnitInfo]:
    """Stored groups as units: where they stood in the tree when the wave closed, named as
    they are named today (a unit removed since keeps its number)."""
    units = scoring.all_units()
    out = {}
    for uid, node in nodes.items():
        base = units.get(uid)
        name = base.name if base else f"#{uid}"
        code = base.code if base else ""
        out[uid] = scoring.UnitInfo(uid, code, name, node.parent_id, node.path, node.depth)
    return out


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
    units_page: Page | None = None  # which units below are in heat_rows (None: all of them)
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
    waiting: int = 0  # answers still sealed in the inbox (a count for the whole wave)

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
    page: int = 1,
) -> ResultsView:
    """Everything the results page shows for one unit's subtree; the exports read the same.

    The unit breakdown goes `breakdown_depth` levels down (None: the whole subtree, as the
    exports give it). The page shows one level at a time, each unit linking to its own: a
    root unit's full tree is hundreds of rows nobody reads at once, and rendering them was
    most of the page's time."""
    dims = _dimensions(wave)
    thresholds = flag_thresholds()
    shown, units_page = _breakdown_ids(wave, unit, breakdown_depth, page)
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
    view.units_page = units_page
    view.submitted, view.invited = participation_summary(wave)
    view.waiting = mixing.waiting_count(wave)
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
    wave: SurveyWave, unit: scoring.UnitInfo, breakdown_depth: int | None, page: int = 1
) -> tuple[set[int], Page | None]:
    """The units the breakdown shows: the unit and those below it, `breakdown_depth` levels
    down (None: the whole subtree, as the exports give it). One level down (the page), the
    units directly below come a page at a time: a province's root has two hundred; the page
    says which (None for the exports)."""
    tree = tree_for(wave)
    below = [
        uid
        for uid, info in tree.items()
        if info.path.startswith(unit.path)
        and uid != unit.id
        and (breakdown_depth is None or info.depth - unit.depth <= breakdown_depth)
    ]
    if breakdown_depth != 1:
        return {unit.id, *below}, None
    below.sort(key=lambda uid: scoring.tree_key(tree[uid].path))
    units_page = page_within(page, len(below), UNITS_PER_PAGE)
    shown = below[units_page.first - 1 : units_page.last] if below else []
    return {unit.id, *shown}, units_page


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
    if unit_ids is not None and wave.status == "closed":
        # The stored groups read for these units say where each stood: no need for the tree.
        tree = _stored_units({uid: figures.nodes[uid] for uid in unit_ids if uid in figures.nodes})
    else:
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
