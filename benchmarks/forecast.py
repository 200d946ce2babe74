"""Benchmark: accuracy and speed of every forecasting method (issue 5).

Accuracy, on the bundled **real** data.police.uk street-level crime for Waltham Forest
(2016-04 to 2017-12), read from the bundled Parquet file through the same validation as
``upstream forecast --events``:

* target: serious violence as in the bundled definitions (Violence and sexual offences,
  Robbery, Possession of weapons); other crime types are context for the methods that use it;
* rolling-origin backtest over the last 12 months: origins 2016-12 to 2017-11, each
  predicting the next month (2017-01 to 2017-12) from all months up to the origin;
* every registered method scored by ``upstream.forecast.metrics`` in the same run, on the
  150 m grid, at 1, 2, 5 and 10% of the area: hit rate, PAI, PEI, harm capture, with the
  mean, spread and range across the 12 months;
* the same for forecasts of expected harm (``target="harm"``) and on LSOAs;
* the validation window the hyper-parameters were chosen on (origins 2016-06 to 2016-11),
  reported for the record; nothing was tuned on the 12 months above;
* a ceiling, for information only: ranking by each cell's mean over the *other* 20 months,
  future included (a forecast no method could make), shows how much room there is above
  the plain counts at all.

Speed, on a **synthetic** London-scale problem: one million serious-violence events over
36 months on a square area of 70,225 cells of 150 m (about the size of Greater London),
placed around 4,000 persistent hot spots plus a uniform background, with synthetic fixed
covariates; for each method, the wall time to fit on all 36 months and predict the next.
The pairwise SEPP (Mohler et al. 2011) cannot run at that scale and is timed on the last 3
months; the grid SEPP (Mohler et al. 2015, linear-time EM) is the scalable one and is timed
on all of it.

Timestamped accuracy, on the **synthetic** borough (every number labelled so): police.uk
gives months only, so SEPP's use of exact times can only be measured on incident data with
times, and real partnership extracts are confidential. The calibrated synthetic borough
(``upstream.synth.generate(seed=1)``: 48 months to 2025-08 on the real geography) is
written to files and ingested into a temporary event store exactly as a partnership extract
would be, then read back through the ``incidents`` view
(:func:`upstream.forecast.data.incident_events`). Serious violence, 150 m grid; the
hyper-parameters of each method are chosen from a small stated grid (the registered setting
first) on the 6 origins before the test window; the last 12 months are the test. Every
method (SEPP on exact times, and the ensemble with the chosen member settings) is scored as
above, plus both SEPPs with the times removed (mid-month, as on police.uk) to show what
exact times add, and the harm-weighted variant (harm weights of the definitions). It shows how
the methods rank on data with the structure the generator plants (persistent places,
after-school peaks, retaliation); it is not evidence about real violence.

Targets (issue 5): our best method's mean PAI at 5% at least 1.15 x the best baseline's
(naive, prospective, KDE, SEPP, grid SEPP) in the same run; never below naive in more than
3 of the 12 months; London-scale fit and predict in under 30 s. Results go to
``benchmarks/results/forecast.json``.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import time
from datetime import UTC, datetime
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from upstream.area import BNG, Area, study_grid
from upstream.config import PROJECT_ROOT, Settings
from upstream.definitions import load_definitions
from upstream.forecast.backtest import BacktestResult, actuals, backtest, rolling_origins
from upstream.forecast.data import (
    Units,
    grid_units,
    incident_events,
    lsoa_units,
    read_events_file,
)
from upstream.forecast.metrics import COVERAGES, evaluate
from upstream.forecast.registry import BASELINES, DEFAULT_METHOD, METHODS, make
from upstream.forecast.sepp import SEPP
from upstream.forecast.sepp_grid import GridSEPP
from upstream.forecast.service import target_months

RESULTS = PROJECT_ROOT / "benchmarks" / "results" / "forecast.json"
STREET = PROJECT_ROOT / "data" / "police_uk" / "waltham_forest_street.parquet"
ISSUE_BASELINES = ("naive", "prospective", "kde", "sepp", "sepp-grid")
VALIDATION_ORIGINS = ["2016-06", "2016-07", "2016-08", "2016-09", "2016-10", "2016-11"]
SPEED_EVENTS = int(os.environ.get("BENCH_FORECAST_EVENTS", 1_000_000))
SPEED_SIDE = 265  # cells per side: 265^2 = 70,225 cells of 150 m
SPEED_MONTHS = 36
SYNTH_SEED = 1
SYNTH_VALIDATION_ORIGINS = 6
SYNTH_CANDIDATES: dict[str, list[dict[str, Any]]] = {
    # the registered setting first: it wins ties
    "prospective": [
        {"bandwidth": 100.0, "months": 6},
        {"bandwidth": 200.0, "months": 6},
        {"bandwidth": 200.0, "months": 12},
        {"bandwidth": 400.0, "months": 2},
    ],
    "kde": [{"bandwidth": b, "months": 12} for b in (150.0, 200.0, 300.0, 400.0)],
    "sepp": [
        {"background_bandwidth": b, "time_cutoff": c} for b in (300.0, 150.0) for c in (120.0, 30.0)
    ],
    "lgbm": [
        {"num_leaves": 31, "min_child_samples": 50},
        {"num_leaves": 15, "min_child_samples": 50},
    ],
}
"""Hyper-parameter grids searched on the synthetic validation window (others: registered)."""


def _r(value: float, digits: int = 4) -> float | None:
    return None if value is None or not np.isfinite(value) else round(float(value), digits)


def _table(result: BacktestResult) -> list[dict[str, Any]]:
    out = []
    for rec in result.summary().to_dict("records"):
        out.append({k: (_r(v) if isinstance(v, float) else v) for k, v in rec.items()})
    return out


def _by_month(result: BacktestResult, coverage: float = 0.05) -> dict[str, dict[str, Any]]:
    at = result.scores[np.isclose(result.scores["coverage"], coverage)]
    wide = at.pivot(index="month", columns="method", values="pai")
    return {m: {k: _r(v) for k, v in wide[m].items()} for m in wide.columns}


def _means(result: BacktestResult, coverage: float = 0.05) -> dict[str, float]:
    s = result.summary()
    at = s[np.isclose(s["coverage"], coverage)]
    return {rec["method"]: float(rec["pai_mean"]) for rec in at.to_dict("records")}


def _print(title: str, result: BacktestResult) -> None:
    s = result.summary()
    print(f"\n{title}")
    print(
        f"{'method':<14}" + "".join(f"{f'PAI {c:.0%}':>11}{f'HR {c:.0%}':>10}" for c in COVERAGES)
    )
    for method in dict.fromkeys(s["method"]):
        row = s[s["method"] == method]
        cells = "".join(
            f"{r['pai_mean']:>11.2f}{r['hit_rate_mean']:>10.3f}" for r in row.to_dict("records")
        )
        print(f"{method:<14}{cells}")


def ceiling(events: pd.DataFrame, units: Units, months: list[str]) -> dict[str, Any]:
    """PAI of ranking by the mean of the other months (future included): not a forecast."""
    all_months = target_months(events)
    counts = {m: actuals(events, units, m)[0] for m in all_months}
    out: dict[str, Any] = {}
    for c in COVERAGES:
        oracle, naive = [], []
        for month in months:
            others = sum(counts[m] for m in all_months if m != month) / (len(all_months) - 1)
            before = [m for m in all_months if m < month][-12:]
            last12 = sum(counts[m] for m in before)
            oracle.append(evaluate(others, counts[month], coverages=[c])["pai"].iloc[0])
            naive.append(evaluate(last12, counts[month], coverages=[c])["pai"].iloc[0])
        out[f"{c:.2f}"] = {
            "oracle_other_months_pai_mean": _r(float(np.mean(oracle))),
            "naive_pai_mean": _r(float(np.mean(naive))),
            "ratio": _r(float(np.mean(oracle) / np.mean(naive))),
        }
    return out


# ---- timestamped synthetic borough ---------------------------------------------------
def synthetic_incidents(settings: Settings) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The synthetic borough, written and ingested as an extract, read back for forecasting."""
    import tempfile
    from pathlib import Path

    from upstream.area import area_from_settings
    from upstream.events import EventStore
    from upstream.ingest import discover
    from upstream.ingest.partnership import ingest_partnership
    from upstream.synth import generate, write

    t0 = time.perf_counter()
    borough = generate(seed=SYNTH_SEED)
    with tempfile.TemporaryDirectory(prefix="upstream-bench-synth-") as tmp:
        folder = Path(tmp)
        files = write(borough, folder / "synthetic")
        paths = [p for p in files if p.name.startswith(("incidents_", "involvements_"))]
        inputs, _ = discover(paths)
        store = EventStore(folder / "events")
        ingest_partnership(
            inputs,
            ["incidents", "involvements"],
            store,
            area_from_settings(settings),
            quarantine_dir=folder / "quarantine",
        )
        events = incident_events(store, load_definitions(), synthetic=True)
    info = {
        "synthetic": True,
        "generator": f"upstream.synth.generate(seed={SYNTH_SEED})",
        "generated_police_incidents": len(borough.incidents),
        "first_day": str(borough.first_day),
        "last_day": str(borough.last_day),
        "read_back_incidents": len(events),
        "target_events": int(events["is_target"].sum()),
        "crime_types": {k: int(v) for k, v in events["crime_type"].value_counts().items()},
        "build_seconds": _r(time.perf_counter() - t0, 1),
    }
    return events, info


def _labelled(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"data": "synthetic", **row} for row in rows]


def _choose(
    events: pd.DataFrame, grid: Units, origins: list[str]
) -> tuple[dict[str, dict[str, Any]], BacktestResult]:
    """Per method, the candidate with the best mean PAI at 5% on the validation origins."""
    candidates: dict[str, tuple[str, dict[str, Any]]] = {}
    for name, method in METHODS.items():
        if name == "ensemble":
            continue  # its members' settings are the ones chosen here
        for k, params in enumerate(SYNTH_CANDIDATES.get(name, [dict(method.params)])):
            candidates[f"{name}#{k}"] = (name, params)
    forecasters = {label: make(n, **p) for label, (n, p) in candidates.items()}
    result = backtest(events, grid, forecasters, origins)
    pai5 = _means(result)
    chosen: dict[str, dict[str, Any]] = {}
    best: dict[str, float] = {}
    for label, (name, params) in candidates.items():  # in order: first wins ties
        if name not in best or pai5[label] > best[name] + 1e-12:
            chosen[name], best[name] = dict(params), pai5[label]
    return chosen, result


def _forecasters(chosen: dict[str, dict[str, Any]], target: str) -> dict[str, Any]:
    out: dict[str, Any] = {name: make(name, **chosen[name], target=target) for name in chosen}
    members = tuple(METHODS["ensemble"].params["members"])
    out["ensemble"] = make("ensemble", member_params={m: chosen[m] for m in members}, target=target)
    return out


def _sepp_fit(
    events: pd.DataFrame, grid: Units, until: str, params: dict[str, Any]
) -> dict[str, Any]:
    """What SEPP learns at one origin: offspring per event, trigger delay and distance."""
    model = make("sepp", **params).fit(events, grid, until)
    assert isinstance(model, SEPP)
    found = model.theta_ > 1e-6  # no triggering found: its delay and distance mean nothing
    return {
        "timestamped": bool(model.timestamped_),
        "theta_offspring_per_event": _r(model.theta_),
        "trigger_mean_days": _r(1.0 / model.omega_, 2) if found else None,
        "trigger_sigma_m": _r(model.sigma_, 1) if found else None,
        "background_share": _r(model.background_share_),
    }


def _sepp_grid_fit(events: pd.DataFrame, grid: Units, until: str) -> dict[str, Any]:
    """What the grid SEPP learns at one origin: offspring per event and trigger delay."""
    model = make("sepp-grid").fit(events, grid, until)
    assert isinstance(model, GridSEPP)
    found = model.theta_ > 1e-6
    return {
        "timestamped": bool(model.timestamped_),
        "theta_offspring_per_event": _r(model.theta_),
        "trigger_mean_days": _r(1.0 / model.omega_, 2) if found else None,
        "background_share": _r(model.background_share_),
        "em_iterations": int(model.n_iter_),
        "converged": bool(model.converged_),
    }


DIAGNOSTICS = ("sepp_mid_month", "sepp_grid_mid_month")
"""Backtest rows that are diagnostics, not methods: never the best own or best baseline."""


def synthetic_timestamped(settings: Settings, grid: Units) -> dict[str, Any]:
    """Rolling backtest on the timestamped synthetic borough (all results synthetic)."""
    events, info = synthetic_incidents(settings)
    months = target_months(events)
    origins = rolling_origins(months, 12)
    first = months.index(origins[0])
    validation_origins = months[first - SYNTH_VALIDATION_ORIGINS : first]
    t0 = time.perf_counter()
    chosen, validation = _choose(events, grid, validation_origins)
    counts = backtest(events, grid, _forecasters(chosen, "count"), origins)
    # the same SEPPs with the times removed: each event at mid-month, as on police.uk data
    no_times = events.drop(columns="occurred")
    mid = backtest(
        no_times,
        grid,
        {
            "sepp_mid_month": make("sepp", **chosen["sepp"]),
            "sepp_grid_mid_month": make("sepp-grid", **chosen["sepp-grid"]),
        },
        origins,
    )
    counts = BacktestResult(
        pd.concat([counts.scores, mid.scores], ignore_index=True), "count", "grid"
    )
    harm = backtest(events, grid, _forecasters(chosen, "harm"), origins, target="harm")
    seconds = time.perf_counter() - t0
    fitted = {
        label: _sepp_fit(data, grid, origins[-1], chosen["sepp"])
        for label, data in (("exact_times", events), ("mid_month", no_times))
    }
    grid_fitted = {
        label: _sepp_grid_fit(data, grid, origins[-1])
        for label, data in (("exact_times", events), ("mid_month", no_times))
    }
    _print("SYNTHETIC timestamped borough: validation window (candidates)", validation)
    _print("SYNTHETIC timestamped borough: test window, counts", counts)
    _print("SYNTHETIC timestamped borough: test window, harm-weighted forecasts", harm)

    pai5 = _means(counts)
    methods = [m for m in pai5 if m not in DIAGNOSTICS]
    own = {m: pai5[m] for m in methods if m not in BASELINES}
    base = {m: pai5[m] for m in ISSUE_BASELINES}
    best_own = max(own, key=lambda m: own[m])
    best_base = max(base, key=lambda m: base[m])
    worse = counts.months_worse_than("naive", 0.05, "pai")
    harm_worse = harm.months_worse_than("naive", 0.05, "harm_capture")
    predicted = [str(pd.Period(o, freq="M") + 1) for o in origins]
    print(
        f"SYNTHETIC: best own {best_own} PAI@5% {own[best_own]:.3f}; best baseline "
        f"{best_base} {base[best_base]:.3f}; SEPP exact times {pai5['sepp']:.3f}, "
        f"mid-month {pai5['sepp_mid_month']:.3f}; grid SEPP exact times "
        f"{pai5['sepp-grid']:.3f}, mid-month {pai5['sepp_grid_mid_month']:.3f}"
    )
    return {
        "synthetic": True,
        "label": (
            "SYNTHETIC: generated by upstream.synth (seed 1) on the real geography; "
            "not real incidents, not evidence about real violence"
        ),
        "data": info,
        "protocol": {
            "units": f"grid {int(grid.cell_size)} m, {grid.n} cells",
            "target": "serious violence (definitions' crime types), from the incidents view",
            "times": "occurred_from, exact (UTC); month = Europe/London calendar month",
            "validation_origins": validation_origins,
            "origins": origins,
            "predicted_months": predicted,
            "training": "all months up to and including the origin",
            "how_chosen": (
                "each method's candidate with the best mean PAI at 5% on the validation "
                "origins (ties: the registered setting); naive (12 months) and "
                "retrospective have none; the ensemble uses the chosen member settings"
            ),
            "candidates": SYNTH_CANDIDATES,
            "sepp_mid_month": (
                "diagnostic: the chosen SEPP on the same events with times removed "
                "(mid-month placement, as on police.uk data)"
            ),
            "sepp_grid_mid_month": "diagnostic: the same for the grid SEPP",
        },
        "chosen_hyperparameters": chosen,
        "sepp_fitted_at_last_origin": fitted,
        "sepp_grid_fitted_at_last_origin": grid_fitted,
        "accuracy_seconds": _r(seconds, 1),
        "validation": {"table": _labelled(_table(validation))},
        "test": {
            "table": _labelled(_table(counts)),
            "pai5_by_month": _by_month(counts),
            "months_below_naive_pai5": {k: int(v) for k, v in worse.items()},
            "best_own_method": best_own,
            "best_own_pai5": _r(own[best_own]),
            "best_baseline_method": best_base,
            "best_baseline_pai5": _r(base[best_base]),
            "ratio": _r(own[best_own] / base[best_base]),
        },
        "harm_weighted": {
            "table": _labelled(_table(harm)),
            "months_below_naive_harm_capture5": {k: int(v) for k, v in harm_worse.items()},
        },
        "ceiling_not_a_forecast": ceiling(events, grid, predicted),
    }


# ---- London-scale synthetic speed test ------------------------------------------------
def synthetic_london(seed: int = 0) -> tuple[pd.DataFrame, Units]:
    """One million events on a 70,225-cell square grid, with synthetic covariates."""
    rng = np.random.default_rng(seed)
    size = 150
    x0, y0 = 500_000, 160_000
    side = SPEED_SIDE * size
    box = shapely.box(x0, y0, x0 + side, y0 + side)
    empty = gpd.GeoDataFrame(
        {"lsoa_code": [], "lsoa_name": [], "population": []}, geometry=[], crs=BNG
    )
    area = Area(name="Synthetic London-scale square", boundary=box, lsoas=empty)
    grid = study_grid(area, size)
    n_spots = 4_000
    sx = rng.uniform(x0, x0 + side, n_spots)
    sy = rng.uniform(y0, y0 + side, n_spots)
    strength = rng.lognormal(0.0, 1.0, n_spots)
    n = SPEED_EVENTS
    background = rng.random(n) < 0.3
    spot = rng.choice(n_spots, size=n, p=strength / strength.sum())
    x = np.where(background, rng.uniform(x0, x0 + side, n), sx[spot] + rng.normal(0, 120, n))
    y = np.where(background, rng.uniform(y0, y0 + side, n), sy[spot] + rng.normal(0, 120, n))
    x = np.clip(np.round(x, -1), x0, x0 + side - 1)  # snapped to 10 m, like police.uk points
    y = np.clip(np.round(y, -1), y0, y0 + side - 1)
    month_no = rng.integers(0, SPEED_MONTHS, n)
    months = np.array([str(pd.Period("2021-01", freq="M") + i) for i in range(SPEED_MONTHS)])
    events = pd.DataFrame(
        {
            "month": months[month_no],
            "x": x,
            "y": y,
            "harm": rng.choice([60.0, 100.0, 30.0], size=n, p=[0.88, 0.1, 0.02]),
            "is_target": True,
        }
    )
    cx = grid["x_min"].to_numpy(float) + size / 2
    cy = grid["y_min"].to_numpy(float) + size / 2
    block = ((cx - x0) // 600).astype("int64") * 1000 + ((cy - y0) // 600).astype("int64")
    group = pd.factorize(block)[0].astype("int64")
    from upstream.forecast.covariates import nearest_distance

    feats = pd.DataFrame(
        {
            "dist_school": nearest_distance(
                cx, cy, rng.uniform(x0, x0 + side, 500), rng.uniform(y0, y0 + side, 500)
            ),
            "dist_centre": nearest_distance(
                cx, cy, rng.uniform(x0, x0 + side, 40), rng.uniform(y0, y0 + side, 40)
            ),
            "imd_decile": rng.integers(1, 11, group.max() + 1)[group].astype(float),
            "pop_density": rng.lognormal(9, 0.5, group.max() + 1)[group],
        }
    )
    units = Units(
        kind="grid",
        ids=grid["cell_id"].to_numpy(),
        x=cx,
        y=cy,
        area=np.full(cx.shape, float(size * size)),
        cell_size=float(size),
        group=group,
        features=feats,
    )
    return events, units


def speed() -> dict[str, Any]:
    started = time.perf_counter()
    events, units = synthetic_london()
    built = time.perf_counter() - started
    until = str(pd.Period("2021-01", freq="M") + SPEED_MONTHS - 1)
    out: dict[str, Any] = {
        "synthetic": True,
        "events": len(events),
        "cells": units.n,
        "cell_size_m": int(units.cell_size),
        "months": SPEED_MONTHS,
        "data_build_seconds": _r(built, 2),
        "target_seconds": 30.0,
        "fit_predict_seconds": {},
    }
    for name in METHODS:
        if name in ("sepp", "ensemble"):
            continue
        t0 = time.perf_counter()
        model = make(name).fit(events, units, until)
        scores = model.predict(1)
        seconds = time.perf_counter() - t0
        assert len(scores) == units.n
        out["fit_predict_seconds"][name] = _r(seconds, 2)
        print(f"speed: {name:<14} {seconds:6.1f} s for {len(events):,} events, {units.n:,} cells")
        if isinstance(model, GridSEPP):
            out["sepp_grid"] = {
                "events": len(events),
                "cells": units.n,
                "months": SPEED_MONTHS,
                "fit_predict_seconds": _r(seconds, 2),
                "distinct_cell_month_points": model.points_.n,
                "em_iterations": int(model.n_iter_),
                "converged": bool(model.converged_),
                "theta_offspring_per_event": _r(model.theta_, 6),
                "met": seconds < 30.0,
            }
    # SEPP's EM is quadratic in local event density: timed on the last 3 months only
    recent = events[events["month"] >= str(pd.Period(until, freq="M") - 2)]
    t0 = time.perf_counter()
    make("sepp").fit(recent, units, until).predict(1)
    out["sepp_last_3_months"] = {
        "events": len(recent),
        "fit_predict_seconds": _r(time.perf_counter() - t0, 2),
    }
    out["note"] = (
        "SEPP and the ensemble (which contains SEPP) are not run on all 36 months at this "
        "scale: the EM's candidate parent pairs grow with the square of local density "
        "(about 250 million pairs here). SEPP is timed on the last 3 months instead. The "
        "grid SEPP (sepp-grid, Mohler et al. 2015) is the scalable one: its EM is linear in "
        "the events (no pairs), so it is timed on all 36 months."
    )
    default = out["fit_predict_seconds"].get(DEFAULT_METHOD)
    out["default_method"] = DEFAULT_METHOD
    out["default_method_seconds"] = default
    out["met"] = default is not None and default < 30.0
    return out


def main() -> int:
    settings = Settings(data_dir=PROJECT_ROOT / "benchmarks" / ".scratch" / "forecast")
    from upstream.area import area_from_settings

    area = area_from_settings(settings)
    definitions = load_definitions()
    read = read_events_file(STREET, area, definitions)
    events = read.events
    months = target_months(events)
    origins = rolling_origins(months, 12)
    grid = grid_units(area, 150)
    names = list(METHODS)

    t0 = time.perf_counter()
    main_run = backtest(events, grid, names, origins)
    harm_run = backtest(events, grid, names, origins, target="harm")
    lsoa_run = backtest(events, lsoa_units(area), names, origins)
    validation = backtest(events, grid, names, VALIDATION_ORIGINS)
    accuracy_seconds = time.perf_counter() - t0
    _print("Test window, 150 m grid, counts (mean across 12 months)", main_run)
    _print("Test window, 150 m grid, harm-weighted forecasts", harm_run)
    _print("Test window, LSOAs", lsoa_run)
    _print("Validation window (hyper-parameters chosen here)", validation)

    pai5 = _means(main_run)
    own = {m: v for m, v in pai5.items() if m not in BASELINES}
    best_own = max(own, key=lambda m: own[m])
    issue_base = {m: pai5[m] for m in ISSUE_BASELINES}
    best_base = max(issue_base, key=lambda m: issue_base[m])
    all_base = {m: pai5[m] for m in BASELINES}
    best_any_base = max(all_base, key=lambda m: all_base[m])
    worse = main_run.months_worse_than("naive", 0.05, "pai")
    ratio = pai5[best_own] / issue_base[best_base]
    targets = {
        "pai5_best_own_method": best_own,
        "pai5_best_own": _r(pai5[best_own]),
        "pai5_best_baseline_method": best_base,
        "pai5_best_baseline": _r(issue_base[best_base]),
        "pai5_ratio": _r(ratio),
        "pai5_ratio_target": 1.15,
        "pai5_ratio_met": bool(ratio >= 1.15),
        "pai5_best_of_all_baselines_incl_retrospective": best_any_base,
        "pai5_ratio_vs_all_baselines": _r(pai5[best_own] / all_base[best_any_base]),
        "months_below_naive_pai5": {k: int(v) for k, v in worse.items()},
        "months_below_naive_target": 3,
        "months_below_naive_met_by_best_own": bool(worse[best_own] <= 3),
        "default_method": DEFAULT_METHOD,
        "default_method_pai5": _r(pai5[DEFAULT_METHOD]),
        "default_is_best_own_in_this_run": best_own == DEFAULT_METHOD,
    }
    print(
        f"\nbest own {best_own} PAI@5% {pai5[best_own]:.3f}; best baseline {best_base} "
        f"{issue_base[best_base]:.3f}; ratio {ratio:.3f} (target 1.15)"
    )
    print(f"months below naive (PAI@5%): {dict(worse)}")
    room = ceiling(events, grid, [str(pd.Period(o, freq="M") + 1) for o in origins])
    print(f"ceiling (not a forecast): {room['0.05']}")
    synth = synthetic_timestamped(settings, grid)
    fast = speed()

    result = {
        "benchmark": "forecast",
        "issue": 5,
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": sys.version.split()[0],
            "platform": platform.platform(),
        },
        "data": {
            "file": "data/police_uk/waltham_forest_street.parquet",
            "rows_read": read.rows_read,
            "rows_in_area": len(events),
            "target_events": int(events["is_target"].sum()),
            "target_crime_types": list(definitions.serious_violence),
            "months": [months[0], months[-1]],
            "grid_cells_150m": grid.n,
        },
        "protocol": {
            "origins": origins,
            "predicted_months": [str(pd.Period(o, freq="M") + 1) for o in origins],
            "training": "all months up to and including the origin",
            "coverages": list(COVERAGES),
            "ties": "score descending, then cell id ascending",
            "sepp_times": (
                "police.uk gives months only: events placed at mid-month (sepp, sepp-grid)"
            ),
        },
        "hyperparameters": {n: dict(m.params) for n, m in METHODS.items()},
        "how_chosen": (
            "By principle or on the validation window (origins 2016-06..2016-11); see "
            "upstream/forecast/registry.py. Nothing was tuned on the test window."
        ),
        "accuracy_seconds": _r(accuracy_seconds, 1),
        "test": {
            "table": _table(main_run),
            "pai5_by_month": _by_month(main_run),
        },
        "harm_weighted": {"table": _table(harm_run)},
        "lsoa": {"units": lsoa_units(area).n, "table": _table(lsoa_run)},
        "validation": {"origins": VALIDATION_ORIGINS, "table": _table(validation)},
        "ceiling_not_a_forecast": room,
        "targets": targets,
        "synthetic_timestamped": synth,
        "speed": fast,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(f"\nwrote {RESULTS.relative_to(PROJECT_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
