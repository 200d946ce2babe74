"""``upstream evaluate``: did an intervention work, and could an evaluation tell?

Parses, calls :mod:`upstream.account.evaluation`, writes JSON atomically, prints the verdict.
Bad input is one line on stderr naming the file, line and field, and exit code 1; nothing is
written then.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from upstream.cli_inputs import fail
from upstream.terminal import console as make_console

if TYPE_CHECKING:
    from upstream.account.evaluation.placebo import PlaceboResult

__all__ = ["app"]

app = typer.Typer(
    help="Evaluate what works: interrupted time series, difference-in-differences, synthetic "
    "control, placebo tests, and power before launch.",
    add_completion=False,
    no_args_is_help=True,
)
console = make_console()

CountsOption = Annotated[
    Path,
    typer.Option(
        "--counts",
        help="CSV with columns month,count (optional exposure): one row per month.",
        metavar="FILE.csv",
    ),
]
StartOption = Annotated[
    str, typer.Option("--start", help="First month of the intervention.", metavar="YYYY-MM")
]
OutOption = Annotated[Path, typer.Option("--out", help="Result JSON to write.", metavar="FILE")]
MinPreOption = Annotated[
    int, typer.Option("--min-pre", help="Fewest months required before the start.", min=12)
]
WhatOption = Annotated[
    str, typer.Option("--what", help="What was counted, for the verdict's wording.")
]


def _clean(value: Any) -> Any:
    """JSON-safe: NaN and infinities become null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def _write(result: dict[str, Any], out: Path) -> None:
    from upstream.plan.files import write_text_atomic

    try:
        write_text_atomic(json.dumps(_clean(result), indent=2) + "\n", out)
    except OSError as exc:
        raise fail(f"{out}: cannot write the result ({exc.strerror})") from exc


@app.command("its")
def its_command(
    counts: CountsOption,
    start: StartOption,
    out: OutOption,
    season: Annotated[
        str, typer.Option(help="Seasonal terms: fourier, month or none.")
    ] = "fourier",
    slope_change: Annotated[
        bool, typer.Option("--slope-change", help="Also estimate a change in trend.")
    ] = False,
    method: Annotated[
        str, typer.Option(help="auto (quasi-Poisson when overdispersed), poisson, negbin.")
    ] = "auto",
    placebo: Annotated[
        bool, typer.Option("--placebo/--no-placebo", help="Run placebo starts in time.")
    ] = True,
    errors: Annotated[
        str, typer.Option(help="Standard errors: model, or hac (Newey-West, 3 lags).")
    ] = "model",
    min_pre: MinPreOption = 12,
    what: WhatOption = "the count",
) -> None:
    """Interrupted time series: the level change at --start as a rate ratio with a 95% interval."""
    import numpy as np

    from upstream.account.evaluation.its import fit_its
    from upstream.account.evaluation.placebo import placebo_in_time
    from upstream.account.evaluation.series import SeriesError, check_start, read_counts
    from upstream.account.evaluation.verdict import verdict

    if season not in ("fourier", "month", "none"):
        raise fail(f"--season: {season!r} is not one of fourier, month, none")
    if method not in ("auto", "poisson", "quasipoisson", "negbin"):
        raise fail(f"--method: {method!r} is not one of auto, poisson, quasipoisson, negbin")
    if errors not in ("model", "hac"):
        raise fail(f"--errors: {errors!r} is not one of model, hac")
    try:
        series = read_counts(counts)
        month = check_start(series, start, min_pre)
    except SeriesError as exc:
        raise fail(str(exc)) from exc
    try:
        result = fit_its(
            series,
            month,
            season=season,  # type: ignore[arg-type]
            slope_change=slope_change,
            method=method,  # type: ignore[arg-type]
            errors=errors,  # type: ignore[arg-type]
        )
    except (ValueError, ArithmeticError, np.linalg.LinAlgError) as exc:
        raise fail(f"{counts}: the model cannot be fitted to this series ({exc})") from exc
    placebos: tuple[PlaceboResult, ...] = ()
    summary: dict[str, Any] = {"counts": str(counts), **result.summary()}
    if placebo:
        p = placebo_in_time(
            series,
            result,
            fit=lambda s, m: fit_its(s, m, season=season, method=method, errors=errors),  # type: ignore[arg-type]
        )
        placebos = (p,)
        summary["placebo_time"] = p.summary()
    summary["verdict"] = verdict(
        result.rate_ratio, result.ci_low, result.ci_high, what=what, placebos=placebos
    )
    summary["monthly"] = [
        {"month": m, "observed": o, "fitted": f, "expected_without": c}
        for m, o, f, c in zip(
            result.observed.index,
            result.observed,
            result.fitted,
            result.counterfactual,
            strict=True,
        )
    ]
    _write(summary, out)
    console.print(summary["verdict"], highlight=False, soft_wrap=True)


@app.command("power")
def power_command(
    per_year: Annotated[
        list[float],
        typer.Option("--per-year", help="Offences a year before the start (repeatable)."),
    ],
    pre: Annotated[int, typer.Option("--pre", help="Months before the start.", min=12)] = 36,
    post: Annotated[int, typer.Option("--post", help="Months after the start.", min=1)] = 24,
    dispersion: Annotated[
        float, typer.Option(help="Variance / mean of the monthly counts (1: Poisson).", min=1.0)
    ] = 1.0,
    power: Annotated[float, typer.Option(help="Target power.", min=0.01, max=0.99)] = 0.8,
    no_trend: Annotated[
        bool, typer.Option("--no-trend", help="Assume no underlying trend (not estimated).")
    ] = False,
    out: Annotated[Path | None, typer.Option("--out", help="JSON to write.")] = None,
) -> None:
    """Minimum detectable effect before launch: the smallest fall (and rise) an evaluation
    of --post months detects with the target power."""
    from upstream.account.evaluation.power import minimum_detectable_effect

    rows = []
    for rate in per_year:
        if rate <= 0:
            raise fail(f"--per-year: {rate:g} is not a positive number of offences")
        mde = minimum_detectable_effect(
            rate,
            pre_months=pre,
            post_months=post,
            dispersion=dispersion,
            power=power,
            trend=not no_trend,
        )
        rows.append(mde.summary())
        console.print(mde.sentence(), highlight=False, soft_wrap=True)
    if out is not None:
        _write({"method": "analytic (Poisson GLM information)", "rows": rows}, out)


ComparisonsOption = Annotated[
    Path,
    typer.Option(
        "--comparisons",
        help="CSV with columns month,area,count: the comparison areas, every month of --counts.",
        metavar="FILE.csv",
    ),
]
DeprivationOption = Annotated[
    Path | None,
    typer.Option(
        "--deprivation",
        help="CSV with columns area,deprivation, including the treated area as --area.",
        metavar="FILE.csv",
    ),
]
AreaOption = Annotated[
    str, typer.Option("--area", help="The treated area's name in the deprivation file.")
]


def _against(
    counts: Path,
    comparisons: Path,
    start: str,
    deprivation: Path | None,
    area: str,
    method: str,
    k: int,
    what: str,
    min_pre: int,
) -> dict[str, Any]:
    from upstream.account.evaluation.compare import evaluate_against
    from upstream.account.evaluation.panel import read_deprivation, read_panel
    from upstream.account.evaluation.series import SeriesError, check_start, read_counts

    try:
        series = read_counts(counts)
        check_start(series, start, min_pre)
        pool = read_panel(comparisons, series.months)
        dep = read_deprivation(deprivation) if deprivation is not None else None
    except SeriesError as exc:
        raise fail(str(exc)) from exc
    if dep is not None and area not in dep.index:
        raise fail(f"{deprivation}, field 'area': no row for the treated area {area!r}")
    missing = sorted(set(pool.columns) - set(dep.index)) if dep is not None else []
    if missing:
        raise fail(f"{deprivation}, field 'area': no row for the comparison area {missing[0]!r}")
    if pool.shape[1] < 2:
        raise fail(f"{comparisons}, field 'area': need at least 2 comparison areas")
    treated = series.frame["count"].set_axis(series.months.astype(str))
    return evaluate_against(
        treated,
        pool,
        start,
        what=what,
        k=min(k, pool.shape[1]),
        deprivation=dep,
        treated_deprivation=None if dep is None else float(dep[area]),
        methods=(method,),
    )


@app.command("did")
def did_command(
    counts: CountsOption,
    comparisons: ComparisonsOption,
    start: StartOption,
    out: OutOption,
    deprivation: DeprivationOption = None,
    area: AreaOption = "treated",
    k: Annotated[int, typer.Option("--k", help="Comparison areas to match.", min=1)] = 5,
    min_pre: MinPreOption = 12,
    what: WhatOption = "the count",
) -> None:
    """Difference-in-differences against the --k comparison areas most like the treated one
    before --start (pre-period trend, and deprivation when given)."""
    result = _against(counts, comparisons, start, deprivation, area, "did", k, what, min_pre)
    _write(result["did"], out)
    console.print(result["did"]["verdict"], highlight=False, soft_wrap=True)


@app.command("synth")
def synth_command(
    counts: CountsOption,
    comparisons: ComparisonsOption,
    start: StartOption,
    out: OutOption,
    min_pre: MinPreOption = 12,
    what: WhatOption = "the count",
) -> None:
    """Synthetic control from the comparison areas, with placebo-in-space inference."""
    result = _against(counts, comparisons, start, None, "treated", "synth", 5, what, min_pre)
    _write(result["synth"], out)
    console.print(result["synth"]["verdict"], highlight=False, soft_wrap=True)


@app.command("borough")
def borough_command(
    borough: Annotated[str, typer.Option("--borough", help="London borough, as MPS names it.")],
    series: Annotated[str, typer.Option("--series", help="MPS series, e.g. Robbery.")],
    start: StartOption,
    out: OutOption,
    first: Annotated[
        str | None, typer.Option("--first", help="First month used.", metavar="YYYY-MM")
    ] = None,
    last: Annotated[
        str | None, typer.Option("--last", help="Last month used.", metavar="YYYY-MM")
    ] = None,
    k: Annotated[int, typer.Option("--k", help="Comparison boroughs to match.", min=1)] = 5,
) -> None:
    """Every method on the bundled MPS borough series: the borough against the other London
    boroughs (matched on pre-period trend and IMD 2019 deprivation)."""
    from upstream.account.evaluation.areas import borough_deprivation, london_panel
    from upstream.account.evaluation.compare import evaluate_against
    from upstream.account.evaluation.series import SeriesError, check_start, series_from_frame
    from upstream.config import get_settings

    london = get_settings().bundled_data / "london"
    try:
        panel = london_panel(london / "mps_borough_monthly.parquet", series, first, last)
    except ValueError as exc:
        raise fail(str(exc)) from exc
    if borough not in panel.columns:
        raise fail(f"--borough: {borough!r} is not a borough in the {series!r} series")
    treated = panel.pop(borough)
    try:
        check_start(series_from_frame(treated, source=f"{borough} {series}"), start)
    except SeriesError as exc:
        raise fail(str(exc)) from exc
    dep = borough_deprivation(london / "london_imd2019_lsoa11.csv")
    result = evaluate_against(
        treated,
        panel,
        start,
        what=f"{series.lower()} in {borough}",
        k=k,
        deprivation=dep,
        treated_deprivation=float(dep[borough]) if borough in dep.index else None,
    )
    result.update({"borough": borough, "series": series})
    _write(result, out)
    for key in ("its", "did", "synth"):
        console.print(result[key]["verdict"], highlight=False, soft_wrap=True)


@app.command("counts")
def counts_command(
    out: Annotated[Path, typer.Option("--out", help="Counts CSV to write (month,count).")],
    lsoa: Annotated[
        list[str] | None, typer.Option("--lsoa", help="2011 LSOA code (repeatable).")
    ] = None,
    geojson: Annotated[
        Path | None, typer.Option("--geojson", help="Drawn area: GeoJSON polygons, any CRS.")
    ] = None,
    schools: Annotated[
        float | None,
        typer.Option("--schools", help="Within this many metres of an open secondary school."),
    ] = None,
    cell: Annotated[
        list[str] | None, typer.Option("--cell", help="Grid cell id (repeatable).")
    ] = None,
    cell_size: Annotated[int, typer.Option("--cell-size", help="Cell size, metres.")] = 150,
    events: Annotated[
        Path | None,
        typer.Option(
            "--events", help="police.uk street-level CSV or Parquet (default: the store)."
        ),
    ] = None,
    crime_type: Annotated[
        list[str] | None,
        typer.Option(
            "--crime-type",
            help="police.uk crime type (repeatable). Default: the "
            "local serious-violence definition.",
        ),
    ] = None,
    comparisons_out: Annotated[
        Path | None,
        typer.Option(
            "--comparisons-out",
            help="Also write every LSOA outside the region as "
            "comparison areas (month,area,count) for 'evaluate did' and 'synth'.",
        ),
    ] = None,
    deprivation_out: Annotated[
        Path | None,
        typer.Option(
            "--deprivation-out",
            help="Also write area,deprivation (IMD 2019 decile; "
            "the region as 'treated', its LSOAs' mean).",
        ),
    ] = None,
) -> None:
    """Monthly counts of police.uk crimes inside an intervention's region (LSOAs, schools'
    surroundings, a drawn area or grid cells), ready for 'evaluate its'."""
    import pandas as pd

    from upstream.account.evaluation.region import RegionError, lsoa_pool, monthly_counts, region_of
    from upstream.cli_inputs import settings_area, street_input
    from upstream.events import month_range
    from upstream.plan.files import write_csv_atomic

    area = settings_area()
    try:
        region = region_of(area, lsoas=lsoa or (), geojson=geojson, schools_radius=schools,
                           cells=cell or (), cell_size=cell_size)  # fmt: skip
    except RegionError as exc:
        raise fail(str(exc)) from exc
    frame = street_input(events)
    if crime_type:
        unknown = sorted(set(crime_type) - set(frame["crime_type"].astype(str)))
        if unknown:
            raise fail(f"--crime-type: no {unknown[0]!r} crimes in the data")
        frame = frame[frame["crime_type"].isin(crime_type)]
    else:
        frame = frame[frame["is_target"]]
    months = month_range(str(frame["month"].min()), str(frame["month"].max()))
    counts = monthly_counts(frame, region, months)
    write_csv_atomic(counts.rename("count").reset_index(), out)
    console.print(
        f"{int(counts.sum()):,} crimes in the region over {len(months)} months "
        f"({months[0]} to {months[-1]}) written to {out}",
        highlight=False,
        soft_wrap=True,
    )
    if comparisons_out is None and deprivation_out is None:
        return
    pool, imd = lsoa_pool(frame, area, region, months)
    if comparisons_out is not None:
        long = pool.reset_index().melt("month", var_name="area", value_name="count")
        write_csv_atomic(long, comparisons_out)
    if deprivation_out is not None:
        touched = area.lsoas[area.lsoas.geometry.intersects(region.buffer(-1.0))]["lsoa_code"]
        own = area.imd.reindex(touched).mean() if area.imd is not None else float("nan")
        dep = pd.concat([imd, pd.Series({"treated": own})]).dropna()
        write_csv_atomic(
            dep.rename("deprivation").rename_axis("area").reset_index(), deprivation_out
        )
