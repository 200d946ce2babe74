"""What forecast and plan commands read: the area pack and police.uk street-level crime.

One place for the command line's reading of its inputs, so every command that takes
``--events FILE`` reads, validates and reports it the same way: a police.uk CSV or Parquet
file (validated as ingest does) or, without one, the event store. A problem is one line on
stderr and exit code 1 (:class:`typer.Exit`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.markup import escape

from upstream.terminal import console as make_console

if TYPE_CHECKING:
    import pandas as pd

    from upstream.area import Area
    from upstream.config import Settings

__all__ = ["fail", "settings_area", "street_input"]

err = make_console(stderr=True)


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print ``message`` as a one-line error on stderr; the exit to raise."""
    err.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


def settings_area(settings: Settings | None = None) -> Area:
    """The area pack's area, or a one-line error naming what is wrong with the pack."""
    from upstream.area import AreaError, area_from_settings
    from upstream.config import get_settings

    try:
        return area_from_settings(settings or get_settings())
    except AreaError as exc:
        raise fail(str(exc)) from exc


def street_input(
    path: Path | None, max_rejects: int = 0, *, location: bool = False
) -> pd.DataFrame:
    """Street-level crime from a police.uk file (validated as ingest does, with a one-line
    account of its rows on stderr) or, when ``path`` is None, from the event store.

    With ``location``, police.uk's location descriptions come too (to name streets).
    """
    from upstream.area import definitions_from_settings
    from upstream.config import get_settings
    from upstream.events import EventStore
    from upstream.forecast.data import read_events_file, street_events
    from upstream.ingest import IngestError

    settings = get_settings()
    area = settings_area(settings)
    definitions = definitions_from_settings(settings)
    if path is None:
        frame = street_events(EventStore(settings.events_dir), definitions, location=location)
        if frame.empty:
            raise fail(
                "no street-level crime in the event store; load some with "
                "'upstream ingest police-uk PATH' or give --events FILE"
            )
        return frame
    try:
        read = read_events_file(path, area, definitions, max_rejects=max_rejects, location=location)
    except IngestError as exc:
        raise fail(str(exc)) from exc
    err.print(
        f"read {read.rows_read:,} rows from {path}: {len(read.events):,} inside the area, "
        f"{read.outside_area:,} outside it, {read.unplaced:,} without a location, "
        f"{read.rejected:,} rejected",
        highlight=False,
    )
    return read.events
