"""``upstream publish --out DIR``: the open-data export. Parses, calls, prints.

A policy file that cannot be used, or an output folder that cannot be written, is one line on
stderr and exit code 1; nothing is left half written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from upstream.terminal import console as make_console

__all__ = ["publish"]

console = make_console()
err = make_console(stderr=True)


def publish(
    out: Annotated[
        Path, typer.Option("--out", help="Folder to write the CSV files and manifest.json to.")
    ],
    policy_file: Annotated[
        Path | None,
        typer.Option("--policy", help="Disclosure policy TOML (default: the bundled safe policy)."),
    ] = None,
) -> None:
    """Write the open-data CSV files and manifest.json, under the disclosure policy."""
    from upstream.account.publish.export import write_open_data
    from upstream.account.publish.ledger import LEDGER, LedgerError
    from upstream.account.publish.policy import PolicyError, load_policy
    from upstream.area import area_from_settings
    from upstream.config import get_settings
    from upstream.events import EventStore

    try:
        policy = load_policy(policy_file)
        settings = get_settings()
        snapshot = EventStore(settings.events_dir).snapshot()
        area = area_from_settings(settings)
        manifest = write_open_data(out, snapshot, area, policy, settings.data_dir / LEDGER)
    except (PolicyError, LedgerError) as exc:
        err.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
    except OSError as exc:
        err.print(
            f"[bold red]error:[/] {escape(str(out))}: cannot write the open data ({exc.strerror})",
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(1) from None
    for entry in manifest["files"]:
        how = "as published (open data)" if entry["published_as_is"] else "disclosure-controlled"
        console.print(f"wrote {escape(str(out / entry['file']))} ({how})", highlight=False)
    for note in manifest["notes"]:
        console.print(escape(note), highlight=False)
    if manifest["synthetic"]:
        console.print("partnership tables are built from SYNTHETIC demo data", highlight=False)
    console.print(f"wrote {escape(str(out / 'manifest.json'))}", highlight=False)
