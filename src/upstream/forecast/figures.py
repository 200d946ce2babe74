"""Plotly figures of forecasts, for the web page and the profile report.

Drawn in British National Grid metres with equal aspect (a cell is square on screen) and
the area boundary outlined: no map tiles, nothing fetched from elsewhere. This module
builds figures only; it imports neither the web framework nor the web package.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from shapely.geometry.base import BaseGeometry

from upstream.plotting import bng_map_layout, figure_json
from upstream.plotting import boundary_lines as outline

__all__ = ["figure_json", "forecast_map_figure", "outline"]

_COLOURS = [  # white to dark purple: distinct from the home page's recorded-crime map
    [0.0, "#fcfbfd"],
    [0.25, "#dadaeb"],
    [0.5, "#9e9ac8"],
    [0.75, "#6a51a3"],
    [1.0, "#3f007d"],
]


def _square_path(x_min: np.ndarray, y_min: np.ndarray, size: int) -> tuple[list[Any], list[Any]]:
    xs: list[Any] = []
    ys: list[Any] = []
    for x, y in zip(x_min.tolist(), y_min.tolist(), strict=True):
        xs.extend([x, x + size, x + size, x, x, None])
        ys.extend([y, y, y + size, y + size, y, None])
    return xs, ys


def forecast_map_figure(
    cells: pd.DataFrame, boundary: BaseGeometry, *, flagged: pd.DataFrame | None = None
) -> go.Figure:
    """Expected events per cell (``x_min``, ``y_min``, ``cell_size``, ``score``).

    ``flagged`` cells (same columns), e.g. the top 5%, are outlined in black.
    """
    size = int(cells["cell_size"].iloc[0])
    xs = np.arange(cells["x_min"].min(), cells["x_min"].max() + size, size)
    ys = np.arange(cells["y_min"].min(), cells["y_min"].max() + size, size)
    z = np.full((len(ys), len(xs)), np.nan)
    col = ((cells["x_min"] - xs[0]) // size).to_numpy()
    row = ((cells["y_min"] - ys[0]) // size).to_numpy()
    z[row, col] = cells["score"].to_numpy()
    bx, by = outline(boundary)
    traces: list[Any] = [
        go.Heatmap(
            x=(xs + size / 2).tolist(),
            y=(ys + size / 2).tolist(),
            z=[[None if np.isnan(v) else round(float(v), 3) for v in r] for r in z],
            colorscale=_COLOURS,
            zmin=0,
            colorbar={"title": {"text": "Expected<br>per cell"}, "thickness": 14},
            hovertemplate=(
                f"{size} m cell centred at E %{{x:,.0f}} N %{{y:,.0f}}<br>"
                "%{z:.2f} expected next month<extra></extra>"
            ),
            hoverongaps=False,
        ),
        go.Scatter(
            x=bx,
            y=by,
            mode="lines",
            line={"color": "#1f2937", "width": 1.5},
            hoverinfo="skip",
            showlegend=False,
        ),
    ]
    if flagged is not None and len(flagged):
        fx, fy = _square_path(flagged["x_min"].to_numpy(), flagged["y_min"].to_numpy(), size)
        traces.append(
            go.Scatter(
                x=fx,
                y=fy,
                mode="lines",
                line={"color": "#000000", "width": 1.2},
                hoverinfo="skip",
                name="Highest-ranked 5% of cells",
                showlegend=True,
            )
        )
    return bng_map_layout(
        go.Figure(traces),
        620,
        legend={"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},
    )
