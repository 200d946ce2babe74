"""The retail page's figures: compliance per period with its intervals, and the priority
map (premises coloured by score over the area's reference layers, BNG metres, no tiles)."""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from upstream.area import Area
from upstream.orders.retail.compliance import ComplianceRow
from upstream.orders.retail.priority import PriorityScore
from upstream.plotting import FONT, MAP_LEGEND, bng_map_layout, boundary_lines, reference_traces

__all__ = ["compliance_figure", "priority_map"]

_SCALE = [[0.0, "#fff7bc"], [0.5, "#fe9929"], [1.0, "#7f2704"]]


def compliance_figure(rows: Sequence[ComplianceRow]) -> go.Figure:
    """Refusal rate per period, with the 95% exact interval as error bars."""
    periods = [r.period for r in rows]
    rates = [r.rate for r in rows]
    fig = go.Figure(
        go.Scatter(
            x=periods,
            y=rates,
            mode="markers+lines",
            line={"color": "#1d4ed8", "width": 2},
            marker={"size": 8},
            error_y={
                "type": "data",
                "symmetric": False,
                "array": [r.upper - r.rate for r in rows],
                "arrayminus": [r.rate - r.lower for r in rows],
                "color": "#6b7280",
            },
            customdata=[[r.refused, r.tests, r.lower, r.upper] for r in rows],
            hovertemplate=(
                "%{x}: %{customdata[0]} of %{customdata[1]} refused (%{y:.0%})<br>"
                "95%% interval %{customdata[2]:.0%} to %{customdata[3]:.0%}<extra></extra>"
            ),
        )
    )
    fig.update_layout(
        font=FONT,
        height=300,
        margin={"l": 60, "r": 20, "t": 10, "b": 40},
        plot_bgcolor="#ffffff",
        paper_bgcolor="#ffffff",
        xaxis={"type": "category", "color": "#4b5563"},
        yaxis={
            "title": {"text": "Test purchases refused"},
            "range": [0, 1.02],
            "tickformat": ".0%",
            "gridcolor": "#e5e7eb",
            "color": "#4b5563",
        },
    )
    return fig


def priority_map(scores: Sequence[PriorityScore], area: Area) -> go.Figure:
    """Premises as circles coloured and sized by score, the parts on hover."""
    bx, by = boundary_lines(area.boundary)
    traces = [
        go.Scatter(
            x=bx,
            y=by,
            mode="lines",
            name="Boundary",
            hoverinfo="skip",
            line={"color": "#111827", "width": 1.5},
        ),
        *reference_traces(area),
    ]
    traces.append(
        go.Scatter(
            x=[s.x for s in scores],
            y=[s.y for s in scores],
            mode="markers",
            name="Premises (score)",
            marker={
                "size": [8 + s.score / 6 for s in scores],
                "color": [s.score for s in scores],
                "colorscale": _SCALE,
                "cmin": 0,
                "cmax": 100,
                "line": {"color": "#111827", "width": 1},
                "colorbar": {"title": {"text": "Score"}, "thickness": 12},
            },
            text=[s.name for s in scores],
            customdata=[
                [s.ref, s.score, s.school_points, s.failures_points, s.risk_points] for s in scores
            ],
            hovertemplate=(
                "%{customdata[0]} %{text}<br>score %{customdata[1]:.0f}: schools "
                "%{customdata[2]:.0f}, failures %{customdata[3]:.0f}, area risk "
                "%{customdata[4]:.0f}<extra></extra>"
            ),
        )
    )
    return bng_map_layout(go.Figure(traces), 640, legend=MAP_LEGEND)
