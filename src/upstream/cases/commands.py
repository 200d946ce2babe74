"""``upstream cases ...``: the case store's commands. Each parses, calls one use case, prints.

Commands that read personal data name the acting user (``--as``) so that the policy and the
audit log apply to them exactly as to the web app.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from upstream.cases.access import AccessDenied, system_actor
from upstream.cases.admin import create_first_admin, export_audit
from upstream.cases.auth import actor_by_username
from upstream.cases.db import CaseStore, case_store
from upstream.cases.demo import seed_demo
from upstream.cases.retention import retain
from upstream.cases.sar import subject_access_export
from upstream.cases.service import Conflict, NotFound
from upstream.cases.vocab import Agency, Purpose
from upstream.config import get_settings

__all__ = ["app"]

app = typer.Typer(
    help="The case store: users, retention, audit, subject access.", no_args_is_help=True
)
console = Console()
err = Console(stderr=True)

AsUser = Annotated[str, typer.Option("--as", help="Your username (an admin); audited.")]


def _store() -> CaseStore:
    store = case_store(get_settings())
    store.migrate()
    return store


def _fail(message: str) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}", highlight=False)
    return typer.Exit(1)


@app.command("create-admin")
def create_admin(
    username: Annotated[str, typer.Argument(help="Login name (a-z, 0-9, . _ -).")],
    agency: Annotated[Agency, typer.Option(help="The admin's agency.")] = Agency.COUNCIL,
) -> None:
    """Create an admin user. The password is asked for (or read from UPSTREAM_ADMIN_PASSWORD)."""
    password = os.environ.get("UPSTREAM_ADMIN_PASSWORD") or typer.prompt(
        "Password (12+ characters)", hide_input=True, confirmation_prompt=True
    )
    try:
        user = create_first_admin(_store(), username, password, agency)
    except (ValueError, Conflict) as exc:
        raise _fail(str(exc)) from exc
    console.print(f"created admin {user.username!r} ({user.agency})")


@app.command("retain")
def retain_command(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Report only; change nothing.")
    ] = False,
    months: Annotated[
        int | None, typer.Option(help="Override UPSTREAM_RETENTION_MONTHS for this run.")
    ] = None,
) -> None:
    """Anonymise people and incidents closed more than the retention period ago."""
    report = retain(system_actor("retain"), _store(), dry_run=dry_run, months=months)
    verb = "would anonymise" if dry_run else "anonymised"
    console.print(
        f"records closed before {report.cutoff:%Y-%m-%d}: {verb} {len(report.people)} young "
        f"people and {len(report.incidents)} incidents"
    )
    for pseudonym in report.people:
        console.print(f"  person {pseudonym}")
    for incident in report.incidents:
        console.print(f"  incident {incident}")


@app.command("seed-demo")
def seed_demo_command() -> None:
    """Seed an empty case store with the SYNTHETIC demo (never in production)."""
    try:
        lines = seed_demo(_store())
    except RuntimeError as exc:
        raise _fail(str(exc)) from exc
    for line in lines:
        console.print(line, highlight=False)


@app.command("export-audit")
def export_audit_command(
    as_user: AsUser,
    out: Annotated[Path | None, typer.Option(help="CSV file to write (default: stdout).")] = None,
) -> None:
    """Export the whole audit log as CSV."""
    store = _store()
    try:
        text = export_audit(actor_by_username(store, as_user, Purpose.ADMINISTRATION), store)
    except (LookupError, AccessDenied) as exc:
        raise _fail(str(exc)) from exc
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        console.print(f"wrote {out}")


@app.command("sar")
def sar_command(
    person_id: Annotated[
        str, typer.Argument(help="The young person's pseudonym, e.g. YP-1A2B3C4D.")
    ],
    as_user: AsUser,
    out: Annotated[Path | None, typer.Option(help="JSON file to write (default: stdout).")] = None,
) -> None:
    """Subject access export: everything held about one young person, as JSON."""
    store = _store()
    try:
        actor = actor_by_username(store, as_user, Purpose.SUBJECT_ACCESS)
        data = subject_access_export(actor, store, person_id)
    except (LookupError, AccessDenied, NotFound) as exc:
        raise _fail(str(exc)) from exc
    text = json.dumps(data, indent=2, ensure_ascii=False)
    if out is None:
        typer.echo(text)
    else:
        out.write_text(text + "\n", encoding="utf-8")
        console.print(f"wrote {out}")
