"""Court orders follow a merge of two person records.

When a coordinator merges ``other`` into ``keep`` (:func:`upstream.cases.duplicates.merge_people`)
the orders about ``other`` become orders about ``keep``, non-association conditions naming
``other`` name ``keep``, and the breach alerts that name ``other`` by pseudonym name ``keep``
(an alert belongs to its order, so it follows the order). No order is left pointing at the
empty merged record. The caller audits each order changed (:class:`MovedOrder`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from upstream.cases.models import Person
from upstream.orders.models import BreachAlert, CourtOrder, OrderCondition

__all__ = ["MovedOrder", "move_orders"]


@dataclass(frozen=True)
class MovedOrder:
    """One order changed by a merge and what changed (no names, pseudonyms only)."""

    order_id: int
    detail: str


def move_orders(session: Session, keep: Person, other: Person) -> list[MovedOrder]:
    """Point ``other``'s orders, the conditions naming ``other`` and their alerts at ``keep``."""
    changed: dict[int, list[str]] = {}
    for order in session.scalars(
        select(CourtOrder).where(CourtOrder.person_id == other.id).order_by(CourtOrder.id)
    ).all():
        order.person_id = keep.id
        order.person = keep
        changed.setdefault(order.id, []).append(f"subject {other.pseudonym} -> {keep.pseudonym}")
    for cond in session.scalars(
        select(OrderCondition)
        .where(OrderCondition.other_person_id == other.id)
        .order_by(OrderCondition.id)
    ).all():
        cond.other_person_id = keep.id
        cond.other_person = keep
        changed.setdefault(cond.order_id, []).append(
            f"condition {cond.id} names {keep.pseudonym} (was {other.pseudonym})"
        )
    if changed:
        for alert in session.scalars(
            select(BreachAlert).where(
                BreachAlert.order_id.in_(changed),
                BreachAlert.detail.contains(other.pseudonym),
            )
        ).all():
            alert.detail = (alert.detail or "").replace(other.pseudonym, keep.pseudonym)
    return [MovedOrder(i, "; ".join(what)) for i, what in sorted(changed.items())]
