"""Benchmark: programme-return import speed, and the calibration of value-for-money intervals.

1. **Import.** A partnership sends a few hundred rows a quarter; this stresses the importer
   with far more: 200 programmes x 20 quarters, each return with every LSOA of the bundled
   pack as a home area (about 700,000 rows in 20 CSV files), imported by the real
   ``ingest_returns`` into a fresh store, then imported again (every return replaced).
2. **Break-even interval coverage.** For a true baseline rate lambda, a year's count
   B ~ Poisson(lambda) is observed and the 95% interval of the break-even reduction
   C / (T lambda u) computed as ``upstream vfm`` does (lambda ~ Gamma(B + 1/2, 1)); the share of
   intervals containing the true break-even should be about 95%.
3. **Costs-averted interval coverage.** A true rate ratio, an estimate drawn around it on the
   log scale with a known standard error, and the 95% interval of offences averted (baseline
   fixed): the share containing the true T lambda (1 - RR) should be about 95%.

Results go to ``benchmarks/results/returns_vfm.json``.
Run: ``python benchmarks/returns_vfm.py [--reps 2000]``.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import platform
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np

from upstream.account.returns import ingest_returns, load_returns
from upstream.account.returns.schema import AGE_BANDS
from upstream.account.vfm import Effect, break_even, simulate
from upstream.area import cached_area
from upstream.config import BUNDLED_AREA
from upstream.ingest import discover
from upstream.vocab import ETHNICITIES, SEXES

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "returns_vfm.json"
HEADER = ["programme", "provider", "quarter", "measure", "category", "value"]


def _write_returns(folder: Path, programmes: int, quarters: int, lsoas: list[str]) -> list[Path]:
    rng = np.random.default_rng(7)
    labels = [f"{2020 + q // 4}Q{q % 4 + 1}" for q in range(quarters)]
    paths = []
    for chunk in range(20):
        path = folder / f"returns_{chunk:02d}.csv"
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(HEADER)
            for p in range(chunk, programmes, 20):
                for quarter in labels:
                    key = [f"prog_{p:03d}", f"Provider {p}", quarter]
                    n = int(rng.integers(len(lsoas), 5 * len(lsoas)))
                    for m, v in (("sessions", 40), ("participants", n), ("referrals_in", 10),
                                 ("referrals_out", 3), ("ete_starts", n // 10)):  # fmt: skip
                        writer.writerow([*key, m, "", v])
                    for measure, cats in (
                        ("participants_age", AGE_BANDS),
                        ("participants_sex", SEXES),
                        ("participants_ethnicity", ETHNICITIES),
                        ("participants_area", lsoas),
                    ):
                        counts = rng.multinomial(n, np.full(len(cats), 1 / len(cats)))
                        rows = zip(cats, counts, strict=True)
                        writer.writerows([*key, measure, c, int(k)] for c, k in rows)
        paths.append(path)
    return paths


def bench_import() -> dict[str, float]:
    lsoas = list(cached_area(BUNDLED_AREA).lsoas["lsoa_code"])
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = _write_returns(folder, 200, 20, lsoas)
        rows = sum(1 for p in paths for _ in p.open()) - len(paths)
        inputs, _ = discover(paths, police_uk=False)
        kw = {"quarantine_dir": folder / "q", "today": date(2026, 1, 1)}
        start = time.perf_counter()
        ingest_returns(inputs, folder / "var", **kw)
        first = time.perf_counter() - start
        start = time.perf_counter()
        result = ingest_returns(inputs, folder / "var", **kw)
        again = time.perf_counter() - start
        from upstream.config import Settings

        stored = len(load_returns(Settings(data_dir=folder / "var")))
    assert stored == rows and len(result.replaced) == 200 * 20
    return {
        "rows": rows,
        "returns": 4000,
        "first_import_s": round(first, 2),
        "reimport_replacing_all_s": round(again, 2),
        "rows_per_s": round(rows / first),
    }


def coverage_break_even(reps: int) -> dict[str, float]:
    rng = np.random.default_rng(11)
    out = {}
    for lam in (10.0, 40.0, 150.0):
        truth = 100_000 / (lam * 14_050)
        hits = 0
        for i in range(reps):
            count = int(rng.poisson(lam))
            be = break_even(programme_cost=100_000, baseline=count, years=1, unit_cost=14_050,
                            draws=4000, random_state=i)  # fmt: skip
            hits += be.low <= truth <= be.high
        out[f"lambda_{lam:g}"] = round(hits / reps, 4)
    return out


def coverage_averted(reps: int) -> dict[str, float]:
    rng = np.random.default_rng(13)
    se, true_rr, lam = 0.15, 0.8, 40.0
    truth = lam * (1 - true_rr)
    hits = 0
    for i in range(reps):
        est = math.exp(rng.normal(math.log(true_rr), se))
        effect = Effect(est, est * math.exp(-1.959964 * se), est * math.exp(1.959964 * se))
        sim = simulate(effect, baseline=lam, years=1, unit_cost=1.0, programme_cost=1.0,
                       draws=4000, random_state=i, baseline_uncertain=False)  # fmt: skip
        summary = sim.summary()
        hits += summary["offences_averted_low"] <= truth <= summary["offences_averted_high"]
    return {"rate_ratio_0.8_se_0.15": round(hits / reps, 4)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=2000)
    args = parser.parse_args()
    result = {
        "import": bench_import(),
        "break_even_interval_coverage": coverage_break_even(args.reps),
        "offences_averted_interval_coverage": coverage_averted(args.reps),
        "reps": args.reps,
        "machine": {"python": platform.python_version(), "platform": platform.platform()},
    }
    print(json.dumps(result, indent=2))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
