"""``upstream network analyse`` end to end: outputs, the audit beside the list, bad input."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from tests.network.helpers import AS_OF, frame, link, person
from upstream.cli import app
from upstream.synth.network import synthetic_network

runner = CliRunner()
PURPOSE = "Offer diversion to those doing most harm"
OUTPUTS = {
    "groups.csv",
    "centrality.csv",
    "exposure.csv",
    "exploitation.csv",
    "group_violence.csv",
    "overlap.csv",
    "list.csv",
    "audit.csv",
    "audit.json",
    "summary.json",
}


def run(tmp: Path, links: pd.DataFrame, people: pd.DataFrame, *extra: str):
    links.to_csv(tmp / "links.csv", index=False)
    people.to_csv(tmp / "people.csv", index=False)
    args = [
        "network",
        "analyse",
        "--links",
        str(tmp / "links.csv"),
        "--people",
        str(tmp / "people.csv"),
        "--as-of",
        AS_OF.isoformat(),
        "--purpose",
        PURPOSE,
        "--out",
        str(tmp / "out"),
        *extra,
    ]
    return runner.invoke(app, args)


def test_the_synthetic_network_end_to_end(tmp_path: Path) -> None:
    s = synthetic_network(AS_OF)
    residents = pd.DataFrame(
        [(d, g, c) for d, v in s.residents.items() for g, c in v.items()],
        columns=["dimension", "group", "count"],
    )
    residents.to_csv(tmp_path / "residents.csv", index=False)
    result = run(tmp_path, s.links, s.people, "--residents", str(tmp_path / "residents.csv"))
    assert result.exit_code == 0, result.output
    assert "SYNTHETIC" in result.stdout
    out = tmp_path / "out"
    assert {p.name for p in out.iterdir()} == OUTPUTS
    listed = pd.read_csv(out / "list.csv")
    assert s.truth.victim_hub not in set(listed["person"])
    assert listed["evidence_ids"].notna().all() and listed["review_date"].notna().all()
    audit = json.loads((out / "audit.json").read_text())
    assert audit["purpose"] == PURPOSE and audit["synthetic"] is True
    assert {r["dimension"] for r in audit["table"]} == {"ethnic_group", "age_band", "sex"}
    assert all("residents_share" in r for r in audit["table"])
    flags = pd.read_csv(out / "exploitation.csv")
    assert list(flags.loc[flags["flag"], "person"]) == [s.truth.exploiter]
    # nothing but pseudonyms and derived figures: no column a name could travel in
    for name in OUTPUTS - {"audit.json", "summary.json"}:
        assert not {"name", "address", "dob"} & set(pd.read_csv(out / name).columns)


def test_a_list_like_the_gangs_matrix_warns(tmp_path: Path) -> None:
    when = (AS_OF - timedelta(days=30)).isoformat()
    people = [person(f"B{i}", eth="Black", offences=f"{when}|Robbery|INC-B{i}") for i in range(78)]
    people += [person(f"W{i}", offences=f"{when}|Robbery|INC-W{i}") for i in range(22)]
    people += [
        person(f"S{i}", offences=f"{when}|Possession of weapons|INC-S{i}") for i in range(280)
    ]
    links = [link("B0", "W0")]
    result = run(tmp_path, frame(links), frame(people), "--top", "100")
    assert result.exit_code == 0, result.output
    assert "WARNING: the list over-represents Black (ethnic group)" in result.stdout
    audit = json.loads((tmp_path / "out" / "audit.json").read_text())
    assert audit["listed"] == 100
    assert any("78% of the list" in w for w in audit["audit_warnings"])


def test_bad_links_name_file_line_and_field_and_write_nothing(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "list.csv").write_text("kept\n")
    links = frame([link("P1", "P2"), link("P1", "P3", kind="enemy")])
    people = frame([person("P1"), person("P2"), person("P3")])
    result = run(tmp_path, links, people)
    assert result.exit_code == 1
    assert f"{tmp_path / 'links.csv'}: line 3, kind: not one of" in " ".join(result.stderr.split())
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["list.csv"]
    assert (tmp_path / "out" / "list.csv").read_text() == "kept\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_link_to_an_unknown_person_is_refused(tmp_path: Path) -> None:
    result = run(tmp_path, frame([link("P1", "P9")]), frame([person("P1")]))
    assert result.exit_code == 1
    assert "line 2, b: not a person in" in " ".join(result.stderr.split())
    assert not (tmp_path / "out").exists()


def test_bad_people_and_a_short_purpose(tmp_path: Path) -> None:
    bad = run(
        tmp_path, frame([link("P1", "P2")]), frame([person("P1"), person("P2", eth="Purple")])
    )
    assert bad.exit_code == 1
    assert "people.csv: line 3, ethnic_group: must be one of" in " ".join(bad.stderr.split())
    args = [
        "network",
        "analyse",
        "--links",
        str(tmp_path / "links.csv"),
        "--people",
        str(tmp_path / "people.csv"),
        "--as-of",
        "2025-06-30",
        "--purpose",
        "list",
        "--out",
        str(tmp_path / "out"),
    ]
    frame([person("P1"), person("P2")]).to_csv(tmp_path / "people.csv", index=False)
    short = runner.invoke(app, args)
    assert short.exit_code == 1 and "stated purpose" in short.stderr
    assert not (tmp_path / "out").exists()
    missing = runner.invoke(app, [*args[:3], str(tmp_path / "none.csv"), *args[4:]])
    assert missing.exit_code == 1 and "none.csv: file not found" in " ".join(missing.stderr.split())
