"""The disclosure attack: can a resident work out any suppressed cell from what is published?

The attacker (``attack.py`` beside this file) takes the full published set (every table,
every period: quarters, whole years, the whole span; every geography: MSOA and the whole
area; every offence group) and builds every linear relation a reader could: row, column and
period totals, the same totals differenced across tables, the rounding bounds, the
threshold (a published non-zero count is at least 10) and whole non-negative counts. For
each suppressed cell it finds the least and greatest value it can take (integer
programmes, HiGHS). No cell may be pinned to one value, with rounding (what is published)
or without it (a stronger attacker who knew the exact unsuppressed counts). The control
tests show the attack does recover cells when secondary suppression is switched off, so
these tests can fail.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from tests.account.publish.attack import attack
from upstream.account.publish.policy import DEFAULT_POLICY
from upstream.account.publish.suppress import periods_of, publish_tables
from upstream.account.publish.tables import Counts
from upstream.cli import app

OFFENCES = ("Possession of weapons", "Robbery", "Violence and sexual offences")


def make_counts(cube: np.ndarray, first_year: int = 2023) -> Counts:
    """Counts from an array msoa x offence x quarter (quarters from ``first_year`` Q1)."""
    cube = np.asarray(cube, dtype=np.int64)
    msoas = {f"E0200{i:04d}": f"Test {i:03d}" for i in range(cube.shape[0])}
    offences = OFFENCES[: cube.shape[1]]
    quarters = tuple(f"{first_year + k // 4}Q{k % 4 + 1}" for k in range(cube.shape[2]))
    rows = [
        {"msoa": m, "offence": o, "quarter": q, "n": int(cube[i, j, k])}
        for i, m in enumerate(msoas)
        for j, o in enumerate(offences)
        for k, q in enumerate(quarters)
        if cube[i, j, k]
    ]
    frame = pd.DataFrame(rows, columns=["msoa", "offence", "quarter", "n"])
    return Counts(frame.astype({"n": "int64"}), msoas, offences, quarters)


def _big(shape: tuple[int, int, int], seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(12, 40, size=shape)


def adversarial() -> dict[str, np.ndarray]:
    """Small stores built to tempt differencing."""
    cases = {}
    for seed in range(4):  # sparse: most cells 0 to 9
        rng = np.random.default_rng(seed)
        cases[f"sparse_{seed}"] = rng.poisson(rng.uniform(1.0, 6.0), size=(4, 2, 8))
    one = _big((3, 2, 8), 1)
    one[1, :, 5] = 0
    one[1, 0, 5] = 3  # one small cell in an otherwise large table
    cases["one_small_cell"] = one
    quiet = _big((3, 3, 8), 2)
    quiet[:, :, 6] = 0
    quiet[2, 1, 6] = 4  # a quarter whose whole-area total is 4
    cases["quiet_quarter"] = quiet
    rare = _big((4, 2, 8), 3)
    rare[:, 0, :] = 0
    rare[0, 0, 3] = 1  # one incident of an offence group in two years
    cases["one_incident"] = rare
    lonely = _big((3, 2, 8), 4)
    lonely[2, :, :] = 0
    lonely[2, 1, 7] = 2  # an MSOA with 2 incidents in all, in the last quarter
    cases["lonely_msoa"] = lonely
    return cases


@pytest.mark.parametrize("case", sorted(adversarial()))
def test_no_suppressed_cell_is_recoverable(case: str) -> None:
    counts = make_counts(adversarial()[case])
    published = publish_tables(counts, DEFAULT_POLICY)
    assert published.primary.any(), "the case must have small counts to protect"
    assert published.suppressed[published.primary].all()
    bounds = attack(published.frames, base=5)
    shown_c = sum(int((f["incidents"] == "[c]").sum()) for f in published.frames.values())
    assert len(bounds) == shown_c > 0
    assert [b for b in bounds if b.recovered] == []
    # a stronger attacker, given the exact (unrounded) counts, recovers nothing either
    exact = publish_tables(counts, DEFAULT_POLICY, rounding=False)
    assert [b for b in attack(exact.frames, base=1) if b.recovered] == []


@pytest.mark.parametrize("case", ["one_small_cell", "quiet_quarter", "lonely_msoa"])
def test_the_attack_recovers_cells_when_secondary_suppression_is_off(case: str) -> None:
    counts = make_counts(adversarial()[case])
    naked = publish_tables(counts, DEFAULT_POLICY, secondary=False, rounding=False)
    recovered = [b for b in attack(naked.frames, base=1) if b.recovered]
    assert recovered, "without secondary suppression differencing must give a cell away"
    frames = naked.frames
    for b in recovered:  # and what it recovers is the true small count
        row = frames[b.table].iloc[b.row]
        key = _key(b.table, row, counts)
        assert int(b.low) == int(naked.values[naked.keys.index(key)])


def _key(table: str, row: pd.Series, counts: Counts) -> tuple[str, str | None, tuple[str, ...]]:
    span = periods_of(counts.quarters)[row["period"]]
    if table == "incidents_by_msoa_quarter":
        code = row["msoa_code"]
        return ("", None, span) if code == "ALL" else ("msoa", code, span)
    group = row["offence_group"]
    return ("", None, span) if group == "ALL" else ("offence", group, span)


def test_one_small_cell_is_recovered_by_differencing_periods_alone() -> None:
    """With the whole-area rows left out, the MSOA's year total alone gives the cell away
    (its other quarters are all published)."""
    cube = _big((3, 1, 4), 5)
    cube[0, 0, 2] = 6
    counts = make_counts(cube)
    naked = publish_tables(counts, DEFAULT_POLICY, secondary=False, rounding=False)
    one_table = {"incidents_by_msoa_quarter": naked.frames["incidents_by_msoa_quarter"]}
    frame = one_table["incidents_by_msoa_quarter"]
    # drop the whole-area rows: only period totals are left to difference
    one_table["incidents_by_msoa_quarter"] = frame[frame["msoa_code"] != "ALL"].reset_index(
        drop=True
    )
    bounds = attack(one_table, base=1)
    assert [(b.low, b.high) for b in bounds if b.recovered] == [(6.0, 6.0)]


def test_published_demo_like_store_resists_the_attack(tmp_path: Path, small_store: Path) -> None:
    """End to end: ``upstream publish`` on a small synthetic store, the attack on its CSVs."""
    out = tmp_path / "open"
    result = CliRunner().invoke(app, ["publish", "--out", str(out)])
    assert result.exit_code == 0, result.output

    manifest = json.loads((out / "manifest.json").read_text())
    frames = {
        e["file"].removesuffix(".csv"): pd.read_csv(out / e["file"], dtype=str)
        for e in manifest["files"]
        if not e["published_as_is"]
    }
    assert frames and any((f["incidents"] == "[c]").any() for f in frames.values())
    assert [b for b in attack(frames, base=5) if b.recovered] == []


def _two_releases(cube: np.ndarray, *, rounding: bool, remember: bool) -> dict[str, pd.DataFrame]:
    """A release one quarter short, then the next quarter's release (with or without the
    ledger of the first): every frame of both, as a resident who kept the first would hold."""
    first = publish_tables(make_counts(cube[:, :, :-1]), DEFAULT_POLICY, rounding=rounding)
    second = publish_tables(
        make_counts(cube),
        DEFAULT_POLICY,
        rounding=rounding,
        earlier=first.ledger if remember else None,
    )
    return {
        **{f"first/{n}": f for n, f in first.frames.items()},
        **{f"second/{n}": f for n, f in second.frames.items()},
    }


@pytest.mark.parametrize("case", sorted(adversarial()))
def test_no_cell_is_recoverable_by_differencing_two_releases(case: str) -> None:
    """The second release remembers the first (the ledger): its ALL over one more quarter,
    its suppressions and the first's, together, give nothing away."""
    cube = adversarial()[case]
    both = _two_releases(cube, rounding=True, remember=True)
    assert [b for b in attack(both, base=5) if b.recovered] == []
    exact = _two_releases(cube, rounding=False, remember=True)
    assert [b for b in attack(exact, base=1) if b.recovered] == []


def test_two_releases_without_the_ledger_give_cells_away() -> None:
    """The control: each release alone is safe, but without the ledger their suppressions
    differ and differencing them recovers cells (so the test above can fail)."""
    recovered = sum(
        len([b for b in attack(_two_releases(cube, rounding=False, remember=False), base=1)
             if b.recovered])
        for cube in adversarial().values()
    )  # fmt: skip
    assert recovered > 0
    sparse = _two_releases(adversarial()["sparse_3"], rounding=True, remember=False)
    assert [b for b in attack(sparse, base=5) if b.recovered] != []
