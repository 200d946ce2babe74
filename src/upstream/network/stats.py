"""Descriptive statistics of a network given as a nodes file and an edges file.

The files follow the research networks of ``data/networks`` (see its ``SOURCES.md``): a
nodes CSV with a ``node_id`` column (other columns are attributes and are ignored) and an
edges CSV with ``source`` and ``target`` (and optionally ``weight`` and ``layer``). The
figures are those of the **undirected simple graph**: a self-loop is dropped, and edges
repeated or given in both directions (or in several layers) are merged into one, their
weights added. Both are counted in the result, so nothing is dropped silently. Every node
listed in the nodes file is a node, isolates included; a node listed on several rows (a long
file, one row per period) is one node. An edge naming a node that the nodes file does not
list is an error, as is any other malformed row: :class:`NetworkInputError` names the line
and field.

Everything here is pure: frames in, a graph and a dictionary of figures out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from upstream.network.errors import NetworkInputError

__all__ = [
    "DIAMETER_LIMIT",
    "EDGE_COLUMNS",
    "NODE_COLUMN",
    "Network",
    "degree_centralisation",
    "describe",
    "network_from_frames",
]

NODE_COLUMN = "node_id"
EDGE_COLUMNS = ("source", "target")
DIAMETER_LIMIT = 5_000
"""The diameter (exact, all-pairs) is computed only when the largest component is smaller."""


@dataclass(frozen=True)
class Network:
    """The undirected simple graph and what was merged or dropped on the way."""

    graph: nx.Graph
    node_rows: int
    edge_rows: int
    duplicate_node_rows: int
    self_loops_dropped: int
    duplicate_edges_merged: int
    weighted: bool
    layers: tuple[str, ...]
    layer: str | None


def _first_line(mask: pd.Series) -> int:
    return int(np.flatnonzero(mask.to_numpy(dtype=bool))[0]) + 2


def _text(frame: pd.DataFrame, column: str) -> pd.Series:
    return frame[column].reset_index(drop=True).astype("string").fillna("").str.strip()


def _nodes(frame: pd.DataFrame, layer: str | None) -> pd.Series:
    if NODE_COLUMN not in frame.columns:
        raise NetworkInputError(f"missing column: {NODE_COLUMN}", line=1, field=NODE_COLUMN)
    ids = _text(frame, NODE_COLUMN)
    if not len(ids):
        raise NetworkInputError("no nodes (the file has a header only)", line=2, field=NODE_COLUMN)
    if (ids == "").any():
        raise NetworkInputError("must not be empty", line=_first_line(ids == ""), field=NODE_COLUMN)
    if layer is not None and "layers" in frame.columns:
        listed = _text(frame, "layers").str.split(";").map(lambda cell: layer in cell)
        ids = ids[listed.astype(bool)]
    return ids


def _edges(frame: pd.DataFrame, known: set[str], layer: str | None) -> tuple[pd.DataFrame, bool]:
    for column in EDGE_COLUMNS:
        if column not in frame.columns:
            raise NetworkInputError(f"missing column: {column}", line=1, field=column)
    out = pd.DataFrame({c: _text(frame, c) for c in EDGE_COLUMNS})
    weighted = "weight" in frame.columns
    if weighted:
        raw = _text(frame, "weight")
        weight = pd.to_numeric(raw, errors="coerce")
        bad = weight.isna() | (weight < 0) | ~np.isfinite(weight.fillna(0))
        if bad.any():
            raise NetworkInputError(
                "not a number of at least 0", line=_first_line(bad), field="weight"
            )
        out["weight"] = weight.astype("float64")
    else:
        out["weight"] = 1.0
    for column in EDGE_COLUMNS:
        empty = out[column] == ""
        if empty.any():
            raise NetworkInputError("must not be empty", line=_first_line(empty), field=column)
        unknown = ~out[column].isin(known)
        if unknown.any():
            raise NetworkInputError(
                f"not a node of the nodes file (every edge must join two listed {NODE_COLUMN}s)",
                line=_first_line(unknown),
                field=column,
            )
    if layer is not None:
        if "layer" not in frame.columns:
            raise NetworkInputError("no layer column to choose from", line=1, field="layer")
        out = out[_text(frame, "layer") == layer]
    return out, weighted


def network_from_frames(
    nodes: pd.DataFrame, edges: pd.DataFrame, layer: str | None = None
) -> Network:
    """The undirected simple graph of ``nodes`` and ``edges``, or :class:`NetworkInputError`.

    Parameters
    ----------
    nodes
        A frame with ``node_id`` (text); other columns are ignored. With ``layer`` and a
        ``layers`` column (``;``-separated), only the nodes listed in that layer.
    edges
        A frame with ``source``, ``target``, optionally ``weight`` (a number, at least 0)
        and ``layer``. Every endpoint must be a node of ``nodes`` (of the whole file, even
        when a layer is chosen: a typo is an error in any layer).
    layer
        Keep only the edges of this layer; by default every layer is merged.

    Returns
    -------
    Network
        The graph (edge ``weight`` the sum over merged rows) and the counts of node rows,
        edge rows, repeated node rows, dropped self-loops and merged duplicate edges.
    """
    all_ids = _nodes(nodes, None)
    ids = _nodes(nodes, layer)
    frame, weighted = _edges(edges, set(all_ids), layer)
    layers = tuple(sorted(set(_text(edges, "layer")) - {""})) if "layer" in edges.columns else ()
    if layer is not None and layer not in layers:
        raise NetworkInputError(
            f"no edge is in this layer (layers: {', '.join(layers)})", field="--layer"
        )
    loops = frame["source"] == frame["target"]
    kept = frame[~loops]
    low = kept[["source", "target"]].min(axis=1)
    high = kept[["source", "target"]].max(axis=1)
    merged = (
        pd.DataFrame({"u": low, "v": high, "weight": kept["weight"]})
        .groupby(["u", "v"], sort=False)["weight"]
        .sum()
    )
    graph = nx.Graph()
    graph.add_nodes_from(pd.unique(ids))
    graph.add_weighted_edges_from(
        zip(
            merged.index.get_level_values("u"),
            merged.index.get_level_values("v"),
            merged.to_numpy(dtype=float),
            strict=True,
        )
    )
    return Network(
        graph=graph,
        node_rows=len(all_ids),
        edge_rows=len(edges),
        duplicate_node_rows=int(all_ids.duplicated().sum()),
        self_loops_dropped=int(loops.sum()),
        duplicate_edges_merged=len(kept) - len(merged),
        weighted=weighted,
        layers=layers,
        layer=layer,
    )


def degree_centralisation(graph: nx.Graph) -> float | None:
    """Freeman's degree centralisation: ``sum(max degree - degree) / ((n - 1)(n - 2))``.

    1 for a star, 0 when every node has the same degree; None below 3 nodes.
    """
    n = graph.number_of_nodes()
    if n < 3:
        return None
    degrees = np.fromiter((d for _, d in graph.degree()), dtype=np.int64, count=n)
    return float((degrees.max() - degrees).sum() / ((n - 1) * (n - 2)))


def _round(value: float | None) -> float | None:
    return None if value is None else round(float(value), 6)


def describe(network: Network, diameter_limit: int = DIAMETER_LIMIT) -> dict[str, Any]:
    """The descriptive figures of ``network`` as a JSON-ready dictionary.

    ``nodes``, ``edges``, ``components``, ``density`` and ``transitivity`` (the global
    clustering coefficient: three times the triangles over the connected triples) are those
    of the undirected simple graph; ``average_clustering`` is the mean of the local
    coefficients (nodes of degree below 2 count as 0). The diameter and average shortest
    path are of the largest component, and only when it has fewer than ``diameter_limit``
    nodes (otherwise None, and ``diameter_note`` says why).
    """
    graph = network.graph
    n, m = graph.number_of_nodes(), graph.number_of_edges()
    components = sorted(nx.connected_components(graph), key=len, reverse=True)
    largest = graph.subgraph(components[0]) if components else nx.Graph()
    degrees = [d for _, d in graph.degree()]
    small = 0 < largest.number_of_nodes() < diameter_limit
    out: dict[str, Any] = {
        "graph": "undirected simple (self-loops dropped, repeated and reversed edges merged)",
        "nodes": n,
        "edges": m,
        "components": len(components),
        "density": _round(nx.density(graph)) if n > 1 else None,
        "transitivity": _round(nx.transitivity(graph)),
        "average_clustering": _round(nx.average_clustering(graph)) if n else None,
        "isolates": nx.number_of_isolates(graph),
        "largest_component_nodes": largest.number_of_nodes(),
        "largest_component_edges": largest.number_of_edges(),
        "mean_degree": _round(2 * m / n) if n else None,
        "max_degree": max(degrees, default=0),
        "degree_centralisation": _round(degree_centralisation(graph)),
        "diameter_largest_component": nx.diameter(largest) if small else None,
        "average_shortest_path_largest_component": (
            _round(nx.average_shortest_path_length(largest)) if small else None
        ),
        "total_weight": _round(graph.size(weight="weight")) if network.weighted else None,
        "self_loops_dropped": network.self_loops_dropped,
        "duplicate_edges_merged": network.duplicate_edges_merged,
        "duplicate_node_rows": network.duplicate_node_rows,
        "node_rows": network.node_rows,
        "edge_rows": network.edge_rows,
        "layers": list(network.layers),
        "layer": network.layer,
        "layers_merged": bool(network.layers) and network.layer is None,
    }
    if not small and largest.number_of_nodes() >= diameter_limit:
        out["diameter_note"] = (
            f"not computed: the largest component has {largest.number_of_nodes():,} nodes "
            f"(limit {diameter_limit:,})"
        )
    return out
