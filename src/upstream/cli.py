"""The ``upstream`` command line: parses, calls one capability, prints. No logic here."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from upstream.account.actions.commands import app as actions_app
from upstream.account.board.commands import board_pack as board_pack_command
from upstream.account.evaluation.commands import app as evaluate_app
from upstream.account.outcomes.commands import app as outcomes_app
from upstream.account.publish.commands import publish as publish_command
from upstream.account.returns.commands import app as returns_app
from upstream.account.survey.commands import app as survey_app
from upstream.account.vfm.commands import use_plan_costs
from upstream.account.vfm.commands import vfm as vfm_command
from upstream.area.commands import app as area_app
from upstream.cases.commands import app as cases_app
from upstream.config import get_settings
from upstream.forecast.commands import app as forecast_app
from upstream.network.commands import app as network_app
from upstream.network.store.commands import register as register_network_store
from upstream.orders.commands import app as orders_app
from upstream.orders.retail.commands import app as retail_app
from upstream.plan.commands import app as plan_app
from upstream.terminal import WordsGroup
from upstream.terminal import console as make_console

if TYPE_CHECKING:
    import pandas as pd

    from upstream.config import Settings
    from upstream.events import Partition

app = typer.Typer(
    cls=WordsGroup,
    help="upstream: violence-reduction analysis and case coordination.",
    no_args_is_help=True,
    add_completion=False,
)
ingest_app = typer.Typer(help="Load data into the event store.", no_args_is_help=True)
app.add_typer(ingest_app, name="ingest")
app.add_typer(forecast_app, name="forecast")
app.add_typer(area_app, name="area")
app.add_typer(cases_app, name="cases")
app.add_typer(plan_app, name="plan")
app.add_typer(returns_app, name="returns")
app.command("vfm")(vfm_command)


def _plan_costs(settings: Settings) -> pd.DataFrame:
    """The action plan's programme budgets (the case store), for ``upstream vfm``."""
    from upstream.account.actions import programme_budgets
    from upstream.cases.db import case_store

    return programme_budgets(case_store(settings).engine)


use_plan_costs(_plan_costs)
app.add_typer(outcomes_app, name="outcomes")
app.add_typer(evaluate_app, name="evaluate")
app.add_typer(actions_app, name="actions")
app.add_typer(orders_app, name="orders")
app.command("board-pack")(board_pack_command)
app.command("publish")(publish_command)
app.add_typer(survey_app, name="survey")
register_network_store(network_app)  # `network build` and `network audit` (the case store)
app.add_typer(network_app, name="network")
app.add_typer(retail_app, name="retail")

console = make_console()  # long lines (file paths) are never broken
err = make_console(stderr=True)

__all__ = ["app", "main"]


def _fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True, markup=True)
    return typer.Exit(code)


def _fail_ingest(exc: Exception) -> typer.Exit:
    """One line for an ingest that stopped: bad input, a broken area pack, or the machine
    refusing to write."""
    from upstream.ingest import describe_os_error

    settings = get_settings()
    text = describe_os_error(exc, settings.data_dir) if isinstance(exc, OSError) else str(exc)
    return _fail(f"{escape(text)}\nNothing was written to the event store.")


def _print_replaced(overtaken: Sequence[Partition]) -> None:
    """Say which months another ingest had committed while this one ran (now replaced)."""
    for part in overtaken:
        console.print(
            f"note: {part.source} {part.month} was committed by another ingest at "
            f"{part.ingested_at} (from {', '.join(part.origin) or 'unknown files'}) while this "
            "one ran; this ingest replaced it",
            highlight=False,
            soft_wrap=True,
        )


def _rows_bar(quiet: bool) -> Progress:
    """A progress bar of rows read, on standard error; hidden with --quiet or off a terminal."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:,} rows"),
        TimeElapsedColumn(),
        console=err,
        disable=quiet or not err.is_terminal,
    )


def _ingest_police_uk(paths: list[Path], max_rejects: int, quiet: bool) -> int:
    from upstream.area import AreaError, area_from_settings
    from upstream.events import EventStore
    from upstream.ingest import POLICE_UK_FORMATS, IngestError, discover, ingest_files

    settings = get_settings()
    try:
        inputs, skipped = discover(paths, police_uk=True)
        area = area_from_settings(settings)
        store = EventStore(settings.events_dir)
        with _rows_bar(quiet) as bar:
            task = bar.add_task(f"ingesting {len(inputs)} file(s)", total=None)
            result = ingest_files(
                inputs,
                POLICE_UK_FORMATS,
                store,
                area,
                quarantine_dir=settings.quarantine_dir,
                max_rejects=max_rejects,
                skipped=skipped,
                progress=lambda _name, rows: bar.advance(task, rows),
            )
    except (IngestError, AreaError, OSError) as exc:
        raise _fail_ingest(exc) from exc
    table = Table(title="Ingested", show_lines=False)
    for col in (
        "file",
        "kind",
        "months",
        "rows read",
        "stored",
        "outside area",
        "unplaced",
        "quarantined",
    ):
        table.add_column(col, justify="right" if col not in ("file", "kind", "months") else "left")
    for f in result.files:
        months = f"{f.months[0]}..{f.months[-1]}" if len(f.months) > 1 else "".join(f.months)
        table.add_row(
            Path(f.name).name,
            f.kind,
            months,
            f"{f.rows_read:,}",
            f"{f.stored:,}",
            f"{f.outside_area:,}",
            f"{f.unplaced:,}",
            f"{f.quarantined:,}",
        )
    console.print(table)
    for f in result.files:
        if f.quarantine_file is not None:
            console.print(f"{f.quarantined} rejected row(s) of {f.name} are in {f.quarantine_file}")
        if f.extra_columns:
            console.print(f"{f.name}: extra column(s) not stored: {', '.join(f.extra_columns)}")
        if f.blank_rows:
            console.print(f"{f.name}: {f.blank_rows:,} empty row(s) skipped")
    for s in result.skipped:
        console.print(f"skipped {s}")
    _print_replaced(result.overtaken)
    console.print(f"committed {len(result.committed)} month partition(s)")
    return 0


@ingest_app.command("police-uk")
def ingest_police_uk(
    paths: Annotated[
        list[Path],
        typer.Argument(help="CSV/Parquet files, folders or archive zips.", metavar="PATH"),
    ],
    max_rejects: Annotated[
        int,
        typer.Option(
            help="Rows per file that may fail validation and go to quarantine while the rest is "
            "stored. Above this the ingest stops and stores nothing.",
            metavar="N",
        ),
    ] = 0,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress bar.")] = False,
) -> None:
    """Ingest data.police.uk street-level crime and stop-and-search files."""
    raise typer.Exit(_ingest_police_uk(paths, max_rejects, quiet))


def _ingest_partnership(
    paths: list[Path], tables: list[str], max_rejects: int, period: str | None, quiet: bool
) -> int:
    from upstream.area import AreaError, area_from_settings
    from upstream.events import EventStore
    from upstream.ingest import IngestError, discover
    from upstream.ingest.partnership import ingest_partnership

    settings = get_settings()
    try:
        inputs, skipped = discover(paths, police_uk=False)
        with _rows_bar(quiet) as bar:
            task = bar.add_task(f"ingesting {len(inputs)} file(s)", total=None)
            result = ingest_partnership(
                inputs,
                tables,
                EventStore(settings.events_dir),
                area_from_settings(settings),
                quarantine_dir=settings.quarantine_dir,
                max_rejects=max_rejects,
                period=period,
                skipped=skipped,
                progress=lambda _name, rows: bar.advance(task, rows),
            )
    except (IngestError, AreaError, OSError) as exc:
        raise _fail_ingest(exc) from exc
    table = Table(title="Ingested")
    for col in (
        "file",
        "table",
        "period",
        "rows read",
        "stored",
        "outside area",
        "unplaced",
        "quarantined",
        "synthetic",
    ):
        table.add_column(col)
    for f in result.files:
        table.add_row(
            Path(f.name).name,
            f.table,
            " to ".join(dict.fromkeys(f.period)),
            f"{f.rows_read:,}",
            f"{f.stored:,}",
            f"{f.outside_area:,}",
            f"{f.unplaced:,}",
            f"{f.quarantined:,}",
            f"{f.synthetic_rows:,}" if f.table != "involvements" else "",
        )
    console.print(table)
    for f in result.files:
        if f.quarantine_file is not None:
            console.print(f"{f.quarantined} rejected row(s) of {f.name} are in {f.quarantine_file}")
        if f.identifying_columns:
            console.print(
                f"{f.name}: identifying column(s) NOT read: {', '.join(f.identifying_columns)}"
            )
        other = [c for c in f.ignored_columns if c not in f.identifying_columns]
        if other:
            console.print(f"{f.name}: column(s) not used: {', '.join(other)}")
        if f.blank_rows:
            console.print(f"{f.name}: {f.blank_rows:,} empty row(s) skipped")
    removed: dict[str, list[Partition]] = {}
    for part in result.removed_involvements:
        removed.setdefault(part.source, []).append(part)
    for source, parts in removed.items():
        console.print(
            f"removed {sum(p.rows for p in parts):,} involvement row(s) of {source} "
            f"({parts[0].month} to {parts[-1].month}): re-ingesting incidents replaces that "
            "period's involvements too, and no involvements file was given. Ingest the "
            "incidents and involvements files together to keep them.",
            highlight=False,
            soft_wrap=True,
        )
    _print_replaced(result.overtaken)
    if any(f.synthetic_rows for f in result.files):
        console.print(
            "[bold]These rows are SYNTHETIC[/] (synthetic = true); they are labelled so "
            "wherever they are shown."
        )
    for s in result.skipped:
        console.print(f"skipped {s}")
    return 0


_PERIOD_HELP = (
    "The period every file covers (YYYY, YYYY-MM or FIRST_LAST), replacing those months. "
    "Default: the period in each file's name (e.g. incidents_2023.csv), else its rows' months."
)


Period = Annotated[str | None, typer.Option(help=_PERIOD_HELP, metavar="PERIOD")]
MaxRejects = Annotated[
    int, typer.Option(help="Rows per file allowed into quarantine.", metavar="N")
]
Quiet = Annotated[bool, typer.Option("--quiet", help="No progress bar.")]


@ingest_app.command("incidents")
def ingest_incidents(
    paths: Annotated[
        list[Path],
        typer.Argument(help="incidents and involvements CSV/XLSX.", metavar="FILE"),
    ],
    period: Period = None,
    max_rejects: MaxRejects = 0,
    quiet: Quiet = False,
) -> None:
    """Ingest partnership incident extracts (incidents + involvements; docs/data-formats.md)."""
    raise typer.Exit(
        _ingest_partnership(paths, ["incidents", "involvements"], max_rejects, period, quiet)
    )


@ingest_app.command("a-and-e")
def ingest_a_and_e(
    paths: Annotated[
        list[Path], typer.Argument(help="A&E (Cardiff Model) CSV/XLSX files.", metavar="FILE")
    ],
    period: Period = None,
    max_rejects: MaxRejects = 0,
    quiet: Quiet = False,
) -> None:
    """Ingest A&E assault attendances in the Cardiff Model minimum dataset."""
    raise typer.Exit(_ingest_partnership(paths, ["a_and_e"], max_rejects, period, quiet))


@app.command()
def synth(
    out: Annotated[
        Path,
        typer.Option(help="Folder to write the synthetic extract files to.", metavar="FOLDER"),
    ],
    seed: Annotated[
        int, typer.Option(help="Random seed; the same seed gives the same files.", metavar="N")
    ] = 1,
    months: Annotated[
        int, typer.Option(help="Months to generate (at least 36).", metavar="N")
    ] = 48,
    end: Annotated[str, typer.Option(help="Last month generated.", metavar="YYYY-MM")] = "2025-08",
    fmt: Annotated[str, typer.Option("--format", help="File format.", metavar="csv|xlsx")] = "csv",
    by: Annotated[
        str,
        typer.Option(help="One set of files per year, or all in one.", metavar="year|all"),
    ] = "year",
) -> None:
    """Write a calibrated SYNTHETIC borough on the real geography, ready to ingest."""
    from upstream.synth import calibration_report, generate, write

    if months < 36:
        raise _fail("--months must be at least 36 (three years)")
    borough = generate(seed=seed, months=months, end=end)
    files = write(borough, out, by=by, fmt=fmt)
    for path in files:
        console.print(f"wrote {path}")
    console.print("[bold]SYNTHETIC DATA[/]: every file and row is labelled synthetic.")
    console.print_json(json.dumps(calibration_report(borough), default=str))


@app.command()
def status(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Print the event store's coverage: months, gaps, rows per source and crime type."""
    from upstream.analysis.quality import month_spans
    from upstream.events import EventStore
    from upstream.formatting import data_age
    from upstream.status import coverage_report

    settings = get_settings()
    report = coverage_report(EventStore(settings.events_dir))
    if as_json:
        console.print_json(json.dumps({"store": str(settings.events_dir), **report}, default=str))
        return
    if not report["sources"]:
        console.print(
            f"The event store at {settings.events_dir} is empty. "
            "Load data with 'upstream ingest police-uk PATH' or 'upstream bootstrap'."
        )
        return
    today = date.today()
    for source, info in report["sources"].items():
        label = " [bold magenta](SYNTHETIC)[/]" if info["synthetic"] else ""
        gaps = info["gaps"]
        runs = month_spans(gaps, counted=True)
        console.print(
            f"[bold]{source}[/]{label}: {len(info['months'])} month(s) {info['first']} to "
            f"{info['last']} ({data_age(info['last'], today)}); gaps: "
            + (f"{len(gaps)} month(s): {', '.join(runs)}" if gaps else "none")
        )
        kept = "stored, in rows" if info["unplaced_stored"] else "not stored"
        console.print(
            f"  rows stored {info['rows']:,}; outside the area {info['outside_area']:,}; "
            f"unplaced (no location; {kept}) {info['unplaced']:,}; "
            f"quarantined {info['quarantined']:,}"
        )
        table = Table(show_header=True)
        table.add_column(info["by_label"])
        table.add_column("rows", justify="right")
        for name, rows in info["by_type"]:
            table.add_row(name or "(blank)", f"{rows:,}")
        console.print(table)


@app.command()
def bootstrap() -> None:
    """Load the bundled real data into the empty embedded stores (does nothing if loaded)."""
    from upstream.area import AreaError
    from upstream.bootstrap import bootstrap as run_bootstrap

    try:
        for line in run_bootstrap(get_settings(), warm=True):
            console.print(line, highlight=False)
    except AreaError as exc:
        raise _fail(escape(str(exc))) from exc


@app.command()
def profile(
    out: Annotated[Path, typer.Option(help="HTML file to write.", metavar="FILE")] = Path(
        "report.html"
    ),
    end: Annotated[
        str | None,
        typer.Option(help="Last month of the headline's latest 12 months.", metavar="YYYY-MM"),
    ] = None,
    populations: Annotated[
        Path | None,
        typer.Option(
            help="TOML of resident shares by ethnic group (default: stated assumptions).",
            metavar="FILE",
        ),
    ] = None,
    public: Annotated[
        bool,
        typer.Option(
            "--public",
            help="Write the version for publishing: partnership counts of 1 to 9, and any "
            "figure that would reveal one, suppressed (the /profile page's public version).",
        ),
    ] = False,
) -> None:
    """Write the serious-violence strategic profile as one offline HTML file.

    Without --public: the full analyst report, with partnership counts below 10 (not to publish).
    """
    from upstream.analysis.disparity import PopulationSharesError
    from upstream.area import AreaError
    from upstream.report.profile import write_report
    from upstream.vocab import is_month

    if end is not None and not is_month(end):
        raise _fail(f"--end must be a month YYYY-MM, got {end!r}")
    try:
        report = write_report(get_settings(), out, end=end, populations=populations, public=public)
    except (PopulationSharesError, AreaError) as exc:
        raise _fail(escape(str(exc))) from exc
    version = (
        "public version: partnership counts under disclosure control"
        if public
        else "full analyst version: includes partnership counts below 10, do not publish"
    )
    console.print(f"wrote {out} ({len(report.sections)} sections; {version})")
    if report.synthetic:
        console.print("[bold]This profile includes SYNTHETIC data[/] and is watermarked so.")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.", metavar="HOST")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option(help="Port to listen on.", metavar="PORT")] = 8000,
    workers: Annotated[
        int,
        typer.Option(
            help="Worker processes. Two or more keep page times low under many users; all "
            "shared state is in the stores, so workers never disagree.",
            metavar="N",
        ),
    ] = 2,
) -> None:
    """Start the web app (one log line per request on standard error; see the README)."""
    import uvicorn

    from upstream.web.serving import log_config, port_problem

    if workers < 1:
        raise _fail("--workers must be at least 1")
    from upstream.area import AreaError, area_from_settings
    from upstream.cases.db import case_store
    from upstream.cases.deployment import UnsafeDeployment, check_production

    settings = get_settings()
    try:  # before the server starts, so the refusal is one clear line
        area_from_settings(get_settings())  # a broken area pack stops here, saying why
        check_production(case_store(settings))
    except (UnsafeDeployment, AreaError) as exc:
        raise _fail(escape(str(exc))) from exc
    problem = port_problem(host, port)
    if problem is not None:
        raise _fail(escape(problem))
    console.print(f"upstream is serving on http://{host}:{port}/  (Ctrl+C to stop)")
    # server_header=False: no `Server: uvicorn` header telling a visitor what runs here;
    # access_log=False: uvicorn's would name clients and query strings (ours names neither)
    common: dict[str, Any] = {
        "host": host,
        "port": port,
        "log_config": log_config(requests=settings.request_log),
        "access_log": False,
        "server_header": False,
    }
    if workers == 1:
        from upstream.web.app import create_app

        uvicorn.run(create_app(settings), **common)
    else:  # several processes: each builds the app from the same environment settings
        uvicorn.run("upstream.web.app:create_app", factory=True, workers=workers, **common)


def main() -> None:
    """Entry point of the ``upstream`` console script."""
    from pydantic import ValidationError

    try:
        app(prog_name="upstream")
    except ValidationError as exc:  # a refused setting (UPSTREAM_* environment variables)
        message = "; ".join(str(e["msg"]).removeprefix("Value error, ") for e in exc.errors())
        err.print(f"[bold red]error:[/] {escape(message)}", highlight=False)
        raise SystemExit(1) from None


if __name__ == "__main__":  # pragma: no cover
    main()
