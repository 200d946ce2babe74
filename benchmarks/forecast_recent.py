"""Benchmark: do the forecasters beat plain counts on longer and more recent real data?

``benchmarks/forecast.py`` scores every method on the only bundled row-level data
(police.uk street crime for Waltham Forest, 2016-04 to 2017-12), where upstream's LightGBM
model and every baseline land within about 1% of plain 12-month counts. That could be a
property of 21 months of month-only data with snapped locations, or of the methods. This
script asks the same question of two longer or more recent real series, published by the
Metropolitan Police (MPS recorded crime, London Datastore, Open Government Licence v2.0),
and scores every method with the same code (``upstream.forecast.backtest.backtest`` and
``upstream.forecast.metrics``), on the same months, in the same run.

**Serious violence** here is the MPS major categories VIOLENCE AGAINST THE PERSON, ROBBERY
and POSSESSION OF WEAPONS, the closest the MPS categories come to the definitions'
police.uk types ("Violence and sexual offences", "Robbery", "Possession of weapons").
police.uk's first type also holds sexual offences; the MPS publishes those as their own
major category per ward and not at all per LSOA, so they are left out of both evaluations.
Every other category is context (the LightGBM model uses it, as it uses other crime types
on police.uk data).

**From counts to events.** The MPS files hold counts per area and month, and the
forecasters learn from events, so each counted crime becomes one pseudo-event placed at a
point standing for its area and dated to its month (``upstream.forecast.panel``). Binning
the pseudo-events by area and month gives back exactly the published counts (the script
checks this every month), so count-based methods see the real numbers.

1. **London wards, long series** (not bundled: read from ``UPSTREAM_MPS_WARD_FILE``, a
   relative path being taken from the repository root, or else from
   ``../shared/data/london/mps_recorded_crime_ward_monthly_nonzero.parquet`` relative to
   the repository root; skipped, with the reason printed and written to the JSON, when absent).
   All 679 wards of London on 2022 boundaries (the MPS recasts the history to them), each
   month from 2010-04 to 2025-02; the file omits zero rows, which are filled back in. There
   are no ward boundaries, so each ward is an equal-sized square on a fake lattice, far
   from every other (``panel.isolated_units``): every ward has the same area, the
   LightGBM model's neighbourhood-ring features are empty, and its "LSOA-level" features
   become borough-level (each ward's group is its borough). Offences the MPS files under
   "Aviation Security (SO18)" stay in their ward (Heathrow Villages, Hillingdon). Coverage
   is therefore a share of *wards*, and PAI with equal areas is hit rate / share of wards:
   it is reported as the **capture ratio at x% of wards**, not as an area PAI. Rolling
   origins 2024-02 to 2025-01, each predicting the next month (2024-03 to 2025-02) from
   every month since 2010-04. Methods: naive (12-month counts), retrospective (all
   history), lgbm (registered settings; no fixed covariates exist for wards) and the mean
   of lgbm and naive. Kernel density, prospective hot-spotting and the point process are
   not run: they measure distances between places, and wards have no geometry here.
   Context events older than LightGBM's context features can read
   (``panel.first_context_month``) are not written, to save memory; that changes no
   forecast (a test checks this). About 5.2 million pseudo-events; this part takes about
   100 s and 1.9 GB of memory on the 2-core development machine.

2. **Waltham Forest 2021 LSOAs, recent** (bundled: ``data/london/
   mps_lsoa_monthly_waltham_forest.parquet``, the 146 Waltham Forest LSOAs cut from the
   MPS LSOA series). Every month in the file, 2024-03 to 2025-08 (the project holds out
   2025-09 to 2026-02 and they are not in the file). Rolling origins 2024-08 to 2025-07,
   predicting 2024-09 to 2025-08, so the first origin has 6 months of training. Units are
   the real 2021 LSOA polygons with their real areas (``lsoa_units(area, vintage=2021)``),
   so PAI is a true area PAI; pseudo-events sit on each LSOA's representative point, so kernel
   density, prospective hot-spotting and the point process see those points, not where
   the crimes happened (kernel density suffers most: see ``LSOA_CAVEAT``). Methods:
   naive, retrospective, prospective, kde, sepp, lgbm (with the fixed covariates at each
   representative point), the ensemble as registered when this was written (lgbm, naive,
   sepp; named here explicitly) and the mean of lgbm and naive.

Nothing is tuned on these months: every method runs with its registered settings. For
information only, a ranking no forecast could make: areas by their mean over the other
months within 6 or 12 months either side of the target month, future included.
Results go to ``benchmarks/results/forecast_recent.json``; the whole script takes about
two minutes.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from upstream.config import PROJECT_ROOT, Settings
from upstream.forecast.backtest import BacktestResult, backtest
from upstream.forecast.base import BaseForecaster
from upstream.forecast.data import lsoa_units
from upstream.forecast.metrics import COVERAGES, evaluate
from upstream.forecast.panel import (
    MPS_SERIOUS_VIOLENCE,
    complete_panel,
    first_context_month,
    isolated_units,
    month_range,
    pseudo_events,
)
from upstream.forecast.registry import METHODS, make

RESULTS = PROJECT_ROOT / "benchmarks" / "results" / "forecast_recent.json"
WARD_ENV = "UPSTREAM_MPS_WARD_FILE"
WARD_DEFAULT = (
    Path("..") / "shared" / "data" / "london" / ("mps_recorded_crime_ward_monthly_nonzero.parquet")
)
LSOA_FILE = Path("data") / "london" / "mps_lsoa_monthly_waltham_forest.parquet"
WALTHAM_FOREST = "E09000031"
AVIATION = "Aviation Security (SO18)"

WARD_FIRST_MONTH = "2010-04"
WARD_ORIGINS = month_range("2024-02", "2025-01")
LSOA_MIN_TRAINING = 6
ENSEMBLE_MEMBERS = ("lgbm", "naive", "sepp")
"""The registered ensemble's members when this script was written, named so they stay put."""
OWN = ("lgbm", "ensemble", "lgbm+naive")
LSOA_CAVEAT = (
    "pseudo-events sit on each LSOA's representative point, so kde, prospective and sepp "
    "see those points, not where the crimes happened (sepp also has months only: events at "
    "mid-month). kde scores density at the point x LSOA area; with every crime of an LSOA "
    "on its point that is about count x area, which favours large LSOAs and so ranks badly "
    "by PAI: its row says nothing about kernel density on real locations."
)
CEILING_WINDOWS = (6, 12)
"""Months either side of a target month that the (not-a-forecast) ceiling averages over."""


def _r(value: Any, digits: int = 4) -> float | None:
    if value is None or not np.isfinite(value):
        return None
    return round(float(value), digits)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _next(month: str, k: int = 1) -> str:
    return str(pd.Period(month, freq="M") + k)


# ---- scoring and reporting ---------------------------------------------------------------
def _methods(names: list[str]) -> dict[str, BaseForecaster]:
    """Registered methods by name, plus the two ensembles named explicitly."""
    out: dict[str, BaseForecaster] = {n: make(n) for n in names}
    if "sepp" in names:
        out["ensemble"] = make("ensemble", members=ENSEMBLE_MEMBERS)
    out["lgbm+naive"] = make("ensemble", members=("lgbm", "naive"))
    return out


def _summary(result: BacktestResult) -> pd.DataFrame:
    s = result.summary()
    worse = result.months_worse_than("naive", 0.05, "pai")
    s["months_below_naive_pai5"] = s["method"].map(worse).where(s["method"] != "naive")
    return s


def _table(result: BacktestResult, ratio_name: str) -> list[dict[str, Any]]:
    keep = ["method", "coverage", "units_flagged"]
    for measure in ("pai", "hit_rate", "pei"):
        keep += [f"{measure}_{k}" for k in ("mean", "sd", "min", "max")]
    keep += ["seconds_mean", "months_below_naive_pai5"]
    s = _summary(result)
    flagged = result.scores.groupby(["method", "coverage"], sort=False)["units"].first()
    s["units_flagged"] = [
        int(flagged[(m, c)]) for m, c in zip(s["method"], s["coverage"], strict=True)
    ]
    out = []
    for rec in s[keep].to_dict("records"):
        row: dict[str, Any] = {}
        for k, v in rec.items():
            name = k.replace("pai", ratio_name, 1) if k.startswith("pai") else k
            if k == "months_below_naive_pai5":
                name = f"months_below_naive_{ratio_name}5"
                v = None if pd.isna(v) else int(v)
            row[name] = _r(v) if isinstance(v, float) else v
        out.append(row)
    return out


def _print(title: str, result: BacktestResult, ratio_label: str) -> None:
    s = _summary(result)
    print(f"\n{title}")
    head = "".join(f"{f'{ratio_label} {c:.0%}':>11}{f'HR {c:.0%}':>8}" for c in COVERAGES)
    print(f"{'method':<14}{head}{'sd 5%':>7}{'PEI 5%':>8}{'<naive@5%':>11}{'mean s':>8}")
    for method in dict.fromkeys(s["method"]):
        rows = s[s["method"] == method].to_dict("records")
        cells = "".join(f"{r['pai_mean']:>11.3f}{r['hit_rate_mean']:>8.3f}" for r in rows)
        at5 = next(r for r in rows if np.isclose(r["coverage"], 0.05))
        below = rows[0]["months_below_naive_pai5"]
        below_text = "-" if pd.isna(below) else f"{int(below)}/{result.scores['month'].nunique()}"
        print(
            f"{method:<14}{cells}{at5['pai_sd']:>7.3f}{at5['pei_mean']:>8.3f}{below_text:>11}"
            f"{rows[0]['seconds_mean']:>8.2f}"
        )
    print(
        f"(sd 5%: month-to-month standard deviation of {ratio_label} at 5%; PEI: share of "
        "what a ranking by the month's actual counts would have caught)"
    )


def _by_month(result: BacktestResult) -> dict[str, dict[str, Any]]:
    at = result.scores[np.isclose(result.scores["coverage"], 0.05)]
    wide = at.pivot(index="month", columns="method", values="pai")
    return {m: {k: _r(v) for k, v in wide[m].items()} for m in wide.columns}


def _verdict(result: BacktestResult) -> dict[str, Any]:
    s = result.summary()
    at = s[np.isclose(s["coverage"], 0.05)]
    pai5 = {rec["method"]: float(rec["pai_mean"]) for rec in at.to_dict("records")}
    own = {m: v for m, v in pai5.items() if m in OWN}
    base = {m: v for m, v in pai5.items() if m not in OWN}
    best_own = max(own, key=lambda m: own[m])
    best_base = max(base, key=lambda m: base[m])
    worse = result.months_worse_than("naive", 0.05, "pai")
    return {
        "best_own_method": best_own,
        "best_own_at_5pct": _r(own[best_own]),
        "best_baseline_method": best_base,
        "best_baseline_at_5pct": _r(base[best_base]),
        "ratio_best_own_to_best_baseline_at_5pct": _r(own[best_own] / base[best_base]),
        "ratio_lgbm_to_naive_at_5pct": _r(pai5["lgbm"] / pai5["naive"]),
        "months_below_naive_at_5pct": {k: int(v) for k, v in worse.items() if k != "naive"},
        "months": int(result.scores["month"].nunique()),
    }


def _check_counts(result: BacktestResult, panel: pd.DataFrame) -> None:
    """The backtest's events per month must equal the published counts (exact round trip)."""
    seen = result.scores.groupby("month")["events"].first()
    published = panel.groupby("month")["target"].sum()
    for month, n in seen.items():
        if int(n) != int(published[month]):
            raise RuntimeError(f"{month}: backtest saw {n} events, the file has {published[month]}")


def ceiling(
    panel: pd.DataFrame, unit: str, order: list[str], months: list[str], area: np.ndarray | None
) -> dict[str, Any]:
    """Not a forecast: how much better than naive a ranking that knows the future does.

    For each target month, areas are ranked by their mean over the other months within
    ``w`` months either side (future included; ``w`` in :data:`CEILING_WINDOWS`) and, for
    reference, by naive's last 12 months; both are scored by ``metrics.evaluate``.
    """
    wide = panel.pivot(index="month", columns=unit, values="target")[order]
    all_months = list(wide.index)
    ids = pd.Index(np.arange(len(order)), name="cell_id")
    area_s = None if area is None else pd.Series(area, index=ids)

    def score(values: pd.Series, month: str, c: float) -> float:
        actual = pd.Series(wide.loc[month].to_numpy(dtype=float), index=ids)
        ranked = pd.Series(values.to_numpy(dtype=float), index=ids)
        return float(evaluate(ranked, actual, coverages=[c], area=area_s)["pai"].iloc[0])

    out: dict[str, Any] = {}
    for c in COVERAGES:
        naive = []
        oracle: dict[int, list[float]] = {w: [] for w in CEILING_WINDOWS}
        for month in months:
            i = all_months.index(month)
            naive.append(score(wide.iloc[max(0, i - 12) : i].sum(), month, c))
            for w in CEILING_WINDOWS:
                near = [m for j, m in enumerate(all_months) if 0 < abs(j - i) <= w]
                oracle[w].append(score(wide.loc[near].mean(), month, c))
        row: dict[str, Any] = {"naive_mean": _r(float(np.mean(naive)))}
        for w in CEILING_WINDOWS:
            row[f"within_{w}_months_mean"] = _r(float(np.mean(oracle[w])))
            row[f"within_{w}_months_ratio_to_naive"] = _r(
                float(np.mean(oracle[w]) / np.mean(naive))
            )
        out[f"{c:.2f}"] = row
    return out


# ---- 1. London wards -------------------------------------------------------------------
def ward_file() -> tuple[Path, str]:
    """Where the ward file is, and how it was found (no machine-specific path)."""
    given = os.environ.get(WARD_ENV)
    if given:
        path = Path(given).expanduser()
        return (path if path.is_absolute() else PROJECT_ROOT / path), f"${WARD_ENV}"
    return PROJECT_ROOT / WARD_DEFAULT, f"default {WARD_DEFAULT.as_posix()} (repository root)"


def _print_verdict(verdict: dict[str, Any], room: dict[str, Any]) -> None:
    print(
        f"best own {verdict['best_own_method']} {verdict['best_own_at_5pct']:.3f}, best "
        f"baseline {verdict['best_baseline_method']} {verdict['best_baseline_at_5pct']:.3f}: "
        f"ratio {verdict['ratio_best_own_to_best_baseline_at_5pct']:.3f}"
    )
    print(
        "ceiling at 5% (not a forecast: mean of the other months within 6 / 12 months, "
        f"future included): {room['0.05']['within_6_months_ratio_to_naive']:.3f} / "
        f"{room['0.05']['within_12_months_ratio_to_naive']:.3f} x naive"
    )


def london_wards() -> dict[str, Any]:
    path, how = ward_file()
    if not path.is_file():
        reason = (
            f"ward file not found ({how}; set {WARD_ENV} to the MPS ward parquet "
            "'mps_recorded_crime_ward_monthly_nonzero.parquet' to run this part)"
        )
        print(f"\nLondon wards: SKIPPED: {reason}")
        return {"skipped": reason}
    t0 = time.perf_counter()
    last = _next(WARD_ORIGINS[-1])
    cols = ["month", "borough", "ward_code", "major_category", "count"]
    raw = pd.read_parquet(path, columns=cols)
    categories = sorted(set(raw["major_category"].astype(str)))
    missing = sorted(set(MPS_SERIOUS_VIOLENCE) - set(categories))
    if missing:
        raise RuntimeError(f"{path.name}: no major category {missing}")
    labelled = raw[raw["borough"].astype(str) != AVIATION]
    borough = labelled.groupby("ward_code")["borough"].agg(lambda s: s.mode().iloc[0])
    codes = sorted(set(raw["ward_code"].astype(str)))
    boroughs = sorted(set(borough.astype(str)))
    group = np.array([boroughs.index(str(borough[c])) for c in codes], dtype="int64")
    months = month_range(WARD_FIRST_MONTH, last)
    full = complete_panel(
        raw, "ward_code", MPS_SERIOUS_VIOLENCE, units=codes,
        months=month_range(WARD_FIRST_MONTH, str(raw["month"].astype(str).max())),
    )  # fmt: skip
    rows_in_file = len(raw)
    del raw, labelled
    panel = full[full["month"].isin(months)].reset_index(drop=True)
    units = isolated_units(group)
    train_months = int(make("lgbm").get_params()["train_months"])
    context_from = first_context_month(WARD_ORIGINS[0], train_months)
    events = pseudo_events(
        panel,
        "ward_code",
        pd.Series(units.x, index=codes),
        pd.Series(units.y, index=codes),
        context_from=context_from,
    )
    built = time.perf_counter() - t0
    print(
        f"\nLondon wards: {len(codes)} wards in {len(boroughs)} boroughs, {months[0]}.."
        f"{months[-1]}, {int(panel['target'].sum()):,} serious-violence crimes, "
        f"{len(events):,} pseudo-events; built in {built:.1f} s"
    )
    t1 = time.perf_counter()
    result = backtest(events, units, _methods(["naive", "retrospective", "lgbm"]), WARD_ORIGINS)
    seconds = time.perf_counter() - t1
    _check_counts(result, panel)
    _print(
        "London wards, serious violence, capture ratio (= hit rate / share of wards; "
        "equal areas, not an area PAI) and hit rate at 1/2/5/10% of wards, mean of 12 months",
        result,
        "ratio",
    )
    predicted = [_next(o) for o in WARD_ORIGINS]
    room = ceiling(full, "ward_code", codes, predicted, None)
    verdict = _verdict(result)
    _print_verdict(verdict, room)
    target_rows = full[full["month"].isin(months)]
    return {
        "data": {
            "file": path.name,
            "found_by": how,
            "sha256": _sha256(path),
            "source": (
                "MPS Recorded Crime: Geographic Breakdown, ward level (London Datastore, "
                "Open Government Licence v2.0), via the project's shared data catalogue"
            ),
            "rows_in_file": rows_in_file,
            "file_months": [full["month"].min(), full["month"].max()],
            "months_used": [months[0], months[-1]],
            "wards": len(codes),
            "boroughs": len(boroughs),
            "ward_boundaries": "2022 (current wards; the MPS recasts the history to them)",
            "serious_violence_categories": list(MPS_SERIOUS_VIOLENCE),
            "major_categories_in_file": categories,
            "serious_violence_crimes_used": int(target_rows["target"].sum()),
            "serious_violence_per_month_in_test": {
                m: int(panel.loc[panel["month"] == m, "target"].sum()) for m in predicted
            },
            "context_crimes_written": int((~events["is_target"]).sum()),
            "context_from": context_from,
            "pseudo_events": len(events),
            "ward_months_without_serious_violence": int((target_rows["target"] == 0).sum()),
        },
        "protocol": {
            "units": (
                "each ward one unit; no ward geometry, so equal-area 100 m squares on a fake "
                "lattice 1,300 m apart (neighbourhood rings empty), group = borough (the "
                "LSOA-level features become borough-level); pseudo-events at the squares' "
                "centres, month only"
            ),
            "measure": (
                "capture ratio at x% of wards = hit rate / share of wards flagged (PAI with "
                "every ward given the same area; NOT an area PAI)"
            ),
            "origins": WARD_ORIGINS,
            "predicted_months": predicted,
            "training": f"every month from {WARD_FIRST_MONTH} up to and including the origin",
            "coverages": list(COVERAGES),
            "ties": "score descending, then ward position (code order) ascending",
            "methods": {
                "naive": "registered (12-month counts)",
                "retrospective": "registered (all history since 2010-04)",
                "lgbm": "registered settings; no fixed covariates for wards",
                "lgbm+naive": "equal-weight mean of lgbm and naive (Ensemble)",
            },
            "not_run": (
                "kde, prospective and sepp (and so the registered ensemble, which holds sepp): "
                "they use distances between places, and there is no ward geometry"
            ),
            "context": (
                f"other MPS categories from {context_from} only: lgbm's context features "
                "read at most 12 months before each of its 12 training months, so older "
                "context cannot change a forecast"
            ),
        },
        "hyperparameters": {n: dict(METHODS[n].params) for n in ("naive", "lgbm")},
        "build_seconds": _r(built, 1),
        "backtest_seconds": _r(seconds, 1),
        "table": _table(result, "capture_ratio"),
        "capture_ratio5_by_month": _by_month(result),
        "verdict": verdict,
        "ceiling_not_a_forecast": {
            "what": (
                "rank wards by their mean over the other months within 6 or 12 months "
                "either side of the target month (future included), against naive; "
                "capture ratio"
            ),
            **room,
        },
    }


# ---- 2. Waltham Forest LSOAs -----------------------------------------------------------
def waltham_forest_lsoas(settings: Settings) -> dict[str, Any]:
    from upstream.area import area_from_settings

    t0 = time.perf_counter()
    path = PROJECT_ROOT / LSOA_FILE
    raw = pd.read_parquet(path)
    area = area_from_settings(settings)
    units = lsoa_units(area, vintage=2021)
    assert units.labels is not None
    codes = [str(c) for c in units.labels]
    in_file = set(raw.loc[raw["borough_code"] == WALTHAM_FOREST, "lsoa_code"].astype(str))
    if in_file != set(codes):
        raise RuntimeError(f"{LSOA_FILE}: LSOAs differ from the bundled 2021 LSOA polygons")
    months = month_range(str(raw["month"].min()), str(raw["month"].max()))
    panel = complete_panel(raw, "lsoa_code", MPS_SERIOUS_VIOLENCE, units=codes, months=months)
    events = pseudo_events(
        panel, "lsoa_code", pd.Series(units.x, index=codes), pd.Series(units.y, index=codes)
    )
    if not (units.locate(units.x, units.y) == np.arange(units.n)).all():
        raise RuntimeError("a representative point is not inside its own LSOA")
    origins = months[LSOA_MIN_TRAINING - 1 : -1]
    built = time.perf_counter() - t0
    print(
        f"\nWaltham Forest: {units.n} 2021 LSOAs, {months[0]}..{months[-1]}, "
        f"{int(panel['target'].sum()):,} serious-violence crimes, {len(events):,} pseudo-events"
    )
    names = ["naive", "retrospective", "prospective", "kde", "sepp", "lgbm"]
    t1 = time.perf_counter()
    result = backtest(events, units, _methods(names), origins)
    seconds = time.perf_counter() - t1
    _check_counts(result, panel)
    _print(
        f"Waltham Forest 2021 LSOAs, serious violence, PAI (true area) and hit rate at "
        f"1/2/5/10% of the area, mean of {len(origins)} months",
        result,
        "PAI",
    )
    print(f"note: {LSOA_CAVEAT}")
    predicted = [_next(o) for o in origins]
    room = ceiling(panel, "lsoa_code", codes, predicted, units.area)
    verdict = _verdict(result)
    _print_verdict(verdict, room)
    return {
        "data": {
            "file": LSOA_FILE.as_posix(),
            "sha256": _sha256(path),
            "source": (
                "MPS Recorded Crime: Geographic Breakdown, LSOA level (London Datastore, "
                "Open Government Licence v2.0); Waltham Forest subset, see "
                "data/london/SOURCES.md"
            ),
            "rows_in_file": len(raw),
            "months": [months[0], months[-1]],
            "held_out_by_the_project_not_in_file": ["2025-09", "2026-02"],
            "lsoas": units.n,
            "lsoa_vintage": "2021 (the area pack's lsoa21 layer, data/areas/waltham_forest)",
            "serious_violence_categories": list(MPS_SERIOUS_VIOLENCE),
            "serious_violence_crimes": int(panel["target"].sum()),
            "serious_violence_per_month_in_test": {
                m: int(panel.loc[panel["month"] == m, "target"].sum()) for m in predicted
            },
            "context_crimes": int(panel["context"].sum()),
            "pseudo_events": len(events),
        },
        "protocol": {
            "units": (
                "the 146 real 2021 LSOA polygons and areas (PAI is a true area PAI); "
                "pseudo-events at each LSOA's representative point, month only"
            ),
            "origins": origins,
            "predicted_months": predicted,
            "training": (
                f"every month from {months[0]} up to and including the origin (at least "
                f"{LSOA_MIN_TRAINING} months)"
            ),
            "coverages": list(COVERAGES),
            "ties": "score descending, then LSOA position (code order) ascending",
            "methods": {
                **{n: "registered settings" for n in names},
                "lgbm": (
                    "registered settings, fixed covariates at each representative point "
                    "(deprivation and density of the 2011 LSOA holding it)"
                ),
                "ensemble": f"registered Ensemble, members named explicitly: {ENSEMBLE_MEMBERS}",
                "lgbm+naive": "equal-weight mean of lgbm and naive (Ensemble)",
            },
            "caveat": LSOA_CAVEAT,
        },
        "hyperparameters": {n: dict(METHODS[n].params) for n in names},
        "build_seconds": _r(built, 1),
        "backtest_seconds": _r(seconds, 1),
        "table": _table(result, "pai"),
        "pai5_by_month": _by_month(result),
        "verdict": verdict,
        "ceiling_not_a_forecast": {
            "what": (
                "rank LSOAs by their mean over the other months within 6 or 12 months "
                "either side of the target month (future included, as far as the file "
                "goes), against naive; area PAI"
            ),
            **room,
        },
    }


def main() -> int:
    started = time.perf_counter()
    settings = Settings(data_dir=PROJECT_ROOT / "benchmarks" / ".scratch" / "forecast_recent")
    wards = london_wards()
    lsoas = waltham_forest_lsoas(settings)
    total = time.perf_counter() - started
    print(f"\ntotal run time {total:.1f} s")
    result = {
        "benchmark": "forecast_recent",
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": sys.version.split()[0],
            "platform": platform.platform(),
        },
        "question": (
            "Is the near-tie of every method with plain 12-month counts on 21 months of "
            "police.uk data a property of that data or of the methods? Scored on longer "
            "(London wards since 2010) and more recent (Waltham Forest LSOAs 2024-25) MPS "
            "recorded crime, serious violence, same metrics code for every method."
        ),
        "serious_violence": {
            "mps_major_categories": list(MPS_SERIOUS_VIOLENCE),
            "mirrors": "Violence and sexual offences, Robbery, Possession of weapons (police.uk)",
            "difference": (
                "sexual offences are left out: the MPS publishes them as a separate major "
                "category per ward and not at all per LSOA"
            ),
        },
        "tuning": "none on these months: every method runs with its registered settings",
        "london_wards": wards,
        "waltham_forest_lsoas": lsoas,
        "runtime_seconds": _r(total, 1),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS.relative_to(PROJECT_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
