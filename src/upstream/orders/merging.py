"""Court orders follow a merge of two person records.

When a coordinator merges ``other`` into ``keep`` (:func:`upstream.cases.duplicates.merge_people`)
the orders about ``other`` become orders about ``keep``, non-association conditions naming
``other`` name ``keep``, and the breach alerts that name ``other`` by pseudonym name ``keep``
(an alert belongs to its order, so it follows the order). No order is left pointing at the
empty merged record. The caller audits each order changed (:class:`MovedOrder`).

A non-association condition between the two merged records (an order about one forbidding
contact with the other) then names its own subject. It cannot be breached, and nothing
decides for the officer what it should have said: it stays as it is, the merge's audit
event says so, and the order page flags it for review (:func:`names_own_subject`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from upstream.cases.models import Person
from upstream.orders.models import BreachAlert, CourtOrder, OrderCondition

__all__ = ["SELF_NAMED", "SELF_NAMED_FLAG", "MovedOrder", "move_orders", "names_own_subject"]

SELF_NAMED = (
    "names the order's own subject: two records of one young person were merged. It cannot "
    "be breached; review it (vary or remove it with the court if it no longer applies)."
)
"""What the order page says beside such a condition."""

SELF_NAMED_FLAG = "a non-association condition names the order's own subject: review it"
"""The register's flag for an order in force holding such a condition."""


def names_own_subject(condition: OrderCondition) -> bool:
    """True for a non-association condition naming its own order's subject."""
    return (
        condition.other_person_id is not None
        and condition.other_person_id == condition.order.person_id
    )


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
        note = " (now its own subject: for review)" if names_own_subject(cond) else ""
        changed.setdefault(cond.order_id, []).append(
            f"condition {cond.id} names {keep.pseudonym} (was {other.pseudonym}){note}"
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
