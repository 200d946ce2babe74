"""``upstream retail ...``: import and list the knife-retail register, compliance, due re-tests.

Run on the server, the commands act as the server's operator (``system:cli``, who may read
and change the register: whoever runs them can reach the database anyway); every read and
change is audited under that name. With ``--as USERNAME`` they act as that partnership user
instead, who proves it with their password (asked for, or one line on standard input with
``--password-stdin``), so the policy, the login throttle and the audit apply to them exactly
as in the web app.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from upstream.cases.access import AccessDenied, Actor
from upstream.cases.cli_session import AsUser, PasswordStdin, PurposeOpt, migrated_store, sign_in
from upstream.cases.db import CaseStore
from upstream.cases.vocab import Purpose, label
from upstream.cli_inputs import fail, settings_area
from upstream.orders.retail.access import retail_operator
from upstream.orders.retail.compliance import Period, compliance
from upstream.orders.retail.registerfile import RegisterFileError, read_register
from upstream.orders.retail.schedule import RulesError, due_list, load_rules
from upstream.orders.retail.service import (
    RetailInputError,
    compliance_records,
    import_premises,
    list_premises,
    today_in_london,
)
from upstream.terminal import console as make_console

__all__ = ["app"]

app = typer.Typer(
    help="Knife retailers: the premises register, compliance and re-tests due.",
    no_args_is_help=True,
)
console = make_console()
err = make_console(stderr=True)


_store = migrated_store


def _actor(
    store: CaseStore, username: str | None, purpose: str, from_stdin: bool, job: str
) -> Actor:
    if username is None:
        return retail_operator(job)
    return sign_in(store, username, purpose, from_stdin)


@app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="The register (.csv, or .xlsx).")],
    as_user: AsUser = None,
    purpose: PurposeOpt = Purpose.TRADING_STANDARDS,
    password_stdin: PasswordStdin = False,
) -> None:
    """Import premises from CSV or XLSX: every row checked first, then all stored or none.

    Premises are matched on their reference: new ones are added, changed ones updated, the
    rest left as they are; importing the same file again changes nothing. A location
    outside the partnership area is refused, naming the line and field.
    """
    if not file.is_file():
        raise fail(f"{file}: no such file")
    try:
        rows = read_register(file)
    except RegisterFileError as exc:
        for problem in exc.problems:
            err.print(f"[bold red]error:[/] {problem}", highlight=False)
        err.print(f"nothing imported ({len(exc.problems)} problem(s))", highlight=False)
        raise typer.Exit(1) from exc
    area = settings_area()
    store = _store()
    actor = _actor(store, as_user, purpose, password_stdin, "cli-import")
    try:
        result = import_premises(actor, store, rows, area, source=file.name)
    except (RetailInputError, AccessDenied) as exc:
        raise fail(f"{exc}; nothing imported") from exc
    console.print(
        f"imported {file.name}: {len(result.created)} added, {len(result.updated)} changed, "
        f"{len(result.unchanged)} unchanged",
        highlight=False,
    )


@app.command("list")
def list_command(
    as_user: AsUser = None,
    purpose: PurposeOpt = Purpose.TRADING_STANDARDS,
    password_stdin: PasswordStdin = False,
) -> None:
    """List the register: every premises, its tests and its latest result (audited)."""
    store = _store()
    actor = _actor(store, as_user, purpose, password_stdin, "cli-list")
    try:
        premises = list_premises(actor, store)
    except AccessDenied as exc:
        raise fail(str(exc)) from exc
    if not premises:
        console.print("the register is empty (upstream retail import FILE.csv)")
        return
    demo = " (SYNTHETIC demo)" if any(p.demo for p in premises) else ""
    table = Table(title=f"Knife-retail register{demo}")
    for column in ("ref", "name", "type", "tests", "latest", "result"):
        table.add_column(column)
    for p in premises:
        table.add_row(
            p.ref,
            p.name,
            label(p.premises_type.value),
            str(p.tests),
            f"{p.last_on:%d %b %Y}" if p.last_on else "-",
            p.last_result.value if p.last_result else "never tested",
        )
    console.print(table)


@app.command("compliance")
def compliance_command(
    by: Annotated[Period, typer.Option(help="Group test purchases by quarter or year.")] = (
        Period.QUARTER
    ),
    by_type: Annotated[bool, typer.Option("--by-type", help="One line per premises type.")] = False,
    as_user: AsUser = None,
    purpose: PurposeOpt = Purpose.TRADING_STANDARDS,
    password_stdin: PasswordStdin = False,
) -> None:
    """Compliance per period: the share of test purchases refused, with the exact
    (Clopper-Pearson) 95% interval, one plain-English line each."""
    store = _store()
    actor = _actor(store, as_user, purpose, password_stdin, "cli-compliance")
    try:
        rows = compliance(compliance_records(actor, store), by, by_type=by_type)
    except AccessDenied as exc:
        raise fail(str(exc)) from exc
    if not rows:
        console.print("no test purchases recorded yet")
    for row in rows:
        console.print(row.line, highlight=False)


@app.command("due")
def due_command(
    rules: Annotated[
        Path | None, typer.Option(help="A retail.toml with the partnership's re-test rules.")
    ] = None,
    within: Annotated[
        int | None, typer.Option(help="Only premises due within this many days.")
    ] = None,
    as_user: AsUser = None,
    purpose: PurposeOpt = Purpose.TRADING_STANDARDS,
    password_stdin: PasswordStdin = False,
) -> None:
    """The re-tests due, earliest first: after a sale within 3 months, after a refusal
    within 12 (or as ``--rules`` says); premises never tested are due now."""
    try:
        chosen = load_rules(rules)
    except RulesError as exc:
        raise fail(str(exc)) from exc
    store = _store()
    actor = _actor(store, as_user, purpose, password_stdin, "cli-due")
    try:
        premises = list_premises(actor, store)
    except AccessDenied as exc:
        raise fail(str(exc)) from exc
    today = today_in_london()
    due = due_list(premises, chosen, today, within_days=within)
    if not due:
        console.print("no re-tests due")
        return
    table = Table(title=f"Re-tests due (today {today:%d %b %Y})")
    for column in ("due", "ref", "name", "why"):
        table.add_column(column)
    for d in due:
        when = f"{d.due:%d %b %Y}" + (" OVERDUE" if d.overdue else "")
        table.add_row(when, d.ref, d.name, d.reason)
    console.print(table)
