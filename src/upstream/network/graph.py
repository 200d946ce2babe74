"""The network of people: a networkx graph built from active links, evidence kept on edges."""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx
import pandas as pd

__all__ = ["build_graph"]


def build_graph(active: pd.DataFrame, people: Iterable[str] = ()) -> nx.Graph:
    """An undirected simple graph: one node per person, one edge per linked pair.

    Parameters
    ----------
    active
        Links from :func:`upstream.network.links.active_links`.
    people
        Ids to include even without links (isolated nodes).

    Notes
    -----
    Each edge carries ``kinds`` (sorted), ``evidence_ids`` (``;``-joined, every link of the
    pair), ``last_evidence`` (the latest date), ``weight`` (the number of pieces of
    evidence) and ``harms``: ``(suspect, victim)`` pairs from ``victim_suspect`` links.
    """
    graph = nx.Graph()
    graph.add_nodes_from(people)
    columns = ("a", "b", "kind", "evidence_ids", "evidence_date", "n_evidence")
    for a, b, kind, evidence, when, n in zip(*(active[c] for c in columns), strict=True):
        a, b = str(a), str(b)
        if not graph.has_edge(a, b):
            graph.add_edge(a, b, kinds=[], evidence_ids="", last_evidence=when, weight=0, harms=[])
        data = graph.edges[a, b]
        if kind not in data["kinds"]:
            data["kinds"] = sorted([*data["kinds"], kind])
        ids = [i for i in data["evidence_ids"].split(";") if i]
        ids += [i for i in str(evidence).split(";") if i and i not in ids]
        data["evidence_ids"] = ";".join(ids)
        data["last_evidence"] = max(data["last_evidence"], when)
        data["weight"] += int(n)
        if kind == "victim_suspect":
            data["harms"] = data["harms"] + [(b, a)] * int(n)
    return graph
