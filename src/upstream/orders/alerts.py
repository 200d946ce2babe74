"""Breach alerts: the scan that raises them, the hook that runs it, the lead's queue and
decisions.

**The scan** (:func:`scan_session`) turns the candidates of
:func:`upstream.orders.breaches.candidates` into alerts for each order's lead, due
``breach_deadline_days`` working days later (the case store's setting,
``UPSTREAM_BREACH_DEADLINE_DAYS``, read from the store's settings object, by the hook too).
It is idempotent: an alert's ``dedupe_key`` (condition and incident) is unique, so a
re-scan adds nothing.

**The hook.** Whenever a unit of work of the case store records an involvement (a young
person linked to an incident, by any use case) or gives an incident a location, the scan
runs for those incidents in the same unit of work, under the ``system:breach-scan`` actor:
the alert and the involvement are committed together or not at all. ``upstream orders
scan`` runs the same scan over everything (and is what a scheduled job calls).

**Decisions** are made by the order's lead, with a reason; the tool never decides and never
sanctions. Event-to-decision time is kept (``decided_at - event_at``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from shapely import wkt
from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from upstream.cases.access import Actor
from upstream.cases.audit import AuditKind, record
from upstream.cases.db import CaseStore, session_settings
from upstream.cases.models import Incident, Involvement, Person, User, utcnow
from upstream.cases.service import Conflict, not_found, use_case
from upstream.cases.times import check_not_future
from upstream.orders.access import (
    OrderPermission,
    OrderResource,
    ensure_order_allowed,
    order_allowed,
    orders_operator,
)
from upstream.orders.breaches import Candidate, ConditionFacts, IncidentFacts, candidates
from upstream.orders.conditions import CurfewWindow, parse_days
from upstream.orders.models import BreachAlert, CourtOrder, OrderCondition
from upstream.orders.reviews import deadline
from upstream.orders.schemas import AlertView, BreachReport, DecisionCreate
from upstream.orders.vocab import AlertKind, ConditionKind, Decision, OrderType

__all__ = [
    "SCAN_ACTOR",
    "ScanResult",
    "alert_queue",
    "alert_views",
    "decide_alert",
    "queue_order",
    "report_breach",
    "run_scan",
    "scan_session",
]

SCAN_ACTOR = orders_operator("breach-scan")
"""Who raises alerts in the audit log (the scan and its hook)."""

_PENDING = "upstream_orders_pending"
_DETECTED = (ConditionKind.EXCLUSION_ZONE, ConditionKind.CURFEW, ConditionKind.NON_ASSOCIATION)


@dataclass(frozen=True)
class ScanResult:
    """What a scan did: alerts raised, and candidates that already had one."""

    created: int
    existing: int


def _facts(
    session: Session, order_ids: Iterable[int] | None, subjects: set[int] | None = None
) -> tuple[list[ConditionFacts], dict[int, CourtOrder]]:
    query = (
        select(OrderCondition, CourtOrder)
        .join(CourtOrder, CourtOrder.id == OrderCondition.order_id)
        .where(OrderCondition.kind.in_([k.value for k in _DETECTED]))
    )
    if order_ids is not None:
        query = query.where(CourtOrder.id.in_(list(order_ids)))
    if subjects is not None:
        query = query.where(CourtOrder.person_id.in_(subjects))
    facts: list[ConditionFacts] = []
    orders: dict[int, CourtOrder] = {}
    pseudonyms: dict[int, str] = {}
    rows = [(c, o) for c, o in session.execute(query)]
    others = {c.other_person_id for c, _ in rows if c.other_person_id}
    if others:
        found = session.execute(select(Person.id, Person.pseudonym).where(Person.id.in_(others)))
        pseudonyms = {int(i): str(p) for i, p in found}
    for cond, order in rows:
        orders[order.id] = order
        first = max(d for d in (cond.starts_on, order.served_on, order.made_on) if d is not None)
        ends = [d for d in (cond.ends_on, order.expires_on, order.discharged_on) if d is not None]
        curfew = None
        if cond.kind == ConditionKind.CURFEW and cond.curfew_start and cond.curfew_end:
            days = parse_days(cond.curfew_days or "")
            curfew = CurfewWindow(cond.curfew_start, cond.curfew_end, days, cond.overnight)
        facts.append(
            ConditionFacts(
                id=cond.id,
                order_id=order.id,
                kind=ConditionKind(cond.kind),
                subject_id=order.person_id,
                first=first,
                last=min(ends) if ends else None,
                zone=wkt.loads(cond.zone_wkt) if cond.zone_wkt else None,
                curfew=curfew,
                other_person_id=cond.other_person_id,
                other_pseudonym=pseudonyms.get(cond.other_person_id or 0),
            )
        )
    return facts, orders


def _incidents(
    session: Session, subjects: set[int], incident_ids: Iterable[int] | None
) -> list[IncidentFacts]:
    query = select(Involvement.incident_id).where(Involvement.person_id.in_(subjects))
    if incident_ids is not None:
        query = query.where(Involvement.incident_id.in_(list(incident_ids)))
    ids = set(session.scalars(query))
    if not ids:
        return []
    people: dict[int, set[int]] = {}
    for incident_id, person_id in session.execute(
        select(Involvement.incident_id, Involvement.person_id).where(
            Involvement.incident_id.in_(ids)
        )
    ):
        people.setdefault(int(incident_id), set()).add(int(person_id))
    return [
        IncidentFacts(i.id, i.occurred_at, i.easting, i.northing, frozenset(people.get(i.id, ())))
        for i in session.scalars(select(Incident).where(Incident.id.in_(ids)))
    ]


def scan_session(
    session: Session,
    working_days: int,
    *,
    incident_ids: Iterable[int] | None = None,
    order_ids: Iterable[int] | None = None,
    actor: Actor = SCAN_ACTOR,
) -> ScanResult:
    """Raise an alert for every candidate breach not alerted yet, in ``session``'s unit of
    work (new alerts are added, not flushed). ``incident_ids``/``order_ids`` narrow the scan;
    each alert is audited (on its order, naming the key) under ``actor``."""
    with session.no_autoflush:
        subjects = None
        if incident_ids is not None:  # only the orders of the people on those incidents
            incident_ids = list(incident_ids)
            subjects = set(
                session.scalars(
                    select(Involvement.person_id).where(Involvement.incident_id.in_(incident_ids))
                )
            )
            if not subjects:
                return ScanResult(0, 0)
        facts, orders = _facts(session, order_ids, subjects)
        if not facts:
            return ScanResult(0, 0)
        incidents = _incidents(session, {f.subject_id for f in facts}, incident_ids)
        found = candidates(facts, incidents)
        if not found:
            return ScanResult(0, 0)
        keys = [c.key for c in found]
        held = set(
            session.scalars(select(BreachAlert.dedupe_key).where(BreachAlert.dedupe_key.in_(keys)))
        )
        held |= {a.dedupe_key for a in session.new if isinstance(a, BreachAlert)}
        synthetic = {
            int(i): bool(s)
            for i, s in session.execute(
                select(Incident.id, Incident.synthetic).where(
                    Incident.id.in_({c.incident_id for c in found})
                )
            )
        }
    now = utcnow()
    created = 0
    for candidate in found:
        if candidate.key in held:
            continue
        held.add(candidate.key)
        order = orders[candidate.order_id]
        session.add(_alert(candidate, order, now, working_days, synthetic))
        record(
            session,
            actor,
            AuditKind.ALERT_CREATE,
            "order",
            order.id,
            detail=f"alert {candidate.key}: {candidate.kind.value}",
        )
        created += 1
    return ScanResult(created, len(found) - created)


def _alert(
    c: Candidate, order: CourtOrder, now: datetime, working_days: int, synthetic: dict[int, bool]
) -> BreachAlert:
    return BreachAlert(
        order_id=order.id,
        condition_id=c.condition_id,
        incident_id=c.incident_id,
        kind=c.kind.value,
        dedupe_key=c.key,
        event_at=c.event_at,
        created_at=now,
        due_at=deadline(now, working_days),
        lead_id=order.lead_id,
        detail=c.detail[:300],
        synthetic=order.synthetic or synthetic.get(c.incident_id, False),
    )


# -- the hook ----------------------------------------------------------------------------


@event.listens_for(Session, "after_flush")
def _note_new_involvements(session: Session, _context: object) -> None:
    pending: set[int] = session.info.setdefault(_PENDING, set())
    for obj in session.new:
        if isinstance(obj, Involvement):
            pending.add(obj.incident_id)
    for obj in session.dirty:
        if isinstance(obj, Incident) and _moved(obj):
            pending.add(obj.id)
    if not pending:
        session.info.pop(_PENDING, None)


def _moved(incident: Incident) -> bool:

    state: Any = inspect(incident)
    return any(state.attrs[name].history.has_changes() for name in ("easting", "northing"))


@event.listens_for(Session, "after_flush_postexec")
def _scan_new_involvements(session: Session, _context: object) -> None:
    pending = session.info.pop(_PENDING, None)
    if pending:
        days = session_settings(session).breach_deadline_days
        scan_session(session, days, incident_ids=pending)


@use_case
def run_scan(actor: Actor, store: CaseStore) -> ScanResult:
    """Scan every incident for candidate breaches of every order (the scheduled job)."""
    ensure_order_allowed(actor, OrderPermission.SCAN)
    with store.unit_of_work() as session:
        result = scan_session(session, store.settings.breach_deadline_days, actor=actor)
        record(
            session,
            actor,
            AuditKind.ALERT_LIST,
            "alert",
            None,
            detail=f"scan: {result.created} raised, {result.existing} already raised",
        )
        return result


# -- the queue and decisions ---------------------------------------------------------------


def _hours(alert: BreachAlert) -> float | None:
    if alert.decided_at is None:
        return None
    return round((alert.decided_at - alert.event_at).total_seconds() / 3600, 1)


def alert_views(session: Session, actor: Actor, alerts: Sequence[BreachAlert]) -> list[AlertView]:
    """How ``actor`` sees ``alerts`` (subject by pseudonym; ``can_decide`` for the lead)."""
    now = utcnow()
    leads = {a.lead_id for a in alerts}
    places = {
        int(i): (x, y)
        for i, x, y in session.execute(
            select(Incident.id, Incident.easting, Incident.northing).where(
                Incident.id.in_({a.incident_id for a in alerts if a.incident_id})
            )
        )
    }
    names = {
        int(i): str(n)
        for i, n in session.execute(select(User.id, User.username).where(User.id.in_(leads)))
    }
    return [
        AlertView(
            id=a.id,
            order_id=a.order_id,
            order_type=OrderType(a.order.order_type),
            subject=a.order.person.pseudonym,
            kind=AlertKind(a.kind),
            incident_id=a.incident_id,
            easting=places.get(a.incident_id or 0, (None, None))[0],
            northing=places.get(a.incident_id or 0, (None, None))[1],
            detail=a.detail,
            event_at=a.event_at,
            created_at=a.created_at,
            due_at=a.due_at,
            lead=names.get(a.lead_id, "?"),
            overdue=a.decision is None and a.due_at < now,
            decision=Decision(a.decision) if a.decision else None,
            reason=a.reason,
            decided_at=a.decided_at,
            hours_to_decision=_hours(a),
            version=a.version,
            can_decide=a.decision is None
            and order_allowed(actor, OrderPermission.DECIDE, OrderResource(a.order.lead_id)),
            synthetic=a.synthetic,
        )
        for a in alerts
    ]


def queue_order(alerts: Iterable[AlertView]) -> list[AlertView]:
    """Undecided first, overdue first among them, then by deadline; decided ones after,
    newest decision first."""
    alerts = list(alerts)
    open_ = sorted(
        (a for a in alerts if a.decision is None), key=lambda a: (not a.overdue, a.due_at, a.id)
    )
    done = sorted(
        (a for a in alerts if a.decision is not None),
        key=lambda a: a.decided_at or a.created_at,
        reverse=True,
    )
    return open_ + done


@use_case
def alert_queue(actor: Actor, store: CaseStore, *, decided: bool = False) -> list[AlertView]:
    """The actor's queue: alerts of the orders they lead (the coordinator: every alert),
    undecided and overdue first; with ``decided``, decided ones too. Audited."""
    ensure_order_allowed(actor, OrderPermission.QUEUE)
    with store.unit_of_work() as session:
        query = select(BreachAlert).join(CourtOrder, CourtOrder.id == BreachAlert.order_id)
        if actor.role != "coordinator":
            query = query.where(CourtOrder.lead_id == actor.user_id)
        if not decided:
            query = query.where(BreachAlert.decision.is_(None))
        alerts = list(session.scalars(query))
        record(session, actor, AuditKind.ALERT_LIST, "alert", None, detail=f"{len(alerts)} alerts")
        return queue_order(alert_views(session, actor, alerts))


@use_case
def decide_alert(actor: Actor, store: CaseStore, alert_id: int, data: DecisionCreate) -> AlertView:
    """Record the lead's decision on an alert, with the reason. Once made, a decision stands
    (a new report is a new alert).

    Raises
    ------
    Conflict
        The alert was decided already, or changed since ``data.version`` was read.
    """
    try:
        return _decide(actor, store, alert_id, data)
    except StaleDataError:  # decided at the same moment by another request
        raise Conflict(f"alert {alert_id} was decided or changed meanwhile: reload it") from None


def _decide(actor: Actor, store: CaseStore, alert_id: int, data: DecisionCreate) -> AlertView:
    with store.unit_of_work() as session:
        alert = session.get(BreachAlert, alert_id)
        if alert is None:
            raise not_found("alert", alert_id)
        ensure_order_allowed(
            actor, OrderPermission.DECIDE, OrderResource(alert.order.lead_id), "alert", alert_id
        )
        if alert.decision is not None or alert.version != data.version:
            raise Conflict(f"alert {alert_id} was decided or changed meanwhile: reload it")
        alert.decision = data.decision.value
        alert.reason = data.reason
        alert.decided_at = utcnow()
        alert.decided_by_id = actor.user_id
        record(
            session, actor, AuditKind.ALERT_DECIDE, "alert", alert_id, detail=data.decision.value
        )
        session.flush()
        return alert_views(session, actor, [alert])[0]


@use_case
def report_breach(actor: Actor, store: CaseStore, order_id: int, data: BreachReport) -> AlertView:
    """A breach reported by hand (seen by an officer, told by a witness): an alert for the
    order's lead like any other. A time in the future is refused (``occurred_at``)."""
    check_not_future("occurred_at", data.occurred_at, utcnow(), store.settings.clock_skew_minutes)
    with store.unit_of_work() as session:
        order = session.get(CourtOrder, order_id)
        if order is None:
            raise not_found("order", order_id)
        ensure_order_allowed(
            actor, OrderPermission.MANAGE, OrderResource(order.lead_id), "order", order_id
        )
        now = utcnow()
        alert = BreachAlert(
            order_id=order.id,
            kind=AlertKind.MANUAL.value,
            dedupe_key=f"m{order.id}:{now.strftime('%Y%m%d%H%M%S%f')}",
            event_at=data.occurred_at,
            created_at=now,
            due_at=deadline(now, store.settings.breach_deadline_days),
            lead_id=order.lead_id,
            detail=data.detail,
            reported_by_id=actor.user_id,
            synthetic=order.synthetic,
        )
        session.add(alert)
        session.flush()
        record(session, actor, AuditKind.ALERT_CREATE, "alert", alert.id, detail="manual report")
        return alert_views(session, actor, [alert])[0]
