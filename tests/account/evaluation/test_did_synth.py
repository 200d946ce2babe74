"""Difference-in-differences and synthetic control: against statsmodels and hand
computation, on constructed series with known answers, on the real spring-2020 shock, and
through the CLI (bad comparison files refused naming file, line and field)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf
from typer.testing import CliRunner

from upstream.account.evaluation.areas import borough_deprivation, london_panel
from upstream.account.evaluation.did import fit_did, match_comparisons
from upstream.account.evaluation.panel import read_panel
from upstream.account.evaluation.series import SeriesError
from upstream.account.evaluation.synthcontrol import fit_synth, synth_weights
from upstream.cli import app
from upstream.config import get_settings

MONTHS = pd.period_range("2018-01", periods=36, freq="M")
IDX = MONTHS.astype(str)
START = "2020-01"


def test_two_area_did_is_the_ratio_of_ratios() -> None:
    rng = np.random.default_rng(4)
    t = pd.Series(rng.poisson(30, 36), index=IDX)
    c = pd.DataFrame({"c": rng.poisson(50, 36)}, index=IDX)
    res = fit_did(t, c, START)
    post = IDX >= START
    by_hand = (t[post].sum() / t[~post].sum()) / (c["c"][post].sum() / c["c"][~post].sum())
    assert res.rate_ratio == pytest.approx(by_hand, rel=1e-6)


def test_did_matches_statsmodels_formula_fit() -> None:
    rng = np.random.default_rng(8)
    t = pd.Series(rng.poisson(25, 36), index=IDX)
    pool = pd.DataFrame({f"a{i}": rng.poisson(20 + 5 * i, 36) for i in range(4)}, index=IDX)
    res = fit_did(t, pool, START)
    long = pool.assign(T=t).rename_axis("month").reset_index().melt("month", var_name="area")
    long["effect"] = ((long["area"] == "T") & (long["month"] >= START)).astype(float)
    ref = smf.glm("value ~ C(area) + C(month) + effect", long, family=sm.families.Poisson())
    fit = ref.fit(scale="X2")
    assert res.rate_ratio == pytest.approx(math.exp(fit.params["effect"]), rel=1e-6)
    se = (math.log(res.ci_high) - math.log(res.ci_low)) / (2 * 1.959964)
    phi = fit.scale
    expected_se = fit.bse["effect"] if phi > 1 else fit.bse["effect"] / math.sqrt(phi)
    assert se == pytest.approx(expected_se, rel=1e-4)


def test_did_recovers_a_known_effect_with_honest_intervals() -> None:
    rng = np.random.default_rng(21)
    hits, reps = 0, 40
    season = 1 + 0.2 * np.cos(2 * np.pi * MONTHS.month / 12)
    for _ in range(reps):
        base = 20 * season
        t = pd.Series(rng.poisson(base * np.where(IDX >= START, 0.7, 1.0)), index=IDX)
        pool = pd.DataFrame({f"a{i}": rng.poisson(base * (1 + i / 4)) for i in range(6)}, IDX)
        res = fit_did(t, pool, START)
        hits += res.ci_low <= 0.7 <= res.ci_high
    assert hits / reps >= 0.85


def test_matching_prefers_the_same_trend_and_deprivation() -> None:
    years = np.arange(36) / 12
    t = pd.Series(np.round(30 * 1.2**years), index=IDX)
    pool = pd.DataFrame(
        {"rising": np.round(40 * 1.2**years), "flat": np.full(36, 30.0),
         "falling": np.round(30 * 0.8**years), "rising_rich": np.round(20 * 1.2**years)},
        index=IDX,
    )  # fmt: skip
    assert match_comparisons(t, pool, START, k=1)[0] in {"rising", "rising_rich"}
    dep = pd.Series({"rising": 100.0, "flat": 100.0, "falling": 100.0, "rising_rich": 900.0})
    assert match_comparisons(t, pool, START, k=1, deprivation=dep, treated_deprivation=100.0) == [
        "rising"
    ]


def test_synthetic_control_recovers_weights_and_effect() -> None:
    rng = np.random.default_rng(2)
    donors = pd.DataFrame({f"d{i}": rng.poisson(40, 36).astype(float) + 20 for i in range(5)}, IDX)
    scaled = donors / donors[IDX < START].mean()
    w = np.array([0.6, 0.4, 0, 0, 0])
    treated = scaled.to_numpy() @ w * 50
    treated = pd.Series(treated * np.where(IDX >= START, 0.5, 1.0), index=IDX)
    res = fit_synth(treated, donors, START)
    assert res.weights["d0"] == pytest.approx(0.6, abs=0.02)
    assert res.rate_ratio == pytest.approx(0.5, abs=0.02)
    assert res.pre_rmspe < 0.02
    assert res.ci_low is None  # 5 donors: too few placebos for an interval
    assert synth_weights(np.array([1.0, 2.0]), np.eye(2)).sum() == pytest.approx(1.0)


def test_spring_2020_against_london_is_shared_not_local() -> None:
    """Robbery fell across London in April-June 2020: against the other boroughs, Waltham
    Forest's fall is not distinguishable (the lockdown was everywhere)."""
    london = get_settings().bundled_data / "london"
    panel = london_panel(london / "mps_borough_monthly.parquet", "Robbery", "2016-01", "2020-06")
    assert "Unknown" not in panel.columns and len(panel.columns) == 32
    treated = panel.pop("Waltham Forest")
    dep = borough_deprivation(london / "london_imd2019_lsoa11.csv")
    chosen = match_comparisons(treated, panel, "2020-04", deprivation=dep,
                               treated_deprivation=float(dep["Waltham Forest"]))  # fmt: skip
    did = fit_did(treated, panel[chosen], "2020-04")
    assert did.ci_low < 1 < did.ci_high
    synth = fit_synth(treated, panel, "2020-04")
    assert synth.p_value > 0.1 and synth.ci_low is not None
    # while London as a whole fell by about half
    post = panel.index >= "2020-04"
    assert panel[post].sum().sum() / 3 < 0.7 * panel["2019-04":"2019-06"].sum().sum() / 3


def _write(path: Path, header: str, rows: list[str]) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def test_panel_reader_names_bad_rows(tmp_path: Path) -> None:
    rows = [f"{m},A,{i}" for i, m in enumerate(IDX)] + [f"{m},B,3" for m in IDX]
    good = read_panel(_write(tmp_path / "ok.csv", "month,area,count", rows), MONTHS)
    assert list(good.columns) == ["A", "B"] and good["A"].iloc[5] == 5
    cases = [
        (rows[:-1], "area 'B' has no row for 2020-12"),
        ([*rows, f"{IDX[3]},A,1"], "line 74, field 'month': A 2018-04 appears twice"),
        ([rows[0].replace(",0", ",-2"), *rows[1:]], "line 2, field 'count': -2 is negative"),
        ([rows[0].replace(",A,", ",,"), *rows[1:]], "line 2, field 'area': empty"),
    ]
    for bad, words in cases:
        path = _write(tmp_path / "bad.csv", "month,area,count", bad)
        with pytest.raises(SeriesError, match=words):
            read_panel(path, MONTHS)


def test_did_and_synth_cli(tmp_path: Path) -> None:
    rng = np.random.default_rng(6)
    counts = _write(tmp_path / "t.csv", "month,count",
                    [f"{m},{rng.poisson(30 if m < START else 15)}" for m in IDX])  # fmt: skip
    comp = _write(tmp_path / "c.csv", "month,area,count",
                  [f"{m},{a},{rng.poisson(30)}" for a in "ABCDEF" for m in IDX])  # fmt: skip
    dep = _write(tmp_path / "d.csv", "area,deprivation",
                 [f"{a},{i}" for i, a in enumerate("ABCDEFT")])  # fmt: skip
    runner = CliRunner()
    out = tmp_path / "did.json"
    res = runner.invoke(app, ["evaluate", "did", "--counts", str(counts), "--comparisons",
                              str(comp), "--start", START, "--out", str(out), "--deprivation",
                              str(dep), "--area", "T", "--k", "3"])  # fmt: skip
    assert res.exit_code == 0, res.output
    did = json.loads(out.read_text())
    assert did["ci_high"] < 1 and len(did["comparisons"]) == 3
    out = tmp_path / "synth.json"
    res = runner.invoke(app, ["evaluate", "synth", "--counts", str(counts), "--comparisons",
                              str(comp), "--start", START, "--out", str(out)])  # fmt: skip
    assert res.exit_code == 0, res.output
    assert json.loads(out.read_text())["rate_ratio"] < 0.75
    res = runner.invoke(app, ["evaluate", "did", "--counts", str(counts), "--comparisons",
                              str(comp), "--start", START, "--out", str(out), "--deprivation",
                              str(dep), "--area", "Z"])  # fmt: skip
    assert res.exit_code == 1 and "no row for the treated area 'Z'" in res.output
    partial = _write(tmp_path / "d2.csv", "area,deprivation", ["A,1", "T,2"])
    res = runner.invoke(app, ["evaluate", "did", "--counts", str(counts), "--comparisons",
                              str(comp), "--start", START, "--out", str(out), "--deprivation",
                              str(partial), "--area", "T"])  # fmt: skip
    assert res.exit_code == 1 and "no row for the comparison area 'B'" in res.output


def test_borough_cli_refuses_unknown_names(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "b.json"
    base = ["evaluate", "borough", "--start", "2020-04", "--out", str(out)]
    res = runner.invoke(app, [*base, "--borough", "Gotham", "--series", "Robbery"])
    assert res.exit_code == 1 and "'Gotham' is not a borough" in res.output
    res = runner.invoke(app, [*base, "--borough", "Waltham Forest", "--series", "Arson"])
    assert res.exit_code == 1 and "no series 'Arson'" in res.output
    assert not out.exists()
