"""Groups, degree and estimated betweenness for large networks, with NetworKit.

networkx (:mod:`upstream.network.analysis`) is the reference for the partnership's networks
of a few thousand people. At 100,000 people and 1,000,000 links it is too slow (on the
benchmark machine its Louvain took about 60 s and each betweenness source about 3 s), so
this module does the same three jobs with NetworKit's C++ core (MIT licence):

* :func:`groups`: connected components (``networkit.components.ConnectedComponents``) and
  Louvain communities (``networkit.community.PLM``, run sequentially in a seeded random
  node order so a seed gives one answer), numbered by size, in the frame
  :func:`analysis.groups` returns;
* :func:`degrees`;
* :func:`betweenness`: normalised betweenness on the scale of
  ``networkx.betweenness_centrality``: exact (``networkit.centrality.Betweenness``), or
  estimated from ``k`` sampled sources (``networkit.centrality.EstimateBetweenness``,
  Geisberger, Sanders and Schultes' estimator, ``nSamples=k``, seeded).

Betweenness counts hops: it runs on the graph without the links' weights, as networkx's
does by default. The benchmark (``benchmarks/network.py``) measures the time and the
estimate's accuracy against the exact values.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkit as nk
import networkx as nx
import numpy as np
import pandas as pd
from numpy.typing import NDArray

__all__ = ["LinkGraph", "betweenness", "degrees", "from_graph", "from_pairs", "groups"]


@dataclass(frozen=True)
class LinkGraph:
    """An undirected simple NetworKit graph (links' merged counts as edge weights) and the
    person id of each node."""

    graph: nk.Graph
    names: NDArray[np.object_]


def from_pairs(
    a: pd.Series, b: pd.Series, people: pd.Series | None = None, weight: pd.Series | None = None
) -> LinkGraph:
    """The graph of the pairs ``a[i]``-``b[i]``: self-loops dropped, repeated and reversed
    pairs merged (their ``weight`` added, 1 each by default); ``people`` adds isolates."""
    ids = pd.concat([a.astype(str), b.astype(str)], ignore_index=True)
    if people is not None:
        ids = pd.concat([ids, people.astype(str)], ignore_index=True)
    codes, names = pd.factorize(ids)
    m = len(a)
    u, v = codes[:m], codes[m : 2 * m]
    w = np.ones(m) if weight is None else np.asarray(weight, dtype=float)
    keep = u != v
    lo, hi = np.minimum(u, v)[keep], np.maximum(u, v)[keep]
    n = len(names)
    key = lo.astype(np.int64) * n + hi
    merged, inverse = np.unique(key, return_inverse=True)
    summed = np.bincount(inverse, weights=w[keep], minlength=len(merged))
    edges = (summed, (merged // n, merged % n))
    graph = nk.GraphFromCoo(edges, n=n, weighted=True, directed=False)
    return LinkGraph(graph, np.asarray(names, dtype=object))


def from_graph(graph: nx.Graph) -> LinkGraph:
    """The NetworKit graph of a networkx graph of people (its edges' ``weight``, 1 where
    missing; isolated people kept)."""
    edges = list(graph.edges(data="weight", default=1))
    a = pd.Series([str(u) for u, _, _ in edges], dtype=object)
    b = pd.Series([str(v) for _, v, _ in edges], dtype=object)
    weight = pd.Series([float(w) for _, _, w in edges], dtype=float)
    people = pd.Series([str(n) for n in graph.nodes], dtype=object)
    return from_pairs(a, b, people=people, weight=weight)


def _by_size(labels: NDArray[np.int64], names: NDArray[np.object_]) -> NDArray[np.int64]:
    """Renumber groups by size (0 the largest), ties by their smallest person id."""
    frame = pd.DataFrame({"label": labels, "name": names.astype(str)})
    summary = frame.groupby("label").agg(size=("name", "size"), first=("name", "min"))
    order = summary.sort_values(["size", "first"], ascending=[False, True]).index
    rank = pd.Series(np.arange(len(order)), index=order)
    return rank.reindex(labels).to_numpy(dtype=np.int64)


def groups(link_graph: LinkGraph, seed: int = 0, weighted: bool = True) -> pd.DataFrame:
    """Each person's ``component`` (0 the largest), ``component_size`` and ``community``
    (Louvain, seeded, on the merged weights unless ``weighted`` is False), as
    :func:`upstream.network.analysis.groups` returns them."""
    graph, names = link_graph.graph, link_graph.names
    found = nk.components.ConnectedComponents(graph).run()
    component = np.asarray(found.getPartition().getVector(), dtype=np.int64)
    nk.setSeed(seed, False)
    louvain = nk.community.PLM(graph if weighted else _hops(graph), par="none randomized")
    community = np.asarray(louvain.run().getPartition().getVector(), dtype=np.int64)
    out = pd.DataFrame(
        {
            "person": names.astype(str),
            "component": _by_size(component, names),
            "community": _by_size(community, names),
        }
    )
    out.insert(2, "component_size", out.groupby("component")["person"].transform("size"))
    return out.sort_values(["component", "person"], ignore_index=True)


def _hops(graph: nk.Graph) -> nk.Graph:
    """The same links, each of weight 1."""
    return nk.graphtools.toUnweighted(graph) if graph.isWeighted() else graph


def degrees(link_graph: LinkGraph) -> pd.Series:
    """The number of people each person is linked to, indexed by id."""
    counts = nk.centrality.DegreeCentrality(link_graph.graph).run().scores()
    index = link_graph.names.astype(str)
    return pd.Series(np.asarray(counts, dtype=np.int64), index=index, name="degree")


def betweenness(link_graph: LinkGraph, k: int | None = None, seed: int = 0) -> pd.Series:
    """Normalised betweenness on the scale of ``networkx.betweenness_centrality``: exact,
    or, when ``k`` is given and below the number of people, estimated from ``k`` sources
    drawn by NetworKit (seeded; the same seed gives the same estimate)."""
    graph = _hops(link_graph.graph)
    n = graph.numberOfNodes()
    index = link_graph.names.astype(str)
    if n < 3:
        return pd.Series(0.0, index=index, name="betweenness")
    if k is None or k >= n:
        algorithm = nk.centrality.Betweenness(graph, normalized=True)
    else:
        nk.setSeed(seed, False)
        algorithm = nk.centrality.EstimateBetweenness(graph, k, normalized=True, parallel=True)
    values = np.asarray(algorithm.run().scores(), dtype=float)
    return pd.Series(values, index=index, name="betweenness")
