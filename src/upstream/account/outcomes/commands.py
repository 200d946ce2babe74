"""``upstream outcomes``: compute the outcome measures, print their verdicts, write files.

Parses, calls :func:`upstream.account.outcomes.compute.compute_all`, prints one line per
measure and, with ``--out``, writes the files of :mod:`upstream.account.outcomes.output`.
Heavy modules are imported inside the command so ``upstream --help`` stays quick.
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
    from upstream.account.outcomes.intervals import Comparison

__all__ = ["app"]

app = typer.Typer(
    add_completion=False,
    help="Outcome measures: monthly values, control charts and verdicts against the baseline.",
)
console = make_console()
err = make_console(stderr=True)


@app.callback(invoke_without_command=True)
def outcomes(
    out: Annotated[
        Path | None,
        typer.Option(
            help="Folder for one CSV and one JSON per measure and a summary.", metavar="DIR"
        ),
    ] = None,
    measures: Annotated[
        Path | None,
        typer.Option(help="Measures TOML (default: the bundled outcomes.toml).", metavar="FILE"),
    ] = None,
    end: Annotated[
        str | None,
        typer.Option(
            help="Last month of the latest window (default: each series' last).", metavar="YYYY-MM"
        ),
    ] = None,
    public: Annotated[
        bool,
        typer.Option(
            "--public", help="Only measures built from open data (no partnership records)."
        ),
    ] = False,
) -> None:
    """Compute every outcome measure: each month with its interval, the u-chart or p-chart,
    and the latest window against the baseline in plain English."""
    from upstream.account.outcomes.compute import compute_all
    from upstream.account.outcomes.definitions import MeasureError, load_measures
    from upstream.config import Settings
    from upstream.vocab import is_month

    if end is not None and not is_month(end):
        raise _fail(f"--end: {end!r} is not a month in YYYY-MM form")
    if out is not None and out.exists() and not out.is_dir():
        raise _fail(f"--out: {out} exists and is not a folder")
    try:
        chosen = load_measures(measures)
    except MeasureError as exc:
        raise _fail(str(exc)) from None
    settings = Settings()
    results = compute_all(settings, chosen, end=end, audience="public" if public else None)
    table = Table("measure", "verdict", "latest", "baseline", "change (95% CI)")
    for r in results:
        s = r.summary()
        change = "" if r.comparison is None else _change(r.comparison)
        label = r.measure.id + (" (SYNTHETIC)" if r.synthetic else "")
        table.add_row(
            escape(label),
            r.verdict,
            _value(s["latest_value"], r.measure.unit),
            _value(s["baseline_value"], r.measure.unit),
            change,
        )
    console.print(table)
    for r in results:
        console.print(escape(r.reading), highlight=False, soft_wrap=True)
        for note in r.notes:
            console.print(f"  note: {escape(note)}", highlight=False, soft_wrap=True)
    if out is not None:
        from upstream.account.outcomes.output import write_outputs

        paths = write_outputs(results, out, end=end)
        console.print(f"wrote {len(paths)} files to {escape(str(out))}", highlight=False)


def _value(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "proportion":
        return f"{value * 100:.1f}%"
    if unit == "ratio":
        return f"{value:.2f}"
    return f"{value:.1f}/month"


def _change(c: Comparison) -> str:
    if c.kind == "difference":
        return f"{c.effect * 100:+.1f} pts ({c.lower * 100:+.1f} to {c.upper * 100:+.1f})"
    return f"x{c.effect:.2f} ({c.lower:.2f} to {c.upper:.2f})"
