"""Benchmark: resident-survey import and estimate speed, and the coverage of its intervals.

1. **Import.** A borough survey has a few hundred respondents a wave; this stresses the
   importer with far more: 40 waves of 5,000 respondents (200,000 rows in 40 CSV files, the
   synthetic survey's rows re-labelled), imported by the real ``ingest_survey`` into a fresh
   store, then imported again (every wave replaced).
2. **Estimates.** ``estimate_table`` for all six questions, every wave, by each breakdown.
3. **Interval coverage.** A population of two strata (a third of residents in a stratum
   sampled at 3 times the rate, with a different true share), a sample drawn with those
   selection probabilities and weighted by their inverse; the share of 95% intervals (Wilson
   at the Kish effective sample size) that contain the population share, for samples of
   40, 100 and 600. About 95% is right.

Results go to ``benchmarks/results/survey.json``.
Run: ``python benchmarks/survey.py [--reps 4000]``.
"""

from __future__ import annotations

import argparse
import csv
import json
import platform
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np

from upstream.account.survey import estimate_table, ingest_survey, load_responses
from upstream.account.survey.estimates import BY, weighted_proportion
from upstream.account.survey.schema import QUESTIONS
from upstream.ingest import discover
from upstream.synth.survey import demo_survey

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "survey.json"


def _write(folder: Path, waves: int, per_wave: int) -> list[Path]:
    base = [row for rows in demo_survey([("E02000895", 1.0), ("E02000896", 2.0)]).values()
            for row in rows]  # fmt: skip
    paths = []
    for k in range(waves):
        year, quarter = 2000 + k // 4, k % 4 + 1
        day = date(year, 3 * quarter - 2, 15).isoformat()
        path = folder / f"wave_{k:02d}.csv"
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(base[0]))
            writer.writeheader()
            for i in range(per_wave):
                row = base[(k * per_wave + i) % len(base)]
                writer.writerow(row | {"respondent_id": f"B{k}-{i}", "wave_date": day})
        paths.append(path)
    return paths


def bench_import() -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = _write(folder, 40, 5_000)
        inputs, _ = discover(paths, police_uk=False)
        timings = []
        for _ in range(2):
            start = time.perf_counter()
            ingest_survey(inputs, folder / "data", quarantine_dir=folder / "q")
            timings.append(time.perf_counter() - start)
        frame = load_responses(folder / "data")
        start = time.perf_counter()
        for by in (None, *BY):
            estimate_table(frame, list(QUESTIONS), by=by)
        estimates = time.perf_counter() - start
    return {
        "rows": float(len(frame)),
        "import_seconds": round(timings[0], 2),
        "reimport_seconds": round(timings[1], 2),
        "rows_per_second": round(len(frame) / timings[0]),
        "estimates_all_breakdowns_seconds": round(estimates, 2),
    }


def coverage(n: int, reps: int, seed: int = 3) -> float:
    """Share of intervals containing the population share under unequal selection."""
    rng = np.random.default_rng(seed)
    share_a, p_a, p_b = 1 / 3, 0.35, 0.15  # stratum A: a third of residents, share 35%
    truth = share_a * p_a + (1 - share_a) * p_b
    # A sampled at 3 times B's rate: of the sample, 3a / (3a + (1 - a)) are from A
    from_a = 3 * share_a / (3 * share_a + (1 - share_a))
    hits = 0
    for _ in range(reps):
        in_a = rng.random(n) < from_a
        y = rng.random(n) < np.where(in_a, p_a, p_b)
        weight = np.where(in_a, 1.0, 3.0)
        est = weighted_proportion(y, weight)
        hits += est.ci_low <= truth <= est.ci_high
    return hits / reps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=4000)
    args = parser.parse_args()
    result = {
        "machine": platform.platform(),
        "python": platform.python_version(),
        "import": bench_import(),
        "coverage": {str(n): round(coverage(n, args.reps), 4) for n in (40, 100, 600)},
        "reps": args.reps,
    }
    print(json.dumps(result, indent=2))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
