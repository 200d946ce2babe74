"""What the access policy needs to know about a record: whose scope it is in, now.

A caseworker's scope comes only from their own service's involvement with a young person:

* an offer of their service that is open, or closed less than ``access_grace_days`` ago;
* a link of the young person to an incident made by someone of their service, less than
  ``access_grace_days`` ago (so they can make an offer after adding someone);

and it ends ``access_grace_days`` after the young person's case is closed. Who recorded an
incident never puts the people someone else links to it in the recorder's scope.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from upstream.cases.access import Resource
from upstream.cases.models import Incident, Involvement, Offer, Person, utcnow

__all__ = ["incident_resource", "offer_resource", "person_resource", "visible_services"]


def _cutoff(grace_days: int, now: datetime | None = None) -> datetime:
    return (now or utcnow()) - timedelta(days=grace_days)


def visible_services(
    session: Session, person_ids: list[int], grace_days: int, now: datetime | None = None
) -> dict[int, set[str]]:
    """For each young person, the services whose involvement puts them in scope now."""
    cutoff = _cutoff(grace_days, now)
    out: dict[int, set[str]] = {p: set() for p in person_ids}
    if not person_ids:
        return out
    closed = {
        pid: at
        for pid, at in session.execute(
            select(Person.id, Person.closed_at).where(
                Person.id.in_(person_ids), Person.closed_at.is_not(None)
            )
        )
    }
    ended = {pid for pid, at in closed.items() if at is not None and at < cutoff}
    for pid, service in session.execute(
        select(Offer.person_id, Offer.service).where(
            Offer.person_id.in_(person_ids),
            or_(Offer.closed_at.is_(None), Offer.closed_at >= cutoff),
        )
    ):
        if pid not in ended:
            out[pid].add(service)
    for pid, adder in session.execute(
        select(Involvement.person_id, Involvement.added_by_service).where(
            Involvement.person_id.in_(person_ids),
            Involvement.added_by_service.is_not(None),
            Involvement.created_at >= cutoff,
        )
    ):
        if pid not in ended and adder is not None:
            out[pid].add(adder)
    return out


def person_resource(
    session: Session, person: Person, grace_days: int, service: str | None = None
) -> Resource:
    """The policy's view of a young person (``service``: an offer about to be made)."""
    services = visible_services(session, [person.id], grace_days)[person.id]
    caseload = session.scalars(
        select(Offer.service)
        .where(Offer.person_id == person.id, Offer.closed_at.is_(None))
        .distinct()
    ).all()
    open_case = person.closed_at is None
    return Resource(
        "person",
        frozenset(services),
        frozenset(),
        service,
        frozenset(caseload) if open_case else frozenset(),
        open_case,
    )


def incident_resource(session: Session, incident: Incident, grace_days: int) -> Resource:
    """The policy's view of an incident: the scope of everyone on it, and its recorder."""
    person_ids = list(
        session.scalars(select(Involvement.person_id).where(Involvement.incident_id == incident.id))
    )
    services = set().union(*visible_services(session, person_ids, grace_days).values())
    recorded = {incident.recorded_by_id} if incident.recorded_by_id is not None else set()
    return Resource("incident", frozenset(services), frozenset(recorded))


def offer_resource(offer: Offer) -> Resource:
    """The policy's view of an offer: its own service."""
    return Resource("offer", frozenset({offer.service}))
