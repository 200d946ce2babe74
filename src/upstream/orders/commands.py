"""``upstream orders ...``: the breach scan, the register, the alert queue and the
proportionality figures, from the server's command line.

The commands act as the server's operator (``system:<job>``, purpose ``enforcement``), who
may read the register and run the scan; every read and change is audited under that name.
Young people are shown by pseudonym only.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy import select

from upstream.account.disclosure import SUPPRESSED
from upstream.cases.access import AccessDenied
from upstream.cases.audit import AuditKind, record
from upstream.cases.db import CaseStore, case_store
from upstream.cases.localtime import london_time
from upstream.cli_inputs import fail
from upstream.config import get_settings
from upstream.orders.access import orders_operator
from upstream.orders.alerts import alert_views, queue_order, run_scan
from upstream.orders.models import BreachAlert
from upstream.orders.proportionality import LISTS, order_figures
from upstream.orders.service import list_orders, locate_ingested
from upstream.orders.vocab import LABELS
from upstream.terminal import console as make_console

__all__ = ["app"]

app = typer.Typer(
    help="Court orders: scan for candidate breaches, list the register and alerts, figures.",
    no_args_is_help=True,
)
console = make_console()


def _store() -> CaseStore:
    store = case_store(get_settings())
    store.migrate()
    return store


@app.command("scan")
def scan_command() -> None:
    """Place incidents recorded from ingested ids (ingest's location), then raise an alert
    for every candidate breach not alerted yet. Idempotent: run it as often as you like
    (e.g. after each ingest, or hourly)."""
    store = _store()
    placed = locate_ingested(orders_operator("cli-scan"), store)
    result = run_scan(orders_operator("cli-scan"), store)
    console.print(
        f"placed {placed} incidents from the event store; raised {result.created} breach "
        f"alerts ({result.existing} candidates already alerted)",
        highlight=False,
    )


@app.command("list")
def list_command(
    in_force: Annotated[bool, typer.Option(help="Only orders in force today.")] = False,
) -> None:
    """The register, newest first (pseudonyms only), with what is coming up."""
    store = _store()
    orders = list_orders(orders_operator("cli-list"), store, in_force=True if in_force else None)
    if not orders:
        console.print("the orders register is empty")
        return
    synthetic = " (SYNTHETIC)" if any(o.synthetic for o in orders) else ""
    table = Table(title=f"Orders register{synthetic}")
    for column in ("#", "type", "subject", "made", "expires", "lead", "open alerts", "coming up"):
        table.add_column(column)
    for o in orders:
        table.add_row(
            str(o.id), LABELS[o.order_type], o.subject, f"{o.made_on:%d/%m/%Y}",
            f"{o.expires_on:%d/%m/%Y}" if o.expires_on else "-", o.lead, str(o.open_alerts),
            "; ".join(o.flags) or "-",
        )  # fmt: skip
    console.print(table)


@app.command("alerts")
def alerts_command() -> None:
    """Every undecided breach alert, overdue first, with its lead and deadline."""
    store = _store()
    actor = orders_operator("cli-alerts")
    with store.unit_of_work() as session:
        alerts = list(session.scalars(select(BreachAlert).where(BreachAlert.decision.is_(None))))
        views = queue_order(alert_views(session, actor, alerts))
        record(session, actor, AuditKind.ALERT_LIST, "alert", None, detail=f"{len(views)} alerts")
    if not views:
        console.print("no breach alerts to decide")
        return
    table = Table(title="Breach alerts to decide")
    for column in ("#", "order", "subject", "what", "when", "decide by", "lead"):
        table.add_column(column)
    for a in views:
        due = london_time(a.due_at) + (" OVERDUE" if a.overdue else "")
        table.add_row(
            str(a.id), f"#{a.order_id}", a.subject, a.detail or a.kind, london_time(a.event_at),
            due, a.lead,
        )  # fmt: skip
    console.print(table)


@app.command("figures")
def figures_command(
    residents: Annotated[
        Path | None,
        typer.Option(metavar="FILE", help="Residents counts CSV: dimension,group,count."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
) -> None:
    """Proportionality: orders, conditions and breach actions by ethnic group, age band and
    sex against suspects, victims (and residents), with intervals; support offered."""
    from upstream.network.commands import read_residents

    counts = read_residents(residents) if residents else None
    store = _store()
    try:
        figures = order_figures(orders_operator("cli-figures"), store, residents=counts)
    except AccessDenied as exc:
        raise fail(str(exc)) from exc
    if as_json:
        payload = {
            "synthetic": figures.synthetic,
            "suppressed_below": figures.min_count,
            "counts": figures.counts,
            "support": figures.support.__dict__,
            "audits": {
                n: json.loads(figures.audits[n].table.to_json(orient="records")) for n in LISTS
            },
            "warnings": {n: list(figures.audits[n].warnings) for n in LISTS},
        }
        console.print_json(json.dumps(payload))
        return
    s = figures.support
    if figures.synthetic:
        console.print("SYNTHETIC: the register holds demonstration orders", highlight=False)
    console.print(
        f"{s.orders_with_offer} of {s.orders} orders' subjects were offered support "
        + (
            f"(share {SUPPRESSED}); "
            if isinstance(s.share, str)
            else f"({s.share:.0%}, {figures.level:.0%} interval {s.share_lo:.0%} to "
            f"{s.share_hi:.0%}); "
        )
        + f"{s.positive} positive requirements, {s.positive_with_offer} linked to an offer, "
        f"{s.positive_taken_up} taken up",
        highlight=False,
    )
    for name in LISTS:
        audit = figures.audits[name]
        for warning in audit.warnings:
            console.print(warning, highlight=False)
        table = Table(title=f"{name.replace('_', ' ')} ({figures.counts[name]})")
        for column in ("dimension", "group", "n", "share", "suspects", "ratio (interval)"):
            table.add_column(column)
        for r in audit.table.to_dict("records"):
            ratio = r.get("suspects_ratio")
            shown = (
                SUPPRESSED
                if isinstance(ratio, str)
                else f"{ratio:.2f} ({r['suspects_ratio_lo']:.2f} to {r['suspects_ratio_hi']:.2f})"
                if ratio == ratio and ratio is not None
                else "-"
            )
            table.add_row(
                str(r["dimension"]), str(r["group"]), str(r["list_n"]),
                _share(r["list_share"], r["list_total"]),
                _share(r.get("suspects_share"), r.get("suspects_total")), shown,
            )  # fmt: skip
        console.print(table)
    console.print(
        f"{SUPPRESSED}: a count from 1 to {figures.min_count - 1}, or one that would give such "
        "a count away, or a figure worked out from one (small numbers identify children)",
        highlight=False,
    )


def _share(share: object, total: object) -> str:
    """A share as a percentage, ``[c]`` if hidden, ``-`` with nothing to share."""
    if isinstance(share, str):
        return share
    return f"{share:.0%}" if total else "-"
