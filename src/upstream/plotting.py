"""Plotly helpers shared by the web pages, the forecast page and the offline report.

Neutral ground: no web framework and no case store, so analysis, forecast and report code
may use it. :func:`reference_traces` gives every map the same offline reference layers from
the area pack: LSOA outlines (named on hover), town centres, stations and secondary schools,
labelled, each a legend entry that can be switched off.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.utils import PlotlyJSONEncoder
from shapely.geometry.base import BaseGeometry

from upstream.area import Area

__all__ = [
    "FONT",
    "MAP_LEGEND",
    "bng_map_layout",
    "boundary_lines",
    "boundary_trace",
    "figure_json",
    "grid_map_traces",
    "reference_traces",
    "square_outlines",
]

MAP_LEGEND = {"orientation": "h", "x": 0, "y": 1.01, "yanchor": "bottom", "font": {"size": 11}}
"""Where a map's legend goes: one line above it, out of the way of the cells."""

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


def square_outlines(x_min: np.ndarray, y_min: np.ndarray, size: int) -> tuple[list[Any], list[Any]]:
    """Closed outlines of squares of ``size`` metres from their lower-left corners, as one
    line trace's x and y (squares separated by None)."""
    xs: list[Any] = []
    ys: list[Any] = []
    for x, y in zip(np.asarray(x_min).tolist(), np.asarray(y_min).tolist(), strict=True):
        xs.extend([x, x + size, x + size, x, x, None])
        ys.extend([y, y, y + size, y + size, y, None])
    return xs, ys


def boundary_trace(boundary: BaseGeometry) -> go.Scatter:
    """The area's boundary as a dark line, out of the legend and silent on hover."""
    bx, by = boundary_lines(boundary)
    return go.Scatter(
        x=bx,
        y=by,
        mode="lines",
        line={"color": "#1f2937", "width": 1.5},
        hoverinfo="skip",
        showlegend=False,
    )


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
        boundary_trace(boundary),
    ]


_MARK = {"color": "#111827", "line": {"color": "#ffffff", "width": 1}}


def _points(
    frame: pd.DataFrame, name: str, symbol: str, size: int, labels: bool, position: str
) -> Any:
    inside = frame[frame["inside"].astype(bool)] if "inside" in frame else frame
    return go.Scatter(
        x=inside["x"].round(0).tolist(),
        y=inside["y"].round(0).tolist(),
        mode="markers+text" if labels else "markers",
        text=inside["name"].astype(str).tolist(),
        textposition=position,
        textfont={"size": 10, "color": "#111827"},
        marker={**_MARK, "symbol": symbol, "size": size},
        name=name,
        legendgroup=name,
        hovertemplate="%{text}<extra>" + name + "</extra>",
    )


def _names_only(frame: pd.DataFrame, name: str) -> Any:
    """The names of a layer as text alone, off until switched on in the legend."""
    inside = frame[frame["inside"].astype(bool)] if "inside" in frame else frame
    return go.Scatter(
        x=inside["x"].round(0).tolist(),
        y=inside["y"].round(0).tolist(),
        mode="text",
        text=inside["name"].astype(str).tolist(),
        textposition="bottom center",
        textfont={"size": 9, "color": "#374151"},
        name=name,
        visible="legendonly",
        hoverinfo="skip",
    )


def _short(name: str) -> str:
    for tail in (" underground station", " rail station", " overground station", " station"):
        if name.lower().endswith(tail):
            return name[: -len(tail)]
    return name


def reference_traces(area: Area, *, school_labels: bool = True) -> list[Any]:
    """Offline reference layers for a BNG map of ``area``.

    LSOA outlines (thin grey lines; a point at each LSOA's centre names it on hover), town
    centres and stations (labelled), secondary schools (named on hover; their labels are a
    legend entry of their own, off at first, because schools cluster and their names would
    cover the map), each its own legend entry. Layers the area pack lacks are left out.
    """
    traces: list[Any] = []
    lsoas = area.lsoas
    if len(lsoas):
        xs: list[float | None] = []
        ys: list[float | None] = []
        for geom in lsoas.geometry:
            gx, gy = boundary_lines(geom, decimals=0)
            xs += gx
            ys += gy
        traces.append(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                line={"color": "#9ca3af", "width": 0.6},
                hoverinfo="skip",
                name="LSOAs (names on hover)",
                legendgroup="lsoa",
            )
        )
        centres = lsoas.geometry.representative_point()
        traces.append(
            go.Scatter(
                x=centres.x.round(0).tolist(),
                y=centres.y.round(0).tolist(),
                mode="markers",
                marker={"size": 14, "opacity": 0},
                text=(lsoas["lsoa_name"].astype(str) + " (" + lsoas["lsoa_code"] + ")").tolist(),
                hovertemplate="%{text}<extra>LSOA</extra>",
                showlegend=False,
                legendgroup="lsoa",
            )
        )
    if len(area.town_centres):
        traces.append(_points(area.town_centres, "Town centres", "diamond", 11, True, "top center"))
    if len(area.stations):
        stations = area.stations.assign(name=area.stations["name"].astype(str).map(_short))
        traces.append(_points(stations, "Stations", "square", 9, True, "bottom center"))
    schools = area.schools
    if len(schools) and "secondary" in schools:
        secondary = schools[schools["secondary"].astype(bool)]
        if len(secondary):
            traces.append(
                _points(secondary, "Secondary schools", "triangle-up", 9, False, "top center")
            )
            if school_labels:  # many and close together: named on hover, or on request
                traces.append(_names_only(secondary, "School names"))
    return traces
