"""``upstream plan spaces`` and ``upstream plan cctv``: parse, call :mod:`upstream.plan`,
print. A plan that cannot be made, or input that cannot be read, is one line on stderr and
exit code 1. Heavy modules are imported inside the commands so ``--help`` stays quick.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from upstream.cli_inputs import fail as _fail
from upstream.terminal import console as make_console

if TYPE_CHECKING:
    import pandas as pd

    from upstream.area import Area

__all__ = ["app"]

app = typer.Typer(
    help="Plan safe spaces and mobile CCTV from the forecast of serious violence.",
    add_completion=False,
    no_args_is_help=True,
)
console = make_console()
err = make_console(stderr=True)


def _inputs(events: Path | None, max_rejects: int = 0) -> tuple[Area, pd.DataFrame]:
    """The area and the street-level crime (with police.uk locations) of a police.uk file,
    validated as ingest does, or of the event store."""
    from upstream.cli_inputs import settings_area, street_input

    return settings_area(), street_input(events, max_rejects, location=True)


def _errors() -> tuple[type[Exception], ...]:
    """What a plan command reports in one line: bad input or a plan that cannot be made."""
    from upstream.forecast.base import ForecastError
    from upstream.ingest import IngestError
    from upstream.plan.coverage import PlanError
    from upstream.plan.hours import HoursError

    return (IngestError, PlanError, HoursError, ForecastError)


EventsOption = Annotated[
    Path | None,
    typer.Option(
        help="police.uk street-level CSV or Parquet file, as for 'upstream forecast'. "
        "Default: the event store.",
        metavar="FILE",
    ),
]
UntilOption = Annotated[
    str, typer.Option(help="Last month of data to plan from.", metavar="YYYY-MM")
]


@app.command()
def spaces(
    until: UntilOption,
    spaces_file: Annotated[
        Path,
        typer.Option(
            "--spaces",
            help="Existing safe spaces, CSV or XLSX (see docs/plan-spaces-cctv.md).",
            metavar="FILE",
        ),
    ],
    candidates: Annotated[
        Path | None,
        typer.Option(
            help="Candidate sites in the same format (default: town centres, stations and "
            "points along school journeys).",
            metavar="FILE",
        ),
    ] = None,
    add: Annotated[int, typer.Option(help="Best additional sites to propose.", metavar="K")] = 0,
    walk: Annotated[
        float, typer.Option(help="A short walk, straight line.", metavar="METRES")
    ] = 400.0,
    window: Annotated[
        str, typer.Option(help="After-school window on school days.", metavar="HH:MM-HH:MM")
    ] = "15:00-17:30",
    journeys_weight: Annotated[
        float,
        typer.Option(
            help="Weight of pupils' journeys (vs risk) in choosing new sites, 0 to 1.",
            metavar="W",
        ),
    ] = 0.5,
    out: Annotated[
        Path | None, typer.Option(help="CSV to write (spaces, proposals, gaps).", metavar="FILE")
    ] = None,
    max_rejects: Annotated[
        int,
        typer.Option(help="Rows of the spaces files that may be set aside.", metavar="N"),
    ] = 0,
    events: EventsOption = None,
) -> None:
    """How much of the forecast risk and of school journeys lies within a short walk of a
    safe space open after school, the gaps, and the best sites to add."""
    from upstream.config import get_settings
    from upstream.forecast.service import forecast_cells
    from upstream.plan.files import write_csv_atomic
    from upstream.plan.hours import parse_window
    from upstream.plan.journeys import school_journeys
    from upstream.plan.spaces import plan_spaces, spaces_table
    from upstream.plan.spaces_file import read_spaces_file

    settings = get_settings()
    try:
        span = parse_window(window)
        area, frame = _inputs(events)
        read = read_spaces_file(
            spaces_file, area, quarantine_dir=settings.quarantine_dir, max_rejects=max_rejects
        )
        chosen = None
        reads = [read]
        if candidates is not None:
            reads.append(
                read_spaces_file(
                    candidates,
                    area,
                    quarantine_dir=settings.quarantine_dir,
                    max_rejects=max_rejects,
                    hours_required=False,
                    prefix="candidate",
                )
            )
            chosen = reads[-1].spaces
        cells = forecast_cells(frame, area, until)
        journeys = school_journeys(area)
        plan = plan_spaces(
            read.spaces,
            area,
            cells,
            journeys.points,
            candidates=chosen,
            add=add,
            walk=walk,
            window=span,
            blend=journeys_weight,
            described=frame,
        )
    except _errors() as exc:
        raise _fail(str(exc)) from exc
    for done in reads:
        if done.quarantine is not None:
            err.print(
                f"{len(done.rejected)} row(s) set aside in {done.quarantine}", highlight=False
            )
    label = " (SYNTHETIC demo spaces)" if plan.synthetic else ""
    n_open = int(plan.spaces["open_after_school"].sum())
    console.print(
        f"{n_open} of {len(plan.spaces)} safe spaces{label} are open {window} every school "
        f"weekday. Within {walk:.0f} m of one: {plan.risk_share:.0%} of the expected "
        f"serious violence next month ({plan.risk_covered:.1f} of {plan.risk_total:.1f}) and "
        f"{plan.journey_share:.0%} of pupils' school journeys (straight lines: no street "
        "network offline).",
        highlight=False,
    )
    for gap in plan.gaps.head(5).itertuples(index=False):
        console.print(f"  gap: {gap.description}", highlight=False)
    for row in plan.proposals.itertuples(index=False):
        console.print(f"  add #{row.rank}: {row.name}: {row.reason}", highlight=False)
    if out is not None:
        write_csv_atomic(spaces_table(plan), out)
        console.print(f"wrote {out}", highlight=False)


@app.command()
def cctv(
    until: UntilOption,
    cameras: Annotated[int, typer.Option(help="Cameras to deploy.", metavar="C")],
    weeks: Annotated[int, typer.Option(help="Weeks between redeployments.", metavar="W")],
    out: Annotated[Path, typer.Option(help="CSV of the deployments.", metavar="FILE")],
    periods: Annotated[int, typer.Option(help="Periods to plan.", metavar="P")] = 6,
    min_separation: Annotated[
        float, typer.Option(help="Least distance between cameras.", metavar="METRES")
    ] = 300.0,
    max_stay: Annotated[
        int, typer.Option(help="Periods in a row a place may keep a camera.", metavar="M")
    ] = 2,
    start: Annotated[
        str | None,
        typer.Option(
            help="First day of the first period (default: the first Monday of the month "
            "after --until).",
            metavar="YYYY-MM-DD",
        ),
    ] = None,
    record_plan: Annotated[
        bool,
        typer.Option("--record", help="Add the deployments to the register in the data dir."),
    ] = False,
    events: EventsOption = None,
) -> None:
    """Where C mobile cameras stand in each period of W weeks, by forecast harm."""
    from upstream.config import get_settings
    from upstream.plan.cctv import CAMERA_RADIUS, plan_cctv_from_events, record, register_path
    from upstream.plan.fairness import fairness
    from upstream.plan.files import write_csv_atomic

    settings = get_settings()
    try:
        first = date.fromisoformat(start) if start else None
    except ValueError as exc:
        raise _fail(f"--start must be a date YYYY-MM-DD, got {start!r}") from exc
    try:
        area, frame = _inputs(events)
        plan = plan_cctv_from_events(
            frame,
            area,
            until,
            cameras=cameras,
            weeks=weeks,
            periods=periods,
            separation=min_separation,
            max_stay=max_stay,
            start=first,
            described=frame,
        )
        fair = fairness(
            area,
            plan.deployments["easting"].to_numpy(),
            plan.deployments["northing"].to_numpy(),
            CAMERA_RADIUS,
            frame,
            plan="CCTV",
        )
    except _errors() as exc:
        raise _fail(str(exc)) from exc
    for note in plan.surfaces:
        console.print(note, highlight=False)
    for row in plan.deployments.itertuples(index=False):
        console.print(f"  {row.start} to {row.end}, {row.camera}: {row.reason}", highlight=False)
    for sentence in fair.verdicts[:3]:
        console.print(sentence, highlight=False)
    write_csv_atomic(plan.deployments, out)
    console.print(f"wrote {len(plan.deployments)} deployments to {out}", highlight=False)
    if record_plan:
        path = register_path(settings.data_dir)
        added, replaced, same = record(plan.deployments, path)
        console.print(
            f"register {path}: {added} added, {replaced} replaced, {same} already recorded",
            highlight=False,
        )
