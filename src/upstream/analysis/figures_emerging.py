"""Plotly figures of emerging hot spots, and the words to read them by.

:func:`emerging_map_figure` draws each category's cells as filled squares on a British
National Grid map (one legend entry per category, "no pattern" left blank), with the
area's reference layers; :func:`emerging_trend_figure` draws the Gi* z-score of the
most pressing cells slice by slice, a filled marker where the cell was a hot spot.
:data:`EXPLANATION` and :func:`reading` are the plain-English text to show beside them.
Offline: nothing is fetched from elsewhere.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import plotly.graph_objects as go
from shapely.geometry.base import BaseGeometry

from upstream.analysis.emerging import EmergingHotSpots
from upstream.analysis.emergingstats import CATEGORIES, MOSTLY
from upstream.formatting import month_period
from upstream.plotting import (
    FONT,
    MAP_LEGEND,
    bng_map_layout,
    boundary_trace,
    square_outlines,
)

__all__ = [
    "CATEGORY_COLOURS",
    "EXPLANATION",
    "emerging_map_figure",
    "emerging_trend_figure",
    "reading",
]

CATEGORY_COLOURS = {
    "new": "#e31a1c",
    "consecutive": "#fd8d3c",
    "intensifying": "#67000d",
    "persistent": "#6a3d9a",
    "diminishing": "#2171b5",
    "sporadic": "#fec44f",
    "oscillating": "#41b6c4",
    "historical": "#969696",
}
"""Fill colour of each category on the map ("no pattern" is not drawn)."""

EXPLANATION = (
    "This map shows where serious violence is clustering more, or less, than it used to. "
    "For every month (or quarter) the borough is cut into squares, and each square is "
    "compared with the whole area: a hot spot is a square that, with the squares around "
    "it, held clearly more crimes that month than the area's average would give, tested "
    "so that at most about 5% of the squares called hot are false alarms. Each square's "
    "hot-spot score is then followed over time, and a Mann-Kendall test says whether it "
    "has been rising or falling beyond what chance would give (again with at most about "
    "5% false alarms).\n\n"
    + "\n".join(f"{c.label}: {c.meaning}" for c in CATEGORIES)
    + "\n\nNew, consecutive and intensifying squares are where risk is growing: they can "
    "need attention before they top the counts. Persistent squares are the long-standing "
    "problems. The map is a guide to where to look, not proof of a cause. police.uk moves "
    "each crime to the nearest of a set of anonymous map points and gives only its month, "
    "and small counts make month-to-month patterns noisy: check a square with local "
    "knowledge and partnership data before acting on it."
)
"""What the figures show and how to read them (plain English, for the page)."""


def emerging_map_figure(
    result: EmergingHotSpots,
    boundary: BaseGeometry,
    *,
    reference: list[Any] | None = None,
    height: int = 660,
) -> go.Figure:
    """The cells of each category as coloured squares, named on hover.

    ``reference`` traces (:func:`upstream.plotting.reference_traces`) are drawn on top.
    """
    cells = result.cells
    size = result.cell_size
    traces: list[Any] = [boundary_trace(boundary)]
    for category in CATEGORIES:
        these = cells[cells["category"] == category.name]
        if category.name not in CATEGORY_COLOURS or these.empty:
            continue
        colour = CATEGORY_COLOURS[category.name]
        name = f"{category.label} ({len(these)})"
        xs, ys = square_outlines(these["x_min"].to_numpy(), these["y_min"].to_numpy(), size)
        traces.append(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                fill="toself",
                fillcolor=colour,
                line={"color": "#374151", "width": 0.5},
                name=name,
                legendgroup=category.name,
                hoverinfo="skip",
            )
        )
        hover = (these["place"].fillna("unnamed place") + "<br>" + these["reason"]).tolist()
        traces.append(
            go.Scatter(
                x=(these["x_min"] + size / 2).tolist(),
                y=(these["y_min"] + size / 2).tolist(),
                mode="markers",
                marker={"size": 10, "opacity": 0},
                text=hover,
                hovertemplate="%{text}<extra>" + category.label + "</extra>",
                legendgroup=category.name,
                showlegend=False,
            )
        )
    traces += reference or []
    return bng_map_layout(go.Figure(traces), height, legend=MAP_LEGEND)


def emerging_trend_figure(result: EmergingHotSpots, *, top: int = 8) -> go.Figure:
    """The Gi* z-score per slice of the ``top`` most pressing cells (not "no pattern").

    A filled marker is a slice in which the cell was a hot spot; an open one, not.
    """
    cells = result.cells[result.cells["category"] != "no pattern"].head(top)
    labels = list(result.slices.labels)
    traces = []
    for rank, row in enumerate(cells.itertuples(index=False), start=1):
        cell = int(row.cell_id)  # type: ignore[arg-type]
        z = result.z.loc[cell].to_numpy()
        hot = result.status.loc[cell].to_numpy() == 1
        colour = CATEGORY_COLOURS.get(str(row.category), "#4b5563")
        place = next(
            (str(v) for v in (row.street, row.place) if isinstance(v, str) and v),
            f"cell {cell}",
        )
        traces.append(
            go.Scatter(
                x=labels,
                y=np.round(z, 2).tolist(),
                mode="lines+markers",
                line={"color": colour, "width": 1.5},
                marker={
                    "color": [colour if h else "#ffffff" for h in hot],
                    "line": {"color": colour, "width": 1.5},
                    "size": 7,
                },
                name=f"{rank}. {place} ({str(row.label).lower()})",
                hovertemplate="%{x}: z = %{y}<extra>" + place + "</extra>",
            )
        )
    fig = go.Figure(traces)
    fig.add_hline(y=0, line={"color": "#9ca3af", "width": 1})
    fig.update_layout(
        font=FONT,
        height=420,
        margin={"l": 60, "r": 20, "t": 10, "b": 60},
        plot_bgcolor="#ffffff",
        paper_bgcolor="#ffffff",
        xaxis={"title": {"text": result.slices.unit.capitalize()}, "type": "category"},
        yaxis={"title": {"text": "Hot-spot score (Gi* z)"}, "zeroline": False},
        legend={"font": {"size": 11}},
    )
    return fig


def reading(result: EmergingHotSpots, area_name: str) -> str:
    """One paragraph on this result: the window, the cell size and what was found."""
    cells = result.cells
    counts = cells["category"].value_counts()
    slices = result.slices
    found = [
        f"{int(counts[c.name])} {c.label.lower()}{'s' if counts[c.name] != 1 else ''}"
        for c in CATEGORIES
        if c.name != "no pattern" and counts.get(c.name, 0)
    ]
    listed = ", ".join(found) if found else "no hot spot in the latest period"
    growing = sum(int(counts.get(c, 0)) for c in ("new", "consecutive", "intensifying"))
    text = (
        f"{area_name}, {len(slices.months)} {slices.unit}s "
        f"({month_period(slices.first, slices.last)}), squares of {result.cell_size} m: "
        f"{listed}. "
    )
    if growing:
        text += f"{growing} square(s) show risk growing (new, consecutive or intensifying). "
    else:
        text += "No square shows risk growing (new, consecutive or intensifying). "
    if not (cells["trend"] != 0).any():
        text += (
            "No square's score rose or fell beyond chance over the window, so no hot spot "
            f"is called intensifying or diminishing; hot in {MOSTLY:.0%} of the "
            f"{slices.unit}s or more is called persistent."
        )
    return text
