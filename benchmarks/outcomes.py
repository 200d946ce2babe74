"""Benchmark: the outcome measures' speed on the demo stores, and their statistics by simulation.

1. Loads what ``make run`` loads (bundled police.uk, the SYNTHETIC borough and demo case store;
   not timed), then times ``compute_all`` for every measure and for the public ones, three
   times each.
2. Simulates 12 baseline months against 12 latest months with no change (Poisson months with
   3.3 a month, the headline's size, and negative-binomial months with the same mean and
   three times the variance): how often the verdict is anything but "not distinguishable
   from chance" (should be about 5% or less) and how often the 95% interval covers the true
   rate ratio of 1, for the exact and the bootstrap intervals; and, for Poisson months at
   the baseline rate, how often a month breaks a control-chart run rule.

Writes benchmarks/results/outcomes.json.
"""

from __future__ import annotations

import json
import platform
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from upstream.account.outcomes import compute_all, load_measures
from upstream.account.outcomes.intervals import compare
from upstream.account.outcomes.spc import control_chart
from upstream.account.outcomes.verdict import NOT_DISTINGUISHABLE, verdict
from upstream.bootstrap import bootstrap
from upstream.config import Settings

RESULTS = Path(__file__).resolve().parent / "results"
REPS = 1000
MEAN = 40 / 12


def _frame(counts: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame({"numerator": counts, "denominator": 1.0})


def _timings() -> dict[str, object]:
    measures = load_measures()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp))
        list(bootstrap(settings))
        out: dict[str, object] = {}
        for audience in (None, "public"):
            runs = []
            for _ in range(3):
                start = time.perf_counter()
                compute_all(settings, measures, audience=audience)
                runs.append(round(time.perf_counter() - start, 3))
            out["all_s" if audience is None else "public_s"] = runs
    return out


def _simulate(draw: str, rng: np.random.Generator) -> dict[str, float]:
    def months() -> np.ndarray:
        if draw == "poisson":
            return rng.poisson(MEAN, 12)
        size = MEAN / 2  # variance = mean + mean^2 / size = 3 x mean
        return rng.negative_binomial(size, size / (size + MEAN), 12)

    flagged = {"exact": 0, "bootstrap": 0}
    covered = {"exact": 0, "bootstrap": 0}
    usable = {"exact": 0, "bootstrap": 0}
    for rep in range(REPS):
        base, latest = _frame(months()), _frame(months())
        for kind in flagged:
            c = compare("count", base, latest, interval=kind, seed=rep)
            if c is None or not np.isfinite(c.lower):
                continue
            usable[kind] += 1
            flagged[kind] += verdict(c, "lower") != NOT_DISTINGUISHABLE
            covered[kind] += c.lower <= 1 <= c.upper
    return {
        **{f"false_verdict_{k}": flagged[k] / usable[k] for k in flagged},
        **{f"coverage_{k}": covered[k] / usable[k] for k in covered},
        **{f"usable_{k}": usable[k] for k in usable},
    }


def _chart_false_signals(rng: np.random.Generator) -> dict[str, float]:
    """Per-month rate of run-rule signals in 24 in-control months (12 baseline)."""
    signals = 0
    months = 0
    for _ in range(REPS):
        frame = _frame(rng.poisson(MEAN, 24))
        chart = control_chart("count", frame, np.arange(24) < 12)
        signals += sum(bool(s) for s in chart["signals"].iloc[12:])
        months += 12
    return {"signal_rate_per_month": signals / months}


def main() -> None:
    rng = np.random.default_rng(2026)
    result = {
        "benchmark": "outcomes",
        "timings": _timings(),
        "simulation": {
            "reps": REPS,
            "mean_per_month": round(MEAN, 3),
            "poisson": _simulate("poisson", rng),
            "negative_binomial_3x_variance": _simulate("nb", rng),
            "control_chart_poisson": _chart_false_signals(rng),
        },
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "outcomes.json").write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
