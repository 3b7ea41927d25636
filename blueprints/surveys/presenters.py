"""Chart data for templates/_macros/charts.html, built from a ResultsView (display only)."""

from flask_babel import gettext as _

from blueprints.common.timefmt import format_pattern
from blueprints.surveys.forms import LIKERT_CHOICES
from blueprints.surveys.results import ResultsView


def score(value) -> str:
    """A 1-5 score with two decimals in the reader's locale ('3,45')."""
    return "–" if value is None else format_pattern(value, "#,##0.00")


def percent(value) -> str:
    return "–" if value is None else format_pattern(value, "#,##0%")


def tone(mean: float | None, construct: str) -> int | None:
    """1 (least favourable) .. 5 (most): high resistance is unfavourable."""
    if mean is None:
        return None
    value = 6 - mean if construct == "resistance" else mean
    for bound, level in ((2.0, 1), (2.75, 2), (3.5, 3), (4.25, 4)):
        if value < bound:
            return level
    return 5


def dimension_bars(view: ResultsView) -> list[dict]:
    return [
        {
            "label": row.dimension.name,
            "value": row.cell.mean if row.cell else None,
            "display": score(row.cell.mean) if row.cell else "",
            "flagged": row.flagged,
            "extra": {
                "fav": percent(row.cell.favourable) if row.cell else None,
                "n": row.cell.n if row.cell else None,
            },
        }
        for row in view.results
    ]


def likert_labels() -> list[str]:
    return [str(label) for _value, label in LIKERT_CHOICES]


def distribution_rows(view: ResultsView) -> list[dict]:
    rows = []
    for row in view.results:
        cell = row.cell
        rows.append(
            {
                "label": row.dimension.name,
                "shares": cell.shares if cell else None,
                "displays": [percent(share) for share in cell.shares] if cell else [],
            }
        )
    return rows


def heat_columns(view: ResultsView) -> list[dict]:
    return [
        *({"label": d.name, "short": d.name} for d in view.dimensions),
        {"label": _("Indeks kesiapan"), "short": _("Indeks kesiapan")},
        {"label": _("Indeks resistensi"), "short": _("Indeks resistensi")},
    ]


def heat_rows(view: ResultsView) -> list[dict]:
    rows = []
    for row in view.heat_rows:
        cells = []
        for dim, cell in zip(view.dimensions, row.cells, strict=True):
            cells.append(
                {"display": score(cell.mean), "tone": tone(cell.mean, dim.construct)}
                if cell
                else None
            )
        for value, construct in ((row.readiness, "readiness"), (row.resistance, "resistance")):
            cells.append(
                {"display": score(value), "tone": tone(value, construct)}
                if value is not None
                else None
            )
        rows.append({"label": row.unit.name, "level": row.level, "cells": cells})
    return rows


def trend(view: ResultsView) -> tuple[list[str], list[dict]]:
    labels = [point.wave.title for point in view.trend]
    series = [
        {
            "name": _("Indeks kesiapan"),
            "css": "series-readiness",
            "values": [p.readiness for p in view.trend],
            "displays": [score(p.readiness) for p in view.trend],
        },
        {
            "name": _("Indeks resistensi"),
            "css": "series-resistance",
            "values": [p.resistance for p in view.trend],
            "displays": [score(p.resistance) for p in view.trend],
        },
    ]
    return labels, series


def trend_dimensions(view: ResultsView) -> list[dict]:
    """Per-dimension means across waves (table only)."""
    return [
        {
            "dimension": d,
            "values": [
                score(p.means.get(d.id)) if p.visible and d.id in p.means else None
                for p in view.trend
            ],
        }
        for d in view.dimensions
    ]


def plan_status(status: str) -> str:
    from blueprints.surveys.forms import PLAN_STATUS_CHOICES

    return str(dict(PLAN_STATUS_CHOICES).get(status, status))


def construct(value: str) -> str:
    from blueprints.surveys.forms import CONSTRUCT_CHOICES

    return str(dict(CONSTRUCT_CHOICES).get(value, value))
