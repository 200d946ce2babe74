"""``upstream plan``: deployment plans from risk (Safer Routes posts and their rota).

Parses, calls :mod:`upstream.plan.risk`, :mod:`upstream.plan.posts` and
:mod:`upstream.plan.rota`, prints. Progress and the one-line summary go to stderr; a plan
that cannot be made is one line on stderr and exit 1. Other plan commands (safe spaces,
CCTV, emerging hot spots) register on :data:`app` from their own modules.
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
    from upstream.plan.posts import PostPlan

__all__ = ["app"]

app = typer.Typer(
    help="Plan deployments from risk: Safer Routes posts and their weekly rota, safe "
    "spaces, mobile CCTV, and where risk is changing.",
    add_completion=False,
    no_args_is_help=True,
)
err = make_console(stderr=True)

EventsOption = Annotated[
    Path | None,
    typer.Option(
        "--events",
        help="police.uk street-level CSV or Parquet file, as for 'upstream forecast'. "
        "Default: the event store.",
        metavar="FILE",
    ),
]
UntilOption = Annotated[
    str | None, typer.Option(help="Last month of data to plan from.", metavar="YYYY-MM")
]
TeamsOption = Annotated[int | None, typer.Option(help="Chaperone teams (posts).", metavar="N")]
RadiusOption = Annotated[
    float, typer.Option(help="Walking radius a post covers.", metavar="METRES")
]
HarmOption = Annotated[
    bool, typer.Option("--harm", help="Cover expected harm (crimes x harm weight).")
]
CorridorOption = Annotated[
    float | None,
    typer.Option(
        help="Also consider sites up to this far off the straight school journeys "
        "(real routes bend); 0: on them only. Default 250.",
        metavar="METRES",
    ),
]
RecurrenceOption = Annotated[
    float | None,
    typer.Option(
        help="Weight (0 to 1) of the last 12 months' crimes at each map point in the risk "
        "covered, against the forecast; 0: the forecast alone. Default 0.",
        metavar="W",
    ),
]
MethodOption = Annotated[
    str | None,
    typer.Option(
        help="The forecast method the risk comes from (any of `upstream forecast`'s "
        "methods). Default ensemble.",
        metavar="NAME",
    ),
]
CellOption = Annotated[int, typer.Option(help="Forecast grid cell size.", metavar="METRES")]
WindowOption = Annotated[
    str, typer.Option(help="After-school window posts are staffed in.", metavar="HH:MM-HH:MM")
]
RejectsOption = Annotated[
    int, typer.Option(help="Rows of --events that may fail validation.", metavar="N")
]


def _window(text: str) -> tuple[str, str]:
    parts = [p.strip() for p in text.split("-")]
    if len(parts) != 2:
        raise _fail(f"--window must be HH:MM-HH:MM, got {text!r}")
    return parts[0], parts[1]


def _area() -> Area:
    from upstream.cli_inputs import settings_area

    return settings_area()


def _inputs(events: Path | None, max_rejects: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Street-level events (with police.uk locations) and timed partnership incidents."""
    from upstream.area import definitions_from_settings
    from upstream.cli_inputs import street_input
    from upstream.config import get_settings
    from upstream.events import EventStore
    from upstream.forecast.data import incident_events

    settings = get_settings()
    frame = street_input(events, max_rejects, location=True)
    incidents = incident_events(
        EventStore(settings.events_dir), definitions_from_settings(settings)
    )
    return frame, incidents


def _plan(
    events: Path | None,
    until: str | None,
    teams: int | None,
    *,
    radius: float,
    harm: bool,
    cell: int,
    window: str,
    max_rejects: int,
    corridor: float | None = None,
    recurrence: float | None = None,
    method: str | None = None,
) -> PostPlan:
    from upstream.forecast.registry import METHODS
    from upstream.plan.coverage import PlanError
    from upstream.plan.posts import DEFAULT_CORRIDOR, plan_posts
    from upstream.plan.risk import DEFAULT_PLAN_METHOD, DEFAULT_RECURRENCE, risk_surface
    from upstream.vocab import is_month

    corridor = DEFAULT_CORRIDOR if corridor is None else corridor
    recurrence = DEFAULT_RECURRENCE if recurrence is None else recurrence
    method = DEFAULT_PLAN_METHOD if method is None else method
    if method not in METHODS:
        raise _fail(f"unknown --method {method!r}; choose from {', '.join(METHODS)}")

    if until is None or teams is None:
        raise _fail("give --until YYYY-MM (the last month to plan from) and --teams N")
    if teams < 1:
        raise _fail(f"--teams must be 1 or more, got {teams}")
    if radius <= 0 or corridor < 0:
        raise _fail("--radius must be more than 0 and --corridor 0 or more (metres)")
    if not 0 <= recurrence <= 1:
        raise _fail(f"--recurrence must be between 0 and 1, got {recurrence:g}")
    if not is_month(until):
        raise _fail(f"--until must be a month YYYY-MM, got {until!r}")
    area = _area()
    frame, incidents = _inputs(events, max_rejects)
    try:
        risk = risk_surface(
            frame,
            area,
            until,
            target="harm" if harm else "count",
            cell_size=cell,
            incidents=incidents,
            window=_window(window),
            recurrence=recurrence,
            method=method,
        )
        plan = plan_posts(frame, risk, area, teams, radius=radius, corridor=corridor)
    except PlanError as exc:
        raise _fail(str(exc)) from exc
    err.print(plan.note, highlight=False, soft_wrap=True)
    return plan


@app.command("posts")
def posts_command(
    events: EventsOption = None,
    until: UntilOption = None,
    teams: TeamsOption = None,
    radius: RadiusOption = 250.0,
    harm: HarmOption = False,
    cell: CellOption = 150,
    window: WindowOption = "15:00-17:30",
    corridor: CorridorOption = None,
    recurrence: RecurrenceOption = None,
    method: MethodOption = None,
    out: Annotated[
        Path | None, typer.Option(help="CSV to write, one row per post.", metavar="FILE")
    ] = None,
    max_rejects: RejectsOption = 0,
) -> None:
    """Choose where N chaperone teams stand on the walks to and from secondary schools.

    Writes one row per post (post_id, easting, northing in BNG metres, lon, lat, street,
    schools served with pupils, expected crimes or harm within the radius next month,
    recent crimes there, marginal gain, and the reason in plain English). Every post is
    within 1,000 m of an open secondary or all-through school.
    """
    from upstream.plan.files import write_csv_atomic

    if out is None:
        raise _fail("give --out FILE (the posts CSV to write)")
    plan = _plan(
        events, until, teams, radius=radius, harm=harm, cell=cell, window=window,
        max_rejects=max_rejects, corridor=corridor, recurrence=recurrence, method=method,
    )  # fmt: skip
    write_csv_atomic(plan.posts, out)
    covered = plan.coverage.share
    err.print(
        f"wrote {len(plan.posts)} posts to {out}: they cover {covered:.0%} of the "
        f"{'harm' if harm else 'serious-violence crimes'} expected in the area in "
        f"{plan.risk.month} within {radius:,.0f} m"
        f"{'' if plan.coverage.optimal else ' (best found in the time limit, not proven best)'}",
        highlight=False,
    )


@app.command("rota")
def rota_command(
    posts: Annotated[
        Path | None,
        typer.Option(
            "--posts",
            help="A posts CSV from 'upstream plan posts'; or plan the posts from --events.",
            metavar="FILE",
        ),
    ] = None,
    events: EventsOption = None,
    until: UntilOption = None,
    teams: TeamsOption = None,
    radius: RadiusOption = 250.0,
    harm: HarmOption = False,
    cell: CellOption = 150,
    window: WindowOption = "15:00-17:30",
    corridor: CorridorOption = None,
    recurrence: RecurrenceOption = None,
    method: MethodOption = None,
    week: Annotated[
        str | None,
        typer.Option(
            help="A date in the week to staff (its Monday starts it). Default: the first "
            "Monday after --until's month, or after today with --posts.",
            metavar="YYYY-MM-DD",
        ),
    ] = None,
    days: Annotated[
        str, typer.Option(help="Weekdays to staff.", metavar="mon,tue,...")
    ] = "mon,tue,wed,thu,fri",
    shift_hours: Annotated[
        float | None,
        typer.Option(help="Shift length; default the whole window.", metavar="HOURS"),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(help="CSV: date, day, start, end, team, post_id, ...", metavar="FILE"),
    ] = None,
    html: Annotated[
        Path | None, typer.Option(help="Printable HTML rota to write.", metavar="FILE")
    ] = None,
    max_rejects: RejectsOption = 0,
) -> None:
    """The weekly rota: team x day x time x post, on the school days of one week.

    From a posts CSV (--posts, with --teams) or planned afresh from --events/--until/--teams.
    With fewer teams than posts, the highest-risk posts are staffed most often.
    """
    from upstream.ingest import IngestError
    from upstream.plan.coverage import PlanError
    from upstream.plan.files import read_posts_csv, write_csv_atomic, write_text_atomic
    from upstream.plan.rota import default_week, make_rota, parse_days, parse_week, rota_html

    if out is None and html is None:
        raise _fail("give --out FILE (CSV) and/or --html FILE (printable rota)")
    note = ""
    if posts is not None:
        if teams is None:
            raise _fail("give --teams N (the teams to share the posts among)")
        try:
            table = read_posts_csv(posts)
        except IngestError as exc:
            raise _fail(str(exc)) from exc
    else:
        plan = _plan(
            events, until, teams, radius=radius, harm=harm, cell=cell, window=window,
            max_rejects=max_rejects, corridor=corridor, recurrence=recurrence, method=method,
        )  # fmt: skip
        table, note = plan.posts, plan.note
    assert teams is not None
    area = _area()
    try:
        start = parse_week(week) if week else default_week(until, date.today())
        rota = make_rota(
            table,
            teams,
            start,
            area.calendar,
            days=parse_days(days),
            window=_window(window),
            shift_hours=shift_hours,
        )
    except PlanError as exc:
        raise _fail(str(exc)) from exc
    if rota.note:
        err.print(rota.note, highlight=False, soft_wrap=True)
    if out is not None:
        write_csv_atomic(rota.rows, out)
    if html is not None:
        write_text_atomic(rota_html(rota, table, area_name=area.name, note=note), html)
    where = " and ".join(str(p) for p in (out, html) if p is not None)
    err.print(
        f"wrote the rota for the week of {rota.week} to {where}: {len(rota.days)} school "
        f"day(s), {len(rota.shifts)} shift(s) a day, {rota.teams} team(s), "
        f"{len(rota.rows)} team-shifts",
        highlight=False,
    )


def _fold_in() -> None:
    """Register the plan commands that live in their own modules on :data:`app`."""
    from upstream.plan.commands_emerging import app as emerging_app
    from upstream.plan.commands_kit import app as kit_app

    for other in (kit_app, emerging_app):
        app.registered_commands.extend(other.registered_commands)


_fold_in()
