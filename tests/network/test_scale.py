"""The igraph path for large networks agrees with networkx (the reference) on real networks."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from upstream.config import PROJECT_ROOT
from upstream.network import scale

DATA = PROJECT_ROOT / "data" / "networks"


def gang() -> tuple[pd.DataFrame, pd.DataFrame]:
    nodes = pd.read_csv(DATA / "london_gang_nodes.csv", dtype=str)
    edges = pd.read_csv(DATA / "london_gang_edges.csv", dtype=str)
    return nodes, edges


def test_pairs_are_merged_and_isolates_kept() -> None:
    a = pd.Series(["p1", "p2", "p1", "p3"])
    b = pd.Series(["p2", "p1", "p1", "p4"])
    g = scale.from_pairs(a, b, people=pd.Series(["p5"]), weight=pd.Series([1, 2, 7, 1]))
    assert g.graph.vcount() == 5 and g.graph.ecount() == 2  # p1-p2 twice, a loop dropped
    weights = {frozenset(g.names[list(e.tuple)]): e["weight"] for e in g.graph.es}
    assert weights == {frozenset({"p1", "p2"}): 3.0, frozenset({"p3", "p4"}): 1.0}
    assert scale.degrees(g).to_dict() == {"p1": 1, "p2": 1, "p3": 1, "p4": 1, "p5": 0}
    found = scale.groups(g).set_index("person")
    assert found.loc["p5", "component_size"] == 1
    assert found.loc["p1", "component"] == found.loc["p2", "component"]
    assert found["component"].nunique() == 3


def test_exact_and_sampled_betweenness_match_networkx_on_the_london_gang() -> None:
    nodes, edges = gang()
    g = scale.from_pairs(edges["source"], edges["target"], people=nodes["node_id"])
    reference = nx.Graph(zip(edges["source"], edges["target"], strict=True))
    exact = scale.betweenness(g)
    expected = pd.Series(nx.betweenness_centrality(reference))
    assert exact.to_numpy() == pytest.approx(expected.reindex(exact.index).to_numpy(), abs=1e-12)
    # sampled: the same 12 sources through networkx's subset betweenness, scaled by n / k
    n, k = g.graph.vcount(), 12
    sources = [str(g.names[i]) for i in scale.sample_sources(n, k, seed=3)]
    subset = nx.betweenness_centrality_subset(reference, sources, list(reference), normalized=False)
    scaled = pd.Series(subset) * 2 * (n / k) / ((n - 1) * (n - 2))
    estimate = scale.betweenness(g, k=k, seed=3)
    assert estimate.to_numpy() == pytest.approx(scaled.reindex(estimate.index).to_numpy())
    assert not np.allclose(estimate.to_numpy(), exact.to_numpy())  # an estimate, not exact


def test_groups_match_networkx_components_and_are_seeded() -> None:
    nodes = pd.read_csv(DATA / "montreal_street_gangs_nodes.csv", dtype=str)
    edges = pd.read_csv(DATA / "montreal_street_gangs_edges.csv", dtype=str)
    g = scale.from_pairs(edges["source"], edges["target"], people=nodes["node_id"])
    found = scale.groups(g, seed=1)
    reference = nx.Graph(zip(edges["source"], edges["target"], strict=True))
    reference.add_nodes_from(nodes["node_id"])
    expected = sorted(sorted(c) for c in nx.connected_components(reference))
    got = sorted(sorted(p) for _, p in found.groupby("component")["person"])
    assert got == expected
    sizes = found.groupby("component")["person"].size()
    assert list(sizes) == sorted(sizes, reverse=True)  # 0 the largest
    assert found.equals(scale.groups(g, seed=1))
    # each community lies within one component
    assert (found.groupby("community")["component"].nunique() == 1).all()
