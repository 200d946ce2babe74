"""``upstream survey import`` and ``upstream survey estimates``: parse, call, print.

Bad input is one line on stderr naming file, line and field, exit code 1, and nothing
stored. Heavy modules are imported inside the commands so ``--help`` stays quick.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from upstream.cli_inputs import fail as _fail
from upstream.terminal import console as make_console

__all__ = ["app"]

app = typer.Typer(
    help="Resident survey: import microdata, and weighted estimates with intervals.",
    add_completion=False,
    no_args_is_help=True,
)
console = make_console()
err = make_console(stderr=True)


@app.command("import")
def import_(
    paths: Annotated[
        list[Path], typer.Argument(help="Survey files (CSV or XLSX) or folders of them.")
    ],
    max_rejects: Annotated[
        int,
        typer.Option(help="Rejected rows a file may have; its other rows are then stored.", min=0),
    ] = 0,
) -> None:
    """Import resident survey microdata (a wave sent again replaces the one held)."""
    from upstream.account.survey.ingest import ingest_survey
    from upstream.config import get_settings
    from upstream.ingest import IngestError, describe_os_error, discover

    settings = get_settings()
    try:
        inputs, skipped = discover(paths, police_uk=False)
        result = ingest_survey(
            inputs, settings.data_dir, quarantine_dir=settings.quarantine_dir,
            max_rejects=max_rejects,
        )  # fmt: skip
    except (IngestError, OSError) as exc:
        text = describe_os_error(exc, settings.data_dir) if isinstance(exc, OSError) else str(exc)
        raise _fail(f"{text}\nNothing was stored.") from exc
    table = Table(title="Resident survey imported")
    for col in ("file", "waves", "rows read", "stored", "quarantined"):
        table.add_column(col, justify="left" if col in ("file", "waves") else "right")
    for f in result.files:
        table.add_row(
            escape(f.name), ", ".join(f.waves), f"{f.rows_read:,}", f"{f.stored:,}",
            f"{f.quarantined:,}",
        )  # fmt: skip
    console.print(table)
    for f in result.files:
        if f.synthetic_rows:
            console.print(f"{f.name}: {f.synthetic_rows:,} rows are SYNTHETIC", highlight=False)
        if f.quarantine_file is not None:
            console.print(f"rejected rows of {f.name}: {f.quarantine_file}", highlight=False)
        if f.ignored_columns:
            console.print(
                f"{f.name}: columns not read: {', '.join(f.ignored_columns)}", highlight=False
            )
    for wave in result.replaced:
        console.print(f"replaced the wave held for {wave}", highlight=False)
    for line in skipped:
        console.print(f"skipped {line}", highlight=False)


def _pct(x: float) -> str:
    return "-" if math.isnan(x) else f"{x:.0%}"


@app.command("estimates")
def estimates_command(
    by: Annotated[
        str | None,
        typer.Option(
            help="Break down by area, age_band, sex, ethnic_group, tenure or "
            "parent_dependent_children."
        ),
    ] = None,
    wave: Annotated[
        str | None, typer.Option(help="One wave (YYYYQn); default: every wave.")
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Also write the estimates as CSV.", metavar="FILE")
    ] = None,
) -> None:
    """Weighted shares with 95% intervals (Kish effective sample size), by wave."""
    from upstream.account.survey.estimates import BY, MIN_BASE, estimate_table
    from upstream.account.survey.schema import QUESTIONS
    from upstream.account.survey.store import load_responses
    from upstream.config import get_settings
    from upstream.plan.files import write_csv_atomic

    if by is not None and by not in BY:
        raise _fail(f"--by: {by!r} is not one of {', '.join(BY)}")
    responses = load_responses(get_settings())
    if responses.empty:
        raise _fail("no resident survey is loaded; import one with 'upstream survey import'")
    if wave is not None and wave not in set(responses["wave"]):
        raise _fail(
            f"--wave: {wave!r} is not held; waves held: {', '.join(sorted(set(responses['wave'])))}"
        )
    table = estimate_table(
        responses, list(QUESTIONS), by=by, waves=None if wave is None else [wave]
    )
    label = " (SYNTHETIC survey)" if responses["synthetic"].any() else ""
    shown = Table(title=f"Resident survey estimates{label}")
    for col in ("question", "wave", "group", "share (95% CI)", "n", "n_eff", "note"):
        shown.add_column(col, justify="right" if col in ("n", "n_eff") else "left")
    for r in table.to_dict("records"):
        note = f"too few to read (under {MIN_BASE})" if r["small"] else ""
        shown.add_row(
            f"{r['question']}: {r['measure']}", str(r["wave"]), str(r["group"]),
            f"{_pct(r['estimate'])} ({_pct(r['ci_low'])}-{_pct(r['ci_high'])})",
            f"{r['n']:,}", f"{r['n_eff']:,.0f}", note,
        )  # fmt: skip
    console.print(shown)
    if out is not None:
        write_csv_atomic(table, out)
        console.print(f"wrote {out}", highlight=False)
