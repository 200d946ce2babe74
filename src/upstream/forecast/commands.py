"""``upstream forecast``: the forecast command and ``upstream forecast backtest``.

Parses, calls :mod:`upstream.forecast.service`, prints. Heavy modules are imported inside
the commands so ``upstream --help`` stays quick.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from upstream.formatting import percent
from upstream.terminal import console as make_console

if TYPE_CHECKING:
    import pandas as pd

    from upstream.area import Area
    from upstream.config import Settings

__all__ = ["app"]

app = typer.Typer(
    help="Forecast where serious violence will happen next month, and backtest the methods.",
    add_completion=False,
)
console = make_console()
err = make_console(stderr=True)


def _fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


def _area(settings: Settings) -> Area:
    """The area pack's area, or a one-line error naming what is wrong with the pack."""
    from upstream.cli_inputs import settings_area

    return settings_area(settings)


def _events(path: Path | None, max_rejects: int) -> pd.DataFrame:
    """Events from a police.uk file (validated as ingest does) or from the event store."""
    from upstream.cli_inputs import street_input

    return street_input(path, max_rejects)


def _missing_arguments(events: Path | None) -> str:
    """What to add to a forecast command that lacks --until or --out, true to the store."""
    from upstream.config import get_settings
    from upstream.events import EventStore

    need = "give --until YYYY-MM (the last month to learn from) and --out FILE"
    if events is not None:
        return f"{need}"
    street = EventStore(get_settings().events_dir).coverage().get("police_uk_street")
    if street is None:
        return (
            f"{need}, and --events FILE: the event store holds no street-level crime "
            "(or load some with 'upstream ingest police-uk PATH')"
        )
    return (
        f"{need}; the event store's street-level crime ({street['first']} to "
        f"{street['last']}) is used, e.g. --until {street['last']} forecasts the month after"
    )


def _target(harm: bool) -> str:
    return "harm" if harm else "count"


@app.callback(invoke_without_command=True)
def forecast(
    ctx: typer.Context,
    events: Annotated[
        Path | None,
        typer.Option(
            "--events",
            help="police.uk street-level CSV or Parquet file (any months, any force area). "
            "Default: the event store.",
            metavar="FILE",
        ),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option(help="Last month to learn from; forecasts the next.", metavar="YYYY-MM"),
    ] = None,
    cell: Annotated[int, typer.Option(help="Grid cell size.", metavar="METRES")] = 150,
    method: Annotated[
        str | None,
        typer.Option(
            help="Method name (see 'upstream forecast methods'); default: the best.",
            metavar="NAME",
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(help="CSV to write: x_min,y_min,cell_size,score per cell.", metavar="FILE"),
    ] = None,
    harm: Annotated[
        bool, typer.Option("--harm", help="Score expected harm (events x harm weight).")
    ] = False,
    max_rejects: Annotated[
        int,
        typer.Option(help="Rows of --events that may fail validation and be skipped.", metavar="N"),
    ] = 0,
) -> None:
    """Forecast the month after --until for every study-area cell and write a CSV.

    One row per cell whose centre is inside the area, in cell-id order, with columns
    x_min, y_min, cell_size (BNG metres) and score (expected serious-violence crimes, or
    expected harm with --harm). Subcommands: backtest, methods.
    """
    if ctx.invoked_subcommand is not None:
        return
    if until is None or out is None:
        raise _fail(_missing_arguments(events), 2)
    from upstream.config import get_settings
    from upstream.forecast.base import ForecastError
    from upstream.forecast.registry import DEFAULT_METHOD
    from upstream.forecast.service import forecast_cells

    settings = get_settings()
    frame = _events(events, max_rejects)
    chosen = method or DEFAULT_METHOD
    try:
        cells = forecast_cells(
            frame,
            _area(settings),
            until,
            cell_size=cell,
            method=chosen,
            target=_target(harm),
        )
    except ForecastError as exc:
        raise _fail(escape(str(exc))) from exc
    out.parent.mkdir(parents=True, exist_ok=True)
    cells.to_csv(out, index=False, float_format="%.9g")
    console.print(
        f"wrote {len(cells):,} cells ({cell} m) to {out}: {chosen} forecast of "
        f"{'harm' if harm else 'serious-violence crimes'} for the month after {until} "
        f"(total {cells['score'].sum():,.1f})",
        highlight=False,
    )


@app.command("backtest")
def backtest_command(
    events: Annotated[
        Path | None,
        typer.Option(
            "--events",
            help="police.uk street-level CSV/Parquet; default the store.",
            metavar="FILE",
        ),
    ] = None,
    last: Annotated[
        int, typer.Option(help="Months to backtest (the latest ones).", metavar="N")
    ] = 12,
    cell: Annotated[int, typer.Option(help="Grid cell size.", metavar="METRES")] = 150,
    units: Annotated[
        str, typer.Option(help="Grid cells or neighbourhoods.", metavar="grid|lsoa")
    ] = "grid",
    methods: Annotated[
        str | None,
        typer.Option(help="Comma-separated method names; default all.", metavar="NAME,..."),
    ] = None,
    harm: Annotated[bool, typer.Option("--harm", help="Forecast expected harm.")] = False,
    out: Annotated[
        Path | None,
        typer.Option(help="CSV of every method x month x coverage score.", metavar="FILE"),
    ] = None,
    max_rejects: Annotated[
        int, typer.Option(help="Rows of --events allowed to fail.", metavar="N")
    ] = 0,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress bar.")] = False,
) -> None:
    """Rolling-origin backtest: train before each month, predict it, score every method.

    Hit rate, PEI and harm capture are percentages (as on the forecast page); PAI a ratio.
    """
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    from upstream.config import get_settings
    from upstream.forecast.base import ForecastError
    from upstream.forecast.service import run_backtest

    settings = get_settings()
    frame = _events(events, max_rejects)
    names = [m.strip() for m in methods.split(",") if m.strip()] if methods else None
    try:
        with Progress(
            TextColumn("backtesting"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("months"),
            TimeElapsedColumn(),
            console=err,
            disable=quiet or not err.is_terminal,
            transient=True,
        ) as bar:
            task = bar.add_task("backtest", total=None)
            result = run_backtest(
                frame,
                _area(settings),
                methods=names,
                last=last,
                units=units,
                cell_size=cell,
                target=_target(harm),
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )
    except ForecastError as exc:
        raise _fail(escape(str(exc))) from exc
    months = sorted(result.scores["month"].unique())
    summary = result.summary()
    worse = result.months_worse_than() if "naive" in set(summary["method"]) else None
    where = f"{cell} m grid" if units == "grid" else "LSOAs"
    table = Table(
        title=f"Backtest, {months[0]} to {months[-1]} ({len(months)} months), {where}: "
        "mean (sd) across months"
    )
    table.add_column("method")
    table.add_column("coverage", justify="right")
    for col in ("hit rate", "PAI", "PEI", "harm capture"):
        table.add_column(col, justify="right")
    if worse is not None:
        table.add_column("months below naive (PAI 5%)", justify="right")
    for rec in summary.to_dict("records"):
        cells = [
            rec["method"],
            percent(rec["coverage"]),
            f"{percent(rec['hit_rate_mean'], digits=1)} ({percent(rec['hit_rate_sd'], digits=1)})",
            f"{rec['pai_mean']:.2f} ({rec['pai_sd']:.2f})",
            percent(rec["pei_mean"], digits=1),
            percent(rec["harm_capture_mean"], digits=1),
        ]
        if worse is not None:
            cells.append(str(worse[rec["method"]]) if rec["coverage"] == 0.05 else "")
        table.add_row(*cells)
    console.print(table)
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        result.scores.to_csv(out, index=False, float_format="%.6g")
        console.print(f"wrote {len(result.scores):,} rows to {out}", highlight=False)


@app.command("methods")
def methods_command() -> None:
    """List the registered methods, their settings and papers."""
    from upstream.forecast.registry import DEFAULT_METHOD, METHODS

    table = Table(title="Forecasting methods")
    for col in ("name", "kind", "what it does", "paper"):
        table.add_column(col)
    for name, m in METHODS.items():
        kind = "baseline" if m.baseline else "own"
        label = f"{name} (default)" if name == DEFAULT_METHOD else name
        table.add_row(label, kind, m.summary, m.paper)
    console.print(table)
