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
    min_pre: MinPreOption = 12,
    what: WhatOption = "the count",
) -> None:
    """Interrupted time series: the level change at --start as a rate ratio with a 95% interval."""
    from upstream.account.evaluation.its import fit_its
    from upstream.account.evaluation.placebo import placebo_in_time
    from upstream.account.evaluation.series import SeriesError, check_start, read_counts
    from upstream.account.evaluation.verdict import verdict

    if season not in ("fourier", "month", "none"):
        raise fail(f"--season: {season!r} is not one of fourier, month, none")
    if method not in ("auto", "poisson", "quasipoisson", "negbin"):
        raise fail(f"--method: {method!r} is not one of auto, poisson, quasipoisson, negbin")
    try:
        series = read_counts(counts)
        month = check_start(series, start, min_pre)
    except SeriesError as exc:
        raise fail(str(exc)) from exc
    result = fit_its(series, month, season=season, slope_change=slope_change, method=method)  # type: ignore[arg-type]
    placebos: tuple[PlaceboResult, ...] = ()
    summary: dict[str, Any] = {"counts": str(counts), **result.summary()}
    if placebo:
        p = placebo_in_time(
            series,
            result,
            fit=lambda s, m: fit_its(s, m, season=season, method=method),  # type: ignore[arg-type]
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
