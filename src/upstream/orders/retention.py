"""Retention of court orders: kept while in force and for the retention period after.

An order's records are kept while it is in force and for ``retention_months`` (the case
store's setting) after it ended: its discharge date, or else its expiry. An order with no
expiry that has not been discharged is in force, so it is kept. Until then its subject is
not anonymised by :func:`upstream.cases.retention.retain`, even with their case closed, and
neither is anyone its non-association conditions name (:func:`held_non_associates`): the
order cannot be enforced, nor a breach with them recognised, once they are anonymised.

After the period the order's identifying free text is cleared: the order's notes, the
``detail`` of its conditions (reporting and positive requirements), and the ``detail`` and
decision ``reason`` of its alerts; dates, types, decisions and zone geometry stay, so the
proportionality figures stay true. The order is then marked ``anonymised_at``.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ColumnElement, and_, func, or_, select, update
from sqlalchemy.orm import Session

from upstream.orders.models import BreachAlert, CourtOrder, OrderCondition

__all__ = [
    "anonymise_order",
    "expired_orders",
    "held_non_associates",
    "held_subjects",
    "order_end",
]


def order_end() -> ColumnElement[date | None]:
    """The day an order ended: its discharge, or else its expiry (null while open-ended)."""
    return func.coalesce(CourtOrder.discharged_on, CourtOrder.expires_on)


def held_subjects(session: Session, cutoff: date) -> set[int]:
    """Ids of the people with an order in force or that ended on or after ``cutoff``."""
    end = order_end()
    rows = session.scalars(select(CourtOrder.person_id).where(or_(end.is_(None), end >= cutoff)))
    return {int(i) for i in rows}


def held_non_associates(session: Session, cutoff: date) -> set[int]:
    """Ids of the people named in a non-association condition of an order in force or that
    ended on or after ``cutoff`` (the order's dates, as for its subject)."""
    end = order_end()
    rows = session.scalars(
        select(OrderCondition.other_person_id)
        .join(CourtOrder, CourtOrder.id == OrderCondition.order_id)
        .where(OrderCondition.other_person_id.is_not(None), or_(end.is_(None), end >= cutoff))
    )
    return {int(i) for i in rows if i is not None}


def expired_orders(session: Session, cutoff: date) -> list[CourtOrder]:
    """Orders not yet anonymised that ended before ``cutoff``, oldest id first."""
    end = order_end()
    return list(
        session.scalars(
            select(CourtOrder)
            .where(and_(end.is_not(None), end < cutoff), CourtOrder.anonymised_at.is_(None))
            .order_by(CourtOrder.id)
        )
    )


def anonymise_order(session: Session, order: CourtOrder, now: datetime) -> None:
    """Clear ``order``'s identifying free text and mark it anonymised at ``now``."""
    order.notes = None
    order.anonymised_at = now
    session.execute(
        update(OrderCondition).where(OrderCondition.order_id == order.id).values(detail=None)
    )
    for alert in session.scalars(select(BreachAlert).where(BreachAlert.order_id == order.id)):
        alert.detail = None
        alert.reason = None
