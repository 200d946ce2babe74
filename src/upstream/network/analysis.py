"""What the network shows: groups, brokers, overlap, exposure, exploitation, group violence.

Every function is pure: frames and a graph in, a frame out, ids pseudonymous throughout.

Groups and centrality are computed with networkx up to :data:`SCALE_AT` people and, above
it, with NetworKit (:mod:`upstream.network.scale`, 100,000 people and 1,000,000 links in
seconds where networkx takes minutes): the same frames, numbered the same way. Components,
degree and exact betweenness are the same numbers on either path; Louvain communities are
the same on a network with clear groups (different heuristics may split a borderline
person differently). Above :data:`SCALE_AT`, betweenness without ``k`` is estimated from
:data:`SAMPLES` sampled sources, as the benchmark (``benchmarks/network.py``) measures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import networkx as nx
import pandas as pd

from upstream.definitions import Definitions
from upstream.network.links import months_before
from upstream.network.people import ages, harmed_between, offences_long

__all__ = [
    "COUNTY_LINES",
    "SAMPLES",
    "SCALE_AT",
    "centrality",
    "exploitation",
    "exposure",
    "group_violence",
    "groups",
    "victim_offender_overlap",
]

COUNTY_LINES = re.compile(r"county[ -]?lines?|cuckoo|deal(?:ing)? line|trap house", re.I)
"""Incident labels that mark county-lines drug supply and its exploitation."""


SCALE_AT = 5_000
"""Above this many people, groups and centrality take NetworKit's path."""
SAMPLES = 1_000
"""Sources betweenness is estimated from above :data:`SCALE_AT` people (the benchmark: rank
correlation 0.98 with the exact values at 5,000 people)."""


def groups(graph: nx.Graph, seed: int = 0, *, scale_at: int = SCALE_AT) -> pd.DataFrame:
    """Each person's ``component`` (connected component, 0 the largest), its size, and
    ``community`` (Louvain, seeded, on evidence weights; numbered by size, ties by the
    smallest id); with NetworKit above ``scale_at`` people."""
    if graph.number_of_nodes() > scale_at:
        from upstream.network import scale  # NetworKit takes a second to import: only here

        return scale.groups(scale.from_graph(graph), seed=seed)
    rows: list[tuple[str, int, int, int]] = []
    components = sorted(nx.connected_components(graph), key=lambda c: (-len(c), min(c)))
    communities = nx.community.louvain_communities(graph, weight="weight", seed=seed)
    communities = sorted(communities, key=lambda c: (-len(c), min(c)))
    community_of = {p: i for i, c in enumerate(communities) for p in c}
    for i, comp in enumerate(components):
        rows.extend((p, i, len(comp), community_of[p]) for p in sorted(comp))
    return pd.DataFrame(rows, columns=["person", "component", "component_size", "community"])


def centrality(
    graph: nx.Graph,
    membership: pd.DataFrame,
    k: int | None = None,
    seed: int = 0,
    *,
    scale_at: int = SCALE_AT,
) -> pd.DataFrame:
    """Degree, normalised betweenness and brokers, most between first.

    A broker has positive betweenness and links into at least one community other than
    its own. With ``k``, betweenness is estimated from ``k`` sampled sources (seeded).
    Above ``scale_at`` people it is NetworKit's, estimated from :data:`SAMPLES` sources
    when ``k`` is not given (exact when there are no more people than that).
    """
    if graph.number_of_nodes() > scale_at:
        from upstream.network import scale

        estimated = scale.betweenness(scale.from_graph(graph), k=k or SAMPLES, seed=seed)
        between = estimated.to_dict()
    else:
        between = nx.betweenness_centrality(graph, k=k, seed=seed if k else None)
    community = dict(zip(membership["person"], membership["community"], strict=True))
    rows = []
    for person in graph.nodes:
        others = {community[n] for n in graph.neighbors(person)} - {community[person]}
        rows.append((person, graph.degree(person), between[person], len(others)))
    out = pd.DataFrame(rows, columns=["person", "degree", "betweenness", "other_communities"])
    out["broker"] = (out["betweenness"] > 0) & (out["other_communities"] > 0)
    return out.sort_values(
        ["betweenness", "degree", "person"], ascending=[False, False, True], ignore_index=True
    )


def victim_offender_overlap(
    people: pd.DataFrame, definitions: Definitions, as_of: date, window_months: int = 24
) -> pd.DataFrame:
    """For each person: harmed as a victim and recorded for an offence in the window,
    and ``both`` (the victim-offender overlap)."""
    start = months_before(as_of, window_months)
    harmed = harmed_between(people, start, as_of)
    off = offences_long(people, definitions)
    off = off[(off["date"] >= start) & (off["date"] <= as_of)]
    offended = off.groupby("person").size().reindex(people["id"], fill_value=0)
    out = pd.DataFrame(
        {
            "person": people["id"].to_numpy(),
            "victim": harmed.to_numpy() > 0,
            "offender": offended.to_numpy() > 0,
        }
    )
    out["both"] = out["victim"] & out["offender"]
    return out


def exposure(graph: nx.Graph, people: pd.DataFrame, as_of: date, months: int = 12) -> pd.DataFrame:
    """Each person's contacts and the share of them harmed in the ``months`` to ``as_of``.

    Network exposure to victimisation predicts being harmed oneself, so this is a
    safeguarding signal, not a mark against the person.
    """
    harmed = harmed_between(people, months_before(as_of, months), as_of)
    rows = []
    for person in graph.nodes:
        contacts = list(graph.neighbors(person))
        hit = sum(int(harmed.get(c, 0) > 0) for c in contacts)
        rows.append((person, len(contacts), hit, hit / len(contacts) if contacts else 0.0))
    out = pd.DataFrame(rows, columns=["person", "contacts", "contacts_harmed", "exposure"])
    return out.sort_values(
        ["exposure", "contacts_harmed", "person"], ascending=[False, False, True], ignore_index=True
    )


@dataclass
class _Involvement:
    children: set[str] = field(default_factory=set)
    occasions: set[str] = field(default_factory=set)
    county: set[str] = field(default_factory=set)
    gap: int = 0


def exploitation(
    active: pd.DataFrame,
    people: pd.DataFrame,
    min_occasions: int = 2,
    min_gap: int = 5,
) -> pd.DataFrame:
    """Adults (18+) co-involved as suspects with under-18s, with the indicators behind it.

    One row per such adult: ``children`` (distinct under-18s), ``occasions`` (distinct
    incidents shared with them), ``max_age_gap``, ``county_lines`` (children whose shared
    incidents carry a county-lines marker, :data:`COUNTY_LINES`; labels are merged per pair,
    so this counts children, not incidents), and ``flag``: at least
    ``min_occasions`` occasions (repeated co-involvement) and either an age gap of at least
    ``min_gap`` years or a county-lines marker (peers a year or two apart are not flagged).
    """
    age = ages(people)
    co = active[active["kind"] == "co_suspect"]
    found: dict[str, _Involvement] = {}
    for row in co.itertuples(index=False):
        pair = (str(row.a), str(row.b))
        for adult, child in (pair, pair[::-1]):
            if adult not in age or child not in age or age[adult] < 18 or age[child] >= 18:
                continue
            entry = found.setdefault(adult, _Involvement())
            ids = {i for i in str(row.evidence_ids).split(";") if i}
            entry.children.add(child)
            entry.occasions |= ids
            entry.gap = max(entry.gap, int(age[adult] - age[child]))
            if COUNTY_LINES.search(str(row.labels)):
                entry.county.add(child)
    rows = [
        (adult, int(age[adult]), len(e.children), len(e.occasions), e.gap, len(e.county))
        for adult, e in found.items()
    ]
    out = pd.DataFrame(
        rows, columns=["person", "age", "children", "occasions", "max_age_gap", "county_lines"]
    )
    out["flag"] = (out["occasions"] >= min_occasions) & (
        (out["max_age_gap"] >= min_gap) | (out["county_lines"] > 0)
    )
    return out.sort_values(
        ["flag", "occasions", "person"], ascending=[False, False, True], ignore_index=True
    )


def group_violence(graph: nx.Graph, membership: pd.DataFrame) -> pd.DataFrame:
    """Who harms whom between communities: ``from_group`` (the suspects'), ``to_group``
    (the victims'), ``incidents``; harm within one community is kept (``from == to``)."""
    community = dict(zip(membership["person"], membership["community"], strict=True))
    directed = nx.DiGraph()
    for _, _, harms in graph.edges(data="harms"):
        for suspect, victim in harms or ():
            u, v = community[suspect], community[victim]
            w = directed.get_edge_data(u, v, {"incidents": 0})["incidents"]
            directed.add_edge(u, v, incidents=w + 1)
    rows = [(u, v, d["incidents"]) for u, v, d in directed.edges(data=True)]
    out = pd.DataFrame(rows, columns=["from_group", "to_group", "incidents"])
    return out.sort_values(
        ["incidents", "from_group", "to_group"], ascending=[False, True, True], ignore_index=True
    )
