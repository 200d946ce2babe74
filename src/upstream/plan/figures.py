"""Plotly map of a Safer Routes plan: the risk surface, school journeys and posts.

Drawn in British National Grid metres like every map of upstream (:mod:`upstream.plotting`):
equal scale, the area's boundary outlined, schools, stations and town centres labelled
(:func:`upstream.plotting.reference_traces`), nothing fetched from elsewhere. Builds the
figure only; the web page and the report embed it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from upstream.area import Area
from upstream.plotting import (
    MAP_LEGEND,
    bng_map_layout,
    boundary_trace,
    grid_map_traces,
    reference_traces,
)

__all__ = ["posts_map_figure"]

_RISK_COLOURS = [  # white to dark red: risk, distinct from the forecast page's purple
    [0.0, "#fff5f0"],
    [0.25, "#fcbba1"],
    [0.5, "#fb6a4a"],
    [0.75, "#cb181d"],
    [1.0, "#67000d"],
]
_POST = "#1d4ed8"


def _circles(x: np.ndarray, y: np.ndarray, radius: float) -> tuple[list[Any], list[Any]]:
    angle = np.linspace(0, 2 * np.pi, 49)
    xs: list[Any] = []
    ys: list[Any] = []
    for cx, cy in zip(x.tolist(), y.tolist(), strict=True):
        xs += [*np.round(cx + radius * np.cos(angle), 1).tolist(), None]
        ys += [*np.round(cy + radius * np.sin(angle), 1).tolist(), None]
    return xs, ys


def _journey_lines(lines: pd.DataFrame) -> go.Scatter:
    xs: list[Any] = []
    ys: list[Any] = []
    ends = lines[["x0", "y0", "x1", "y1"]].to_numpy("float64").round(1)
    for x0, y0, x1, y1 in ends.tolist():
        xs += [x0, x1, None]
        ys += [y0, y1, None]
    return go.Scatter(
        x=xs,
        y=ys,
        mode="lines",
        line={"color": "#059669", "width": 1.4, "dash": "dot"},
        hoverinfo="skip",
        name="School journeys (straight lines)",
    )


def posts_map_figure(
    posts: pd.DataFrame,
    area: Area,
    *,
    risk: pd.DataFrame | None = None,
    journeys: pd.DataFrame | None = None,
    radius: float = 250.0,
    measure: str = "Expected crimes",
    height: int = 700,
) -> go.Figure:
    """The posts with their radius over the risk surface and the school journeys.

    Parameters
    ----------
    posts
        ``post_id``, ``easting``, ``northing``; ``reason`` shows on hover when present.
    risk
        Risk cells (``x_min``, ``y_min``, ``cell_size``, ``score``), e.g.
        ``RiskSurface.cells``; None for no surface.
    journeys
        Journey lines (``x0``, ``y0``, ``x1``, ``y1``), e.g. ``Journeys.lines``.
    measure
        What the risk score counts, for its colour bar.
    """
    traces: list[Any] = []
    if risk is not None and len(risk):
        traces += grid_map_traces(
            risk["x_min"],
            risk["y_min"],
            risk["score"],
            int(risk["cell_size"].iloc[0]),
            area.boundary,
            colours=_RISK_COLOURS,
            colorbar_title=f"{measure}<br>per cell",
            hover="%{z:.2f} expected next month",
            decimals=3,
        )
    else:  # the boundary alone
        traces.append(boundary_trace(area.boundary))
    if journeys is not None and len(journeys):
        traces.append(_journey_lines(journeys))
    traces += reference_traces(area)
    x = posts["easting"].to_numpy("float64")
    y = posts["northing"].to_numpy("float64")
    cx, cy = _circles(x, y, radius)
    traces.append(
        go.Scatter(
            x=cx,
            y=cy,
            mode="lines",
            line={"color": _POST, "width": 1.5},
            fill="toself",
            fillcolor="rgba(29, 78, 216, 0.08)",
            hoverinfo="skip",
            name=f"Posts' {radius:,.0f} m radius",
        )
    )
    reasons = posts["reason"].astype(str) if "reason" in posts else posts["post_id"].astype(str)
    traces.append(
        go.Scatter(
            x=np.round(x, 0).tolist(),
            y=np.round(y, 0).tolist(),
            mode="markers+text",
            text=posts["post_id"].astype(str).tolist(),
            textposition="middle right",
            textfont={"size": 12, "color": _POST},
            marker={
                "symbol": "star",
                "size": 14,
                "color": _POST,
                "line": {"color": "#fff", "width": 1},
            },
            customdata=reasons.tolist(),
            hovertemplate="<b>%{text}</b><br>%{customdata}<extra>Post</extra>",
            name="Posts",
        )
    )
    return bng_map_layout(go.Figure(traces), height, legend=MAP_LEGEND)
