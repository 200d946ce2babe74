"""Plotly figures (offline) of the safe-space, CCTV and fairness plans, for the ``/plan``
page and reports. Maps are in British National Grid metres with the area pack's reference
layers (:func:`upstream.plotting.reference_traces`); synthetic data say so in their legend.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from upstream.area import Area
from upstream.plan.fairness import Fairness
from upstream.plan.spaces import SpacesPlan
from upstream.plotting import FONT, MAP_LEGEND, bng_map_layout, boundary_lines, reference_traces

__all__ = ["cctv_map", "fairness_chart", "spaces_map"]


def _circles(x: np.ndarray, y: np.ndarray, radius: float) -> tuple[list[Any], list[Any]]:
    """Outlines of circles of ``radius`` around each point, separated by None."""
    theta = np.linspace(0, 2 * np.pi, 49)
    xs: list[Any] = []
    ys: list[Any] = []
    for cx, cy in zip(np.asarray(x, "float64"), np.asarray(y, "float64"), strict=True):
        xs += [*np.round(cx + radius * np.cos(theta), 0).tolist(), None]
        ys += [*np.round(cy + radius * np.sin(theta), 0).tolist(), None]
    return xs, ys


def _label(name: str, synthetic: bool) -> str:
    return f"{name} (SYNTHETIC)" if synthetic else name


def _base(area: Area) -> list[Any]:
    bx, by = boundary_lines(area.boundary)
    outline = go.Scatter(
        x=bx, y=by, mode="lines", line={"color": "#1f2937", "width": 1.5},
        hoverinfo="skip", showlegend=False,
    )  # fmt: skip
    return [outline, *reference_traces(area)]


def spaces_map(plan: SpacesPlan, area: Area, *, height: int = 640) -> go.Figure:
    """Open and not-open safe spaces with their walking radius, the largest gaps, and the
    proposed sites numbered by marginal gain."""
    s = plan.spaces
    is_open = s["open_after_school"].to_numpy(bool)
    synthetic = bool(s["synthetic"].any())
    traces = _base(area)
    cx, cy = _circles(s["x"].to_numpy()[is_open], s["y"].to_numpy()[is_open], plan.walk)
    traces.append(
        go.Scatter(
            x=cx, y=cy, mode="lines", line={"color": "#15803d", "width": 1},
            fill="toself", fillcolor="rgba(21,128,61,0.10)", hoverinfo="skip",
            name=f"{plan.walk:.0f} m walk of an open space",
        )
    )  # fmt: skip
    for mask, name, colour in ((is_open, "Open after school", "#15803d"),
                               (~is_open, "Not open after school", "#9ca3af")):  # fmt: skip
        part = s[mask]
        traces.append(
            go.Scatter(
                x=part["x"].tolist(), y=part["y"].tolist(), mode="markers",
                marker={"symbol": "circle", "size": 10, "color": colour,
                        "line": {"color": "#ffffff", "width": 1}},
                text=(part["name"] + "<br>" + part["reason"]).tolist(),
                hovertemplate="%{text}<extra></extra>",
                name=_label(f"Safe spaces: {name.lower()}", synthetic),
            )
        )  # fmt: skip
    gaps = plan.gaps
    for kind, label, symbol in (
        ("risk cell", "risk cells", "x"),
        ("journey stretch", "journey stretches", "x-thin"),
    ):
        part = gaps[gaps["kind"] == kind]
        if len(part):
            traces.append(
                go.Scatter(
                    x=part["x"].round(0).tolist(), y=part["y"].round(0).tolist(),
                    mode="markers",
                    marker={"symbol": symbol, "size": 11, "color": "#b91c1c",
                            "line": {"color": "#b91c1c", "width": 2}},
                    text=part["description"].tolist(),
                    hovertemplate="%{text}<extra>gap</extra>",
                    name=f"Gaps: {label}",
                )
            )  # fmt: skip
    p = plan.proposals
    if len(p):
        traces.append(
            go.Scatter(
                x=p["x"].tolist(), y=p["y"].tolist(), mode="markers+text",
                marker={"symbol": "star", "size": 16, "color": "#1d4ed8",
                        "line": {"color": "#ffffff", "width": 1}},
                text=p["rank"].astype(str).tolist(), textposition="top center",
                customdata=p["reason"].tolist(),
                hovertemplate="#%{text}: %{customdata}<extra>proposed</extra>",
                name=_label("Proposed sites (numbered by gain)", bool(p["synthetic"].any())),
            )
        )  # fmt: skip
    fig = go.Figure(traces)
    return bng_map_layout(fig, height, legend=MAP_LEGEND)


def cctv_map(deployments: pd.DataFrame, area: Area, *, height: int = 640) -> go.Figure:
    """Each period's camera sites (one legend entry per period, so periods can be switched
    on and off), with hover text saying where, when and why."""
    traces = _base(area)
    palette = ["#7c3aed", "#db2777", "#ea580c", "#0891b2", "#65a30d", "#4f46e5", "#b45309"]
    synthetic = bool(deployments["synthetic"].astype(bool).any()) if len(deployments) else False
    for n, (period, part) in enumerate(deployments.groupby("period", sort=True)):
        start, end = part["start"].iat[0], part["end"].iat[0]
        traces.append(
            go.Scatter(
                x=part["easting"].tolist(), y=part["northing"].tolist(),
                mode="markers",
                marker={"symbol": "square", "size": 11, "color": palette[n % len(palette)],
                        "line": {"color": "#ffffff", "width": 1}},
                text=part["camera"].tolist(),
                customdata=part["reason"].tolist(),
                hovertemplate="%{text}: %{customdata}<extra>" + f"{start} to {end}</extra>",
                name=_label(f"Period {period}: {start} to {end}", synthetic),
            )
        )  # fmt: skip
    fig = go.Figure(traces)
    return bng_map_layout(fig, height, legend=MAP_LEGEND)


def fairness_chart(result: Fairness, *, plan: str = "Plan", height: int = 380) -> go.Figure:
    """Per IMD decile: the plan's share of coverage beside the share of harm (and of
    residents), so a bar taller than its harm bar shows more coverage than harm justifies."""
    d = result.deciles
    labels = [f"{int(v)}" + (" (most deprived)" if v == 1 else "") for v in d["decile"]]
    fig = go.Figure(
        [
            go.Bar(x=labels, y=(100 * d["coverage_share"]).round(1).tolist(),
                   name=f"{plan}: share of ground covered", marker_color="#1d4ed8"),
            go.Bar(x=labels, y=(100 * d["harm_share"]).round(1).tolist(),
                   name="Share of harm", marker_color="#b91c1c"),
            go.Bar(x=labels, y=(100 * d["population_share"]).round(1).tolist(),
                   name="Share of residents", marker_color="#9ca3af"),
        ]
    )  # fmt: skip
    fig.update_layout(
        barmode="group",
        font=FONT,
        height=height,
        margin={"l": 60, "r": 20, "t": 10, "b": 60},
        plot_bgcolor="#ffffff",
        paper_bgcolor="#ffffff",
        legend=MAP_LEGEND,
        xaxis={"title": {"text": "IMD 2019 decile of the neighbourhood (LSOA)"}},
        yaxis={"title": {"text": "% of the area's total"}, "ticksuffix": "%"},
    )
    return fig
