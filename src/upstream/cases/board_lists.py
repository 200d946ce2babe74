"""The board's lists, a page at a time: overdue offers, young people not yet reached, first
contacts entered late, and open incidents.

Each list can be sorted by one of a few columns (``SORTS``; the first is the default) and,
for the coordinator, filtered to one service; a caseworker's lists are always their own
service's caseload. Rows carry what a worker needs to act without opening the record: the
pseudonym, the incident and the young person's role in it, the service, how long they have
waited, whether the record is synthetic, and whether the incident is already closed
(closing an incident does not close the young person's offers: they still wait for contact).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, and_, func, select
from sqlalchemy.orm import Session, aliased

from upstream.cases.access import Actor
from upstream.cases.models import Incident, Involvement, Offer, Person
from upstream.cases.schemas import IncidentRow, OfferRow, PersonRow
from upstream.cases.service import offer_row
from upstream.cases.vocab import InvolvementRole, Service

__all__ = [
    "LISTS",
    "SORTS",
    "Window",
    "late_entries",
    "live_people",
    "not_reached",
    "open_incidents",
    "overdue",
    "reached_people",
]

LISTS = ("overdue", "not_reached", "late_entries", "open_incidents")
SORTS: dict[str, tuple[str, ...]] = {
    "overdue": ("due", "attempts", "service"),
    "not_reached": ("waiting", "incident"),
    "late_entries": ("due", "service"),
    "open_incidents": ("newest", "not_reached", "oldest"),
}
"""The orders each list can be shown in; the first is the default."""


@dataclass(frozen=True)
class Window:
    """Which rows of a list: ``limit`` rows from ``offset``, in order ``sort``."""

    offset: int = 0
    limit: int = 10
    sort: str | None = None


def reached_people() -> Select[int]:
    """Young people reached through any offer."""
    return select(Offer.person_id).where(Offer.reached_at.is_not(None))


def _caseload(service: str) -> Select[int]:
    """Young people with an open offer of ``service`` whose case is open."""
    return (
        select(Offer.person_id)
        .join(Person, Person.id == Offer.person_id)
        .where(Offer.service == service, Offer.closed_at.is_(None), Person.closed_at.is_(None))
    )


def live_people() -> list[ColumnElement[bool]]:
    """Open, unmerged, not anonymised young people."""
    return [
        Person.closed_at.is_(None),
        Person.merged_into_id.is_(None),
        Person.anonymised_at.is_(None),
    ]


def _count(session: Session, query: Select[tuple[object, ...]]) -> int:
    return int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)


def open_incidents(
    session: Session, actor: Actor, service: str | None, window: Window
) -> tuple[int, list[IncidentRow]]:
    """Open incidents (a caseworker's: their caseload's, and those they recorded)."""
    query = select(Incident).where(Incident.closed_at.is_(None))
    if service is not None:
        in_scope = select(Involvement.incident_id).where(
            Involvement.person_id.in_(_caseload(service))
        )
        mine = Incident.recorded_by_id == actor.user_id
        query = query.where(Incident.id.in_(in_scope) | mine)
    total = _count(session, query)  # type: ignore[arg-type]
    waiting = (
        select(func.count(Involvement.id))
        .where(
            Involvement.incident_id == Incident.id,
            Involvement.person_id.not_in(reached_people()),
        )
        .scalar_subquery()
    )
    order = {
        "newest": (Incident.occurred_at.desc(), Incident.id.desc()),
        "oldest": (Incident.occurred_at, Incident.id),
        "not_reached": (waiting.desc(), Incident.occurred_at.desc(), Incident.id.desc()),
    }[window.sort or "newest"]
    incidents = session.scalars(
        query.order_by(*order).offset(window.offset).limit(window.limit)
    ).all()
    people: dict[int, list[bool]] = defaultdict(list)
    if incidents:
        involved = session.execute(
            select(Involvement.incident_id, Involvement.person_id).where(
                Involvement.incident_id.in_([i.id for i in incidents])
            )
        ).all()
        reached = set(
            session.scalars(
                reached_people().where(Offer.person_id.in_({p for _, p in involved})).distinct()
            )
        )
        for incident_id, person_id in involved:
            people[incident_id].append(person_id in reached)
    rows = [
        IncidentRow(
            id=i.id,
            occurred_at=i.occurred_at,
            offence=i.offence,
            weapon=i.weapon,
            injury=i.injury,
            people=len(people[i.id]),
            not_reached=sum(not r for r in people[i.id]),
            synthetic=i.synthetic,
        )
        for i in incidents
    ]
    return total, rows


def not_reached(
    session: Session, service: str | None, now: datetime, window: Window
) -> tuple[int, list[PersonRow]]:
    """Young people with an open case whom no contact has reached yet."""
    firsts = (
        select(Involvement.person_id, func.min(Involvement.id).label("first_id"))
        .group_by(Involvement.person_id)
        .subquery()
    )
    query = (
        select(Person, Involvement, Incident)
        .select_from(Person)
        .join(firsts, firsts.c.person_id == Person.id)
        .join(Involvement, Involvement.id == firsts.c.first_id)
        .join(Incident, Incident.id == Involvement.incident_id)
        .where(*live_people(), Person.id.not_in(reached_people()))
    )
    if service is not None:
        open_offers = select(Offer.person_id).where(
            Offer.service == service, Offer.closed_at.is_(None)
        )
        query = query.where(Person.id.in_(open_offers))
    total = _count(session, query)  # type: ignore[arg-type]
    order = {
        "waiting": (Person.created_at, Person.id),
        "incident": (Incident.id.desc(), Person.id),
    }[window.sort or "waiting"]
    found = session.execute(query.order_by(*order).offset(window.offset).limit(window.limit)).all()
    services: dict[int, list[Service]] = defaultdict(list)
    ids = [p.id for p, _, _ in found]
    if ids:
        for person_id, offered in session.execute(
            select(Offer.person_id, Offer.service).where(
                Offer.person_id.in_(ids), Offer.closed_at.is_(None)
            )
        ):
            services[person_id].append(Service(offered))
    rows = [
        PersonRow(
            pseudonym=p.pseudonym,
            incident_id=inv.incident_id,
            role=InvolvementRole(inv.role),
            services=sorted(set(services[p.id])),
            waiting_hours=round((now - p.created_at).total_seconds() / 3600, 1),
            synthetic=p.synthetic,
            incident_closed=incident.closed_at is not None,
        )
        for p, inv, incident in found
    ]
    return total, rows


def _offers(
    session: Session, service: str | None, window: Window, *where: ColumnElement[bool]
) -> tuple[int, list[OfferRow]]:
    """Offers with their young person, and the incident and role the offer is about (the
    offer's own incident, else the young person's first)."""
    firsts = (
        select(Involvement.person_id, func.min(Involvement.id).label("first_id"))
        .group_by(Involvement.person_id)
        .subquery()
    )
    exact, first = aliased(Involvement), aliased(Involvement)
    query = (
        select(
            Offer,
            Person.pseudonym,
            Person.synthetic,
            exact.incident_id,
            exact.role,
            first.incident_id,
            first.role,
        )
        .join(Person, Person.id == Offer.person_id)
        .outerjoin(
            exact, and_(exact.incident_id == Offer.incident_id, exact.person_id == Offer.person_id)
        )
        .outerjoin(firsts, firsts.c.person_id == Offer.person_id)
        .outerjoin(first, first.id == firsts.c.first_id)
        .where(*where, *live_people())
    )
    counted = (
        select(Offer.id).join(Person, Person.id == Offer.person_id).where(*where, *live_people())
    )
    if service is not None:
        query = query.where(Offer.service == service)
        counted = counted.where(Offer.service == service)
    total = _count(session, counted)  # type: ignore[arg-type]
    order = {
        "due": (Offer.due_at, Offer.id),
        "attempts": (Offer.attempts.desc(), Offer.due_at, Offer.id),
        "service": (Offer.service, Offer.due_at, Offer.id),
    }[window.sort or "due"]
    found = session.execute(query.order_by(*order).offset(window.offset).limit(window.limit))
    rows = []
    for offer, pseudonym, synthetic, incident, role, first_incident, first_role in found:
        row = offer_row(offer, pseudonym)
        rows.append(
            row.model_copy(
                update={
                    "synthetic": synthetic,
                    "incident_id": incident or first_incident,
                    "role": role or first_role,
                }
            )
        )
    return total, rows


def overdue(
    session: Session, service: str | None, now: datetime, window: Window
) -> tuple[int, list[OfferRow]]:
    """Open offers past their deadline that have not reached the young person."""
    return _offers(
        session,
        service,
        window,
        Offer.closed_at.is_(None),
        Offer.reached_at.is_(None),
        Offer.due_at < now,
    )


def late_entries(
    session: Session, service: str | None, window: Window
) -> tuple[int, list[OfferRow]]:
    """Open offers whose first contact was entered after the deadline, dated before it."""
    return _offers(session, service, window, Offer.late_entry.is_(True), Offer.closed_at.is_(None))
