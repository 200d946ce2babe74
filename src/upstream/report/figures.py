"""Plotly figures for the profile: plain, print-friendly, no map tiles, nothing fetched.

Maps are drawn in British National Grid metres with equal axes (north up), LSOAs and the
boundary from the bundled polygons. Colours stay distinguishable in greyscale print.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import plotly.graph_objects as go
from shapely.geometry.base import BaseGeometry

from upstream.plotting import boundary_lines, figure_json

__all__ = [
    "bar_with_intervals",
    "distance_bands",
    "figure_json",
    "hotspot_map",
    "lorenz_figure",
    "lsoa_map",
    "monthly_figure",
    "people_bars",
    "weekday_hour_figure",
]

FONT = {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif", "size": 14}
INK = "#1f2937"
MUTED = "#6b7280"
ACCENT = "#b45309"
SECOND = "#1d4ed8"
SEQ = ["#fff7bc", "#fec44f", "#fe9929", "#d95f0e", "#7f2704"]


def _layout(fig: go.Figure, height: int, **extra: Any) -> go.Figure:
    settings: dict[str, Any] = {
        "font": FONT,
        "height": height,
        "margin": {"l": 70, "r": 20, "t": 30, "b": 50},
        "plot_bgcolor": "#ffffff",
        "paper_bgcolor": "#ffffff",
        "legend": {"orientation": "h", "y": -0.18, "x": 0},
    }
    settings.update(extra)
    fig.update_layout(**settings)
    return fig


def _map_axes(fig: go.Figure) -> go.Figure:
    axis = {"visible": False, "showgrid": False, "zeroline": False}
    fig.update_layout(
        xaxis=axis, yaxis={**axis, "scaleanchor": "x", "scaleratio": 1}, hovermode="closest"
    )
    return fig


def monthly_figure(
    series: Sequence[tuple[str, pd.DataFrame]], y_title: str, height: int = 340
) -> go.Figure:
    """Monthly counts (thin lines, markers) and their 12-month averages (thick lines)."""
    colours = [ACCENT, SECOND, "#047857", "#7c3aed"]
    fig = go.Figure()
    for i, (name, frame) in enumerate(series):
        colour = colours[i % len(colours)]
        months = pd.PeriodIndex(frame.index, freq="M").to_timestamp()
        fig.add_scatter(
            x=months,
            y=frame["count"].tolist(),
            mode="lines+markers",
            name=f"{name}: per month",
            line={"color": colour, "width": 1},
            marker={"size": 4},
            opacity=0.55,
            hovertemplate="%{x|%b %Y}: %{y:,}<extra>" + name + "</extra>",
        )
        fig.add_scatter(
            x=months,
            y=frame["rolling"].round(2).tolist(),
            mode="lines",
            name=f"{name}: 12-month average",
            line={"color": colour, "width": 3},
            hovertemplate="12 months to %{x|%b %Y}: %{y:.1f} a month<extra></extra>",
        )
    fig.update_xaxes(showgrid=False, tickformat="%b %Y", color=MUTED)
    fig.update_yaxes(title_text=y_title, rangemode="tozero", gridcolor="#e5e7eb", color=MUTED)
    return _layout(fig, height)


def bar_with_intervals(
    labels: Sequence[str],
    values: Sequence[float] | np.ndarray | pd.Series,
    lower: Sequence[float] | np.ndarray | pd.Series,
    upper: Sequence[float] | np.ndarray | pd.Series,
    y_title: str,
    *,
    reference: float | None = None,
    log: bool = False,
    height: int = 340,
) -> go.Figure:
    """Bars with 95% interval whiskers (and an optional reference line, e.g. at 1)."""
    v = np.asarray(values, dtype="float64")
    lo = np.asarray(lower, dtype="float64")
    hi = np.asarray(upper, dtype="float64")

    def listed(values: np.ndarray) -> list[float | None]:
        return [float(a) if np.isfinite(a) else None for a in values]

    error = {
        "type": "data",
        "symmetric": False,
        "array": listed(hi - v),
        "arrayminus": listed(v - lo),
        "color": INK,
        "thickness": 1.5,
        "width": 8,
    }
    y = listed(v)
    hover = "%{x}: %{y:.2f}<extra></extra>"
    # ratios on a log scale are drawn as points (a bar from an arbitrary base misleads)
    trace = (
        go.Scatter(
            x=list(labels),
            y=y,
            mode="markers",
            marker={"color": ACCENT, "size": 13, "symbol": "diamond"},
            error_y=error,
            hovertemplate=hover,
        )
        if log
        else go.Bar(x=list(labels), y=y, marker_color=ACCENT, error_y=error, hovertemplate=hover)
    )
    fig = go.Figure(trace)
    if reference is not None:
        fig.add_hline(y=reference, line={"color": INK, "dash": "dash", "width": 1})
    fig.update_yaxes(
        title_text=y_title,
        gridcolor="#e5e7eb",
        color=MUTED,
        type="log" if log else "linear",
        rangemode="tozero" if not log else None,
    )
    fig.update_xaxes(type="category", color=MUTED)
    return _layout(fig, height, showlegend=False)


def lsoa_map(
    lsoas: gpd.GeoDataFrame,
    values: pd.Series,
    boundary: BaseGeometry,
    title: str,
    reference: list[Any] | None = None,
) -> go.Figure:
    """LSOAs shaded by ``values`` (indexed by ``lsoa_code``) in five quantile classes, with
    ``reference`` layers (:func:`upstream.plotting.reference_traces`) over them."""
    v = values.reindex(lsoas["lsoa_code"]).to_numpy(dtype="float64")
    ok = np.isfinite(v)
    edges = np.unique(np.nanquantile(v[ok], np.linspace(0, 1, 6))) if ok.any() else [0.0]
    cls = np.clip(np.searchsorted(edges, v, side="right") - 1, 0, max(len(edges) - 2, 0))
    fig = go.Figure()
    for k in range(max(len(edges) - 1, 1)):
        xs: list[float | None] = []
        ys: list[float | None] = []
        for geom, c, good in zip(lsoas.geometry, cls, ok, strict=True):
            if good and c == k:
                gx, gy = boundary_lines(geom, decimals=0)
                xs += gx
                ys += gy
        lo, hi = (edges[k], edges[k + 1]) if len(edges) > 1 else (edges[0], edges[0])
        fig.add_scatter(
            x=xs,
            y=ys,
            fill="toself",
            mode="lines",
            line={"color": "#ffffff", "width": 0.6},
            fillcolor=SEQ[min(k, len(SEQ) - 1)],
            name=f"{lo:.1f} to {hi:.1f}",
            hoverinfo="skip",
        )
    bx, by = boundary_lines(boundary, decimals=0)
    fig.add_scatter(x=bx, y=by, mode="lines", line={"color": INK, "width": 1.5}, showlegend=False)
    fig.add_traces(reference or [])
    _map_axes(fig)
    return _layout(fig, 600, legend={"title": {"text": title}, "orientation": "v", "x": 1.0})


def hotspot_map(
    grid: pd.DataFrame,
    cell_size: int,
    boundary: BaseGeometry,
    values_title: str,
    reference: list[Any] | None = None,
) -> go.Figure:
    """Grid cells shaded by count, hot spots outlined in red, cold spots in blue, with
    ``reference`` layers over them.

    ``grid`` has ``x_min``, ``y_min``, ``count`` and ``spot`` ('hot', 'cold' or '').
    """
    size = cell_size
    xs = np.arange(grid["x_min"].min(), grid["x_min"].max() + size, size)
    ys = np.arange(grid["y_min"].min(), grid["y_min"].max() + size, size)
    z = np.full((len(ys), len(xs)), np.nan)
    col = ((grid["x_min"] - xs[0]) // size).to_numpy().astype(int)
    row = ((grid["y_min"] - ys[0]) // size).to_numpy().astype(int)
    z[row, col] = grid["count"].to_numpy(dtype="float64")
    fig = go.Figure(
        go.Heatmap(
            x=(xs + size / 2).tolist(),
            y=(ys + size / 2).tolist(),
            z=[[None if np.isnan(v) else float(v) for v in r] for r in z],
            colorscale=[[i / 4, c] for i, c in enumerate(SEQ)],
            zmin=0,
            colorbar={"title": {"text": values_title}, "thickness": 12},
            hovertemplate="%{z:,} in this cell<extra></extra>",
            hoverongaps=False,
        )
    )
    for kind, colour, label in (("hot", "#b91c1c", "Hot spot"), ("cold", SECOND, "Cold spot")):
        cells = grid[grid["spot"] == kind]
        sx: list[float | None] = []
        sy: list[float | None] = []
        for x0, y0 in zip(cells["x_min"], cells["y_min"], strict=True):
            sx += [x0, x0 + size, x0 + size, x0, x0, None]
            sy += [y0, y0, y0 + size, y0 + size, y0, None]
        fig.add_scatter(
            x=sx,
            y=sy,
            mode="lines",
            line={"color": colour, "width": 2},
            name=f"{label} ({len(cells)} cells)",
            hoverinfo="skip",
        )
    bx, by = boundary_lines(boundary, decimals=0)
    fig.add_scatter(x=bx, y=by, mode="lines", line={"color": INK, "width": 1.5}, showlegend=False)
    fig.add_traces(reference or [])
    _map_axes(fig)
    return _layout(fig, 640)


def lorenz_figure(curve: pd.DataFrame) -> go.Figure:
    """Lorenz curve with the line of perfect equality."""
    fig = go.Figure()
    fig.add_scatter(
        x=[0, 100],
        y=[0, 100],
        mode="lines",
        line={"color": MUTED, "dash": "dash"},
        name="If every cell had the same",
    )
    step = max(1, len(curve) // 400)
    sample = pd.concat([curve.iloc[::step], curve.iloc[[-1]]])
    fig.add_scatter(
        x=(sample["place_share"] * 100).round(2).tolist(),
        y=(sample["event_share"] * 100).round(2).tolist(),
        mode="lines",
        line={"color": ACCENT, "width": 3},
        name="Observed",
        hovertemplate="quietest %{x:.0f}% of cells: %{y:.1f}% of events<extra></extra>",
    )
    fig.update_xaxes(title_text="Cells, quietest first (cumulative %)", range=[0, 100])
    fig.update_yaxes(title_text="Events (cumulative %)", range=[0, 100], gridcolor="#e5e7eb")
    return _layout(fig, 380)


def distance_bands(bands: pd.DataFrame, place: str) -> go.Figure:
    """Share of events and of residents in each distance band to the nearest place."""
    fig = go.Figure()
    fig.add_bar(
        x=bands["band"].tolist(),
        y=(bands["event_share"] * 100).round(1).tolist(),
        name="Events",
        marker_color=ACCENT,
    )
    fig.add_bar(
        x=bands["band"].tolist(),
        y=(bands["background_share"] * 100).round(1).tolist(),
        name="Residents (background)",
        marker_color="#9ca3af",
    )
    fig.update_xaxes(title_text=f"Distance to the nearest {place}", type="category")
    fig.update_yaxes(title_text="Share (%)", gridcolor="#e5e7eb", rangemode="tozero")
    return _layout(fig, 320, barmode="group")


def weekday_hour_figure(table: pd.DataFrame) -> go.Figure:
    """Events by weekday (rows) and hour of day (columns)."""
    fig = go.Figure(
        go.Heatmap(
            z=table.to_numpy().tolist(),
            x=[f"{h:02d}:00" for h in table.columns],
            y=list(table.index),
            colorscale=[[i / 4, c] for i, c in enumerate(SEQ)],
            colorbar={"title": {"text": "Incidents"}, "thickness": 12},
            hovertemplate="%{y} %{x}: %{z:,}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title_text="Hour of day (local time)", dtick=2)
    return _layout(fig, 340)


def people_bars(table: pd.DataFrame, y_title: str, counts: pd.DataFrame | None = None) -> go.Figure:
    """Grouped bars: rows are age bands, columns are series (e.g. 'Victims: male').

    ``counts`` (same shape as ``table``): the people behind each bar, shown on hover when
    the bars are rates."""
    colours = [ACCENT, "#f59e0b", SECOND, "#93c5fd", "#6b7280", "#d1d5db"]
    fig = go.Figure()
    for i, column in enumerate(table.columns):
        extra: dict[str, object] = {}
        if counts is not None:
            extra = {
                "customdata": counts[column].tolist(),
                "hovertemplate": f"{column}, %{{x}}: %{{y:.2f}} (%{{customdata:,}} people)"
                "<extra></extra>",
            }
        fig.add_bar(
            x=list(table.index),
            y=table[column].tolist(),
            name=str(column),
            marker_color=colours[i % len(colours)],
            **extra,
        )
    fig.update_xaxes(title_text="Age", type="category")
    fig.update_yaxes(title_text=y_title, gridcolor="#e5e7eb")
    return _layout(fig, 340, barmode="group")
