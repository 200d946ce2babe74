"""The ``upstream`` command line: parses, calls one capability, prints. No logic here."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from upstream.config import get_settings

app = typer.Typer(
    help="upstream: violence-reduction analysis and case coordination.",
    no_args_is_help=True,
    add_completion=False,
)
ingest_app = typer.Typer(help="Load data into the event store.", no_args_is_help=True)
app.add_typer(ingest_app, name="ingest")

console = Console()
err = Console(stderr=True)

__all__ = ["app", "main"]


def _fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


def _ingest_police_uk(paths: list[Path], max_rejects: int, quiet: bool) -> int:
    from upstream.area import area_from_settings
    from upstream.events import EventStore
    from upstream.ingest import POLICE_UK_FORMATS, IngestError, discover, ingest_files

    settings = get_settings()
    try:
        inputs, skipped = discover(paths)
        area = area_from_settings(settings)
        store = EventStore(settings.events_dir)
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.completed:,} rows"),
            TimeElapsedColumn(),
            console=err,
            disable=quiet or not err.is_terminal,
        ) as bar:
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
    except IngestError as exc:
        raise _fail(f"{exc}\nNothing was written to the event store.") from exc
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
    for s in result.skipped:
        console.print(f"skipped {s}")
    console.print(f"committed {len(result.committed)} month partition(s)")
    return 0


@ingest_app.command("police-uk")
def ingest_police_uk(
    paths: Annotated[
        list[Path], typer.Argument(help="CSV/Parquet files, folders or archive zips.")
    ],
    max_rejects: Annotated[
        int,
        typer.Option(
            help="Rows per file that may fail validation and go to quarantine while the rest is "
            "stored. Above this the ingest stops and stores nothing."
        ),
    ] = 0,
    quiet: Annotated[bool, typer.Option(help="No progress bar.")] = False,
) -> None:
    """Ingest data.police.uk street-level crime and stop-and-search files."""
    raise typer.Exit(_ingest_police_uk(paths, max_rejects, quiet))


@app.command()
def status(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Print the event store's coverage: months, gaps, rows per source and crime type."""
    from upstream.events import EventStore
    from upstream.status import coverage_report

    settings = get_settings()
    report = coverage_report(EventStore(settings.events_dir))
    if as_json:
        console.print_json(json.dumps(report, default=str))
        return
    if not report["sources"]:
        console.print(
            f"The event store at {settings.events_dir} is empty. "
            "Load data with 'upstream ingest police-uk PATH' or 'upstream bootstrap'."
        )
        return
    for source, info in report["sources"].items():
        console.print(
            f"[bold]{source}[/]: {len(info['months'])} month(s) {info['first']} to "
            f"{info['last']}; gaps: {', '.join(info['gaps']) or 'none'}"
        )
        console.print(
            f"  rows stored {info['rows']:,}; outside the area {info['outside_area']:,}; "
            f"unplaced (no location) {info['unplaced']:,}; "
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
    from upstream.bootstrap import bootstrap as run_bootstrap

    for line in run_bootstrap(get_settings()):
        console.print(line)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
) -> None:
    """Start the web app."""
    import uvicorn

    from upstream.web.app import create_app

    console.print(f"upstream is serving on http://{host}:{port}/  (Ctrl+C to stop)")
    uvicorn.run(create_app(get_settings()), host=host, port=port, log_level="warning")


def main() -> None:
    """Entry point of the ``upstream`` console script."""
    app(prog_name="upstream")


if __name__ == "__main__":  # pragma: no cover
    main()
