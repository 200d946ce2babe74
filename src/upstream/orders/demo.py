"""The demo orders register: SYNTHETIC orders about the demo's SYNTHETIC young people.

Loaded by bootstrap (outside production) into an empty register once the case store's demo
is seeded (:mod:`upstream.cases.demo`). Two order officers join the demo logins
(``officer``, police, and ``probation``; password as the other demo users). Ten orders, at
least one of each type, with exclusion zones (chosen LSOAs of the area and one drawn
polygon), curfews, non-association and requirements; then a few SYNTHETIC incidents placed
inside a zone, in a curfew window and with a non-associate, which the breach hook turns into
alerts, and one outside them, which raises none. One alert is decided, with its reason.
Everything is stored ``synthetic`` and every page shows it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from pydantic import ValidationError
from sqlalchemy import func, select

from upstream.area import area_from_settings
from upstream.cases.admin import create_demo_user
from upstream.cases.auth import actor_for
from upstream.cases.db import CaseStore, case_store
from upstream.cases.localtime import LONDON
from upstream.cases.models import Incident, Involvement, Offer, Person, User, utcnow
from upstream.cases.schemas import UserCreate
from upstream.cases.vocab import Agency, Purpose, Role
from upstream.config import Settings
from upstream.orders.access import orders_operator
from upstream.orders.alerts import alert_queue, decide_alert
from upstream.orders.schemas import ConditionCreate, DecisionCreate, OrderCreate
from upstream.orders.service import (
    OrderInputError,
    add_condition,
    order_count,
    record_order,
    today_in_london,
)
from upstream.orders.vocab import Decision, OrderType

__all__ = ["DEMO_OFFICERS", "load_demo_orders", "prepare_orders"]

DEMO_OFFICERS = (
    ("officer", Agency.POLICE, "order officer (police): leads most demo orders"),
    ("probation", Agency.PROBATION, "order officer (probation): licence conditions"),
)
"""The demo's order officers: username, agency and what they do."""


@dataclass(frozen=True)
class _Spec:
    order_type: OrderType
    lead: str
    made_days_ago: int
    months: int | None
    court: str


_SPECS = (
    _Spec(OrderType.KCPO, "officer", 340, 24, "Stratford Magistrates' Court (synthetic)"),
    _Spec(OrderType.KCPO, "officer", 90, 12, "Stratford Magistrates' Court (synthetic)"),
    _Spec(OrderType.GANG_INJUNCTION, "officer", 300, 24, "County Court at Clerkenwell (synthetic)"),
    _Spec(OrderType.GANG_INJUNCTION, "officer", 60, 18, "County Court at Clerkenwell (synthetic)"),
    _Spec(OrderType.CBO, "officer", 350, 24, "Thames Magistrates' Court (synthetic)"),
    _Spec(OrderType.SVRO, "officer", 100, 24, "Snaresbrook Crown Court (synthetic)"),
    _Spec(OrderType.CIVIL_INJUNCTION, "coordinator", 45, 6, "Youth Court (synthetic)"),
    _Spec(OrderType.BAIL_CONDITION, "officer", 20, 1, "Stratford Magistrates' Court (synthetic)"),
    _Spec(OrderType.LICENCE_CONDITION, "probation", 70, 12, "HMPPS licence (synthetic)"),
    _Spec(OrderType.KCPO, "officer", 500, 12, "Stratford Magistrates' Court (synthetic)"),
)


def _officers(store: CaseStore) -> None:
    with store.unit_of_work() as session:
        have = set(session.scalars(select(User.username)))
    for username, agency, _what in DEMO_OFFICERS:
        if username not in have:
            create_demo_user(
                store,
                UserCreate(
                    username=username,
                    password="synthetic-demo",
                    role=Role.ORDER_OFFICER,
                    agency=agency,
                ),
            )


def _subjects(store: CaseStore, n: int) -> list[tuple[str, int]]:
    """Synthetic young people recorded as suspects (pseudonym, id), oldest record first."""
    with store.unit_of_work() as session:
        rows = session.execute(
            select(Person.pseudonym, Person.id)
            .join(Involvement, Involvement.person_id == Person.id)
            .where(Person.synthetic.is_(True), Involvement.role == "suspect")
            .group_by(Person.pseudonym, Person.id)
            .order_by(Person.id)
            .limit(n + 2)
        )
        return [(str(p), int(i)) for p, i in rows]


def _months(day: date, months: int) -> date:
    month = day.month - 1 + months
    return date(day.year + month // 12, month % 12 + 1, min(day.day, 28))


def _at(day: date, clock: time) -> datetime:
    return datetime.combine(day, clock, tzinfo=LONDON)


def _incident(
    store: CaseStore, when: datetime, where: tuple[float, float] | None, people: list[int]
) -> None:
    """A SYNTHETIC placed incident involving ``people`` (the breach hook reads it)."""
    with store.unit_of_work() as session:
        coordinator = session.scalars(select(User).where(User.username == "coordinator")).one()
        incident = Incident(
            occurred_at=when,
            recorded_at=min(utcnow(), when + timedelta(hours=2)),
            offence="Violence and sexual offences",
            location_type="street",
            summary="SYNTHETIC demo incident placed for the orders register's breach alerts.",
            recorded_by_id=coordinator.id,
            recorded_by_agency=coordinator.agency,
            easting=where[0] if where else None,
            northing=where[1] if where else None,
            synthetic=True,
        )
        session.add(incident)
        session.flush()
        for person_id in people:
            session.add(Involvement(incident_id=incident.id, person_id=person_id, role="suspect"))


def _offer_of(store: CaseStore, person_id: int) -> int | None:
    with store.unit_of_work() as session:
        return session.scalar(select(func.min(Offer.id)).where(Offer.person_id == person_id))


def load_demo_orders(store: CaseStore) -> list[str]:
    """Load the SYNTHETIC demo orders into an empty register; lines to print."""
    if store.settings.env == "production":
        raise RuntimeError("the synthetic demo is never loaded when UPSTREAM_ENV=production")
    if order_count(store):
        return ["the orders register already holds orders; demo orders not loaded"]
    subjects = _subjects(store, len(_SPECS))
    if len(subjects) < len(_SPECS) + 2:
        return ["the case store holds too few SYNTHETIC young people; demo orders not loaded"]
    _officers(store)
    actor = orders_operator("demo-orders")
    area = area_from_settings(store.settings)
    lsoas = area.lsoas.sort_values("lsoa_code").reset_index(drop=True)
    today = today_in_london()
    orders = []
    for spec, (pseudonym, _id) in zip(_SPECS, subjects, strict=False):
        made = today - timedelta(days=spec.made_days_ago)
        data = OrderCreate(
            order_type=spec.order_type,
            subject=pseudonym,
            court=spec.court,
            made_on=made,
            served_on=made + timedelta(days=1),
            expires_on=_months(made, spec.months) if spec.months else None,
            lead=spec.lead,
            agency=Agency.PROBATION if spec.lead == "probation" else Agency.POLICE,
            notes="SYNTHETIC demo order.",
        )
        orders.append(record_order(actor, store, data, synthetic=True).order)
    n = len(lsoas)

    def code(i: int) -> list[str]:
        return [str(lsoas["lsoa_code"].iloc[i % n])] if n else []

    zone_codes = code(20) + code(21)
    centre = (lsoas.geometry.iloc[20 % n] if n else area.boundary).representative_point()
    conditions: list[tuple[int, dict[str, Any]]] = [
        (0, {"kind": "exclusion_zone", "zone_lsoas": zone_codes}),
        (0, {"kind": "curfew", "curfew_start": "21:00", "curfew_end": "06:00", "overnight": True,
             "curfew_days": "mon,tue,wed,thu,fri,sat,sun"}),
        (0, {"kind": "non_association", "other_person": subjects[-1][0]}),
        (1, {"kind": "curfew", "curfew_start": "19:00", "curfew_end": "23:00",
             "curfew_days": "fri,sat"}),
        (1, {"kind": "positive", "detail": "attend the knife-crime awareness programme"}),
        (2, {"kind": "exclusion_zone", "zone_lsoas": code(60)}),
        (2, {"kind": "non_association", "other_person": subjects[-2][0]}),
        (3, {"kind": "exclusion_zone", "zone_geojson": json.dumps(_square(area, 300))}),
        (4, {"kind": "reporting", "detail": "report to the police station weekly (Mondays)"}),
        (5, {"kind": "reporting", "detail": "notify address changes within three days"}),
        (6, {"kind": "exclusion_zone", "zone_lsoas": code(100)}),
        (7, {"kind": "curfew", "curfew_start": "20:00", "curfew_end": "07:00", "overnight": True,
             "curfew_days": "mon,tue,wed,thu,fri,sat,sun"}),
        (8, {"kind": "positive", "detail": "attend mentoring with the custody mentor service"}),
    ]  # fmt: skip
    added = 0
    for index, fields in conditions:
        offer = _offer_of(store, subjects[index][1]) if fields["kind"] == "positive" else None
        if offer is not None:
            fields = {**fields, "offer_id": offer}
        try:  # an area pack without LSOAs, or too small for a zone, gets none
            add_condition(actor, store, orders[index].id, ConditionCreate.model_validate(fields))
        except (OrderInputError, ValidationError):
            continue
        added += 1
    first, other = subjects[0][1], subjects[-1][1]
    x, y = float(centre.x), float(centre.y)
    _incident(store, _at(today - timedelta(days=3), time(15, 10)), (x, y), [first])  # zone
    _incident(store, _at(today - timedelta(days=2), time(23, 40)), None, [first])  # curfew
    _incident(store, _at(today - timedelta(days=1), time(16, 0)), None, [first, other])  # company
    _incident(store, _at(today - timedelta(days=4), time(12, 0)), (x + 3000, y), [first])  # none
    _incident(store, _at(today - timedelta(days=5), time(22, 15)), None, [subjects[7][1]])
    with store.unit_of_work() as session:
        lead = session.scalars(select(User).where(User.username == "officer")).one()
    officer = actor_for(lead, Purpose.ENFORCEMENT)
    queue = alert_queue(officer, store)
    if queue:
        oldest = min(queue, key=lambda a: a.event_at)
        reason = "SYNTHETIC: spoke to him and his carer; he was walking a younger sibling home"
        decision = DecisionCreate(decision=Decision.ADVICE, reason=reason, version=oldest.version)
        decide_alert(officer, store, oldest.id, decision)
    return [
        f"loaded {len(orders)} SYNTHETIC demo orders with {added} conditions and "
        f"{len(queue)} breach alerts (log in as 'officer', password as the other demo users)"
    ]


def _square(area: Any, half: float) -> dict[str, Any]:
    """A square zone around a point inside one of the area's LSOAs (or the area)."""
    n = len(area.lsoas)
    shape = area.lsoas.geometry.iloc[90 % n] if n else area.boundary
    point = shape.representative_point()
    x, y = float(point.x), float(point.y)
    ring = [[x - half, y - half], [x + half, y - half], [x + half, y + half], [x - half, y + half]]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


def prepare_orders(settings: Settings) -> Iterator[str]:
    """Bootstrap step: outside production, load the demo orders into an empty register."""
    if settings.env == "production":
        return
    yield from load_demo_orders(case_store(settings))
