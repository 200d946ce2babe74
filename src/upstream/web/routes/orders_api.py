"""The orders register's JSON API under ``/api/orders`` (documented at ``/openapi.json``).

Log in as for the case store's API (``/api/auth``); every change sends the session's CSRF
token as ``X-CSRF-Token``. Each handler calls one use case, which applies the register's
policy and writes the audit; refusals are 403 (404 for a record outside one's reach),
unknown records 404, decided or changed alerts 409, bad input 422 naming the field.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path, Query
from pydantic import BaseModel

from upstream.orders.alerts import alert_queue, decide_alert, report_breach
from upstream.orders.proportionality import LISTS, order_figures
from upstream.orders.schemas import (
    AlertView,
    BreachReport,
    ConditionCreate,
    DecisionCreate,
    IncidentLocation,
    OrderCreate,
    OrderDetail,
    OrderView,
)
from upstream.orders.service import (
    add_condition,
    add_review,
    get_order,
    list_orders,
    record_order,
    set_incident_location,
)
from upstream.orders.vocab import OrderType
from upstream.web.routes.auth import ActorSession, StoreDep, csrf_protect

__all__ = ["router"]

router = APIRouter(
    prefix="/api/orders",
    tags=["orders"],
    dependencies=[Depends(csrf_protect)],
    responses={
        401: {"description": "Not logged in"},
        403: {"description": "Refused by the register's policy, or a bad CSRF token"},
        404: {"description": "No such record"},
        409: {"description": "The alert was decided or changed meanwhile"},
    },
)

RecordId = Annotated[int, Path(ge=1, le=2**31 - 1)]


class Located(BaseModel):
    """An incident's location was set; ``alerts`` raised by it."""

    incident_id: int
    alerts: int


@router.get("", response_model=list[OrderView])
def orders(
    view: ActorSession,
    store: StoreDep,
    order_type: OrderType | None = None,
    lead: Annotated[str | None, Query(max_length=64)] = None,
    in_force: bool | None = None,
    flagged: bool = False,
) -> list[OrderView]:
    """The register, newest first, with filters."""
    return list_orders(
        view.actor, store, order_type=order_type, lead=lead, in_force=in_force, flagged=flagged
    )


@router.post("", response_model=OrderDetail, status_code=201)
def new_order(view: ActorSession, store: StoreDep, data: OrderCreate) -> OrderDetail:
    """Record an order (review dates: those given, or the statutory defaults)."""
    return record_order(view.actor, store, data)


@router.get("/alerts", response_model=list[AlertView])
def alerts(view: ActorSession, store: StoreDep, decided: bool = False) -> list[AlertView]:
    """The caller's alert queue, overdue first."""
    return alert_queue(view.actor, store, decided=decided)


@router.post("/alerts/{alert_id}/decision", response_model=AlertView)
def decision(
    view: ActorSession, store: StoreDep, alert_id: RecordId, data: DecisionCreate
) -> AlertView:
    """The lead's decision on an alert, with the reason."""
    return decide_alert(view.actor, store, alert_id, data)


@router.get("/proportionality")
def proportionality(view: ActorSession, store: StoreDep) -> dict[str, Any]:
    """The audits of orders, conditions and breach actions, and the support figures."""
    figures = order_figures(view.actor, store)
    return {
        "level": figures.level,
        "synthetic": figures.synthetic,
        "suppressed_below": figures.min_count,
        "counts": figures.counts,
        "support": figures.support.__dict__,
        "audits": {
            name: {
                "warnings": list(figures.audits[name].warnings),
                "rows": figures.audits[name]
                .table.astype(object)
                .where(figures.audits[name].table.notna(), None)
                .to_dict("records"),
            }
            for name in LISTS
        },
    }


@router.put("/incidents/{incident_id}/location", response_model=Located)
def locate(
    view: ActorSession, store: StoreDep, incident_id: RecordId, data: IncidentLocation
) -> Located:
    """Enter an incident's location by hand (BNG metres); candidate breaches follow."""
    return Located(
        incident_id=incident_id, alerts=set_incident_location(view.actor, store, incident_id, data)
    )


@router.get("/{order_id}", response_model=OrderDetail)
def order(view: ActorSession, store: StoreDep, order_id: RecordId) -> OrderDetail:
    """One order with its conditions, reviews and alerts."""
    return get_order(view.actor, store, order_id)


@router.post("/{order_id}/conditions", response_model=OrderDetail, status_code=201)
def condition(
    view: ActorSession, store: StoreDep, order_id: RecordId, data: ConditionCreate
) -> OrderDetail:
    """Add a condition (past incidents are scanned for candidate breaches of it)."""
    return add_condition(view.actor, store, order_id, data)


@router.post("/{order_id}/reviews", response_model=OrderDetail, status_code=201)
def review(
    view: ActorSession,
    store: StoreDep,
    order_id: RecordId,
    due_on: Annotated[date, Body(embed=True)],
) -> OrderDetail:
    """Set a review date."""
    return add_review(view.actor, store, order_id, due_on)


@router.post("/{order_id}/reports", response_model=AlertView, status_code=201)
def manual_report(
    view: ActorSession, store: StoreDep, order_id: RecordId, data: BreachReport
) -> AlertView:
    """Report a breach by hand: an alert for the order's lead."""
    return report_breach(view.actor, store, order_id, data)
