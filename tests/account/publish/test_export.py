"""``upstream publish --out DIR``: the contract on every count cell, the manifest, atomic writes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from tests.account.publish.test_attack import adversarial, make_counts
from upstream.account.publish.policy import DEFAULT_POLICY
from upstream.account.publish.suppress import publish_tables
from upstream.cli import app

NUMBER = re.compile(r"^(0|[1-9][0-9]*)$")


def contract_breaches(out: Path) -> list[str]:
    """Every count cell of every file the manifest lists that breaks the contract."""
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    bad = []
    for entry in manifest["files"]:
        frame = pd.read_csv(out / entry["file"], dtype=str, keep_default_na=False)
        assert set(entry["count_columns"]) <= set(frame.columns)
        if entry["published_as_is"]:
            continue
        for column in entry["count_columns"]:
            for value in frame[column]:
                ok = value == "[c]" or (
                    NUMBER.match(value) is not None
                    and (int(value) == 0 or (int(value) >= 10 and int(value) % 5 == 0))
                )
                if not ok:
                    bad.append(f"{entry['file']}:{column}:{value}")
    return bad


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["publish", *args])
    return result.exit_code, result.stdout, result.stderr


def test_publish_keeps_the_contract_on_a_small_store(tmp_path: Path, small_store: Path) -> None:
    out = tmp_path / "open"
    code, stdout, _ = run("--out", str(out))
    assert code == 0 and "SYNTHETIC" in stdout
    manifest = json.loads((out / "manifest.json").read_text())
    files = [e["file"] for e in manifest["files"]]
    assert files == ["incidents_by_msoa_quarter.csv", "incidents_by_offence_quarter.csv"]
    assert all(e["count_columns"] == ["incidents"] for e in manifest["files"])
    assert manifest["synthetic"] is True and manifest["policy"]["threshold"] == 10
    assert any("police.uk" in note for note in manifest["notes"])  # none loaded here
    msoa = pd.read_csv(out / files[0], dtype=str)
    assert (msoa["incidents"] == "[c]").sum() > 20  # a thin store: many small counts
    assert contract_breaches(out) == []
    assert sorted(p.name for p in out.iterdir()) == sorted([*files, "manifest.json"])


def test_publish_again_gives_the_same_files(tmp_path: Path, small_store: Path) -> None:
    out = tmp_path / "open"
    assert run("--out", str(out))[0] == 0
    first = {p.name: p.read_bytes() for p in out.glob("*.csv")}
    assert run("--out", str(out))[0] == 0
    assert {p.name: p.read_bytes() for p in out.glob("*.csv")} == first


@pytest.mark.parametrize("case", sorted(adversarial()))
def test_every_published_cell_is_zero_or_at_least_ten_rounded(case: str) -> None:
    published = publish_tables(make_counts(adversarial()[case]), DEFAULT_POLICY)
    shown = ~published.suppressed
    assert not (published.primary & shown).any()
    assert ((published.values[shown] == 0) | (published.values[shown] >= 10)).all()
    for frame in published.frames.values():
        cells = frame["incidents"]
        numbers = cells[cells != "[c]"].astype(int)
        assert ((numbers == 0) | ((numbers >= 10) & (numbers % 5 == 0))).all()


def test_a_refused_policy_writes_nothing_and_names_file_and_key(
    tmp_path: Path, small_store: Path
) -> None:
    out = tmp_path / "open"
    assert run("--out", str(out))[0] == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    policy = tmp_path / "loose.toml"
    text = (Path(__file__).parents[3] / "src/upstream/account/publish/disclosure.toml").read_text()
    policy.write_text(text.replace("threshold = 10", "threshold = 3"))
    code, stdout, stderr = run("--out", str(out), "--policy", str(policy))
    assert code == 1 and stdout == ""
    assert f"{policy}: [counts] threshold: 3 would publish counts from 3 to 9" in stderr
    assert len(stderr.strip().splitlines()) == 1
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_an_output_path_that_cannot_be_written_is_one_line(
    tmp_path: Path, small_store: Path
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    code, _, stderr = run("--out", str(blocker))
    assert code == 1 and "cannot write the open data" in stderr and str(blocker) in stderr
    assert blocker.read_text() == "not a folder"


def test_the_ledger_records_every_release_without_counts(tmp_path: Path, small_store: Path) -> None:
    assert run("--out", str(tmp_path / "a"))[0] == 0
    ledger = json.loads((small_store / "open-data" / "ledger.json").read_text())
    nodes = ledger["nodes"]
    assert nodes and all(set(n) == {"dim", "value", "quarters", "suppressed"} for n in nodes)
    assert any(n["suppressed"] for n in nodes) and not all(n["suppressed"] for n in nodes)
    # a second release elsewhere follows the first's suppressions exactly
    assert run("--out", str(tmp_path / "b"))[0] == 0
    for name in ("incidents_by_msoa_quarter.csv", "incidents_by_offence_quarter.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_an_unreadable_ledger_stops_the_release(tmp_path: Path, small_store: Path) -> None:
    ledger = small_store / "open-data" / "ledger.json"
    ledger.parent.mkdir(parents=True, exist_ok=True)
    ledger.write_text("{not json")
    code, _, stderr = run("--out", str(tmp_path / "open"))
    assert code == 1 and f"{ledger}: cannot read what was published before" in stderr
    assert not (tmp_path / "open").exists()
