"""Plotly figures of forecasts, for the web page and the profile report.

Drawn in British National Grid metres with equal aspect (a cell is square on screen) and
the area boundary outlined: no map tiles, nothing fetched from elsewhere. This module
builds figures only; it imports neither the web framework nor the web package.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go
from shapely.geometry.base import BaseGeometry

from upstream.plotting import (
    MAP_LEGEND,
    bng_map_layout,
    figure_json,
    grid_map_traces,
    square_outlines,
)

__all__ = ["figure_json", "forecast_map_figure"]

_COLOURS = [  # white to dark purple: distinct from the home page's recorded-crime map
    [0.0, "#fcfbfd"],
    [0.25, "#dadaeb"],
    [0.5, "#9e9ac8"],
    [0.75, "#6a51a3"],
    [1.0, "#3f007d"],
]


def forecast_map_figure(
    cells: pd.DataFrame,
    boundary: BaseGeometry,
    *,
    flagged: pd.DataFrame | None = None,
    reference: list[Any] | None = None,
) -> go.Figure:
    """Expected events per cell (``x_min``, ``y_min``, ``cell_size``, ``score``).

    ``flagged`` cells (same columns), e.g. the top 5%, are outlined in black; ``reference``
    traces (:func:`upstream.plotting.reference_traces`) are drawn over the cells.
    """
    size = int(cells["cell_size"].iloc[0])
    traces = grid_map_traces(
        cells["x_min"],
        cells["y_min"],
        cells["score"],
        size,
        boundary,
        colours=_COLOURS,
        colorbar_title="Expected<br>per cell",
        hover="%{z:.2f} expected next month",
        decimals=3,
    )
    if flagged is not None and len(flagged):
        fx, fy = square_outlines(flagged["x_min"].to_numpy(), flagged["y_min"].to_numpy(), size)
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
    traces += reference or []
    return bng_map_layout(go.Figure(traces), 660, legend=MAP_LEGEND)
