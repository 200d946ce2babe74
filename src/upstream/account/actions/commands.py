"""``upstream actions ...``: import, export and list the action plan.

Run on the server, the commands act as the server's operator (``system:cli``, who may read
and manage the plan: whoever runs them can reach the database anyway); every change is
audited under that name. With ``--as USERNAME`` they act as that partnership user instead,
who proves it with their password (asked for, or one line on standard input with
``--password-stdin``), so the policy, the login throttle and the audit apply to them exactly
as in the web app.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from upstream.account.actions.access import plan_operator
from upstream.account.actions.service import (
    PlanInputError,
    export_plan,
    import_plan,
    list_actions,
    today_in_london,
)
from upstream.account.actions.xlsx import PlanFileError, plan_workbook, read_plan, write_plan
from upstream.cases.access import AccessDenied, Actor
from upstream.cases.cli_session import AsUser, PasswordStdin, PurposeOpt, migrated_store, sign_in
from upstream.cases.db import CaseStore
from upstream.cases.vocab import Purpose, label
from upstream.terminal import console as make_console

__all__ = ["app"]

app = typer.Typer(
    help="The action plan: import and export the partnership's XLSX, list actions.",
    no_args_is_help=True,
)
console = make_console()
err = make_console(stderr=True)


_store = migrated_store


def _fail(message: str) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}", highlight=False, markup=True)
    return typer.Exit(1)


def _actor(
    store: CaseStore, username: str | None, purpose: str, from_stdin: bool, job: str
) -> Actor:
    if username is None:
        return plan_operator(job)
    return sign_in(store, username, purpose, from_stdin)


@app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="The plan workbook (.xlsx).")],
    measures: Annotated[
        Path | None,
        typer.Option(
            help="Outcome measures TOML whose ids actions may link to (default: the bundled "
            "outcomes.toml).",
            metavar="FILE",
        ),
    ] = None,
    as_user: AsUser = None,
    purpose: PurposeOpt = Purpose.COORDINATION,
    password_stdin: PasswordStdin = False,
) -> None:
    """Import the plan from XLSX: every row checked first, then all stored or none.

    Actions are matched on their reference: new ones are added, changed ones updated (each
    change recorded in the action's history), the rest left as they are; importing the same
    file again changes nothing. Every outcome id an action links to must be a measure of the
    measures file.
    """
    if not file.is_file():
        raise _fail(f"{file}: no such file")
    try:
        rows = read_plan(file, measures=measures)
    except PlanFileError as exc:
        for problem in exc.problems:
            err.print(f"[bold red]error:[/] {problem}", highlight=False)
        err.print(f"nothing imported ({len(exc.problems)} problem(s))", highlight=False)
        raise typer.Exit(1) from exc
    store = _store()
    actor = _actor(store, as_user, purpose, password_stdin, "cli-import")
    try:
        result = import_plan(actor, store, rows, source=file.name)
    except (PlanInputError, AccessDenied) as exc:
        raise _fail(f"{exc}; nothing imported") from exc
    console.print(
        f"imported {file.name}: {len(result.created)} added, {len(result.updated)} changed, "
        f"{len(result.unchanged)} unchanged",
        highlight=False,
    )


@app.command("export")
def export_command(
    out: Annotated[Path, typer.Option(help="The workbook to write (.xlsx).")],
    as_user: AsUser = None,
    purpose: PurposeOpt = Purpose.COORDINATION,
    password_stdin: PasswordStdin = False,
) -> None:
    """Export the whole plan as XLSX (the columns import reads back)."""
    store = _store()
    actor = _actor(store, as_user, purpose, password_stdin, "cli-export")
    try:
        actions, demo = export_plan(actor, store)
    except AccessDenied as exc:
        raise _fail(str(exc)) from exc
    write_plan(plan_workbook(actions, demo=demo, exported=today_in_london()), out)
    note = " (DEMO actions)" if demo else ""
    console.print(f"wrote {len(actions)} actions{note} to {out}", highlight=False)


@app.command("list")
def list_command(
    as_user: AsUser = None,
    purpose: PurposeOpt = Purpose.COORDINATION,
    password_stdin: PasswordStdin = False,
    mine: Annotated[bool, typer.Option(help="With --as: only that user's actions.")] = False,
) -> None:
    """List the plan in the board's order: overdue and red first."""
    store = _store()
    actor = _actor(store, as_user, purpose, password_stdin, "cli-list")
    try:
        actions = list_actions(actor, store, mine=mine)
    except AccessDenied as exc:
        raise _fail(str(exc)) from exc
    if not actions:
        console.print("the action plan is empty (upstream actions import FILE.xlsx)")
        return
    table = Table(title="Action plan" + (" (DEMO)" if any(a.demo for a in actions) else ""))
    for column in ("ref", "domain", "action", "owner", "due", "status", "RAG"):
        table.add_column(column)
    for a in actions:
        due = f"{a.due:%d %b %Y}" + (" OVERDUE" if a.overdue else "")
        table.add_row(
            a.ref, label(a.domain), a.title, a.owner or "-", due, label(a.status), a.rag.upper()
        )
    console.print(table)
