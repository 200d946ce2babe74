"""Benchmark: emerging hot spots on the bundled real data: run time, and the cell size.

On the bundled police.uk street-level crime for Waltham Forest (2016-04 to 2017-12,
serious violence by the project's definitions) this measures:

1. **Run time** of ``upstream.analysis.emerging.emerging_hot_spots`` (Gi* per slice,
   Mann-Kendall per cell, BH FDR, categories and place names) for the default 250 m cells
   by month, best of three, and of one run for each other setting; and of reading the file.
2. **What each cell size finds**: cells per category, hot spots per slice, how sparse the
   counts are (mean events per cell and slice, share of empty cell-slices).
3. **False alarms under pure chance**, the reason for the default cell size: each month's
   real total of serious-violence crimes is scattered uniformly at random over the real
   study grid (no hot spot, no trend exists), 10 times per size; the analytical Gi* test
   leans towards calling hot spots when counts are small, so the number of cell-months
   called hot, and of cells given a category, is counted.
4. **Stability**: the persistent hot spots with data to 2017-12 against those with data to
   2017-11 (the share still persistent, intensifying or diminishing a month earlier).

Results go to ``benchmarks/results/emerging.json``.
"""

from __future__ import annotations

import json
import os
import platform
import time
from pathlib import Path
from typing import Any

import numpy as np

from upstream.analysis.emerging import DEFAULT_CELL, emerging_from_counts, emerging_hot_spots
from upstream.area import area_from_settings, definitions_from_settings, study_grid
from upstream.config import Settings
from upstream.forecast.data import read_events_file

ROOT = Path(__file__).resolve().parents[1]
EVENTS = ROOT / "data" / "police_uk" / "waltham_forest_street.parquet"
RESULTS = ROOT / "benchmarks" / "results" / "emerging.json"
UNTIL = "2017-12"
SIZES = (150, 200, 250, 300)
NULL_RUNS = 10


def _timed(fn: Any, repeat: int = 1) -> tuple[Any, float]:
    best = float("inf")
    value = None
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        best = min(best, time.perf_counter() - start)
    return value, round(best, 3)


def main() -> dict[str, Any]:
    settings = Settings()
    area = area_from_settings(settings)
    definitions = definitions_from_settings(settings)
    read, read_s = _timed(lambda: read_events_file(EVENTS, area, definitions, location=True))
    events = read.events
    target = events[events["is_target"]]
    described = target[["x", "y", "location"]]
    per_month = target.groupby("month").size()

    runs: dict[str, Any] = {}
    for unit in ("month", "quarter"):
        for size in SIZES:
            repeat = 3 if (unit, size) == ("month", DEFAULT_CELL) else 1
            result, seconds = _timed(
                lambda u=unit, s=size: emerging_hot_spots(
                    events, area, UNTIL, unit=u, cell_size=s, described=described
                ),
                repeat,
            )
            status = result.status.to_numpy()
            counts = result.cells["category"].value_counts()
            slices = status.shape[1]
            events_per_cell = result.cells["events"].to_numpy() / slices
            runs[f"{unit}_{size}m"] = {
                "seconds": seconds,
                "cells": len(result.cells),
                "slices": slices,
                "mean_events_per_cell_slice": round(float(events_per_cell.mean()), 3),
                "hot_per_slice": round(float((status == 1).sum(axis=0).mean()), 1),
                "cold_per_slice": round(float((status == -1).sum(axis=0).mean()), 1),
                "significant_trends": int((result.cells["trend"] != 0).sum()),
                "categories": {k: int(v) for k, v in counts.items()},
            }
            print(f"{unit:7s} {size:3d} m: {seconds:5.2f} s  {runs[f'{unit}_{size}m']}")

    null: dict[str, Any] = {}
    totals = per_month.to_numpy()
    for size in SIZES:
        ids = study_grid(area, size)["cell_id"].to_numpy()
        false_hot = []
        false_cells = []
        for seed in range(NULL_RUNS):
            rng = np.random.default_rng(seed)
            counts = np.column_stack(
                [rng.multinomial(int(n), np.full(len(ids), 1 / len(ids))) for n in totals]
            ).astype(float)
            cells, _, status = emerging_from_counts(counts, ids, size)
            false_hot.append(int((status == 1).sum()))
            false_cells.append(int((cells["category"] != "no pattern").sum()))
        null[f"{size}m"] = {
            "cells": len(ids),
            "runs": NULL_RUNS,
            "false_hot_per_slice": round(float(np.mean(false_hot)) / len(totals), 3),
            "false_categorised_cells_mean": round(float(np.mean(false_cells)), 2),
            "false_categorised_cells_max": int(np.max(false_cells)),
        }
        print(f"chance only, {size} m: {null[f'{size}m']}")

    now = emerging_hot_spots(events, area, UNTIL).cells.set_index("cell_id")["category"]
    before = emerging_hot_spots(events, area, "2017-11").cells.set_index("cell_id")["category"]
    persistent = now[now == "persistent"].index
    kept = before.loc[persistent].isin(["persistent", "intensifying", "diminishing"])
    stability = {
        "persistent_2017_12": len(persistent),
        "still_long_standing_with_data_to_2017_11": round(float(kept.mean()), 3),
    }
    result = {
        "data": "police.uk street-level crime, Waltham Forest, 2016-04 to 2017-12 (bundled)",
        "serious_violence_events": len(target),
        "events_per_month_mean": round(float(per_month.mean()), 1),
        "until": UNTIL,
        "default_cell_m": DEFAULT_CELL,
        "read_file_seconds": read_s,
        "default_run_seconds": runs[f"month_{DEFAULT_CELL}m"]["seconds"],
        "runs": runs,
        "chance_only": null,
        "stability": stability,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "load_average_1min": round(os.getloadavg()[0], 2),
        },
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps({k: result[k] for k in ("default_run_seconds", "stability")}))
    return result


if __name__ == "__main__":
    main()
