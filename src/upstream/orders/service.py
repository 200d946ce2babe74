"""Use cases of the orders register. Each takes the acting user first and runs in a unit of
work.

Every function asks the register's policy (:mod:`upstream.orders.access`) before it reads or
changes anything and writes one event in the case store's audit log (the session's stated
purpose is recorded on it): every read of an order or the register is personal data about
a young person and is audited; so is every change. Refusals and unknown ids are audited by
the case tool's :func:`~upstream.cases.service.use_case`, in their own transaction.
Breach alerts (the scan, the queue, decisions) are :mod:`upstream.orders.alerts`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import numpy as np
from shapely import wkt
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from upstream.area import Area, area_from_settings
from upstream.cases.access import Actor
from upstream.cases.audit import AuditKind, record
from upstream.cases.db import CaseStore
from upstream.cases.ingested import ingested_locations
from upstream.cases.localtime import age_on, london
from upstream.cases.models import Incident, Offer, Person, User, utcnow
from upstream.cases.service import Conflict, not_found, use_case
from upstream.cases.vocab import Role
from upstream.orders.access import OrderPermission, OrderResource, ensure_order_allowed
from upstream.orders.alerts import alert_views, scan_session
from upstream.orders.conditions import CurfewWindow, days_text, parse_days
from upstream.orders.merging import SELF_NAMED, SELF_NAMED_FLAG, names_own_subject
from upstream.orders.models import BreachAlert, CourtOrder, OrderCondition, OrderReview
from upstream.orders.reviews import default_reviews, flags
from upstream.orders.schemas import (
    ConditionCreate,
    ConditionView,
    IncidentLocation,
    OrderCreate,
    OrderDetail,
    OrderView,
    ReviewView,
)
from upstream.orders.vocab import LABELS, ConditionKind, OrderType, ZoneSource
from upstream.orders.zones import (
    ZoneError,
    zone_around_place,
    zone_from_geojson,
    zone_from_lsoas,
    zone_lonlat,
)

__all__ = [
    "OrderInputError",
    "add_condition",
    "add_review",
    "enforcers",
    "get_order",
    "list_orders",
    "locate_ingested",
    "order_count",
    "order_in_force",
    "record_order",
    "set_incident_location",
    "today_in_london",
]

LEAD_ROLES = frozenset({Role.ORDER_OFFICER, Role.COORDINATOR})
"""Roles that may lead an order (and so decide its alerts)."""


class OrderInputError(ValueError):
    """Input the register cannot store; the message starts with the field's name."""


def today_in_london() -> date:
    """Today's date in London (what "in force" and the flags are measured against)."""
    return london(utcnow()).date()


def order_in_force(order: CourtOrder, today: date) -> bool:
    """Made (or served) by ``today`` and neither expired nor discharged."""
    start = order.served_on or order.made_on
    if today < start:
        return False
    if order.discharged_on is not None and order.discharged_on <= today:
        return False
    return order.expires_on is None or today <= order.expires_on


def _condition_summary(c: OrderCondition) -> str:
    kind = ConditionKind(c.kind)
    if kind is ConditionKind.EXCLUSION_ZONE:
        if c.zone_source == ZoneSource.PLACE:
            return f"exclusion zone ({c.zone_areas})"
        areas = f" (LSOAs {c.zone_areas})" if c.zone_areas else " (drawn)"
        return f"exclusion zone{areas}"
    if kind is ConditionKind.CURFEW and c.curfew_start and c.curfew_end:
        window = CurfewWindow(
            c.curfew_start, c.curfew_end, parse_days(c.curfew_days or ""), c.overnight
        )
        return f"curfew {window.describe()}"
    if kind is ConditionKind.NON_ASSOCIATION:
        other = c.other_person.pseudonym if c.other_person else "?"
        return f"not to associate with {other}"
    return f"{LABELS[kind]}: {c.detail or ''}"


def _condition_view(c: OrderCondition, offers: dict[int, Offer]) -> ConditionView:
    offer = offers.get(c.offer_id) if c.offer_id else None
    return ConditionView(
        id=c.id,
        kind=ConditionKind(c.kind),
        summary=_condition_summary(c),
        starts_on=c.starts_on,
        ends_on=c.ends_on,
        zone_rings=zone_lonlat(wkt.loads(c.zone_wkt)) if c.zone_wkt else [],
        zone_wkt=c.zone_wkt,
        other_person=c.other_person.pseudonym if c.other_person else None,
        offer_id=c.offer_id,
        taken_up=None if offer is None else offer.outcome == "accepted",
        review=SELF_NAMED if names_own_subject(c) else None,
    )


def _order_view(order: CourtOrder, today: date, flag_days: int, open_alerts: int = 0) -> OrderView:
    reviews = [(r.due_on, r.done_on) for r in order.reviews]
    in_force = order_in_force(order, today)
    return OrderView(
        id=order.id,
        order_type=OrderType(order.order_type),
        subject=order.person.pseudonym,
        court=order.court,
        made_on=order.made_on,
        served_on=order.served_on,
        expires_on=order.expires_on,
        discharged_on=order.discharged_on,
        lead=order.lead.username,
        lead_id=order.lead_id,
        agency=order.agency,
        in_force=in_force,
        open_alerts=open_alerts,
        flags=(
            flags(today, flag_days, order.expires_on, reviews)
            + [SELF_NAMED_FLAG for c in order.conditions if names_own_subject(c)][:1]
            if in_force
            else []
        ),
        synthetic=order.synthetic,
    )


def _query() -> Select[CourtOrder]:
    return select(CourtOrder).options(
        selectinload(CourtOrder.reviews), selectinload(CourtOrder.conditions)
    )


def _load(session: Session, order_id: int) -> CourtOrder:
    order = session.scalars(_query().where(CourtOrder.id == order_id)).unique().one_or_none()
    if order is None:
        raise not_found("order", order_id)
    return order


def _open_alerts(session: Session, order_ids: Iterable[int]) -> dict[int, int]:
    rows = session.execute(
        select(BreachAlert.order_id, func.count(BreachAlert.id))
        .where(BreachAlert.order_id.in_(list(order_ids)), BreachAlert.decision.is_(None))
        .group_by(BreachAlert.order_id)
    )
    return {int(k): int(v) for k, v in rows}


@use_case
def list_orders(
    actor: Actor,
    store: CaseStore,
    *,
    order_type: OrderType | None = None,
    lead: str | None = None,
    in_force: bool | None = None,
    flagged: bool = False,
    today: date | None = None,
) -> list[OrderView]:
    """The register, newest order first, filtered by type, lead (username), whether in
    force, and whether flagged (review or expiry coming up). Audited as one read."""
    ensure_order_allowed(actor, OrderPermission.READ)
    today = today or today_in_london()
    days = store.settings.order_flag_days
    with store.unit_of_work() as session:
        query = _query().order_by(CourtOrder.made_on.desc(), CourtOrder.id.desc())
        if order_type is not None:
            query = query.where(CourtOrder.order_type == order_type.value)
        if lead:
            query = query.join(User, User.id == CourtOrder.lead_id).where(User.username == lead)
        orders = list(session.scalars(query).unique())
        counts = _open_alerts(session, [o.id for o in orders])
        views = [_order_view(o, today, days, counts.get(o.id, 0)) for o in orders]
        if in_force is not None:
            views = [v for v in views if v.in_force is in_force]
        if flagged:
            views = [v for v in views if v.flags]
        record(session, actor, AuditKind.ORDER_LIST, "order", None, detail=f"{len(views)} orders")
        return views


def _detail(session: Session, actor: Actor, order: CourtOrder, flag_days: int) -> OrderDetail:
    """The order as ``actor`` sees it, read in ``session`` (not audited here)."""
    session.flush()
    session.expire(order)
    order = _load(session, order.id)
    offer_ids = [c.offer_id for c in order.conditions if c.offer_id]
    offers = {o.id: o for o in session.scalars(select(Offer).where(Offer.id.in_(offer_ids)))}
    alerts = session.scalars(
        select(BreachAlert)
        .where(BreachAlert.order_id == order.id)
        .order_by(BreachAlert.event_at.desc())
    )
    views = alert_views(session, actor, list(alerts))
    return OrderDetail(
        order=_order_view(
            order, today_in_london(), flag_days, sum(a.decision is None for a in views)
        ),
        notes=order.notes,
        conditions=[_condition_view(c, offers) for c in order.conditions],
        reviews=[
            ReviewView(due_on=r.due_on, kind=r.kind, done_on=r.done_on) for r in order.reviews
        ],
        alerts=views,
    )


@use_case
def get_order(actor: Actor, store: CaseStore, order_id: int) -> OrderDetail:
    """One order: its conditions (zones as lon/lat rings and BNG WKT), reviews and alerts.
    Audited as one read."""
    with store.unit_of_work() as session:
        order = _load(session, order_id)
        ensure_order_allowed(
            actor, OrderPermission.READ, OrderResource(order.lead_id), "order", order_id
        )
        record(session, actor, AuditKind.ORDER_READ, "order", order_id)
        return _detail(session, actor, order, store.settings.order_flag_days)


def _person(session: Session, field: str, pseudonym: str) -> Person:
    person = session.scalars(select(Person).where(Person.pseudonym == pseudonym)).one_or_none()
    if person is None or person.anonymised_at is not None:
        raise OrderInputError(f"{field}: no young person {pseudonym}")
    return person


def _lead(session: Session, username: str) -> User:
    user = session.scalars(select(User).where(User.username == username)).one_or_none()
    if user is None or not user.active:
        raise OrderInputError(f"lead: no active user {username!r}")
    if user.role not in LEAD_ROLES:
        raise OrderInputError(
            f"lead: {username!r} is a {user.role}; an order is led by an order officer or "
            "the coordinator"
        )
    return user


@use_case
def record_order(
    actor: Actor, store: CaseStore, data: OrderCreate, *, synthetic: bool = False
) -> OrderDetail:
    """Record an order; its review dates are those given or, none given, the statutory
    defaults of its type (:func:`upstream.orders.reviews.default_reviews`).

    Raises
    ------
    OrderInputError
        Unknown subject or lead, or a lead who may not lead orders (naming the field).
    """
    ensure_order_allowed(actor, OrderPermission.MANAGE)
    with store.unit_of_work() as session:
        person = _person(session, "subject", data.subject)
        lead = _lead(session, data.lead)
        order = CourtOrder(
            order_type=data.order_type.value,
            person_id=person.id,
            court=data.court,
            made_on=data.made_on,
            served_on=data.served_on,
            expires_on=data.expires_on,
            lead_id=lead.id,
            agency=data.agency.value,
            notes=data.notes,
            created_at=utcnow(),
            created_by_id=actor.user_id,
            synthetic=synthetic or person.synthetic,
        )
        session.add(order)
        session.flush()
        given = sorted(set(data.reviews))
        dates = given or default_reviews(
            data.order_type,
            data.made_on,
            data.expires_on,
            age_on(person.date_of_birth, data.made_on),
        )
        for due in dates:
            session.add(
                OrderReview(order_id=order.id, due_on=due, kind="set" if given else "statutory")
            )
        record(
            session,
            actor,
            AuditKind.ORDER_CREATE,
            "order",
            order.id,
            detail=f"{data.order_type.value} about {person.pseudonym}, {len(dates)} reviews",
        )
        return _detail(session, actor, order, store.settings.order_flag_days)


def _zone(data: ConditionCreate, area: Area) -> tuple[str, str, str | None]:
    try:
        if data.zone_geojson:
            return zone_from_geojson(data.zone_geojson, area).wkt, ZoneSource.DRAWN, None
        if data.zone_place:
            circle = zone_around_place(data.zone_place, data.zone_radius_m, area)
            where = f"{data.zone_radius_m:g} m around {data.zone_place}"[:300]
            return circle.wkt, ZoneSource.PLACE, where
        codes = list(dict.fromkeys(data.zone_lsoas))
        zone = zone_from_lsoas(codes, area)
        return zone.wkt, ZoneSource.LSOAS, ",".join(codes)[:300]
    except ZoneError as exc:
        field = (
            "zone_geojson"
            if data.zone_geojson
            else "zone_place"
            if data.zone_place
            else "zone_lsoas"
        )
        raise OrderInputError(f"{field}: {exc}") from None


def _condition(
    session: Session, order: CourtOrder, data: ConditionCreate, area: Area | None
) -> OrderCondition:
    cond = OrderCondition(
        order_id=order.id,
        kind=data.kind.value,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        detail=data.detail or None,
        created_at=utcnow(),
    )
    if data.kind is ConditionKind.EXCLUSION_ZONE:
        assert area is not None
        cond.zone_wkt, cond.zone_source, cond.zone_areas = _zone(data, area)
    elif data.kind is ConditionKind.CURFEW:
        window = data.window()
        cond.curfew_start, cond.curfew_end = window.start, window.end
        cond.curfew_days, cond.overnight = days_text(window.days), window.overnight
    elif data.kind is ConditionKind.NON_ASSOCIATION:
        assert data.other_person is not None
        other = _person(session, "other_person", data.other_person)
        if other.id == order.person_id:
            raise OrderInputError(
                "other_person: a non-association condition cannot name the order's own subject"
            )
        cond.other_person_id = other.id
    if data.offer_id is not None:
        offer = session.get(Offer, data.offer_id)
        if offer is None or offer.person_id != order.person_id:
            raise OrderInputError(
                f"offer_id: offer {data.offer_id} is not an offer of support to the order's subject"
            )
        cond.offer_id = offer.id
    return cond


@use_case
def add_condition(
    actor: Actor, store: CaseStore, order_id: int, data: ConditionCreate
) -> OrderDetail:
    """Add a condition to an order, then look for candidate breaches of it among the
    incidents already recorded (:func:`upstream.orders.alerts.scan_session`).

    Raises
    ------
    OrderInputError
        A zone that is not a valid polygon or lies outside the area, non-association with
        the subject, an unknown person or an offer not to the subject (naming the field).
    """
    area = area_from_settings(store.settings) if data.kind is ConditionKind.EXCLUSION_ZONE else None
    with store.unit_of_work() as session:
        order = _load(session, order_id)
        ensure_order_allowed(
            actor, OrderPermission.MANAGE, OrderResource(order.lead_id), "order", order_id
        )
        if order.discharged_on is not None:
            raise Conflict(f"order {order_id} was discharged: it takes no new conditions")
        cond = _condition(session, order, data, area)
        session.add(cond)
        session.flush()
        record(
            session,
            actor,
            AuditKind.ORDER_CONDITION,
            "order",
            order_id,
            detail=f"{data.kind.value} (condition {cond.id})",
        )
        scan_session(session, store.settings.breach_deadline_days, order_ids={order.id})
        return _detail(session, actor, order, store.settings.order_flag_days)


@use_case
def add_review(actor: Actor, store: CaseStore, order_id: int, due_on: date) -> OrderDetail:
    """Set a review date of an order (kept with the statutory ones)."""
    with store.unit_of_work() as session:
        order = _load(session, order_id)
        ensure_order_allowed(
            actor, OrderPermission.MANAGE, OrderResource(order.lead_id), "order", order_id
        )
        if due_on < order.made_on:
            raise OrderInputError("due_on: the review is before the order was made")
        if all(r.due_on != due_on for r in order.reviews):
            session.add(OrderReview(order_id=order.id, due_on=due_on, kind="set"))
        record(session, actor, AuditKind.ORDER_UPDATE, "order", order_id, detail=f"review {due_on}")
        return _detail(session, actor, order, store.settings.order_flag_days)


@use_case
def set_incident_location(
    actor: Actor, store: CaseStore, incident_id: int, data: IncidentLocation
) -> int:
    """Enter where an incident happened (BNG metres, inside the area); candidate breaches
    are looked for at once (the hook). Returns how many alerts it raised."""
    ensure_order_allowed(actor, OrderPermission.LOCATE, None, "incident")
    area = area_from_settings(store.settings)
    if not area.contains(np.array([data.easting]), np.array([data.northing]))[0]:
        raise OrderInputError(f"easting: the point lies outside {area.name}")
    with store.unit_of_work() as session:
        incident = session.get(Incident, incident_id)
        if incident is None:
            raise not_found("incident", incident_id)
        before = session.scalar(select(func.count(BreachAlert.id))) or 0
        incident.easting, incident.northing = data.easting, data.northing
        record(session, actor, AuditKind.INCIDENT_LOCATE, "incident", incident_id)
        session.flush()
        return int(session.scalar(select(func.count(BreachAlert.id))) or 0) - int(before)


@use_case
def locate_ingested(actor: Actor, store: CaseStore) -> int:
    """Give incidents recorded from an ingested id, and still without a location, ingest's
    placement of them (:func:`upstream.cases.ingested.ingested_locations`); candidate breaches
    follow through the hook. Returns how many were placed (one audit event)."""
    ensure_order_allowed(actor, OrderPermission.LOCATE, None, "incident")
    with store.unit_of_work() as session:
        waiting = list(
            session.scalars(
                select(Incident).where(Incident.event_ref.is_not(None), Incident.easting.is_(None))
            )
        )
        held = ingested_locations(store.settings, [str(i.event_ref) for i in waiting])
        placed = 0
        for incident in waiting:
            if str(incident.event_ref) in held:
                incident.easting, incident.northing = held[str(incident.event_ref)]
                placed += 1
        record(
            session,
            actor,
            AuditKind.INCIDENT_LOCATE,
            "incident",
            None,
            detail=f"{placed} of {len(waiting)} from the event store",
        )
        return placed


@use_case
def enforcers(actor: Actor, store: CaseStore) -> list[str]:
    """Usernames of the active users who may lead an order (for the form)."""
    ensure_order_allowed(actor, OrderPermission.MANAGE)
    with store.unit_of_work() as session:
        return list(
            session.scalars(
                select(User.username)
                .where(User.active.is_(True), User.role.in_(list(LEAD_ROLES)))
                .order_by(User.username)
            )
        )


def order_count(store: CaseStore) -> int:
    """How many orders the register holds (for bootstrap: load the demo into an empty one)."""
    with store.unit_of_work() as session:
        return int(session.scalar(select(func.count(CourtOrder.id))) or 0)
