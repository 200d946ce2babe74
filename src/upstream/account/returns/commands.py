"""``upstream returns import`` and ``upstream returns reach``: parse, call, print.

Bad input is one line on stderr naming file, line and field, exit code 1, and nothing
stored. Heavy modules are imported inside the commands so ``--help`` stays quick.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from upstream.cli_inputs import fail as _fail
from upstream.terminal import console as make_console

if TYPE_CHECKING:
    from upstream.account.returns.reach_inputs import Reach

__all__ = ["app"]

app = typer.Typer(
    help="Programme returns: import providers' quarterly returns, and measure reach.",
    add_completion=False,
    no_args_is_help=True,
)
console = make_console()
err = make_console(stderr=True)


@app.command("import")
def import_(
    paths: Annotated[
        list[Path], typer.Argument(help="Return files (CSV or XLSX) or folders of them.")
    ],
    max_rejects: Annotated[
        int,
        typer.Option(
            help="Rejected rows a file may have; its other, whole returns are then stored.",
            min=0,
        ),
    ] = 0,
) -> None:
    """Import quarterly programme returns (a re-sent return replaces the one held)."""
    from upstream.account.returns.ingest import ingest_returns
    from upstream.config import get_settings
    from upstream.ingest import IngestError, describe_os_error, discover

    settings = get_settings()
    try:
        inputs, skipped = discover(paths, police_uk=False)
        result = ingest_returns(
            inputs, settings.data_dir, quarantine_dir=settings.quarantine_dir,
            max_rejects=max_rejects,
        )  # fmt: skip
    except (IngestError, OSError) as exc:
        text = describe_os_error(exc, settings.data_dir) if isinstance(exc, OSError) else str(exc)
        raise _fail(f"{text}\nNothing was stored.") from exc
    table = Table(title="Programme returns imported")
    for col in ("file", "returns", "rows read", "stored", "quarantined"):
        table.add_column(col, justify="left" if col == "file" else "right")
    for f in result.files:
        table.add_row(
            escape(f.name), f"{len(f.returns):,}", f"{f.rows_read:,}", f"{f.stored:,}",
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
    for programme, quarter in result.replaced:
        console.print(f"replaced the return held for {programme} {quarter}", highlight=False)
    for line in skipped:
        console.print(f"skipped {line}", highlight=False)


def _pct(x: float) -> str:
    return "-" if math.isnan(x) else f"{x:.0%}"


def _ratio(x: float, lo: float, hi: float) -> str:
    return "-" if math.isnan(x) else f"{x:.2f} ({lo:.2f}-{hi:.2f})"


def _as_json(result: Reach) -> dict[str, Any]:
    def clean(value: Any) -> Any:
        return None if isinstance(value, float) and math.isnan(value) else value

    out: dict[str, Any] = {
        "programme": result.programme,
        "quarters": result.quarters,
        "returns_synthetic": result.returns_synthetic,
        "victims_source": result.victims_source,
        "harm_source": result.harm_source,
        "notes": result.notes,
        "groups": None,
        "places": None,
    }
    if result.groups is not None:
        out["groups"] = [
            {k: clean(v) for k, v in row.items()} for row in result.groups.to_dict("records")
        ]
    if result.places is not None:
        places = {k: clean(v) for k, v in vars(result.places).items()}
        places["verdict"] = result.places.verdict
        out["places"] = places
    return out


@app.command("reach")
def reach_command(
    programme: Annotated[
        str | None, typer.Option(help="One programme id (default: every programme).")
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Also write the result as JSON.", metavar="FILE")
    ] = None,
) -> None:
    """Reach into the groups and places most affected, with 95% intervals."""
    from upstream.account.returns.reach_inputs import reach
    from upstream.config import get_settings
    from upstream.plan.files import write_text_atomic

    try:
        result = reach(get_settings(), programme)
    except LookupError as exc:
        raise _fail(str(exc.args[0])) from exc
    label = " (SYNTHETIC returns)" if result.returns_synthetic else ""
    console.print(
        f"Reach of {result.programme or 'all programmes'}{label}, "
        f"{result.quarters[0]} to {result.quarters[-1]}",
        highlight=False,
    )
    if result.groups is not None:
        table = Table(title=f"Participants against {result.victims_source}")
        for col in ("group", "participants", "victims", "ratio (95% CI)", "reading"):
            table.add_column(col)
        for row in result.groups.to_dict("records"):
            table.add_row(
                f"{row['dimension']}: {row['category']}",
                f"{row['participants']:,} ({_pct(row['participant_share'])})",
                f"{row['victims']:,} ({_pct(row['victim_share'])})",
                _ratio(row["ratio"], row["ratio_low"], row["ratio_high"]),
                str(row["verdict"]),
            )
        console.print(table)
    else:
        console.print(f"Groups: not compared ({result.victims_source}).", highlight=False)
    p = result.places
    if p is not None:
        console.print(
            f"Places: the {len(p.top_areas)} highest-harm of {p.areas} LSOAs "
            f"({result.harm_source}) "
            f"hold {_pct(p.harm_share)} of that harm and {_pct(p.population_share)} of residents; "
            f"{_pct(p.participant_share)} of participants with a home LSOA in the area live "
            f"there (95% CI {_pct(p.participant_low)}-{_pct(p.participant_high)}; "
            f"{p.participants_in_top:,} of {p.participants_placed:,}): ratio "
            f"{_ratio(p.ratio, p.ratio_low, p.ratio_high)}, {p.verdict}.",
            highlight=False,
            soft_wrap=True,
        )
        if p.not_placed:
            others = ", ".join(f"{k} {v:,}" for k, v in sorted(p.not_placed.items()))
            console.print(f"Participants not placed in an LSOA: {others}.", highlight=False)
    for note in result.notes:
        console.print(note, highlight=False, soft_wrap=True)
    if out is not None:
        write_text_atomic(json.dumps(_as_json(result), indent=2), out)
        console.print(f"wrote {out}", highlight=False)
