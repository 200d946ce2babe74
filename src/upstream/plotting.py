"""Plotly helpers shared by the web pages, the forecast page and the offline report.

Neutral ground: no web framework and no case store, so analysis, forecast and report code
may use it.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.utils import PlotlyJSONEncoder
from shapely.geometry.base import BaseGeometry

__all__ = ["FONT", "bng_map_layout", "boundary_lines", "figure_json", "grid_map_traces"]

FONT = {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif", "size": 13}
"""The type the pages and the report use in figures."""


def boundary_lines(
    boundary: BaseGeometry, decimals: int = 1
) -> tuple[list[float | None], list[float | None]]:
    """Every ring of a (multi)polygon as x and y lists, rings separated by None.

    Drawn as one line trace, this outlines the area (holes included) on a BNG map.
    """
    xs: list[float | None] = []
    ys: list[float | None] = []
    for polygon in getattr(boundary, "geoms", [boundary]):
        for ring in [polygon.exterior, *polygon.interiors]:
            coords = np.asarray(ring.coords)
            xs.extend([*coords[:, 0].round(decimals).tolist(), None])
            ys.extend([*coords[:, 1].round(decimals).tolist(), None])
    return xs, ys


def figure_json(fig: go.Figure) -> str:
    """The figure's data and layout as JSON safe to place inside a ``<script>`` element.

    ``<``, ``>`` and ``&`` are escaped so no text in the data can close the element.
    """
    payload: dict[str, Any] = fig.to_plotly_json()
    text = json.dumps(payload, cls=PlotlyJSONEncoder, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def bng_map_layout(fig: go.Figure, height: int, **extra: Any) -> go.Figure:
    """Lay a figure out as a map in British National Grid metres: labelled easting and
    northing axes, equal scale (north up, no distortion), white background, no map tiles."""
    axis = {
        "showgrid": False,
        "zeroline": False,
        "ticks": "outside",
        "tickformat": ",.0f",
        "color": "#4b5563",
    }
    fig.update_layout(
        font=FONT,
        height=height,
        margin={"l": 70, "r": 20, "t": 10, "b": 50},
        plot_bgcolor="#ffffff",
        paper_bgcolor="#ffffff",
        xaxis={**axis, "title": {"text": "Easting (m, British National Grid)"}},
        yaxis={**axis, "title": {"text": "Northing (m)"}, "scaleanchor": "x", "scaleratio": 1},
        **extra,
    )
    return fig


def grid_map_traces(
    x_min: pd.Series,
    y_min: pd.Series,
    values: pd.Series,
    size: int,
    boundary: BaseGeometry,
    *,
    colours: list[list[Any]],
    colorbar_title: str,
    hover: str,
    decimals: int | None = None,
) -> list[Any]:
    """A value per grid cell as filled squares, and the area's boundary outlined.

    ``x_min``/``y_min`` are the cells' lower-left corners (BNG metres) on a grid of
    ``size`` metres; cells not given stay empty. ``hover`` is the value's part of the
    hover text (Plotly template, e.g. ``"%{z:.2f} expected"``); values are rounded to
    ``decimals`` places, or to whole numbers when None.
    """
    xs = np.arange(x_min.min(), x_min.max() + size, size)
    ys = np.arange(y_min.min(), y_min.max() + size, size)
    z = np.full((len(ys), len(xs)), np.nan)
    col = ((x_min - xs[0]) // size).to_numpy()
    row = ((y_min - ys[0]) // size).to_numpy()
    z[row, col] = values.to_numpy()

    def cell(v: float) -> float | int | None:
        if np.isnan(v):
            return None
        return int(v) if decimals is None else round(float(v), decimals)

    bx, by = boundary_lines(boundary)
    return [
        go.Heatmap(
            x=(xs + size / 2).tolist(),
            y=(ys + size / 2).tolist(),
            z=[[cell(v) for v in r] for r in z],
            colorscale=colours,
            zmin=0,
            colorbar={"title": {"text": colorbar_title}, "thickness": 14},
            hovertemplate=(
                f"{size} m cell centred at E %{{x:,.0f}} N %{{y:,.0f}}<br>{hover}<extra></extra>"
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
