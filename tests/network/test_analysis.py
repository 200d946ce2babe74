"""Groups, brokers, exposure, exploitation, violence between groups: by hand and planted."""

from __future__ import annotations

from datetime import timedelta

import networkx as nx
import pandas as pd
import pytest

from tests.network.helpers import AS_OF, frame, link, person
from upstream.definitions import load_definitions
from upstream.network import analysis as an
from upstream.network.graph import build_graph
from upstream.network.links import active_links, validate_links
from upstream.network.people import validate_people
from upstream.synth.network import synthetic_network


def day(days_ago: int) -> str:
    return (AS_OF - timedelta(days=days_ago)).isoformat()


def two_triangles(harm: bool = True) -> tuple[pd.DataFrame, pd.DataFrame, nx.Graph]:
    """Triangles A and B joined through K1; Z1 has no links; B2 harmed lately, B3 13 months ago;
    with ``harm``, B2 was harmed by A2 (a link between the triangles)."""
    rows = [
        link(x, y)
        for x, y in [
            ("A1", "A2"),
            ("A1", "A3"),
            ("A2", "A3"),
            ("B1", "B2"),
            ("B1", "B3"),
            ("B2", "B3"),
            ("K1", "A1"),
            ("K1", "B1"),
        ]
    ]
    if harm:
        rows.append(link("B2", "A2", "victim_suspect", days_ago=60, ref="INC-HARM"))
    people = [person(p) for p in ("A1", "A2", "A3", "B1", "K1", "Z1")]
    people += [person("B2", harmed=day(60)), person("B3", harmed=day(400))]
    p = validate_people(frame(people))
    active = active_links(validate_links(frame(rows)), AS_OF)
    return p, active, build_graph(active, p["id"])


def test_the_graph_keeps_the_evidence_on_each_edge() -> None:
    _, _, g = two_triangles()
    assert g.number_of_nodes() == 8 and g.number_of_edges() == 9
    edge = g.edges["A2", "B2"]
    assert edge["kinds"] == ["victim_suspect"] and edge["evidence_ids"] == "INC-HARM"
    assert edge["harms"] == [("A2", "B2")]  # (suspect, victim)


def test_groups_and_the_broker_by_hand() -> None:
    _, _, g = two_triangles(harm=False)
    m = an.groups(g, seed=1)
    comp = dict(zip(m["person"], m["component"], strict=True))
    assert comp["Z1"] != comp["K1"] and len({comp[p] for p in ("A1", "B3", "K1")}) == 1
    community = dict(zip(m["person"], m["community"], strict=True))
    assert community["A1"] == community["A2"] == community["A3"] != community["B2"]
    c = an.centrality(g, m)
    top = c.iloc[0]
    # K1 lies on all 9 shortest A-B paths: 9 / ((8-1)(8-2)/2)
    assert top["person"] == "K1" and top["betweenness"] == pytest.approx(9 / 21)
    assert bool(top["broker"]) and top["degree"] == 2  # A1 and B1
    assert not bool(c.set_index("person").loc["A3", "broker"])


def test_exposure_counts_contacts_harmed_in_the_last_12_months() -> None:
    people, _, g = two_triangles()
    e = an.exposure(g, people, AS_OF).set_index("person")
    assert e.loc["B1", "contacts"] == 3 and e.loc["B1", "contacts_harmed"] == 1  # B2, not B3
    assert e.loc["B1", "exposure"] == pytest.approx(1 / 3)
    assert e.loc["Z1", "exposure"] == 0


def test_violence_between_groups_points_from_suspects_to_victims() -> None:
    _, _, g = two_triangles()
    m = an.groups(g, seed=1)
    community = dict(zip(m["person"], m["community"], strict=True))
    v = an.group_violence(g, m)
    assert v.to_dict("records") == [
        {"from_group": community["A2"], "to_group": community["B2"], "incidents": 1}
    ]


def test_exploitation_needs_repeats_and_an_age_gap_or_county_lines() -> None:
    rows = [
        link("M1", "C1", ref="INC-1", labels="county lines"),
        link("C1", "M1", ref="INC-2", days_ago=90),
        link("N1", "C2", ref="INC-3"),
        link("N1", "C2", ref="INC-4", days_ago=80),
        link("O1", "C3", ref="INC-5"),
        link("O1", "C4", "friend", ref="INC-6"),
    ]
    people = validate_people(
        frame(
            [
                person("M1", 30),
                person("N1", 18),
                person("O1", 40),
                person("C1", 15),
                person("C2", 17),
                person("C3", 14),
                person("C4", 12),
            ]
        )
    )
    active = active_links(validate_links(frame(rows)), AS_OF)
    out = an.exploitation(active, people).set_index("person")
    assert out.loc["M1"].to_dict() == {
        "age": 30,
        "children": 1,
        "occasions": 2,
        "max_age_gap": 15,
        "county_lines": 1,
        "flag": True,
    }
    assert not out.loc["N1", "flag"]  # peers a year apart
    assert not out.loc["O1", "flag"] and out.loc["O1", "occasions"] == 1  # friend links don't count


def test_victim_offender_overlap() -> None:
    people = validate_people(
        frame(
            [
                person("V1", harmed=day(10)),
                person("O1", offences=f"{day(5)}|Robbery|INC-1"),
                person("VO1", harmed=day(10), offences=f"{day(5)}|Robbery|INC-2"),
                person("OLD1", harmed=day(900), offences=f"{day(5)}|Robbery|INC-3"),
            ]
        )
    )
    out = an.victim_offender_overlap(people, load_definitions(), AS_OF).set_index("person")
    assert list(out.index[out["both"]]) == ["VO1"]
    assert out.loc["OLD1", "offender"] and not out.loc["OLD1", "victim"]


def test_the_synthetic_network_shows_what_was_planted() -> None:
    s = synthetic_network(AS_OF)
    assert (s.people["synthetic"] == "yes").all() and (s.links["synthetic"] == "yes").all()
    people = validate_people(s.people)
    active = active_links(validate_links(s.links), AS_OF)
    g = build_graph(active, people["id"])
    truth = s.truth
    assert not g.has_edge(*truth.aged_out)
    m = an.groups(g, seed=0)
    comp = dict(zip(m["person"], m["component"], strict=True))
    community = dict(zip(m["person"], m["community"], strict=True))
    g1, g2, g3 = truth.groups
    assert len({comp[p] for p in [*g1, *g2, *g3]}) == 1
    brokers = an.centrality(g, m).set_index("person")["broker"]
    assert brokers[truth.broker]
    flagged = an.exploitation(active, people)
    assert list(flagged.loc[flagged["flag"], "person"]) == [truth.exploiter]
    v = an.group_violence(g, m)
    assert {"from_group": community[g1[2]], "to_group": community[g2[0]]}.items() <= v.iloc[
        0
    ].to_dict().items()
    overlap = an.victim_offender_overlap(people, load_definitions(), AS_OF).set_index("person")
    assert overlap.loc[list(truth.overlap), "both"].all()
