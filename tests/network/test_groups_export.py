"""The board export: group-level tables only, small counts suppressed, no person in any cell."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from tests.network.helpers import AS_OF, frame, link, person
from upstream.area import definitions_from_settings
from upstream.cli import app
from upstream.config import get_settings
from upstream.network.analysis import groups
from upstream.network.graph import build_graph
from upstream.network.groups_export import SMALLER, board_tables
from upstream.network.links import active_links, validate_links
from upstream.network.people import validate_people
from upstream.synth.network import synthetic_network

runner = CliRunner()
A = [f"P{i}" for i in range(1, 8)]  # 7 people: ages 16, 17, 20-24
B = [f"P{i}" for i in range(8, 13)]  # 5 people, all 20: 3 female, 2 male


def day(days_ago: int) -> str:
    return (AS_OF - timedelta(days=days_ago)).isoformat()


def network() -> tuple[pd.DataFrame, pd.DataFrame]:
    rows = [link(x, y, ref=f"INC-{x}{y}") for i, x in enumerate(A) for y in A[i + 1 :]]
    rows += [
        link(x, y, kind="friend", ref=f"REC-{x}{y}") for i, x in enumerate(B) for y in B[i + 1 :]
    ]
    # P7 (24) and the two children of A share two more incidents: an exploitation flag
    rows += [link("P7", "P1", ref="INC-X1"), link("P7", "P2", ref="INC-X2")]
    # six people of A harm someone in B (victim first), one person of B harms P3 once
    rows += [link(B[i % 5], A[i], kind="victim_suspect", ref=f"INC-V{i}") for i in range(6)]
    rows += [link("P3", "P9", kind="victim_suspect", ref="INC-W1")]
    rows += [link("P13", "P14", kind="friend", ref="REC-S1")]  # a pair, and P15 alone
    ages = [16, 17, 20, 21, 22, 23, 24]
    offences = [f"{day(40)}|Robbery|INC-R{i}" for i in range(5)]
    old = f"{day(800)}|Robbery|INC-OLD"  # outside the 24-month window
    people = [
        person(p, age=a, offences=offences[i] if i < 5 else (old if i == 5 else ""))
        for i, (p, a) in enumerate(zip(A, ages, strict=True))
    ]
    people += [person(p, age=20, sex="FFFMM"[i], harmed=day(100)) for i, p in enumerate(B)]
    people += [person(p, age=30) for p in ("P13", "P14", "P15")]
    return frame(rows), frame(people)


def test_the_group_table_by_hand() -> None:
    links, people = network()
    valid_links, valid_people = validate_links(links), validate_people(people)
    active = active_links(valid_links, AS_OF)
    graph = build_graph(active, valid_people["id"])
    membership = groups(graph, seed=0)
    definitions = definitions_from_settings(get_settings())
    export = board_tables(graph, membership, valid_people, active, definitions, AS_OF)
    table = export.groups.set_index("group")
    assert list(table.index) == ["group 1", "group 2", SMALLER]
    a, b, small = table.loc["group 1"], table.loc["group 2"], table.loc[SMALLER]
    # group 1 (A): 7 people, 5 robberies in the window by 5 offenders (weight 100 each),
    # one adult flagged (1 is shown as [c]); ages 2 under 18 and 5 aged 18-24: the 2 is
    # suppressed and so is the 5, which would give it away (7 - 5)
    assert (a["people"], a["offenders"], a["offences"]) == ("7", "5", "5")
    assert a["harm_weighted_offences"] == "500.0"
    assert (a["harmed_last_12_months"], a["exploitation_flags"]) == ("0", "[c]")
    assert (a["10-17"], a["18-24"], a["25-34"], a["under 10"]) == ("[c]", "[c]", "0", "0")
    assert (a["male"], a["female"]) == ("7", "0")
    # group 2 (B): 5 people, all harmed in the last 12 months; 3 female and 2 male, both
    # under 5 so both hidden; one offence-free group shows zeros
    assert (b["people"], b["harmed_last_12_months"], b["offenders"]) == ("5", "5", "0")
    assert (b["female"], b["male"], b["18-24"]) == ("[c]", "[c]", "5")
    assert b["harm_weighted_offences"] == "0.0"
    # the pair and the lone person are pooled: 3 people in 2 groups, shown as [c]
    assert (small["groups_pooled"], small["people"], small["25-34"]) == ("2", "[c]", "[c]")
    harm = export.harm.set_index(["from_group", "to_group"])["incidents"].to_dict()
    assert harm == {("group 1", "group 2"): "6", ("group 2", "group 1"): "[c]"}
    assert export.summary["groups"] == 2 and export.summary["smaller_groups_pooled"] == 2


def test_a_few_offenders_hide_their_offences() -> None:
    links, people = network()
    rows = people.to_dict("records")
    for r in rows:  # only P1 and P2 offend now, ten robberies between them
        r["offences"] = ""
    robberies = [f"{day(10 + i)}|Robbery|INC-Q{i}" for i in range(10)]
    rows[0]["offences"] = ";".join(robberies[:5])
    rows[1]["offences"] = ";".join(robberies[5:])
    valid_people = validate_people(frame(rows))
    active = active_links(validate_links(links), AS_OF)
    graph = build_graph(active, valid_people["id"])
    definitions = definitions_from_settings(get_settings())
    export = board_tables(
        graph, groups(graph), valid_people, active, definitions, AS_OF
    ).groups.set_index("group")
    assert export.loc["group 1", "offenders"] == "[c]"
    assert export.loc["group 1", "offences"] == "[c]"  # 10, but of only two people
    assert export.loc["group 1", "harm_weighted_offences"] == "[c]"


def leaves(value: object) -> list[str]:
    """Every key and value of a JSON document, as text."""
    if isinstance(value, dict):
        return [t for k, v in value.items() for t in (str(k), *leaves(v))]
    if isinstance(value, list):
        return [t for v in value for t in leaves(v)]
    return [str(value)]


def cells(out: Path) -> list[str]:
    found: list[str] = []
    for path in out.iterdir():
        if path.suffix == ".csv":
            table = pd.read_csv(path, dtype=str, keep_default_na=False)
            found += [*table.columns, *table.to_numpy().ravel().tolist()]
        else:
            found += leaves(json.loads(path.read_text()))
    return found


def run(tmp: Path, links: pd.DataFrame, people: pd.DataFrame):
    links.to_csv(tmp / "links.csv", index=False)
    people.to_csv(tmp / "people.csv", index=False)
    args = ["network", "board", "--links", str(tmp / "links.csv"), "--people"]
    args += [str(tmp / "people.csv"), "--as-of", AS_OF.isoformat(), "--out", str(tmp / "out")]
    return runner.invoke(app, args)


def test_no_person_or_evidence_id_in_any_output_cell(tmp_path: Path) -> None:
    s = synthetic_network(AS_OF)
    result = run(tmp_path, s.links, s.people)
    assert result.exit_code == 0, result.output
    out = tmp_path / "out"
    assert sorted(p.name for p in out.iterdir()) == [
        "board.json",
        "groups.csv",
        "harm_between_groups.csv",
    ]
    ids = set(s.people["id"])
    evidence = {e for cell in s.links["evidence_ids"] for e in str(cell).split(";") if e}
    every = cells(out)
    assert len(every) > 100
    leaked = [c for c in every if any(i in c for i in ids | evidence)]
    assert leaked == []
    table = pd.read_csv(out / "groups.csv", dtype=str, keep_default_na=False)
    shown = table["people"][table["people"] != "[c]"].str.replace(",", "").astype(int)
    assert shown.sum() <= len(s.people) and (shown >= 5).all()
    summary = json.loads((out / "board.json").read_text())
    assert summary["people"] == len(s.people) and summary["synthetic"] is True
    assert "SYNTHETIC data" in result.stdout


def test_bad_input_writes_nothing(tmp_path: Path) -> None:
    links, people = network()
    bad = people.copy()
    bad.loc[3, "age"] = "old"
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "groups.csv").write_text("kept\n")
    result = run(tmp_path, links, bad)
    assert result.exit_code == 1
    assert "people.csv: line 5, age: not an age" in " ".join(result.stderr.split())
    assert (tmp_path / "out" / "groups.csv").read_text() == "kept\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
