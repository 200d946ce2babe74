"""``upstream cases ...``: the case store's commands. Each parses, calls one use case, prints.

Commands that read personal data name the acting user (``--as``), who proves it with their
password (asked for, or one line on standard input with ``--password-stdin``), and give a
reason, so that the policy, the throttle and the audit log apply to them exactly as to the
web app.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated

import typer

from upstream.cases.access import AccessDenied, system_actor
from upstream.cases.admin import create_first_admin, export_audit
from upstream.cases.audit_verify import verify_as_server
from upstream.cases.cli_session import sign_in
from upstream.cases.db import CaseStore, case_store
from upstream.cases.dbroles import grant_statements
from upstream.cases.demo import seed_demo
from upstream.cases.deployment import disable_demo_users
from upstream.cases.retention import retain
from upstream.cases.sar import subject_access_export
from upstream.cases.service import Conflict, NotFound
from upstream.cases.vocab import Agency, Purpose
from upstream.config import get_settings
from upstream.terminal import console as make_console

__all__ = ["app"]

app = typer.Typer(
    help="The case store: users, retention, audit, subject access.", no_args_is_help=True
)
console = make_console()
err = make_console(stderr=True)

AsUser = Annotated[str, typer.Option("--as", help="Your username (an admin); audited.")]
Reason = Annotated[
    str,
    typer.Option(
        help="Why you need this (10-300 characters, no names), e.g. the request's reference; "
        "recorded in the audit log."
    ),
]
PasswordStdin = Annotated[
    bool,
    typer.Option(
        "--password-stdin", help="Read your password from the first line of standard input."
    ),
]


def _store() -> CaseStore:
    store = case_store(get_settings())
    store.migrate()
    return store


def _fail(message: str) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}", highlight=False)
    return typer.Exit(1)


def _check_reason(reason: str) -> str:
    reason = reason.strip()
    if not 10 <= len(reason) <= 300:
        raise _fail("--reason: give 10 to 300 characters (no names)")
    return reason


_signed_in = sign_in


@app.command("create-admin")
def create_admin(
    username: Annotated[str, typer.Argument(help="Login name (a-z, 0-9, . _ -).")],
    agency: Annotated[Agency, typer.Option(help="The admin's agency.")] = Agency.COUNCIL,
) -> None:
    """Create an admin user, who must change the password at first login.

    The password is asked for (or read from UPSTREAM_ADMIN_PASSWORD).
    """
    password = os.environ.get("UPSTREAM_ADMIN_PASSWORD") or typer.prompt(
        "First password (12+ characters; changed at first login)",
        hide_input=True,
        confirmation_prompt=True,
    )
    try:
        user = create_first_admin(_store(), username, password, agency)
    except (ValueError, Conflict) as exc:
        raise _fail(str(exc).splitlines()[0]) from exc
    console.print(
        f"created admin {user.username!r} ({user.agency}); they must change the password at "
        "first login"
    )


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
        f"people, {len(report.incidents)} incidents and {len(report.orders)} court orders "
        f"(ended before then)"
    )
    for pseudonym in report.people:
        console.print(f"  person {pseudonym}")
    for incident in report.incidents:
        console.print(f"  incident {incident}")
    for order in report.orders:
        console.print(f"  court order {order}")
    for pseudonym in report.kept_for_orders:
        console.print(f"  kept: person {pseudonym} (a court order in force or ended since)")
    for pseudonym in report.kept_as_non_associates:
        console.print(
            f"  kept: person {pseudonym} (named in the non-association condition of another's "
            "court order in force or ended since)"
        )


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
    reason: Reason,
    out: Annotated[Path | None, typer.Option(help="CSV file to write (default: stdout).")] = None,
    password_stdin: PasswordStdin = False,
) -> None:
    """Export the whole audit log as CSV."""
    why = _check_reason(reason)
    store = _store()
    actor = _signed_in(store, as_user, Purpose.ADMINISTRATION, password_stdin)
    try:
        text = export_audit(actor, store, why)
    except AccessDenied as exc:
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
    reason: Reason,
    out: Annotated[Path | None, typer.Option(help="JSON file to write (default: stdout).")] = None,
    password_stdin: PasswordStdin = False,
) -> None:
    """Subject access export: everything held about one young person, as JSON."""
    why = _check_reason(reason)
    store = _store()
    actor = _signed_in(store, as_user, Purpose.SUBJECT_ACCESS, password_stdin)
    try:
        data = subject_access_export(actor, store, person_id, why)
    except (AccessDenied, NotFound) as exc:
        raise _fail(str(exc)) from exc
    text = json.dumps(data, indent=2, ensure_ascii=False)
    if out is None:
        typer.echo(text)
    else:
        out.write_text(text + "\n", encoding="utf-8")
        console.print(f"wrote {out}")


@app.command("verify-audit")
def verify_audit_command() -> None:
    """Check the audit log's hash chain; name the first broken link (exit 1 if broken)."""
    report = verify_as_server(_store())
    if report.ok:
        console.print(report.message(), highlight=False)
        return
    raise _fail(report.message())


@app.command("disable-demo")
def disable_demo_command() -> None:
    """Disable every demo user (needed before a production server will start); audited."""
    names = disable_demo_users(_store())
    if names:
        console.print(f"disabled {len(names)} demo user(s): {', '.join(sorted(names))}")
    else:
        console.print("no active demo users")


@app.command("migrate")
def migrate_command() -> None:
    """Bring the case store's schema up to date (run as the database owner)."""
    store = _store()
    console.print(
        f"case store at {store.engine.url.render_as_string(hide_password=True)} is migrated"
    )


@app.command("db-grants")
def db_grants_command(
    role: Annotated[str, typer.Option(help="The PostgreSQL login role the app runs as.")],
) -> None:
    """Print the SQL that gives the app's PostgreSQL role only what it needs (no schema
    changes, audit events insert-only). Run it as the owner, e.g. piped to psql."""
    try:
        lines = grant_statements(role)
    except ValueError as exc:
        raise _fail(str(exc)) from exc
    for line in lines:
        typer.echo(line)
