"""Weighted estimates against hand computation, statsmodels and the samplics survey package."""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint
from statsmodels.stats.weightstats import DescrStatsW
from typer.testing import CliRunner

from tests.account.survey.helpers import respondent, write
from upstream.account.survey import estimate_table, weighted_proportion
from upstream.account.survey.estimates import kish_n_eff
from upstream.cli import app
from upstream.config import Settings

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # samplics warns it is archived (it is the reference only)
    from samplics.estimation import TaylorEstimator
    from samplics.utils.types import PopParam

runner = CliRunner()


def test_a_small_example_by_hand() -> None:
    # weights 1,2,3,4; the 1st and 3rd count: p = (1 + 3) / 10
    est = weighted_proportion(np.array([1, 0, 1, 0], bool), np.array([1.0, 2, 3, 4]))
    assert est.estimate == pytest.approx(0.4)
    assert est.n == 4
    assert est.n_eff == pytest.approx(100 / 30)  # (1+2+3+4)^2 / (1+4+9+16)
    # linearised: w(y - p) = 0.6, -0.8, 1.8, -1.6; squares sum to 6.8
    assert est.se_linear == pytest.approx(math.sqrt(4 / 3 * 6.8) / 10)
    assert est.se_kish == pytest.approx(math.sqrt(0.4 * 0.6 / (10 / 3)))
    low, high = proportion_confint(0.4 * 10 / 3, 10 / 3, method="wilson")
    assert (est.ci_low, est.ci_high) == (pytest.approx(low), pytest.approx(high))
    assert est.small


def test_equal_weights_give_the_plain_wilson_interval() -> None:
    y = np.array([True] * 30 + [False] * 70)
    est = weighted_proportion(y, np.full(100, 2.5))
    assert est.n_eff == pytest.approx(100)
    low, high = proportion_confint(30, 100, method="wilson")
    assert (est.ci_low, est.ci_high) == (pytest.approx(low), pytest.approx(high))
    assert not est.small


def _random_survey(n: int = 400, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    tenure = rng.choice(["owner", "social_rent", "private_rent"], n, p=[0.5, 0.3, 0.2])
    worried = rng.random(n) < np.where(tenure == "social_rent", 0.6, 0.4)
    return pd.DataFrame(
        {
            "wave": "2025Q1",
            "tenure": tenure,
            "weight": rng.lognormal(0, 0.6, n),
            "worry_knife_crime": np.where(worried, "fairly_worried", "not_very_worried"),
        }
    )


def test_estimates_by_subgroup_match_samplics_and_statsmodels() -> None:
    frame = _random_survey()
    table = estimate_table(frame, ["worry_knife_crime"], by="tenure").set_index("group")
    y = (frame["worry_knife_crime"] == "fairly_worried").to_numpy(float)
    ref = TaylorEstimator(PopParam.mean)
    ref.estimate(y=y, samp_weight=frame["weight"].to_numpy(), domain=frame["tenure"].to_numpy())
    for group in ("owner", "social_rent", "private_rent"):
        row = table.loc[group]
        assert row["estimate"] == pytest.approx(ref.point_est[group], rel=1e-12)
        assert row["se_linear"] == pytest.approx(ref.stderror[group], rel=1e-9)
        part = frame[frame["tenure"] == group]
        described = DescrStatsW(y[frame["tenure"] == group], weights=part["weight"].to_numpy())
        assert row["estimate"] == pytest.approx(described.mean)
        assert row["n_eff"] == pytest.approx(kish_n_eff(part["weight"].to_numpy()))
        assert row["n"] == len(part)
    # the Kish interval and the linearised one agree closely when weights are unrelated to y
    whole = estimate_table(frame, ["worry_knife_crime"]).iloc[0]
    assert whole["se_kish"] == pytest.approx(whole["se_linear"], rel=0.15)


def test_small_subgroups_are_flagged() -> None:
    frame = _random_survey()
    frame.loc[frame.index[:12], "tenure"] = "other"
    table = estimate_table(frame, ["worry_knife_crime"], by="tenure").set_index("group")
    assert bool(table.loc["other", "small"])
    assert not table.loc[["owner", "social_rent", "private_rent"], "small"].any()


def test_unknown_breakdown_is_refused() -> None:
    with pytest.raises(ValueError, match="by: 'shoe_size' is not one of area"):
        estimate_table(_random_survey(), ["worry_knife_crime"], by="shoe_size")


def test_cli_estimates_write_csv(tmp_path: Path, settings: Settings) -> None:
    rows = [respondent(i, weight=str(1 + i % 3)) for i in range(40)]
    for r in rows[:10]:
        r["worry_knife_crime"] = "not_very_worried"
    assert (
        runner.invoke(app, ["survey", "import", str(write(tmp_path / "w.csv", rows))]).exit_code
        == 0
    )
    out = tmp_path / "est.csv"
    result = runner.invoke(app, ["survey", "estimates", "--by", "sex", "--out", str(out)])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out)
    row = table[(table["question"] == "worry_knife_crime")].iloc[0]
    weights = np.array([1 + i % 3 for i in range(40)], float)
    assert row["estimate"] == pytest.approx(weights[10:].sum() / weights.sum())
    assert row["group"] == "female"
    bad = runner.invoke(app, ["survey", "estimates", "--by", "shoe_size"])
    assert bad.exit_code == 1 and "--by: 'shoe_size' is not one of" in bad.output
