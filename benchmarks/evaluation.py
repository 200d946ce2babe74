"""Accuracy benchmark of the evaluation methods (issue 14, item 4): simulated series with
known effects, and the real spring-2020 shock in the bundled MPS borough series.

Measured:

* interrupted time series (``fit_its``, default settings): coverage of the 95% interval and
  the share of p < 0.05 under no effect (should be about 95% and 5%), for 11, 50 and 200
  offences a year, Poisson and overdispersed (negative-binomial, variance = 2 x mean)
  counts, 36 months before and 24 after, with a 5% a year trend and seasonality;
* placebo starts in time on series with no intervention: the share "significant" (about 5%);
* power: simulated power at the analytic minimum detectable effect (about 80%);
* difference-in-differences: coverage and rejection under no effect (6 comparison areas);
* synthetic control: rejection rate of the placebo-in-space p-value under no effect;
* the minimum detectable effects for the headline measures (about 40-52 knife-injury
  offences with victims under 25 a year, 11-30 under 18);
* the spring-2020 shock: every London borough's robbery, April-June 2020 against its
  2016-2020 trend and season.

Writes benchmarks/results/evaluation.json. Run: ``python benchmarks/evaluation.py [--reps 1000]``.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from upstream.account.evaluation.areas import london_panel
from upstream.account.evaluation.did import fit_did
from upstream.account.evaluation.its import fit_its
from upstream.account.evaluation.placebo import placebo_in_time
from upstream.account.evaluation.power import (
    minimum_detectable_effect,
    simulate_counts,
    simulated_power,
)
from upstream.account.evaluation.series import series_from_frame
from upstream.account.evaluation.synthcontrol import fit_synth
from upstream.config import get_settings

RESULTS = Path(__file__).resolve().parent / "results" / "evaluation.json"
START = pd.Period("2020-01", freq="M")


def its_coverage(reps: int, seed: int) -> list[dict[str, Any]]:
    rows = []
    rng = np.random.default_rng(seed)
    for per_year in (11, 50, 200):
        for dispersion in (1.0, 2.0):
            for ratio in (1.0, 0.75):
                cover = reject = 0
                for _ in range(reps):
                    counts = simulate_counts(
                        per_year, ratio, 36, 24, rng, dispersion=dispersion,
                        trend_per_year=1.05, seasonal_amplitude=0.2,
                    )  # fmt: skip
                    res = fit_its(series_from_frame(counts), START)
                    cover += res.ci_low <= ratio <= res.ci_high
                    reject += res.p_value < 0.05
                rows.append({"per_year": per_year, "dispersion": dispersion, "true_ratio": ratio,
                             "reps": reps, "coverage": cover / reps,
                             "share_p_below_0_05": reject / reps})  # fmt: skip
                print(rows[-1], flush=True)
    return rows


def placebo_time(reps: int, seed: int) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    shares = []
    for _ in range(reps):
        counts = simulate_counts(100, 1.0, 48, 6, rng, dispersion=1.5, seasonal_amplitude=0.2)
        series = series_from_frame(counts)
        shares.append(placebo_in_time(series, fit_its(series, START)).share_significant)
    out = {"series": reps, "months": "48 before, 6 after", "per_year": 100, "dispersion": 1.5,
           "placebos_per_series": 31, "share_significant": float(np.mean(shares))}  # fmt: skip
    print(out, flush=True)
    return out


def power_check(reps: int) -> list[dict[str, Any]]:
    rows = []
    for per_year in (50, 30):
        for trend in (True, False):
            mde = minimum_detectable_effect(per_year, trend=trend)
            sim = simulated_power(per_year, mde.fall_ratio, reps=reps, seed=per_year, trend=trend)
            rows.append({"per_year": per_year, "trend_estimated": trend,
                         "analytic_fall_ratio": mde.fall_ratio, "analytic_power": 0.8,
                         "simulated_power": sim, "reps": reps})  # fmt: skip
            print(rows[-1], flush=True)
    return rows


def did_coverage(reps: int, seed: int) -> list[dict[str, Any]]:
    rng = np.random.default_rng(seed)
    months = pd.period_range("2018-01", periods=36, freq="M")
    idx = months.astype(str)
    season = 1 + 0.2 * np.cos(2 * np.pi * np.asarray(months.month) / 12)
    rows = []
    for ratio in (1.0, 0.7):
        cover = reject = 0
        for _ in range(reps):
            base = 20 * season
            t = pd.Series(rng.poisson(base * np.where(idx >= "2020-01", ratio, 1.0)), index=idx)
            pool = pd.DataFrame({f"a{i}": rng.poisson(base * (1 + i / 4)) for i in range(6)}, idx)
            res = fit_did(t, pool, "2020-01")
            cover += res.ci_low <= ratio <= res.ci_high
            reject += res.p_value < 0.05
        rows.append({"true_ratio": ratio, "reps": reps, "coverage": cover / reps,
                     "share_p_below_0_05": reject / reps})  # fmt: skip
        print(rows[-1], flush=True)
    return rows


def synth_rejection(reps: int, seed: int) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    idx = pd.period_range("2017-01", periods=48, freq="M").astype(str)
    reject = 0
    for _ in range(reps):
        common = np.exp(np.cumsum(rng.normal(0, 0.03, 48)))
        donors = pd.DataFrame({f"d{i}": rng.poisson(30 * (1 + i / 10) * common)
                               for i in range(19)}, index=idx)  # fmt: skip
        treated = pd.Series(rng.poisson(35 * common), index=idx)
        reject += fit_synth(treated, donors, "2020-01").p_value <= 0.05
    out = {"reps": reps, "donors": 19, "share_p_at_most_0_05": reject / reps}
    print(out, flush=True)
    return out


def mde_table() -> list[dict[str, Any]]:
    rows = []
    for per_year in (11, 30, 40, 50, 52):
        for pre, post in ((36, 24), (24, 24)):
            for trend in (True, False):
                m = minimum_detectable_effect(per_year, pre_months=pre, post_months=post,
                                              trend=trend)  # fmt: skip
                rows.append(m.summary())
    return rows


def spring_2020() -> dict[str, Any]:
    path = get_settings().bundled_data / "london" / "mps_borough_monthly.parquet"
    panel = london_panel(path, "Robbery", "2016-01", "2020-06")
    start = pd.Period("2020-04", freq="M")
    ratios = {}
    for borough in panel.columns:
        res = fit_its(series_from_frame(panel[borough]), start)
        ratios[borough] = {"rate_ratio": res.rate_ratio, "ci_low": res.ci_low,
                           "ci_high": res.ci_high}  # fmt: skip
    wf = ratios["Waltham Forest"]
    below = sum(r["ci_high"] < 1 for r in ratios.values())
    out = {"series": "Robbery", "months": "2016-01 to 2020-06", "start": "2020-04",
           "waltham_forest": wf, "boroughs": len(ratios), "boroughs_with_ci_below_1": below,
           "median_rate_ratio": float(np.median([r["rate_ratio"] for r in ratios.values()])),
           "by_borough": ratios}  # fmt: skip
    print({k: v for k, v in out.items() if k != "by_borough"}, flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=1000)
    args = parser.parse_args()
    began = time.perf_counter()
    result = {
        "benchmark": "evaluation",
        "python": platform.python_version(),
        "its_coverage": its_coverage(args.reps, 1),
        "placebo_in_time": placebo_time(max(args.reps // 5, 20), 2),
        "power_check": power_check(max(args.reps // 2, 50)),
        "did_coverage": did_coverage(max(args.reps // 2, 50), 3),
        "synth_placebo_rejection": synth_rejection(max(args.reps // 10, 20), 4),
        "mde": mde_table(),
        "spring_2020": spring_2020(),
    }
    result["seconds"] = round(time.perf_counter() - began, 1)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS} in {result['seconds']} s")


if __name__ == "__main__":
    main()
