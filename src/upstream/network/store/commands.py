"""``upstream network build`` and ``upstream network audit``: lists from the case store.

Both act as a named partnership user (``--as USERNAME``), who proves it with their password
(asked for, or one line on standard input with ``--password-stdin``) and states the purpose
of the session, exactly as the web app's login: the network's policy, the login throttle and
the audit apply to them. There is no operator default: a list of people is never produced in
nobody's name. :func:`register` adds the commands to the ``network`` group.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape

from upstream.cases.cli_session import migrated_store, sign_in
from upstream.cases.vocab import Purpose
from upstream.cli_inputs import fail
from upstream.terminal import console as make_console

if TYPE_CHECKING:
    from upstream.cases.access import Actor
    from upstream.cases.db import CaseStore

__all__ = ["audit_command", "build_command", "register"]

console = make_console()

AsUser = Annotated[
    str, typer.Option("--as", metavar="USERNAME", help="The partnership user acting.")
]
SessionPurpose = Annotated[
    Purpose,
    typer.Option(help="The purpose of the session (one the user's role may state)."),
]
PasswordStdin = Annotated[
    bool,
    typer.Option("--password-stdin", help="Read the password from the first line of stdin."),
]


_store = migrated_store
_actor = sign_in


def _warnings(document: dict[str, Any]) -> None:
    for warning in document.get("warnings", []):
        console.print(f"[bold red]{escape(str(warning))}[/]", soft_wrap=True)


def build_command(
    as_of: Annotated[
        datetime,
        typer.Option(formats=["%Y-%m-%d"], metavar="YYYY-MM-DD", help="The date the list is for."),
    ],
    purpose: Annotated[str, typer.Option(help="Why the list is made (stored with its audit).")],
    as_user: AsUser,
    kind: Annotated[
        str, typer.Option("--list", metavar="harm|safeguarding", help="What the list ranks by.")
    ] = "harm",
    window_months: Annotated[int, typer.Option(min=1, help="Links age out after this.")] = 24,
    top: Annotated[int | None, typer.Option(min=1, help="Only the highest-ranked N.")] = None,
    residents: Annotated[
        Path | None,
        typer.Option(metavar="FILE", help="Residents counts CSV: dimension,group,count."),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(metavar="DIR", help="Also write list.csv and audit.json here (replaced)."),
    ] = None,
    session_purpose: SessionPurpose = Purpose.INTELLIGENCE,
    password_stdin: PasswordStdin = False,
) -> None:
    """Build the network from the case store and produce a list for a stated purpose, with
    its disproportionality audit (stored, audited; warnings printed first)."""
    from upstream.cases.access import AccessDenied
    from upstream.cases.service import NotFound
    from upstream.network.commands import read_residents
    from upstream.network.lists import SafeguardError
    from upstream.network.store.lists_service import produce_list, read_list
    from upstream.network.store.schemas import NetworkInputError

    counts = read_residents(residents) if residents else None
    store = _store()
    actor = _actor(store, as_user, session_purpose, password_stdin)
    day: date = as_of.date()
    try:
        made = produce_list(
            actor, store, purpose=purpose, kind=kind, as_of=day, window_months=window_months,
            limit=top, residents=counts,
        )  # fmt: skip
        view = read_list(actor, store, made.id, day) if out else None
    except (AccessDenied, NotFound) as exc:
        raise fail(f"{exc}; no list produced") from exc
    except (SafeguardError, NetworkInputError) as exc:
        raise fail(f"--purpose/--list: {exc}; no list produced") from exc
    if made.synthetic:
        console.print("[bold]SYNTHETIC data[/]: nobody on this list is real.")
    if view is not None and out is not None:
        _write(view, out)
    _warnings(_document(actor, store, made.id))
    where = f"; list and audit written to {escape(str(out))}" if out else ""
    console.print(
        f"produced list {made.id} ({kind}): {made.members} people as of {day.isoformat()} "
        f"for: {escape(made.purpose)}; {made.warnings} audit warning(s)"
        f" (upstream network audit --list {made.id}){where}",
        highlight=False,
        soft_wrap=True,
    )


def _document(actor: Actor, store: CaseStore, list_id: int) -> dict[str, Any]:
    from upstream.network.store.lists_service import read_audit

    return read_audit(actor, store, list_id)[1]


def _write(view: Any, out: Path) -> None:
    import pandas as pd

    from upstream.network.commands import write_outputs

    members = pd.DataFrame(
        [vars(m) for m in view.members],
        columns=["rank", "pseudonym", "score", "offences", "evidence", "last_evidence",
                 "review_date"],
    )  # fmt: skip
    text = json.dumps(view.audit, indent=2, default=str) + "\n"
    try:
        write_outputs({"list.csv": members}, {"audit.json": text}, out)
    except OSError as exc:
        raise fail(f"{out}: cannot write the list ({exc.strerror}); the list is stored") from exc


def audit_command(
    list_id: Annotated[int, typer.Option("--list", metavar="ID", help="The stored list's id.")],
    as_user: AsUser,
    out: Annotated[
        Path | None, typer.Option(metavar="FILE", help="Also write the audit as JSON here.")
    ] = None,
    session_purpose: SessionPurpose = Purpose.INTELLIGENCE,
    password_stdin: PasswordStdin = False,
) -> None:
    """Print (and with --out write) the disproportionality audit of a stored list: warnings
    first, then each group's share of the list against suspects (audited read)."""
    from upstream.cases.access import AccessDenied
    from upstream.cases.service import NotFound
    from upstream.network.store.lists_service import read_audit
    from upstream.plan.files import write_text_atomic

    store = _store()
    actor = _actor(store, as_user, session_purpose, password_stdin)
    try:
        summary, document = read_audit(actor, store, list_id)
    except (AccessDenied, NotFound) as exc:
        raise fail(str(exc)) from exc
    if summary.synthetic:
        console.print("[bold]SYNTHETIC data[/]: nobody on this list is real.")
    _warnings(document)
    console.print(
        f"list {summary.id} ({summary.kind}, {summary.members} people, as of "
        f"{summary.as_of.isoformat()}) for: {escape(summary.purpose)}",
        highlight=False,
        soft_wrap=True,
    )
    for row in document.get("table", []):
        ratio = row.get("suspects_ratio")
        against = "" if ratio is None else f"; {ratio:.2f}x its share of suspects"
        console.print(
            f"  {row['dimension']}: {row['group']}: {row['list_n']} of {row['list_total']} "
            f"({row['list_share']:.0%}){against}",
            highlight=False,
        )
    if not document.get("warnings"):
        console.print("no group over-represented relative to suspects beyond chance")
    if out:
        try:
            write_text_atomic(json.dumps(document, indent=2, default=str) + "\n", out)
        except OSError as exc:
            raise fail(f"{out}: cannot write the audit ({exc.strerror})") from exc


def register(app: typer.Typer) -> None:
    """Add ``build`` and ``audit`` to the ``network`` command group."""
    app.command("build")(build_command)
    app.command("audit")(audit_command)
