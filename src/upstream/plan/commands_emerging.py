"""``upstream plan emerging``: where serious violence is clustering more, or less, over time.

A Typer app of one command, folded into ``upstream plan`` (``plan.add_typer(app)``, no
name). Parses, calls :func:`upstream.analysis.emerging.emerging_hot_spots`, prints a table
by category and writes the cells to a CSV in one atomic step. Heavy modules are imported
inside the command so ``upstream --help`` stays quick.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from upstream.cli_inputs import fail as _fail
from upstream.terminal import console as make_console

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["OUTPUT_COLUMNS", "app", "write_cells"]

app = typer.Typer(add_completion=False)
console = make_console()
err = make_console(stderr=True)

OUTPUT_COLUMNS = (
    "cell_id",
    "x_min",
    "y_min",
    "cell_size",
    "category",
    "label",
    "slices",
    "slices_hot",
    "slices_cold",
    "final_z",
    "trend_tau",
    "trend_p",
    "trend_q",
    "events",
    "street",
    "lsoa_name",
    "place",
    "reason",
)
"""The columns of ``--out``: BNG metres (EPSG:27700); trend_* of the Gi* z-scores."""


def write_cells(cells: pd.DataFrame, path: Path) -> None:
    """Write the cells' :data:`OUTPUT_COLUMNS` to ``path`` as CSV, all or nothing, text
    made safe for spreadsheets (street names come from input files)."""
    from upstream.plan.files import write_csv_atomic

    write_csv_atomic(cells[list(OUTPUT_COLUMNS)], path)


def _events(path: Path | None, max_rejects: int) -> pd.DataFrame:
    """Street-level crime with police.uk locations, from a file or the event store."""
    from upstream.cli_inputs import street_input

    frame = street_input(path, max_rejects, location=True)
    if frame.empty:
        raise _fail(f"{path}: no events inside the area")
    return frame


@app.command("emerging")
def emerging(
    events: Annotated[
        Path | None,
        typer.Option(
            "--events",
            help="police.uk street-level CSV or Parquet file. Default: the event store.",
            metavar="FILE",
        ),
    ] = None,
    until: Annotated[
        str | None, typer.Option(help="Last month of the window.", metavar="YYYY-MM")
    ] = None,
    months: Annotated[
        int, typer.Option(help="Months in the window (trimmed to the data).", metavar="N")
    ] = 24,
    slice_: Annotated[
        str,
        typer.Option("--slice", help="Time slice: month, or quarter (3 months).", metavar="UNIT"),
    ] = "month",
    cell: Annotated[
        int | None,
        typer.Option(
            help="Grid cell size; default 250 (sparse counts: see the docs).", metavar="METRES"
        ),
    ] = None,
    fdr: Annotated[
        float, typer.Option(help="False-discovery rate of hot spots and trends.", metavar="RATE")
    ] = 0.05,
    out: Annotated[
        Path | None, typer.Option(help="CSV to write, one row per cell.", metavar="FILE")
    ] = None,
    max_rejects: Annotated[
        int,
        typer.Option(help="Rows of --events that may fail validation and be skipped.", metavar="N"),
    ] = 0,
) -> None:
    """Where risk is changing: emerging hot spots of serious violence.

    Each grid cell's Gi* hot-spot z-score per month (or quarter) of the window, its
    Mann-Kendall trend, and a category: new, consecutive, intensifying, persistent,
    diminishing, sporadic, oscillating, historical or no pattern (false-discovery-rate
    control on both the hot spots and the trends).
    """
    from upstream.analysis.emerging import (
        DEFAULT_CELL,
        EmergingError,
        emerging_hot_spots,
        summary,
    )
    from upstream.area import AreaError, area_from_settings
    from upstream.config import get_settings

    if until is None:
        raise _fail("give --until YYYY-MM, the last month of the window")
    if not 0 < fdr < 1:
        raise _fail(f"--fdr must be between 0 and 1, got {fdr}")
    frame = _events(events, max_rejects)
    try:
        result = emerging_hot_spots(
            frame,
            area_from_settings(get_settings()),
            until,
            months=months,
            unit=slice_,
            cell_size=cell or DEFAULT_CELL,
            alpha=fdr,
        )
    except (EmergingError, AreaError) as exc:
        raise _fail(str(exc)) from exc
    slices = result.slices
    before = slices.before_data
    left_out = [f"no data for {before[0]} to {before[-1]}"] if len(before) > 1 else []
    if len(before) == 1:
        left_out.append(f"no data for {before[0]}")
    if slices.partial:
        left_out.append(f"{', '.join(slices.partial)} not a whole quarter")
    console.print(
        f"{len(slices.months)} {slices.unit}s from {slices.first} to {slices.last}, "
        f"{result.cell_size} m cells, false-discovery rate {fdr:.0%}"
        + (f" ({'; '.join(left_out)})" if left_out else ""),
        highlight=False,
    )
    table = Table("Pattern", "Cells", "Events", "First place listed")
    for column in table.columns[1:3]:
        column.justify = "right"
    cells = result.cells
    for row in summary(cells).itertuples(index=False):
        first = cells[cells["category"] == row.category]["place"]
        example = first.iloc[0] if row.category != "no pattern" and len(first) else ""
        table.add_row(
            str(row.label), f"{row.cells:,}", f"{row.events:,}", escape(str(example or ""))
        )
    console.print(table)
    if out is not None:
        try:
            write_cells(cells, out)
        except OSError as exc:
            raise _fail(f"{out}: {exc.strerror or exc}") from exc
        console.print(f"wrote {len(cells):,} cells to {out}", highlight=False)
