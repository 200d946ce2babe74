"""The network drawn with plotly: nodes coloured by group, edges coloured by kind.

People-level figures carry pseudonyms only (in the hover text); group-level figures carry
group names and sizes only. Colours come from a palette readable by people with the common
colour-vision deficiencies, and every edge kind is also named in the legend.
"""

from __future__ import annotations

import plotly.graph_objects as go

from upstream.network.store.schemas import NetworkOverview
from upstream.plotting import FONT

__all__ = ["EDGE_COLOURS", "network_figure"]

EDGE_COLOURS = {
    "co_suspect": "#b2182b",
    "victim_suspect": "#ef8a62",
    "co_victim": "#2166ac",
    "sibling": "#4d9221",
    "friend": "#8c8c8c",
    "intelligence": "#762a83",
    "harm": "#b2182b",
}
_GROUP_COLOURS = (
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000",
)  # fmt: skip
_KIND_NAMES = {
    "co_suspect": "co-suspects",
    "victim_suspect": "victim and suspect",
    "co_victim": "co-victims",
    "sibling": "siblings",
    "friend": "friends",
    "intelligence": "intelligence",
    "harm": "harm between groups",
}


def _colour(group: str, order: dict[str, int]) -> str:
    i = order.get(group)
    return "#bdbdbd" if i is None else _GROUP_COLOURS[i % len(_GROUP_COLOURS)]


def network_figure(overview: NetworkOverview) -> go.Figure:
    """The network of ``overview``: one edge trace per kind, one node trace."""
    pos = {str(n["id"]): (float(n["x"]), float(n["y"])) for n in overview.nodes}
    order = {g.group: i for i, g in enumerate(overview.groups)}
    fig = go.Figure()
    for kind in sorted({str(e["kind"]) for e in overview.edges}):
        xs: list[float | None] = []
        ys: list[float | None] = []
        for e in overview.edges:
            if e["kind"] == kind:
                (x0, y0), (x1, y1) = pos[str(e["a"])], pos[str(e["b"])]
                xs += [x0, x1, None]
                ys += [y0, y1, None]
        fig.add_trace(
            go.Scatter(
                x=xs, y=ys, mode="lines", name=_KIND_NAMES.get(kind, kind), hoverinfo="skip",
                line={"color": EDGE_COLOURS.get(kind, "#999999"),
                      "width": 3 if kind == "harm" else 1.2},
            )
        )  # fmt: skip
    nodes = overview.nodes
    if overview.people_level:
        text = [f"{n['id']} · group {n['group']}" for n in nodes]
        size = [9 for _ in nodes]
    else:
        text = [f"group {n['id']}: {n['members']} people" for n in nodes]
        size = [12 + 2 * min(int(n["members"]), 20) for n in nodes]
    fig.add_trace(
        go.Scatter(
            x=[pos[str(n["id"])][0] for n in nodes],
            y=[pos[str(n["id"])][1] for n in nodes],
            mode="markers" if overview.people_level else "markers+text",
            text=text if overview.people_level else [str(n["id"]) for n in nodes],
            hovertext=text,
            hoverinfo="text",
            textposition="top center",
            name="people" if overview.people_level else "groups",
            marker={
                "size": size,
                "color": [_colour(str(n["group"]), order) for n in nodes],
                "line": {"color": "#ffffff", "width": 1},
            },
        )
    )
    axis = {"visible": False, "showgrid": False, "zeroline": False}
    fig.update_layout(
        font=FONT, height=520, margin={"l": 10, "r": 10, "t": 10, "b": 10},
        xaxis=axis, yaxis=axis, plot_bgcolor="#ffffff", paper_bgcolor="#ffffff",
        legend={"orientation": "h", "y": -0.02}, hovermode="closest",
    )  # fmt: skip
    return fig
