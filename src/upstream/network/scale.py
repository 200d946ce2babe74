"""Groups, degree and estimated betweenness for large networks, with igraph.

networkx (:mod:`upstream.network.analysis`) is the reference for the partnership's networks
of a few thousand people. At 100,000 people and 1,000,000 links it is too slow (on the
benchmark machine its Louvain took about 60 s and each betweenness source about 3 s), so
this module does the same three jobs with python-igraph's C core:

* :func:`groups`: connected components and Louvain communities (igraph's multilevel
  algorithm, seeded), numbered by size, in the frame :func:`analysis.groups` returns;
* :func:`degrees`;
* :func:`betweenness`: normalised betweenness, exact or estimated from ``k`` sampled sources,
  on the same scale as ``networkx.betweenness_centrality(graph, k=k)``: the dependencies
  accumulated from the sources, times ``n / k``, over ``(n - 1)(n - 2)``.

The benchmark (``benchmarks/network.py``) measures the time and the estimate's accuracy
against the exact values. igraph is GPL-2.0-or-later; it is a separate package the project
calls, not code copied into it.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import igraph as ig
import numpy as np
import pandas as pd
from numpy.typing import NDArray

__all__ = ["LinkGraph", "betweenness", "degrees", "from_pairs", "groups", "sample_sources"]


@dataclass(frozen=True)
class LinkGraph:
    """An undirected simple igraph graph and the person id of each vertex."""

    graph: ig.Graph
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
    graph = ig.Graph(n=n, edges=np.column_stack([merged // n, merged % n]), directed=False)
    graph.es["weight"] = summed.tolist()
    return LinkGraph(graph, np.asarray(names, dtype=object))


@contextmanager
def _seeded(seed: int) -> Iterator[None]:
    """igraph draws from a Python random generator: a seeded one for the call, then back."""
    ig.set_random_number_generator(random.Random(seed))
    try:
        yield
    finally:
        ig.set_random_number_generator(random)


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
    component = np.asarray(graph.connected_components().membership, dtype=np.int64)
    with _seeded(seed):
        found = graph.community_multilevel(weights="weight" if weighted else None)
    community = np.asarray(found.membership, dtype=np.int64)
    out = pd.DataFrame(
        {
            "person": names.astype(str),
            "component": _by_size(component, names),
            "community": _by_size(community, names),
        }
    )
    out.insert(2, "component_size", out.groupby("component")["person"].transform("size"))
    return out.sort_values(["component", "person"], ignore_index=True)


def degrees(link_graph: LinkGraph) -> pd.Series:
    """The number of people each person is linked to, indexed by id."""
    return pd.Series(link_graph.graph.degree(), index=link_graph.names.astype(str), name="degree")


def sample_sources(n: int, k: int, seed: int = 0) -> list[int]:
    """``k`` of the vertices ``0 .. n - 1``, drawn without replacement (seeded), sorted."""
    return sorted(np.random.default_rng(seed).choice(n, size=k, replace=False).tolist())


def betweenness(link_graph: LinkGraph, k: int | None = None, seed: int = 0) -> pd.Series:
    """Normalised betweenness, exact or estimated from ``k`` sources drawn without
    replacement (seeded), on the scale of ``networkx.betweenness_centrality``."""
    graph = link_graph.graph
    n = graph.vcount()
    index = link_graph.names.astype(str)
    if n < 3:
        return pd.Series(0.0, index=index, name="betweenness")
    sources = None if k is None or k >= n else sample_sources(n, k, seed)
    k = n if sources is None else len(sources)
    # igraph counts each undirected source-target path once: twice that is the sum of the
    # sources' dependencies, which networkx scales by n / k over (n - 1)(n - 2)
    raw = np.asarray(graph.betweenness(directed=False, sources=sources), dtype=float)
    values = 2 * raw * (n / k) / ((n - 1) * (n - 2))
    return pd.Series(values, index=index, name="betweenness")
