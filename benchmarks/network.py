"""Benchmark: networks at scale: 100,000 people and 1,000,000 links in under 60 seconds.

A seeded synthetic network with community structure (2,000 planted groups of 50 people;
90% of links within a group, 10% between random people; 1,000,000 distinct links) goes
through the large-network path of :mod:`upstream.network.scale` (NetworKit):

1. **Time** of building the graph from the link pairs, groups (connected components and
   seeded Louvain communities, ``networkit.community.PLM``), degree, and betweenness
   estimated from ``K`` sampled sources (``networkit.centrality.EstimateBetweenness``,
   ``nSamples=K``); the total must stay under 60 s. How well Louvain recovers the planted groups
   (normalised mutual information) is reported beside it.
2. **Accuracy of the estimate**: on a smaller network from the same generator (5,000
   people, 50,000 links) exact betweenness is computed and set against the estimate from
   50, ``K``, 200, 500 and 1,000 sources, three seeds each: Spearman rank correlation over
   everyone, how many of the exact top 50 the estimate's top 50 holds, and the median
   relative error over the exact top 1%.
3. **networkx for comparison** on a tenth of the scale (10,000 people, 100,000 links): the
   same stages with :mod:`upstream.network.analysis`'s library, to show why the large path
   exists.

Results go to ``benchmarks/results/network.json``.
"""

from __future__ import annotations

import json
import os
import platform
import time
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
from scipy.stats import spearmanr
from sklearn.metrics import normalized_mutual_info_score

from upstream.network import scale

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "network.json"
PEOPLE, LINKS, GROUP, WITHIN = 100_000, 1_000_000, 50, 0.9
K = 100
SWEEP = (50, K, 200, 500, 1_000)
BUDGET_S = 60.0
SEED = 16


def synthetic_links(
    people: int, links: int, seed: int = SEED
) -> tuple[pd.DataFrame, np.ndarray, pd.Series]:
    """``links`` distinct pairs of pseudonymous ids among ``people``, most within planted
    groups of :data:`GROUP`; returns the links, each person's planted group and the ids."""
    rng = np.random.default_rng(seed)
    planted = rng.permutation(people) // GROUP
    members = np.argsort(planted, kind="stable")
    draw = int(links * 1.3)
    a = rng.integers(0, people, draw)
    partner = members[planted[a] * GROUP + rng.integers(0, GROUP, draw)]
    b = np.where(rng.random(draw) < WITHIN, partner, rng.integers(0, people, draw))
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    keep = lo != hi
    pairs = np.unique(lo[keep].astype(np.int64) * people + hi[keep])
    if len(pairs) < links:
        raise RuntimeError("drew too few distinct pairs; raise the oversampling")
    pairs = rng.permutation(pairs)[:links]
    ids = pd.Series([f"P-{i:06d}" for i in range(people)])
    frame = pd.DataFrame(
        {"a": ids.to_numpy()[pairs // people], "b": ids.to_numpy()[pairs % people]}
    )
    return frame, planted, ids


def _timed(fn: Any) -> tuple[Any, float]:
    start = time.perf_counter()
    value = fn()
    return value, round(time.perf_counter() - start, 3)


def at_scale() -> dict[str, Any]:
    links, planted, ids = synthetic_links(PEOPLE, LINKS)
    cpu_start = time.process_time()
    graph, build_s = _timed(lambda: scale.from_pairs(links["a"], links["b"], people=ids))
    found, groups_s = _timed(lambda: scale.groups(graph, seed=0))
    degree, degree_s = _timed(lambda: scale.degrees(graph))
    between, between_s = _timed(lambda: scale.betweenness(graph, k=K, seed=0))
    cpu_s = time.process_time() - cpu_start
    truth = pd.Series(planted, index=ids.to_numpy()).reindex(found["person"]).to_numpy()
    nmi = normalized_mutual_info_score(truth, found["community"].to_numpy())
    total = build_s + groups_s + degree_s + between_s
    return {
        "people": graph.graph.numberOfNodes(),
        "links": len(links),
        "edges": graph.graph.numberOfEdges(),
        "planted_groups": int(planted.max()) + 1,
        "k_sources": K,
        "betweenness_estimator": "networkit.centrality.EstimateBetweenness(nSamples=K)",
        "seconds": {
            "build_graph": build_s,
            "groups_components_and_louvain": groups_s,
            "degree": degree_s,
            "betweenness_sampled": between_s,
            "total": round(total, 3),
            "cpu_all_threads": round(cpu_s, 3),
        },
        "budget_seconds": BUDGET_S,
        "within_budget": total < BUDGET_S,
        "components": int(found["component"].nunique()),
        "communities": int(found["community"].nunique()),
        "louvain_nmi_vs_planted": round(float(nmi), 4),
        "mean_degree": round(float(degree.mean()), 3),
        "max_betweenness": round(float(between.max()), 6),
    }


def accuracy(people: int = 5_000, links: int = 50_000) -> dict[str, Any]:
    frame, _, ids = synthetic_links(people, links, seed=SEED + 1)
    graph = scale.from_pairs(frame["a"], frame["b"], people=ids)
    exact, exact_s = _timed(lambda: scale.betweenness(graph))
    top = max(1, people // 100)
    runs = []
    for k in SWEEP:
        for seed in (0, 1, 2):
            estimate, estimate_s = _timed(
                lambda k=k, seed=seed: scale.betweenness(graph, k=k, seed=seed)
            )
            rho = spearmanr(exact.to_numpy(), estimate.to_numpy()).statistic
            top50 = set(exact.nlargest(50).index) & set(estimate.nlargest(50).index)
            best = exact.nlargest(top).index
            relative = (estimate[best] - exact[best]).abs() / exact[best]
            runs.append(
                {
                    "k_sources": k,
                    "seed": seed,
                    "seconds": estimate_s,
                    "spearman": round(float(rho), 4),
                    "top50_shared": len(top50),
                    "median_relative_error_top1pct": round(float(relative.median()), 4),
                }
            )
    return {"people": people, "links": links, "exact_seconds": exact_s, "runs": runs}


def networkx_reference(people: int = 10_000, links: int = 100_000) -> dict[str, Any]:
    frame, _, ids = synthetic_links(people, links, seed=SEED + 2)

    def build() -> nx.Graph:
        graph = nx.Graph()
        graph.add_nodes_from(ids)
        graph.add_edges_from(zip(frame["a"], frame["b"], strict=True))
        return graph

    graph, build_s = _timed(build)
    _, components_s = _timed(lambda: list(nx.connected_components(graph)))
    _, louvain_s = _timed(lambda: nx.community.louvain_communities(graph, seed=0))
    _, between_s = _timed(lambda: nx.betweenness_centrality(graph, k=K, seed=0))
    nk_graph = scale.from_pairs(frame["a"], frame["b"], people=ids)
    _, nk_groups_s = _timed(lambda: scale.groups(nk_graph, seed=0))
    _, nk_between_s = _timed(lambda: scale.betweenness(nk_graph, k=K, seed=0))
    return {
        "people": people,
        "links": links,
        "k_sources": K,
        "networkx_seconds": {
            "build_graph": build_s,
            "components": components_s,
            "louvain": louvain_s,
            "betweenness_sampled": between_s,
        },
        "networkit_seconds": {"groups": nk_groups_s, "betweenness_sampled": nk_between_s},
    }


def main() -> dict[str, Any]:
    result = {
        "machine": {
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        },
        "at_scale": at_scale(),
        "accuracy_vs_exact": accuracy(),
        "networkx_at_a_tenth": networkx_reference(),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
