"""Plotly figures for the web pages, as JSON the page's own script draws with plotly.js.

No map tiles and no external assets: the concentration map is drawn in British National
Grid metres (equal aspect, so a 250 m cell is square on screen) with the area boundary
outlined from the boundary polygon itself.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from upstream.area import Area
from upstream.plotting import (
    FONT,
    MAP_LEGEND,
    bng_map_layout,
    boundary_lines,
    figure_json,
    grid_map_traces,
    reference_traces,
)
from upstream.web.views import ViolenceMap

__all__ = ["boundary_lines", "figure_json", "monthly_figure", "violence_map_figure"]

_FONT = FONT
_COLOURS = [  # light yellow to dark red; readable when printed in greyscale too
    [0.0, "#fff7bc"],
    [0.25, "#fec44f"],
    [0.5, "#fe9929"],
    [0.75, "#d95f0e"],
    [1.0, "#7f2704"],
]


def violence_map_figure(vm: ViolenceMap, area: Area | None = None) -> go.Figure:
    """Serious violence per cell as filled squares, with the boundary outlined and the
    area's reference layers (LSOAs, town centres, stations, secondary schools)."""
    traces = grid_map_traces(
        vm.grid["x_min"],
        vm.grid["y_min"],
        vm.grid["count"],
        vm.cell_size,
        vm.boundary,
        colours=_COLOURS,
        colorbar_title="Crimes<br>per cell",
        hover="%{z:,} serious-violence crimes",
    )
    if area is not None:
        traces += reference_traces(area)
    fig = go.Figure(traces)
    return bng_map_layout(fig, 760, legend=MAP_LEGEND)


def monthly_figure(vm: ViolenceMap) -> go.Figure:
    """Serious violence per month; months not loaded break the line."""
    months = vm.monthly.index.tolist()
    values = [None if np.isnan(v) else int(v) for v in vm.monthly.to_numpy()]
    fig = go.Figure(
        go.Scatter(
            x=months,
            y=values,
            mode="lines+markers",
            line={"color": "#b45309", "width": 2},
            marker={"size": 5},
            hovertemplate="%{x|%Y-%m}: %{y:,} crimes<extra></extra>",
            connectgaps=False,
        )
    )
    fig.update_layout(
        font=_FONT,
        height=280,
        margin={"l": 60, "r": 20, "t": 10, "b": 40},
        plot_bgcolor="#ffffff",
        paper_bgcolor="#ffffff",
        xaxis={"showgrid": False, "tickformat": "%b %Y", "color": "#4b5563"},
        yaxis={
            "title": {"text": "Crimes per month"},
            "rangemode": "tozero",
            "gridcolor": "#e5e7eb",
            "color": "#4b5563",
        },
    )
    return fig
