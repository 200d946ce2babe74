"""``/network``: the network page, a list with its audit, and a person's panel.

Signed-in partnership users only (the case tool's sessions and CSRF); every handler calls
one use case of :mod:`upstream.network.store`, which applies the network's policy (deny by
default) and writes the audit, so the routes hold no role checks beyond choosing what to
offer. Analysts get the group-level page only. Every response is ``no-store``.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from upstream.cases.localtime import london
from upstream.cases.models import utcnow
from upstream.csvsafe import safe_row
from upstream.network.lists import SafeguardError
from upstream.network.store.access import NetworkPermission, network_allowed
from upstream.network.store.figures import network_figure
from upstream.network.store.lists_service import (
    list_index,
    produce_list,
    read_list,
    remove_from_list,
)
from upstream.network.store.schemas import (
    MIN_REASON,
    IntelLinkEntry,
    NetworkInputError,
    RelationEntry,
)
from upstream.network.store.service import (
    WINDOW_MONTHS,
    enter_intel_link,
    group_export,
    network_overview,
    person_panel,
    record_relation,
)
from upstream.plotting import figure_json
from upstream.web.deps import templates
from upstream.web.routes.auth import ActorSession, StoreDep, csrf_protect, page_context

__all__ = ["router"]

router = APIRouter(prefix="/network", dependencies=[Depends(csrf_protect)], include_in_schema=False)
_NO_STORE = {"Cache-Control": "no-store"}


def _today() -> date:
    return london(utcnow()).date()


def _page(request: Request, view: Any, template: str, status: int = 200, **extra: Any) -> Response:
    return templates.TemplateResponse(
        request,
        template,
        page_context(request, view, active="network", **extra),
        status_code=status,
        headers=_NO_STORE,
    )


def _kinds(actor: Any) -> list[str]:
    return [
        k
        for k, p in (
            ("harm", NetworkPermission.PRODUCE_HARM),
            ("safeguarding", NetworkPermission.PRODUCE_SAFEGUARDING),
        )
        if network_allowed(actor, p)
    ]


def _network_page(
    request: Request, view: Any, store: StoreDep, errors: list[str], status: int = 200
) -> Response:
    today = _today()
    overview = network_overview(view.actor, store, today)
    readers = network_allowed(view.actor, NetworkPermission.READ_SAFEGUARDING)
    return _page(
        request,
        view,
        "network.html",
        status=status,
        overview=overview,
        figure=figure_json(network_figure(overview)),
        lists=list_index(view.actor, store) if readers else [],
        kinds=_kinds(view.actor),
        may_read_people=network_allowed(view.actor, NetworkPermission.PERSON_READ),
        errors=errors,
        as_of=today,
        window=WINDOW_MONTHS,
    )


@router.get("", response_class=HTMLResponse)
def network_page(request: Request, view: ActorSession, store: StoreDep) -> Response:
    """The network today: groups, the harm between them, the graph and (for those allowed)
    the produced lists and the form to produce one."""
    return _network_page(request, view, store, [])


@router.get("/groups.csv")
def groups_csv(view: ActorSession, store: StoreDep) -> Response:
    """The board's group-level figures as CSV: small groups pooled, small counts shown as
    ``[c]``; no person, no pseudonym. The harm between groups follows the groups' rows."""
    today = _today()
    export, synthetic = group_export(view.actor, store, today)
    out = io.StringIO()
    writer = csv.writer(out)
    groups = export.groups
    writer.writerow([*groups.columns, "as_of", "synthetic"])
    flag = "yes" if synthetic else "no"
    for row in groups.itertuples(index=False):
        writer.writerow(safe_row([*row, today.isoformat(), flag]))
    if len(export.harm):
        writer.writerow([])
        writer.writerow(list(export.harm.columns))
        for row in export.harm.itertuples(index=False):
            writer.writerow(safe_row(list(row)))
    name = f"upstream-network-groups{'-SYNTHETIC' if synthetic else ''}-{today.isoformat()}.csv"
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"', **_NO_STORE},
    )


@router.post("/lists", response_class=HTMLResponse)
def produce(
    request: Request,
    view: ActorSession,
    store: StoreDep,
    purpose: str = Form(""),
    kind: str = Form("safeguarding"),
) -> Response:
    """Produce a list for the stated purpose, then show it with its audit."""
    try:
        made = produce_list(view.actor, store, purpose=purpose, kind=kind, as_of=_today())
    except (SafeguardError, NetworkInputError) as exc:
        return _network_page(request, view, store, [str(exc)], status=400)
    return RedirectResponse(f"/network/lists/{made.id}", status_code=303)


def _list_page(
    request: Request, view: Any, store: StoreDep, list_id: int, errors: list[str], status: int
) -> Response:
    shown = read_list(view.actor, store, list_id, _today())
    remove = NetworkPermission.REMOVE_HARM if shown.summary.kind == "harm" else (
        NetworkPermission.REMOVE_SAFEGUARDING
    )  # fmt: skip
    return _page(
        request,
        view,
        "network_list.html",
        status=status,
        shown=shown,
        may_remove=network_allowed(view.actor, remove),
        min_reason=MIN_REASON,
        errors=errors,
    )


@router.get("/lists/{list_id}", response_class=HTMLResponse)
def list_page(request: Request, view: ActorSession, store: StoreDep, list_id: int) -> Response:
    """One list as today: its members with their evidence, and its audit beside it."""
    return _list_page(request, view, store, list_id, [], 200)


@router.post("/lists/{list_id}/remove", response_class=HTMLResponse)
def remove(
    request: Request,
    view: ActorSession,
    store: StoreDep,
    list_id: int,
    person: str = Form(""),
    reason: str = Form(""),
) -> Response:
    """Take a person off the list, with a reason."""
    try:
        remove_from_list(view.actor, store, list_id, person, reason)
    except NetworkInputError as exc:
        return _list_page(request, view, store, list_id, [str(exc)], 400)
    return RedirectResponse(f"/network/lists/{list_id}", status_code=303)


def _person_page(
    request: Request, view: Any, store: StoreDep, pseudonym: str, errors: list[str], status: int
) -> Response:
    panel = person_panel(view.actor, store, pseudonym, _today())
    return _page(
        request,
        view,
        "network_person.html",
        status=status,
        panel=panel,
        errors=errors,
        may_enter=network_allowed(view.actor, NetworkPermission.LINK_ENTER),
        may_relate=network_allowed(view.actor, NetworkPermission.RELATION_RECORD),
    )


@router.get("/people/{pseudonym}", response_class=HTMLResponse)
def person_page(request: Request, view: ActorSession, store: StoreDep, pseudonym: str) -> Response:
    """A person's panel: the evidence behind each link, dates, list memberships, and the
    forms to add an intelligence link or a relation (for those allowed)."""
    return _person_page(request, view, store, pseudonym, [], 200)


def _day(text: str, field: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise NetworkInputError(f"{field}: a date (YYYY-MM-DD)") from None


@router.post("/people/{pseudonym}/links", response_class=HTMLResponse)
def add_link(
    request: Request,
    view: ActorSession,
    store: StoreDep,
    pseudonym: str,
    kind: str = Form("intelligence"),
    other: str = Form(""),
    source_agency: str = Form(""),
    grading: str = Form(""),
    evidence_date: str = Form(""),
    evidence_ref: str = Form(""),
    review_date: str = Form(""),
) -> Response:
    """Add an intelligence link (graded) or a sibling or friend relation to another person."""
    try:
        when, review = _day(evidence_date, "evidence_date"), _day(review_date, "review_date")
        other = other.strip()
        if kind == "intelligence":
            entry = IntelLinkEntry(
                pseudonym, other, source_agency.strip(), grading.strip().upper(), when,
                evidence_ref.strip(), review,
            )  # fmt: skip
            enter_intel_link(view.actor, store, entry)
        else:
            relation = RelationEntry(
                pseudonym, other, kind, source_agency.strip(), when, evidence_ref.strip(), review
            )
            record_relation(view.actor, store, relation)
    except NetworkInputError as exc:
        return _person_page(request, view, store, pseudonym, [str(exc)], 400)
    return RedirectResponse(f"/network/people/{pseudonym}", status_code=303)
