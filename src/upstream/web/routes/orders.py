"""The orders register's pages: the register with filters, one order (conditions, zone map,
reviews, alerts and the forms that add to them), the lead's alert queue with the decision
form, and the proportionality figures.

Signed-in users only (the case tool's sessions and CSRF). Every handler calls one use case of
:mod:`upstream.orders.service`, :mod:`~upstream.orders.alerts` or
:mod:`~upstream.orders.proportionality`, which applies the register's policy and writes the
audit; the routes hold no role checks (what a form offers follows
:func:`upstream.orders.access.order_allowed`, the server decides).
"""

from __future__ import annotations

from datetime import date, time
from typing import Any

import plotly.graph_objects as go
from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError
from shapely import wkt

from upstream.area import area_from_settings
from upstream.cases.localtime import from_local_input, from_uk_date
from upstream.cases.times import InvalidTime
from upstream.orders.access import OrderPermission, order_allowed
from upstream.orders.alerts import alert_queue, decide_alert, report_breach
from upstream.orders.proportionality import LISTS, order_figures
from upstream.orders.schemas import (
    MIN_REASON,
    BreachReport,
    ConditionCreate,
    DecisionCreate,
    OrderCreate,
    OrderDetail,
)
from upstream.orders.service import (
    OrderInputError,
    add_condition,
    add_review,
    enforcers,
    get_order,
    list_orders,
    record_order,
)
from upstream.orders.vocab import DAYS, LABELS, PLACE_RADIUS_M, ConditionKind, Decision, OrderType
from upstream.orders.zones import named_places, zone_reading
from upstream.plotting import bng_map_layout, boundary_lines, figure_json
from upstream.web.deps import templates
from upstream.web.routes.auth import ActorSession, StoreDep, csrf_protect, page_context

__all__ = ["router"]

router = APIRouter(prefix="/orders", dependencies=[Depends(csrf_protect)], include_in_schema=False)


def _page(request: Request, view: Any, template: str, status: int = 200, **extra: Any) -> Response:
    return templates.TemplateResponse(
        request,
        template,
        page_context(request, view, active="orders", order_labels=LABELS, **extra),
        status_code=status,
    )


def _form(request: Request) -> dict[str, str]:
    form: dict[str, str] = getattr(request.state, "form", {})
    return form


def _errors(exc: ValidationError) -> list[str]:
    out = []
    for e in exc.errors():
        msg = str(e.get("msg", "invalid")).removeprefix("Value error, ")
        where = ".".join(str(p) for p in e.get("loc", ()))
        out.append(msg if not where or msg.startswith(f"{where}:") else f"{where}: {msg}")
    return out


def _date(text: str | None) -> str | None:
    text = (text or "").strip()
    return from_uk_date(text) if text else None


@router.get("", response_class=HTMLResponse)
def register_page(
    request: Request,
    view: ActorSession,
    store: StoreDep,
    order_type: str = "",
    lead: str = "",
    status: str = "",
) -> Response:
    """The register, newest first, filtered by type, lead and status (in force, flagged).
    Analysts, who see the figures only, are sent to them."""
    if not order_allowed(view.actor, OrderPermission.READ) and order_allowed(
        view.actor, OrderPermission.FIGURES
    ):
        return RedirectResponse("/orders/proportionality", status_code=303)
    kind = OrderType(order_type) if order_type in {t.value for t in OrderType} else None
    in_force = True if status in ("in_force", "flagged") else False if status == "ended" else None
    orders = list_orders(
        view.actor, store, order_type=kind, lead=lead or None, in_force=in_force,
        flagged=status == "flagged",
    )  # fmt: skip
    return _register(
        request, view, store, orders, [], {"order_type": order_type, "lead": lead, "status": status}
    )


def _register(
    request: Request, view: Any, store: StoreDep, orders: list[Any], errors: list[str],
    chosen: dict[str, str], status: int = 200,
) -> Response:  # fmt: skip
    manage = order_allowed(view.actor, OrderPermission.MANAGE)
    return _page(
        request, view, "orders/register.html", status,
        orders=orders, errors=errors, chosen=chosen, types=list(OrderType),
        can_manage=manage, leads=enforcers(view.actor, store) if manage else [],
        demo=any(o.synthetic for o in orders),
    )  # fmt: skip


@router.post("")
def record(request: Request, view: ActorSession, store: StoreDep) -> Response:
    """Record an order from the register's form; its page follows."""
    form = _form(request)
    try:
        data = OrderCreate(
            order_type=form.get("order_type", ""),  # type: ignore[arg-type]
            subject=form.get("subject", "").strip().upper(),
            court=form.get("court", ""),
            made_on=_date(form.get("made_on")),  # type: ignore[arg-type]
            served_on=_date(form.get("served_on")),  # type: ignore[arg-type]
            expires_on=_date(form.get("expires_on")),  # type: ignore[arg-type]
            lead=form.get("lead", ""),
            agency=form.get("agency", ""),  # type: ignore[arg-type]
            notes=form.get("notes") or None,
        )
        detail = record_order(view.actor, store, data)
    except ValidationError as exc:
        errors = _errors(exc)
    except OrderInputError as exc:
        errors = [str(exc)]
    else:
        return RedirectResponse(f"/orders/{detail.order.id}", status_code=303)
    orders = list_orders(view.actor, store)
    return _register(request, view, store, orders, errors, {}, status=400)


# -- the alert queue (before /{order_id}) -----------------------------------------------


@router.get("/alerts", response_class=HTMLResponse)
def queue_page(
    request: Request, view: ActorSession, store: StoreDep, decided: bool = False
) -> Response:
    """The signed-in lead's alerts, overdue first, each with the decision form."""
    return _queue(request, view, store, decided, [])


def _queue(
    request: Request,
    view: Any,
    store: StoreDep,
    decided: bool,
    errors: list[str],
    status: int = 200,
) -> Response:
    alerts = alert_queue(view.actor, store, decided=decided)
    return _page(
        request, view, "orders/alerts.html", status,
        alerts=alerts, decided=decided, decisions=list(Decision), errors=errors,
        min_reason=MIN_REASON, demo=any(a.synthetic for a in alerts),
    )  # fmt: skip


@router.post("/alerts/{alert_id}")
def decide(request: Request, alert_id: int, view: ActorSession, store: StoreDep) -> Response:
    """Record the lead's decision and reason on an alert."""
    form = _form(request)
    version = form.get("version", "0")
    try:
        data = DecisionCreate(
            decision=form.get("decision", ""),  # type: ignore[arg-type]
            reason=form.get("reason", ""),
            version=int(version) if version.isdigit() else 0,
        )
    except ValidationError as exc:
        return _queue(request, view, store, False, _errors(exc), status=400)
    decide_alert(view.actor, store, alert_id, data)
    return RedirectResponse("/orders/alerts", status_code=303)


@router.get("/proportionality", response_class=HTMLResponse)
def proportionality_page(request: Request, view: ActorSession, store: StoreDep) -> Response:
    """Orders, conditions and breach actions by group against suspects and victims."""
    figures = order_figures(view.actor, store)
    return _page(
        request, view, "orders/proportionality.html", figures=figures, lists=LISTS,
        tables={n: figures.audits[n].table.to_dict("records") for n in LISTS},
    )  # fmt: skip


# -- one order ---------------------------------------------------------------------------


def _zone_figure(request: Request, detail: OrderDetail) -> str:
    """The area outlined, the order's exclusion zones filled and its alerted incidents
    marked, in BNG metres (a polygon drawn on it fills the zone form, see orders.js)."""
    zones = [c for c in detail.conditions if c.zone_wkt]
    area = area_from_settings(request.app.state.settings)
    bx, by = boundary_lines(area.boundary)
    traces: list[Any] = [
        go.Scatter(
            x=bx,
            y=by,
            mode="lines",
            name=area.name,
            line={"color": "#6b7280", "width": 1},
            hoverinfo="skip",
        )
    ]
    for c in zones:
        xs, ys = boundary_lines(wkt.loads(c.zone_wkt or ""))
        traces.append(
            go.Scatter(
                x=xs, y=ys, mode="lines", fill="toself", name=f"Exclusion zone {c.id}",
                line={"color": "#b91c1c", "width": 2}, fillcolor="rgba(185,28,28,0.18)",
                hoverinfo="name",
            )
        )  # fmt: skip
    placed = [a for a in detail.alerts if a.easting is not None and a.northing is not None]
    if placed:
        traces.append(
            go.Scatter(
                x=[a.easting for a in placed], y=[a.northing for a in placed], mode="markers",
                name="Alerted incidents", marker={"symbol": "x", "size": 11, "color": "#111827"},
                text=[f"alert {a.id}: incident {a.incident_id}" for a in placed], hoverinfo="text",
            )
        )  # fmt: skip
    fig = bng_map_layout(go.Figure(traces), 520, legend={"orientation": "h", "y": -0.15})
    fig.update_layout(dragmode="pan")
    if zones:  # show the zones, with at least 3 km around them
        shapes = [wkt.loads(c.zone_wkt or "") for c in zones]
        x0 = min(s.bounds[0] for s in shapes)
        y0 = min(s.bounds[1] for s in shapes)
        x1 = max(s.bounds[2] for s in shapes)
        y1 = max(s.bounds[3] for s in shapes)
        cx, cy, half = (x0 + x1) / 2, (y0 + y1) / 2, max(x1 - x0, y1 - y0, 3000) / 2 + 500
        fig.update_layout(
            xaxis={"range": [cx - half, cx + half]}, yaxis={"range": [cy - half, cy + half]}
        )
    return figure_json(fig)


def _order_page(
    request: Request,
    view: Any,
    store: StoreDep,
    order_id: int,
    errors: list[str],
    status: int = 200,
) -> Response:
    detail = get_order(view.actor, store, order_id)
    area = area_from_settings(request.app.state.settings)
    zone_text = zone_reading(
        [wkt.loads(c.zone_wkt) for c in detail.conditions if c.zone_wkt],
        [(a.easting, a.northing) for a in detail.alerts
         if a.easting is not None and a.northing is not None],
        area.boundary,
    )  # fmt: skip
    return _page(
        request, view, "orders/order.html", status,
        d=detail, errors=errors, figure=_zone_figure(request, detail), zone_text=zone_text,
        can_manage=order_allowed(view.actor, OrderPermission.MANAGE),
        kinds=list(ConditionKind), days=DAYS, min_reason=MIN_REASON,
        lsoas=list(zip(area.lsoas["lsoa_code"], area.lsoas["lsoa_name"], strict=True)),
        places=list(named_places(area)), radius=PLACE_RADIUS_M,
    )  # fmt: skip


@router.get("/{order_id}", response_class=HTMLResponse)
def order_page(request: Request, order_id: int, view: ActorSession, store: StoreDep) -> Response:
    """One order: conditions, the zone map, reviews, alerts and (managers) the forms."""
    return _order_page(request, view, store, order_id, [])


def _time(text: str | None) -> time | None:
    text = (text or "").strip()
    return time.fromisoformat(text) if text else None


@router.post("/{order_id}/conditions")
def condition(request: Request, order_id: int, view: ActorSession, store: StoreDep) -> Response:
    """Add a condition from the order page's form."""
    form = _form(request)
    days = [d for d in DAYS if form.get(f"day_{d}")]
    try:
        offer = form.get("offer_id", "").strip()
        data = ConditionCreate(
            kind=form.get("kind", ""),  # type: ignore[arg-type]
            starts_on=_date(form.get("starts_on")),  # type: ignore[arg-type]
            ends_on=_date(form.get("ends_on")),  # type: ignore[arg-type]
            zone_geojson=form.get("zone_geojson", "").strip() or None,
            zone_lsoas=[
                c.strip()
                for c in form.get("zone_lsoas", "").replace(" ", ",").split(",")
                if c.strip()
            ],
            zone_place=form.get("zone_place", "").strip() or None,
            zone_radius_m=form.get("zone_radius_m", "").strip() or PLACE_RADIUS_M[1],  # type: ignore[arg-type]
            curfew_start=_time(form.get("curfew_start")),
            curfew_end=_time(form.get("curfew_end")),
            curfew_days=days or None,
            overnight=bool(form.get("overnight")),
            other_person=form.get("other_person", "").strip().upper() or None,
            detail=form.get("detail", "").strip() or None,
            offer_id=int(offer) if offer.isdigit() else None,
        )
        add_condition(view.actor, store, order_id, data)
    except ValidationError as exc:
        return _order_page(request, view, store, order_id, _errors(exc), 400)
    except OrderInputError as exc:
        return _order_page(request, view, store, order_id, [str(exc)], 400)
    except ValueError:
        return _order_page(
            request, view, store, order_id, ["curfew_start: not a time (HH:MM)"], 400
        )
    return RedirectResponse(f"/orders/{order_id}", status_code=303)


@router.post("/{order_id}/reviews")
def review(request: Request, order_id: int, view: ActorSession, store: StoreDep) -> Response:
    """Set a review date."""
    text = _date(_form(request).get("due_on"))
    try:
        due = date.fromisoformat(text or "")
        add_review(view.actor, store, order_id, due)
    except OrderInputError as exc:
        return _order_page(request, view, store, order_id, [str(exc)], 400)
    except ValueError:
        return _order_page(request, view, store, order_id, ["due_on: not a date"], 400)
    return RedirectResponse(f"/orders/{order_id}", status_code=303)


@router.post("/{order_id}/reports")
def report(request: Request, order_id: int, view: ActorSession, store: StoreDep) -> Response:
    """Report a breach by hand (an alert for the order's lead)."""
    form = _form(request)
    try:
        when = from_local_input(form.get("occurred_at", "").strip())
    except ValueError:
        errors = ["occurred_at: not a date and time"]
        return _order_page(request, view, store, order_id, errors, 400)
    try:
        data = BreachReport(occurred_at=when, detail=form.get("detail", ""))
        report_breach(view.actor, store, order_id, data)
    except ValidationError as exc:
        return _order_page(request, view, store, order_id, _errors(exc), 400)
    except InvalidTime as exc:
        return _order_page(request, view, store, order_id, [str(exc)], 400)
    return RedirectResponse(f"/orders/{order_id}", status_code=303)
