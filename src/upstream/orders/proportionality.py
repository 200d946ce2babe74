"""Proportionality of enforcement: who gets orders, conditions and breach actions, by age
band, sex and ethnic group, against the suspect base (and victims, and residents when given),
with intervals; and how often orders come with support.

The audit is the network lists' own (:func:`upstream.network.audit.audit_table`): the same
shares, Wilson and Katz intervals, Holm-corrected test and warning. What is audited:

* **orders**: one unit per order, the subject's group when the order was made (age on that
  day);
* **conditions**: one unit per condition (so an order with many conditions counts many);
* **breach actions**: one unit per alert decided as a warning or breach proceedings (age on
  the day of the event).

Bases: **suspects**, one unit per young person recorded as a suspect in the case store (age
at their first incident as a suspect); **victims** likewise; **residents** only when counts
are given (``dimension,group,count``: the area pack holds no residents by ethnic group or sex,
nor in these age bands). Missing values are kept as their own group (``unknown`` sex and
age band, ``not stated`` ethnic group), never dropped.

**Support**: positive requirements made, linked to an offer of support, and taken up (the
offer accepted); the share of orders whose subject was offered support (any offer in the
case store made before the order ended), with a Wilson interval.

Aggregate only: no pseudonym, name or date of birth leaves this module, and no small
number either: every count from 1 to 4, and every count, share, interval or ratio that would
give one away, is ``[c]`` (:mod:`upstream.orders.suppression`, the network board tables'
rule). The page, the API and ``upstream orders figures`` all show what this returns.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from upstream.account.disclosure import SUPPRESSED, DisclosureRule
from upstream.account.returns.intervals import share_interval
from upstream.cases.access import Actor
from upstream.cases.audit import AuditKind, record
from upstream.cases.db import CaseStore
from upstream.cases.localtime import age_on, london
from upstream.cases.models import Incident, Involvement, Offer, Person
from upstream.cases.service import use_case
from upstream.network.audit import Audit, audit_table, person_dimensions
from upstream.network.groups_export import BOARD_RULE
from upstream.orders.access import OrderPermission, ensure_order_allowed
from upstream.orders.models import BreachAlert, CourtOrder, OrderCondition
from upstream.orders.service import today_in_london
from upstream.orders.suppression import Breakdown, group_counts, hidden_breakdown, shown_audit
from upstream.orders.vocab import ConditionKind, Decision

__all__ = ["ACTIONS", "FIGURES_RULE", "LISTS", "OrderFigures", "SupportFigures", "order_figures"]

LISTS = ("orders", "conditions", "breach_actions")
"""What is audited, in the order shown."""
ACTIONS = frozenset({Decision.WARNING, Decision.BREACH_PROCEEDINGS})
"""Decisions counted as breach actions (advice and no breach are not enforcement)."""
FIGURES_RULE = BOARD_RULE
"""Counts from 1 to 4 are shown as ``[c]`` (the network board tables' rule)."""


Shown = int | str
"""A count, or ``[c]`` where it is suppressed."""
Share = float | str
"""A share, interval bound or ratio, or ``[c]`` where a count it comes from is suppressed."""


@dataclass(frozen=True)
class SupportFigures:
    """Positive requirements and support offered to the subjects of orders."""

    positive: Shown
    positive_with_offer: Shown
    positive_taken_up: Shown
    orders: Shown
    orders_with_offer: Shown
    share: Share
    share_lo: Share
    share_hi: Share


@dataclass(frozen=True)
class OrderFigures:
    """The audits (``orders``, ``conditions``, ``breach_actions``) and support figures."""

    audits: dict[str, Audit]
    support: SupportFigures
    counts: dict[str, Shown] = field(default_factory=dict)
    level: float = 0.95
    synthetic: bool = False
    """Some of the orders are SYNTHETIC (the demo): the figures say so."""
    min_count: int = FIGURES_RULE.min_count
    """Counts from 1 to ``min_count - 1`` are shown as ``[c]``."""


def _unit(rows: list[dict[str, object]], uid: str, person: Person, on: date) -> str:
    rows.append(
        {
            "id": uid,
            "ethnic_group": person.ethnic_group or "not stated",
            "sex": person.sex or "unknown",
            "age": age_on(person.date_of_birth, on),
        }
    )
    return uid


def _dims(rows: list[dict[str, object]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["id", "ethnic_group", "sex", "age"])
    frame["age"] = pd.to_numeric(frame["age"], errors="coerce")
    dims = person_dimensions(frame)
    dims["age_band"] = dims["age_band"].replace("", "unknown")
    return dims


@use_case
def order_figures(
    actor: Actor,
    store: CaseStore,
    *,
    residents: Mapping[str, Mapping[str, int]] | None = None,
    today: date | None = None,
    level: float = 0.95,
    rule: DisclosureRule = FIGURES_RULE,
) -> OrderFigures:
    """The proportionality audits of every order, condition and breach action on the
    register, and the support figures (aggregate; audited as one read), with small numbers
    suppressed by ``rule`` (see :mod:`upstream.orders.suppression`)."""
    ensure_order_allowed(actor, OrderPermission.FIGURES)
    today = today or today_in_london()
    rows: list[dict[str, object]] = []
    units: dict[str, list[str]] = {name: [] for name in (*LISTS, "suspects", "victims")}
    with store.unit_of_work() as session:
        people = {p.id: p for p in session.scalars(select(Person))}
        orders = list(session.scalars(select(CourtOrder)))
        for o in orders:
            units["orders"].append(_unit(rows, f"o{o.id}", people[o.person_id], o.made_on))
        conditions = list(session.scalars(select(OrderCondition)))
        made = {o.id: o for o in orders}
        for c in conditions:
            order = made[c.order_id]
            units["conditions"].append(
                _unit(rows, f"c{c.id}", people[order.person_id], order.made_on)
            )
        for a in session.scalars(
            select(BreachAlert).where(BreachAlert.decision.in_([d.value for d in ACTIONS]))
        ):
            subject = people[made[a.order_id].person_id]
            units["breach_actions"].append(
                _unit(rows, f"a{a.id}", subject, london(a.event_at).date())
            )
        first: dict[tuple[str, int], date] = {}
        for role, person_id, at in session.execute(
            select(Involvement.role, Involvement.person_id, Incident.occurred_at)
            .join(Incident, Incident.id == Involvement.incident_id)
            .where(Involvement.role.in_(["suspect", "victim"]))
        ):
            key = (str(role), int(person_id))
            day = london(at).date()
            first[key] = min(first.get(key, day), day)
        for (role, person_id), day in sorted(first.items()):
            units[f"{role}s"].append(_unit(rows, f"{role[0]}{person_id}", people[person_id], day))
        support = _support(session, orders, conditions, level)
        record(
            session, actor, AuditKind.ORDER_FIGURES, "order", None, detail=f"{len(orders)} orders"
        )
    dims = _dims(rows)
    bases: dict[str, object] = {"suspects": units["suspects"], "victims": units["victims"]}
    if residents is not None:
        bases["residents"] = residents
    audits = {
        name: audit_table(units[name], dims, bases, level=level)  # type: ignore[arg-type]
        for name in LISTS
    }
    hidden = _hidden(units, dims, support, rule)
    bases_hidden = {b: hidden[b] for b in ("suspects", "victims")}
    shown = {name: shown_audit(audits[name], hidden[name], bases_hidden) for name in LISTS}
    counts: dict[str, Shown] = {
        name: SUPPRESSED if hidden[name].total else len(ids) for name, ids in units.items()
    }
    synthetic = any(o.synthetic for o in orders)
    return OrderFigures(
        shown, _shown_support(support, hidden), counts, level, synthetic, rule.min_count
    )


def _hidden(
    units: Mapping[str, list[str]],
    dims: pd.DataFrame,
    support: SupportFigures,
    rule: DisclosureRule,
) -> dict[str, Breakdown]:
    """Which counts each table hides: the lists (orders with the support split of the same
    total, conditions with the positive requirements nested in theirs) and the bases."""
    subsets: dict[str, list[tuple[str, int, str]]] = {
        "orders": [("orders_with_offer", int(support.orders_with_offer), "total")],
        "conditions": [
            ("positive", int(support.positive), "total"),
            ("positive_with_offer", int(support.positive_with_offer), "positive"),
            ("positive_taken_up", int(support.positive_taken_up), "positive_with_offer"),
        ],
    }
    return {
        name: hidden_breakdown(group_counts(dims, ids), len(ids), rule, subsets.get(name, []))
        for name, ids in units.items()
    }


def _shown_support(support: SupportFigures, hidden: Mapping[str, Breakdown]) -> SupportFigures:
    orders, conditions = hidden["orders"], hidden["conditions"]
    offered = orders.extra["orders_with_offer"]
    share_hidden = offered or orders.total
    return SupportFigures(
        positive=SUPPRESSED if conditions.extra["positive"] else support.positive,
        positive_with_offer=(
            SUPPRESSED if conditions.extra["positive_with_offer"] else support.positive_with_offer
        ),
        positive_taken_up=(
            SUPPRESSED if conditions.extra["positive_taken_up"] else support.positive_taken_up
        ),
        orders=SUPPRESSED if orders.total else support.orders,
        orders_with_offer=SUPPRESSED if offered else support.orders_with_offer,
        share=SUPPRESSED if share_hidden else support.share,
        share_lo=SUPPRESSED if share_hidden else support.share_lo,
        share_hi=SUPPRESSED if share_hidden else support.share_hi,
    )


def _support(
    session: Session, orders: list[CourtOrder], conditions: list[OrderCondition], level: float
) -> SupportFigures:
    offers: dict[int, list[Offer]] = {}
    for offer in session.scalars(select(Offer)):
        offers.setdefault(offer.person_id, []).append(offer)
    by_id = {o.id: o for group in offers.values() for o in group}
    positive = [c for c in conditions if c.kind == ConditionKind.POSITIVE]
    linked = [c for c in positive if c.offer_id is not None]
    taken = [
        c
        for c in linked
        if by_id.get(c.offer_id or 0) and by_id[c.offer_id or 0].outcome == "accepted"
    ]

    def offered(order: CourtOrder) -> bool:
        end = order.discharged_on or order.expires_on
        return any(
            end is None or london(o.created_at).date() <= end
            for o in offers.get(order.person_id, [])
        )

    with_offer = sum(offered(o) for o in orders)
    share, lo, hi = share_interval(with_offer, len(orders), level)
    return SupportFigures(
        len(positive), len(linked), len(taken), len(orders), with_offer, share, lo, hi
    )
