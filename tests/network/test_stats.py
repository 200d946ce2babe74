"""``upstream network stats``: the figures of the undirected simple graph, and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest
from typer.testing import CliRunner

from upstream.cli import app
from upstream.network.errors import NetworkInputError
from upstream.network.stats import degree_centralisation, describe, network_from_frames

runner = CliRunner()

# a-b three times (once reversed), a triangle a-b-c, a pendant d with a self-loop, isolate e.
NODES = pd.DataFrame({"node_id": ["a", "b", "c", "d", "e"], "label": ["x"] * 5})
EDGES = pd.DataFrame(
    {
        "source": ["a", "b", "a", "b", "c", "c", "d"],
        "target": ["b", "a", "b", "c", "a", "d", "d"],
        "weight": ["1", "2", "3", "1", "1", "1", "5"],
    }
)


def write(tmp: Path, nodes: pd.DataFrame, edges: pd.DataFrame) -> tuple[Path, Path]:
    nodes.to_csv(tmp / "nodes.csv", index=False)
    edges.to_csv(tmp / "edges.csv", index=False)
    return tmp / "nodes.csv", tmp / "edges.csv"


def run(tmp: Path, *extra: str):
    args = ["network", "stats", "--nodes", str(tmp / "nodes.csv"), "--edges"]
    return runner.invoke(app, [*args, str(tmp / "edges.csv"), "--out", str(tmp / "s.json"), *extra])


def one_line(result) -> str:
    return " ".join(result.stderr.split())


def test_figures_of_the_simple_graph_by_hand(tmp_path: Path) -> None:
    write(tmp_path, NODES, EDGES)
    result = run(tmp_path)
    assert result.exit_code == 0, result.output
    s = json.loads((tmp_path / "s.json").read_text())
    # simple graph: a-b, b-c, c-a, c-d; e isolated
    assert (s["nodes"], s["edges"], s["components"], s["isolates"]) == (5, 4, 2, 1)
    assert s["self_loops_dropped"] == 1 and s["duplicate_edges_merged"] == 2
    assert s["density"] == pytest.approx(4 / 10)
    # one triangle; connected triples centred on a 1, b 1, c 3, d 0
    assert s["transitivity"] == pytest.approx(3 * 1 / 5)
    assert s["average_clustering"] == pytest.approx((1 + 1 + 1 / 3 + 0 + 0) / 5, abs=1e-6)
    assert s["largest_component_nodes"] == 4 and s["largest_component_edges"] == 4
    assert s["mean_degree"] == pytest.approx(8 / 5)
    assert s["max_degree"] == 3
    # degrees 2, 2, 3, 1, 0: (1 + 1 + 0 + 2 + 3) / (4 * 3)
    assert s["degree_centralisation"] == pytest.approx(7 / 12, abs=1e-6)
    assert s["diameter_largest_component"] == 2
    assert s["average_shortest_path_largest_component"] == pytest.approx(8 / 6, abs=1e-6)
    assert s["total_weight"] == pytest.approx(6 + 1 + 1 + 1)  # a-b merged: 1 + 2 + 3
    assert (s["node_rows"], s["edge_rows"], s["layers_merged"]) == (5, 7, False)
    assert "5 nodes, 4 edges, 2 components" in " ".join(result.stdout.split())


def test_unweighted_edges_and_a_long_nodes_file() -> None:
    nodes = pd.DataFrame({"node_id": ["1", "2", "2", "3"], "period": ["p1", "p1", "p2", "p2"]})
    edges = pd.DataFrame({"source": ["1", "2"], "target": ["2", "3"]})
    network = network_from_frames(nodes, edges)
    s = describe(network)
    assert (s["nodes"], s["edges"], s["duplicate_node_rows"]) == (3, 2, 1)
    assert s["total_weight"] is None and s["transitivity"] == 0.0


def test_one_layer_or_all_merged() -> None:
    nodes = pd.DataFrame({"node_id": ["1", "2", "3", "4"], "layers": ["A;B", "A;B", "B", "B"]})
    edges = pd.DataFrame(
        {"source": ["1", "1", "3"], "target": ["2", "2", "4"], "layer": ["A", "B", "B"]}
    )
    merged = describe(network_from_frames(nodes, edges))
    assert (merged["nodes"], merged["edges"], merged["duplicate_edges_merged"]) == (4, 2, 1)
    assert merged["layers"] == ["A", "B"] and merged["layers_merged"] is True
    only_a = describe(network_from_frames(nodes, edges, layer="A"))
    assert (only_a["nodes"], only_a["edges"], only_a["layer"]) == (2, 1, "A")
    with pytest.raises(NetworkInputError, match="no edge is in this layer"):
        network_from_frames(nodes, edges, layer="C")


def test_the_diameter_is_skipped_for_a_large_component() -> None:
    nodes = pd.DataFrame({"node_id": [str(i) for i in range(6)]})
    edges = pd.DataFrame(
        {"source": [str(i) for i in range(5)], "target": [str(i + 1) for i in range(5)]}
    )
    s = describe(network_from_frames(nodes, edges), diameter_limit=6)
    assert s["diameter_largest_component"] is None
    assert "6 nodes (limit 6)" in s["diameter_note"]
    assert describe(network_from_frames(nodes, edges))["diameter_largest_component"] == 5


def test_degree_centralisation_of_a_star_and_a_cycle() -> None:
    assert degree_centralisation(nx.star_graph(6)) == pytest.approx(1.0)
    assert degree_centralisation(nx.cycle_graph(6)) == pytest.approx(0.0)
    assert degree_centralisation(nx.path_graph(2)) is None


@pytest.mark.parametrize(
    ("nodes", "edges", "message"),
    [
        (
            NODES,
            pd.DataFrame({"source": ["a", "b"], "target": ["b", "z"]}),
            "edges.csv: line 3, target: not a node of the nodes file",
        ),
        (
            NODES,
            pd.DataFrame({"source": ["a", "b"], "target": ["b", "c"], "weight": ["1", "heavy"]}),
            "edges.csv: line 3, weight: not a number of at least 0",
        ),
        (
            NODES,
            pd.DataFrame({"from": ["a"], "target": ["b"]}),
            "edges.csv: line 1, source: missing",
        ),
        (pd.DataFrame({"id": ["a"]}), EDGES, "nodes.csv: line 1, node_id: missing column"),
        (
            pd.DataFrame({"node_id": ["a", ""]}),
            pd.DataFrame({"source": ["a"], "target": ["a"]}),
            "nodes.csv: line 3, node_id: must not be empty",
        ),
        (
            pd.DataFrame({"node_id": pd.Series([], dtype=str)}),
            pd.DataFrame({"source": [], "target": []}),
            "nodes.csv: line 2, node_id: no nodes",
        ),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(
    tmp_path: Path, nodes: pd.DataFrame, edges: pd.DataFrame, message: str
) -> None:
    write(tmp_path, nodes, edges)
    (tmp_path / "s.json").write_text("earlier\n")
    result = run(tmp_path)
    assert result.exit_code == 1
    assert message in one_line(result)
    assert "Nothing was written" in one_line(result)
    assert len(result.stderr.strip().splitlines()) == 1
    assert (tmp_path / "s.json").read_text() == "earlier\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["edges.csv", "nodes.csv", "s.json"]


def test_empty_unreadable_and_missing_files(tmp_path: Path) -> None:
    write(tmp_path, NODES, EDGES)
    (tmp_path / "edges.csv").write_text("")
    empty = run(tmp_path)
    assert empty.exit_code == 1 and "edges.csv: not a readable CSV file" in one_line(empty)
    (tmp_path / "edges.csv").write_bytes(b"source,target\n\xff\xfe,\x00\x81\n")
    binary = run(tmp_path)
    assert binary.exit_code == 1 and "edges.csv: not a readable CSV file" in one_line(binary)
    (tmp_path / "edges.csv").unlink()
    missing = run(tmp_path)
    assert missing.exit_code == 1 and "edges.csv: file not found" in one_line(missing)
    assert not (tmp_path / "s.json").exists()


def test_an_unknown_layer_names_the_option(tmp_path: Path) -> None:
    edges = EDGES.assign(layer="L1")
    write(tmp_path, NODES, edges)
    result = run(tmp_path, "--layer", "L9")
    assert result.exit_code == 1
    assert "edges.csv: --layer: no edge is in this layer (layers: L1)" in one_line(result)
    assert not (tmp_path / "s.json").exists()
