"""What the orders register holds about one young person, for a subject access export
(:func:`upstream.cases.sar.subject_access_export` adds it, under the same admin-only rule
and audit).

The person's own orders, with their conditions (zones as BNG WKT), review dates, breach
alerts and the decisions on them, and the audit events about those orders and alerts; and
the conditions of other people's orders that name them as someone not to associate with
(without saying whose order it is: that is a third party's data).
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from upstream.cases.audit import read_events
from upstream.orders.models import BreachAlert, CourtOrder, OrderCondition

__all__ = ["orders_of"]

_ORDER = ("id", "order_type", "court", "made_on", "served_on", "expires_on", "discharged_on",
          "agency", "notes", "created_at", "synthetic")  # fmt: skip
_CONDITION = ("id", "kind", "starts_on", "ends_on", "zone_wkt", "zone_source", "zone_areas",
              "curfew_start", "curfew_end", "curfew_days", "overnight", "detail", "offer_id",
              "taken_up")  # fmt: skip
_ALERT = ("id", "kind", "incident_id", "detail", "event_at", "created_at", "due_at",
          "decision", "reason", "decided_at")  # fmt: skip


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, datetime | date | time) else value


def _columns(obj: object, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: _plain(getattr(obj, name)) for name in names}


def orders_of(session: Session, person_id: int) -> dict[str, Any]:
    """The person's orders (with conditions, reviews, alerts and their audit events) and the
    conditions naming them, as plain JSON-ready values."""
    orders = list(
        session.scalars(
            select(CourtOrder).where(CourtOrder.person_id == person_id).order_by(CourtOrder.id)
        )
    )
    out = []
    for order in orders:
        alerts = session.scalars(
            select(BreachAlert).where(BreachAlert.order_id == order.id).order_by(BreachAlert.id)
        )
        alert_rows = [_columns(a, _ALERT) for a in alerts]
        events = read_events(session, record_type="order", record_id=str(order.id))
        for a in alert_rows:
            events += read_events(session, record_type="alert", record_id=str(a["id"]))
        out.append(
            {
                **_columns(order, _ORDER),
                "lead": order.lead.username,
                "conditions": [_columns(c, _CONDITION) for c in order.conditions],
                "reviews": [
                    {"due_on": r.due_on.isoformat(), "kind": r.kind, "done_on": _plain(r.done_on)}
                    for r in order.reviews
                ],
                "breach_alerts": alert_rows,
                "audit_events": [{k: _plain(v) for k, v in e.__dict__.items()} for e in events],
            }
        )
    named = session.scalars(
        select(OrderCondition).where(OrderCondition.other_person_id == person_id)
    )
    return {
        "orders": out,
        "named_in_non_association": [
            {"condition_id": c.id, "starts_on": _plain(c.starts_on), "ends_on": _plain(c.ends_on)}
            for c in named
        ],
    }
