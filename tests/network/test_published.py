"""Published criminal networks (``data/networks``, cited in its SOURCES.md): the figures the
authors give, reproduced by ``upstream network stats``; the London gang's birthplaces run
through the composition audit and checked against Wilson and Katz intervals worked by hand.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest
from typer.testing import CliRunner

from upstream.cli import app
from upstream.config import PROJECT_ROOT
from upstream.network.audit import audit_table, person_dimensions

DATA = PROJECT_ROOT / "data" / "networks"
runner = CliRunner()
Z = 1.959963984540054  # the 97.5% point of the standard normal


def stats(tmp: Path, name: str, *extra: str) -> dict[str, object]:
    out = tmp / f"{name}.json"
    args = ["network", "stats", "--nodes", str(DATA / f"{name}_nodes.csv")]
    args += ["--edges", str(DATA / f"{name}_edges.csv"), "--out", str(out), *extra]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    figures: dict[str, object] = json.loads(out.read_text())
    return figures


def test_the_london_gang_as_the_contract_calls_it(tmp_path: Path) -> None:
    """Grund & Densley (2015, 2012): 54 members and 315 co-offending ties. Called exactly as
    the independent checks call it: the installed ``upstream`` command in a new process."""
    out = tmp_path / "stats.json"
    command = Path(sys.executable).with_name("upstream")
    args = [str(command), "network", "stats", "--nodes", str(DATA / "london_gang_nodes.csv")]
    args += ["--edges", str(DATA / "london_gang_edges.csv"), "--out", str(out)]
    done = subprocess.run(args, capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 0, done.stderr
    s = json.loads(out.read_text())
    assert (s["nodes"], s["edges"]) == (54, 315)
    assert s["density"] == pytest.approx(315 / (54 * 53 / 2), abs=1e-6)  # 0.2201
    assert s["components"] == 1 and s["isolates"] == 0
    assert s["self_loops_dropped"] == 0 and s["duplicate_edges_merged"] == 0
    # transitivity from the graph itself, counted independently of networkx.transitivity
    edges = pd.read_csv(DATA / "london_gang_edges.csv", dtype=str)
    graph = nx.Graph(zip(edges["source"], edges["target"], strict=True))
    triangles = sum(nx.triangles(graph).values()) / 3
    triples = sum(d * (d - 1) / 2 for _, d in graph.degree())
    assert s["transitivity"] == pytest.approx(3 * triangles / triples, abs=1e-6)
    # the four tie strengths of the codebook add up to the total weight: 182 + 2*92 + 3*25 + 4*16
    assert s["total_weight"] == 182 + 2 * 92 + 3 * 25 + 4 * 16


# Morselli (2009), appendix, as described by the Manchester collection: 110 participants in
# the whole CAVIAR network; participants in each of the 11 phases of the investigation.
CAVIAR_PHASES = {1: 15, 2: 24, 3: 33, 4: 33, 5: 32, 6: 27, 7: 34, 8: 42, 9: 34, 10: 42, 11: 41}


def test_caviar_whole_network_and_phases(tmp_path: Path) -> None:
    whole = stats(tmp_path, "caviar", "--layer", "CAVIAR_FULL")
    assert whole["nodes"] == 110 and whole["components"] == 1
    for phase, participants in CAVIAR_PHASES.items():
        figures = stats(tmp_path, "caviar", "--layer", f"CAVIAR{phase}")
        assert figures["nodes"] == participants, f"phase {phase}"
    merged = stats(tmp_path, "caviar")
    # every layer merged: a tie seen in several phases is one edge, and the two people who
    # appear in phase 7 only (not in CAVIAR_FULL) are nodes too
    assert merged["layers_merged"] is True and merged["nodes"] == 112
    assert merged["edge_rows"] == 687
    assert merged["edges"] + merged["duplicate_edges_merged"] == 687


@pytest.mark.parametrize(
    ("name", "nodes", "source"),
    [
        ("cielnet", 25, "Morselli 2009: Project Ciel, 25 participants"),
        ("cocaine_dealing_natarajan", 28, "Natarajan 2000: 28 people"),
        ("heroin_dealing_natarajan", 38, "Natarajan 2006: 38 people"),
        ("montreal_street_gangs", 35, "Descormiers & Morselli 2011: 35 gangs"),
    ],
)
def test_published_sizes(tmp_path: Path, name: str, nodes: int, source: str) -> None:
    assert stats(tmp_path, name)["nodes"] == nodes, source


def wilson(k: int, n: int) -> tuple[float, float]:
    """The Wilson score interval written out (not the project's implementation)."""
    p = k / n
    centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z / (1 + Z * Z / n) * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n))
    return centre - half, centre + half


def katz(k1: int, n1: int, k2: int, n2: int) -> tuple[float, float, float, float]:
    """The Katz log interval of a ratio of shares, and its one-sided p (no zero counts)."""
    ratio = (k1 / n1) / (k2 / n2)
    se = math.sqrt(1 / k1 - 1 / n1 + 1 / k2 - 1 / n2)
    p = 0.5 * math.erfc(math.log(ratio) / se / math.sqrt(2))
    return ratio, ratio * math.exp(-Z * se), ratio * math.exp(Z * se), p


def test_the_gangs_top_ten_by_degree_audited_by_birthplace() -> None:
    """The ten best-connected members (a clean cut: the 10th has degree 22, the 11th 21)
    audited against the whole gang, birthplace as the group."""
    nodes = pd.read_csv(DATA / "london_gang_nodes.csv", dtype=str)
    edges = pd.read_csv(DATA / "london_gang_edges.csv", dtype=str)
    graph = nx.Graph(zip(edges["source"], edges["target"], strict=True))
    ranked = sorted(graph.degree(), key=lambda nd: (-nd[1], int(nd[0])))
    assert ranked[9][1] == 22 and ranked[10][1] == 21
    top = [n for n, _ in ranked[:10]]
    people = pd.DataFrame(
        {
            "id": nodes["node_id"],
            "age": nodes["Age"].astype(int),
            "ethnic_group": nodes["birthplace_label"],
            "sex": "not known",
        }
    )
    audit = audit_table(top, person_dimensions(people), {"suspects": list(nodes["node_id"])})
    rows = audit.table[audit.table["dimension"] == "ethnic_group"].set_index("group")
    # counts from the data: whole gang 24 UK, 12 West Africa, 12 Caribbean, 6 East Africa;
    # top ten 3 West Africa, 3 East Africa, 2 UK, 2 Caribbean
    base = {"UK": 24, "West Africa": 12, "Caribbean": 12, "East Africa": 6}
    listed = {"UK": 2, "West Africa": 3, "Caribbean": 2, "East Africa": 3}
    assert rows["suspects_n"].to_dict() == base and rows["list_n"].to_dict() == listed
    for group in base:
        row = rows.loc[group]
        assert (row["list_lo"], row["list_hi"]) == pytest.approx(wilson(listed[group], 10))
        ratio, lo, hi, _ = katz(listed[group], 10, base[group], 54)
        assert (row["suspects_ratio"], row["suspects_ratio_lo"], row["suspects_ratio_hi"]) == (
            pytest.approx((ratio, lo, hi))
        )
    # East Africa worked through by hand: 3/10 against 6/54 is a ratio of 2.7;
    # se = sqrt(1/3 - 1/10 + 1/6 - 1/54) = 0.6176, so 2.7 * exp(-/+ 1.96 * 0.6176)
    east = rows.loc["East Africa"]
    assert east["list_lo"] == pytest.approx(0.1078, abs=1e-4)
    assert east["list_hi"] == pytest.approx(0.6032, abs=1e-4)
    assert east["suspects_ratio"] == pytest.approx(2.7)
    assert east["suspects_ratio_lo"] == pytest.approx(0.8047, abs=1e-4)
    assert east["suspects_ratio_hi"] == pytest.approx(9.0594, abs=1e-4)
    # one-sided p = 1 - Phi(log 2.7 / 0.6176) = 0.0539; Holm over the 7 groups tested (4
    # birthplaces, 3 age bands; sex is "not known" for all, so no test): 7 x 0.0539
    assert east["suspects_p"] == pytest.approx(katz(3, 10, 6, 54)[3])
    assert east["suspects_p"] == pytest.approx(0.0539, abs=1e-4)
    tested = audit.table["suspects_p"].notna()
    assert int(tested.sum()) == 7
    assert east["suspects_p_holm"] == pytest.approx(7 * east["suspects_p"])
    # the smallest p is East Africa's, and 0.377 is far from 0.025: no warning
    assert audit.table.loc[audit.table["suspects_p"].idxmin(), "group"] == "East Africa"
    assert audit.warnings == () and not audit.table["over_represented"].any()
