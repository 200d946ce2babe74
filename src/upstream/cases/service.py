"""Use cases of the case store. Each takes the acting user first and runs in a unit of work.

Every function checks the policy (:func:`guard`, which asks
:func:`upstream.cases.access.is_allowed`) before it reads or changes a record, reads each
personal field only as :func:`upstream.cases.access.may_read` allows, and adds an audit event
for every read and change of personal data to the same unit of work, so the change and its
audit record are committed together or not at all. A refusal (and a request for an unknown
id) is audited in its own transaction and raised as
:class:`~upstream.cases.access.AccessDenied` (or :class:`NotFound`).
"""

from __future__ import annotations

import functools
import re
import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import Concatenate, ParamSpec, TypeVar, cast

from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from upstream.cases.access import (
    AccessDenied,
    Action,
    Actor,
    Field,
    Resource,
    is_allowed,
    may_read,
    needs_reason,
    other_agency,
)
from upstream.cases.audit import AuditKind, record
from upstream.cases.db import CaseStore
from upstream.cases.duplicates import flag_possible_duplicates, open_flags_for
from upstream.cases.ingested import find_ingested, incident_values
from upstream.cases.models import Contact, Incident, Involvement, Offer, Person, utcnow
from upstream.cases.schemas import (
    ContactCreate,
    ContactRecord,
    IncidentCreate,
    IncidentDetail,
    IngestedIncidentPublic,
    InvolvementPublic,
    OfferCreate,
    OfferDetail,
    OfferRow,
    OfferUpdate,
    PersonCreate,
    PersonDetail,
    PersonIdentity,
    PersonPublic,
    PersonUpdate,
)
from upstream.cases.scope import incident_resource, offer_resource, person_resource
from upstream.cases.times import check_contact_time, check_not_future
from upstream.cases.vocab import (
    DEFAULT_DEADLINE_HOURS,
    IDENTITY_FIELDS,
    InvolvementRole,
    Role,
    Service,
)

__all__ = [
    "Conflict",
    "NotFound",
    "add_person",
    "close_incident",
    "close_person",
    "concealed_message",
    "create_incident",
    "deadline_hours",
    "get_incident",
    "get_person",
    "guard",
    "ingested_incident",
    "make_offer",
    "new_involvement",
    "not_found",
    "offer_row",
    "record_contact",
    "update_offer",
    "update_person",
    "use_case",
]

T = TypeVar("T")
P = ParamSpec("P")


class NotFound(LookupError):
    """No such record (the message names only its kind and pseudonymous id)."""

    def __init__(
        self, message: str, record_type: str = "-", record_id: str | int | None = None
    ) -> None:
        super().__init__(message)
        self.record_type = record_type
        self.record_id = None if record_id is None else str(record_id)
        self.audited = False


_KIND_LABEL = {
    "person": "young person",
    "incident": "incident",
    "offer": "offer",
    "user": "user",
    "duplicate": "possible duplicate",
}


def not_found(record_type: str, record_id: str | int) -> NotFound:
    """The refusal of an unknown id: ``no young person YP-...``."""
    label = _KIND_LABEL.get(record_type, record_type)
    return NotFound(f"no {label} {record_id}", record_type, record_id)


def concealed_message(exc: AccessDenied) -> str:
    """What a refusal of a record outside one's scope says: the same as an unknown id."""
    return str(not_found(exc.record_type, exc.record_id or "-"))


class Conflict(Exception):
    """The record changed since it was read, or is closed: reload and try again."""


def guard(
    actor: Actor,
    action: Action,
    resource: Resource | None,
    record_type: str,
    record_id: str | int | None = None,
) -> None:
    """Raise :class:`AccessDenied` (naming the record, for the audit) unless allowed.

    A refusal about a record that exists (a ``resource`` and its id) is marked ``conceal``:
    pages and the API answer it as they answer an unknown id.
    """
    if not is_allowed(actor, action, resource):
        exc = AccessDenied(actor, action, record_type, record_id)
        exc.conceal = resource is not None and record_id is not None
        raise exc


def use_case(
    fn: Callable[Concatenate[Actor, CaseStore, P], T],
) -> Callable[Concatenate[Actor, CaseStore, P], T]:
    """Audit every refusal of ``fn`` and every unknown id asked for, after its unit of work
    has rolled back."""

    @functools.wraps(fn)
    def wrapper(actor: Actor, store: CaseStore, *args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return fn(actor, store, *args, **kwargs)
        except AccessDenied as exc:
            if not exc.audited:
                with store.unit_of_work() as session:
                    record(
                        session,
                        actor,
                        AuditKind.DENIED,
                        exc.record_type,
                        exc.record_id,
                        detail=exc.action.value,
                        outcome="denied",
                    )
                exc.audited = True
            raise
        except NotFound as exc:
            if not exc.audited:
                with store.unit_of_work() as session:
                    record(
                        session,
                        actor,
                        AuditKind.NOT_FOUND,
                        exc.record_type,
                        exc.record_id,
                        detail=fn.__name__,
                        outcome="denied",
                    )
                exc.audited = True
            raise

    return cast(Callable[Concatenate[Actor, CaseStore, P], T], wrapper)


def _retrying(work: Callable[[], T], attempts: int = 8) -> T:
    """Run ``work`` again when a concurrent change made its optimistic version check fail."""
    for attempt in range(attempts):
        try:
            return work()
        except (StaleDataError, OperationalError) as exc:
            if isinstance(exc, OperationalError) and "locked" not in str(exc):
                raise
            if attempt == attempts - 1:
                raise Conflict("the record is being changed by someone else; try again") from None
    raise AssertionError("unreachable")


def deadline_hours(store: CaseStore, service: str) -> int:
    """Hours allowed from an offer to the first contact with the young person."""
    overrides = store.settings.case_deadlines
    return int(overrides.get(service, DEFAULT_DEADLINE_HOURS[Service(service)]))


# -- resources ---------------------------------------------------------------------------


def _grace(store: CaseStore) -> int:
    return store.settings.access_grace_days


def _person_resource(
    session: Session, store: CaseStore, person: Person, service: str | None = None
) -> Resource:
    return person_resource(session, person, _grace(store), service)


def _incident_resource(session: Session, store: CaseStore, incident: Incident) -> Resource:
    return incident_resource(session, incident, _grace(store))


# -- reading helpers ---------------------------------------------------------------------


PSEUDONYM = re.compile(r"^YP-[0-9A-F]{8}$")
"""The form of every young person's pseudonym."""


def _person(session: Session, pseudonym: str) -> Person:
    if not PSEUDONYM.match(pseudonym):
        raise NotFound("no young person with that id", "person", "(invalid id)")
    person = session.scalars(
        select(Person)
        .where(Person.pseudonym == pseudonym)
        .options(selectinload(Person.offers).selectinload(Offer.contacts))
    ).one_or_none()
    if person is None:
        raise not_found("person", pseudonym)
    return person


def _incident(session: Session, incident_id: int) -> Incident:
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise not_found("incident", incident_id)
    return incident


def _offer(session: Session, offer_id: int) -> Offer:
    offer = session.get(Offer, offer_id)
    if offer is None:
        raise not_found("offer", offer_id)
    return offer


def offer_row(offer: Offer, pseudonym: str) -> OfferRow:
    """The list view of an offer."""
    now = utcnow()
    return OfferRow(
        id=offer.id,
        pseudonym=pseudonym,
        service=Service(offer.service),
        created_at=offer.created_at,
        due_at=offer.due_at,
        attempts=offer.attempts,
        first_attempt_at=offer.first_attempt_at,
        reached_at=offer.reached_at,
        outcome=offer.outcome,  # type: ignore[arg-type]
        closed_at=offer.closed_at,
        overdue=offer.closed_at is None and offer.reached_at is None and offer.due_at < now,
        version=offer.version,
        late_entry=offer.late_entry,
        incident_id=offer.incident_id,
    )


def _offer_detail(offer: Offer, pseudonym: str, notes: bool) -> OfferDetail:
    """An offer with its contacts when ``notes`` (the reader may read that service's notes);
    otherwise its status only."""
    return OfferDetail(
        **offer_row(offer, pseudonym).model_dump(),
        notes_visible=notes,
        contacts=[ContactRecord.model_validate(c) for c in offer.contacts] if notes else [],
    )


def _involvements(session: Session, incident_id: int) -> list[InvolvementPublic]:
    rows = session.execute(
        select(Person.pseudonym, Involvement.role)
        .join(Person, Person.id == Involvement.person_id)
        .where(Involvement.incident_id == incident_id)
        .order_by(Involvement.id)
    ).all()
    return [
        InvolvementPublic(pseudonym=p, role=InvolvementRole(r), incident_id=incident_id)
        for p, r in rows
    ]


def _incident_detail(session: Session, incident: Incident) -> IncidentDetail:
    return IncidentDetail(
        id=incident.id,
        event_ref=incident.event_ref,
        occurred_at=incident.occurred_at,
        recorded_at=incident.recorded_at,
        offence=incident.offence,
        location_type=incident.location_type,
        weapon=incident.weapon,
        injury=incident.injury,
        closed_at=incident.closed_at,
        synthetic=incident.synthetic,
        summary=incident.summary,
        people=_involvements(session, incident.id),
    )


def _person_public(
    session: Session, store: CaseStore, actor: Actor, person: Person
) -> PersonPublic:
    """The pseudonymous view; other records it points to only where the actor may see them."""
    rows = session.execute(
        select(Involvement.incident_id, Involvement.role)
        .where(Involvement.person_id == person.id)
        .order_by(Involvement.id)
    ).all()

    def visible(other: Person) -> bool:
        return is_allowed(actor, Action.PERSON_VIEW, _person_resource(session, store, other))

    merged = session.get(Person, person.merged_into_id) if person.merged_into_id else None
    return PersonPublic(
        pseudonym=person.pseudonym,
        synthetic=person.synthetic,
        created_at=person.created_at,
        closed_at=person.closed_at,
        anonymised=person.anonymised_at is not None,
        reached=any(o.reached_at is not None for o in person.offers),
        involvements=[
            InvolvementPublic(pseudonym=person.pseudonym, role=InvolvementRole(r), incident_id=i)
            for i, r in rows
        ],
        possible_duplicates=[p.pseudonym for p in open_flags_for(session, person.id) if visible(p)],
        merged=merged is not None,
        merged_into=merged.pseudonym if merged is not None and visible(merged) else None,
    )


def new_involvement(actor: Actor, incident_id: int, person_id: int, role: str) -> Involvement:
    """A link of a young person to an incident, remembering who made it (and their service:
    a caseworker's link puts the young person in their own service's scope, nobody else's)."""
    return Involvement(
        incident_id=incident_id,
        person_id=person_id,
        role=role,
        created_at=utcnow(),
        added_by_id=actor.user_id,
        added_by_service=actor.service if actor.role == Role.CASEWORKER else None,
    )


def _new_pseudonym(session: Session) -> str:
    while True:
        candidate = f"YP-{secrets.token_hex(4).upper()}"
        if session.scalar(select(Person.id).where(Person.pseudonym == candidate)) is None:
            return candidate


# -- incidents ---------------------------------------------------------------------------


@use_case
def ingested_incident(actor: Actor, store: CaseStore, event_ref: str) -> IngestedIncidentPublic:
    """The ingested incident ``event_ref``, to pre-fill the form that records it.

    Raises :class:`~upstream.cases.ingested.UnknownIngestedIncident` for an unknown id.
    The event store holds no names, so nothing personal is read (and nothing audited).
    """
    guard(actor, Action.INCIDENT_CREATE, None, "incident")
    return find_ingested(store.settings, event_ref)


@use_case
def create_incident(actor: Actor, store: CaseStore, data: IncidentCreate) -> IncidentDetail:
    """Record an incident, entered by hand or linked to an ingested ``event_ref``.

    With ``event_ref`` the time, offence, place, weapon and injury are taken from, or
    checked against, the event store (:func:`upstream.cases.ingested.incident_values`);
    an unknown id is refused. No person data are read from or copied out of the event store.
    """
    guard(actor, Action.INCIDENT_CREATE, None, "incident")
    if data.occurred_at is not None:
        check_not_future(
            "occurred_at", data.occurred_at, utcnow(), store.settings.clock_skew_minutes
        )
    values, synthetic = incident_values(store.settings, data)
    with store.unit_of_work() as session:
        incident = Incident(
            event_ref=data.event_ref,
            recorded_at=utcnow(),
            summary=data.summary or None,
            recorded_by_id=actor.user_id,
            recorded_by_agency=actor.agency,
            recorded_by_service=actor.service,
            synthetic=synthetic,
            **values,
        )
        session.add(incident)
        session.flush()
        record(
            session,
            actor,
            AuditKind.INCIDENT_CREATE,
            "incident",
            incident.id,
            detail=f"from ingested incident {data.event_ref}" if data.event_ref else None,
        )
        return _incident_detail(session, incident)


@use_case
def get_incident(actor: Actor, store: CaseStore, incident_id: int) -> IncidentDetail:
    """An incident with its summary and the pseudonyms of the young people involved."""
    with store.unit_of_work() as session:
        incident = _incident(session, incident_id)
        guard(
            actor,
            Action.INCIDENT_VIEW,
            _incident_resource(session, store, incident),
            "incident",
            incident_id,
        )
        record(session, actor, AuditKind.INCIDENT_READ, "incident", incident_id)
        return _incident_detail(session, incident)


@use_case
def close_incident(actor: Actor, store: CaseStore, incident_id: int) -> IncidentDetail:
    """Close an incident (coordinator)."""
    guard(actor, Action.INCIDENT_CLOSE, None, "incident", incident_id)
    with store.unit_of_work() as session:
        incident = _incident(session, incident_id)
        if incident.closed_at is None:
            incident.closed_at = utcnow()
        record(session, actor, AuditKind.INCIDENT_CLOSE, "incident", incident_id)
        return _incident_detail(session, incident)


# -- people ------------------------------------------------------------------------------


@use_case
def add_person(
    actor: Actor, store: CaseStore, incident_id: int, data: PersonCreate
) -> PersonPublic:
    """Add a young person to an incident; possible duplicates are flagged, never merged."""
    with store.unit_of_work() as session:
        incident = _incident(session, incident_id)
        resource = _incident_resource(session, store, incident)
        guard(actor, Action.PERSON_ADD, resource, "incident", incident_id)
        if data.health_notes:
            guard(actor, Action.PERSON_UPDATE_HEALTH, resource, "incident", incident_id)
        person = Person(
            pseudonym=_new_pseudonym(session),
            created_at=utcnow(),
            health_notes=data.health_notes or None,
            synthetic=incident.synthetic,
            **{f: getattr(data, f) or None for f in IDENTITY_FIELDS},
        )
        session.add(person)
        session.flush()
        session.add(new_involvement(actor, incident.id, person.id, data.role))
        record(
            session,
            actor,
            AuditKind.PERSON_CREATE,
            "person",
            person.pseudonym,
            detail=f"incident {incident.id} as {data.role}",
        )
        for other in flag_possible_duplicates(session, person):
            record(
                session,
                actor,
                AuditKind.DUPLICATE_FLAG,
                "person",
                person.pseudonym,
                detail=f"possible duplicate of {other}",
            )
        session.flush()
        session.refresh(person)
        return _person_public(session, store, actor, person)


@use_case
def get_person(
    actor: Actor, store: CaseStore, pseudonym: str, reason: str | None = None
) -> PersonDetail:
    """The person page, each field as the policy allows the reader (``FIELD_RULES``).

    Identity, health details and contact notes outside the reader's own caseload are shown
    only with a ``reason``, which goes on the audit events of the read.
    """
    with store.unit_of_work() as session:
        person = _person(session, pseudonym)
        resource = _person_resource(session, store, person)
        guard(actor, Action.PERSON_VIEW, resource, "person", pseudonym)
        record(session, actor, AuditKind.PERSON_READ, "person", pseudonym)
        locked = needs_reason(actor, resource) and not reason
        why = reason if needs_reason(actor, resource) else None
        identity = None
        if may_read(actor, Field.IDENTITY, resource) and not locked:
            identity = PersonIdentity(**{f: getattr(person, f) for f in IDENTITY_FIELDS})
            record(session, actor, AuditKind.PERSON_READ_IDENTITY, "person", pseudonym, reason=why)
        health_visible = may_read(actor, Field.HEALTH, resource) and not locked
        if health_visible:
            record(session, actor, AuditKind.PERSON_READ_HEALTH, "person", pseudonym, reason=why)
        offers = []
        for offer in person.offers:
            notes = not locked and may_read(actor, Field.CONTACT_NOTES, resource, offer.service)
            if notes and offer.contacts and other_agency(actor, offer.service):
                record(
                    session,
                    actor,
                    AuditKind.CONTACT_NOTES_OTHER_AGENCY,
                    "person",
                    pseudonym,
                    detail=f"offer {offer.id}: {offer.service} notes, another agency's",
                    reason=why,
                )
            offers.append(_offer_detail(offer, pseudonym, notes))
        return PersonDetail(
            person=_person_public(session, store, actor, person),
            identity=identity,
            identity_needs_reason=locked and may_read(actor, Field.IDENTITY, resource),
            health_notes=person.health_notes if health_visible else None,
            health_visible=health_visible,
            offers=offers,
            version=person.version,
        )


@use_case
def update_person(
    actor: Actor, store: CaseStore, pseudonym: str, data: PersonUpdate
) -> PersonDetail:
    """Change identifying and/or health details (optimistic: ``data.version`` must match)."""
    changed = [f for f in data.model_fields_set if f != "version"]
    with store.unit_of_work() as session:
        person = _person(session, pseudonym)
        resource = _person_resource(session, store, person)
        guard(actor, Action.PERSON_VIEW, resource, "person", pseudonym)
        if any(f in IDENTITY_FIELDS for f in changed):
            guard(actor, Action.PERSON_UPDATE_IDENTITY, resource, "person", pseudonym)
        if "health_notes" in changed:
            guard(actor, Action.PERSON_UPDATE_HEALTH, resource, "person", pseudonym)
        if person.version != data.version:
            raise Conflict("the record changed since you opened it; reload and try again")
        if person.anonymised_at is not None or person.merged_into_id is not None:
            raise Conflict("this record is anonymised or merged and cannot be changed")
        changed = [f for f in changed if getattr(person, f) != (getattr(data, f) or None)]
        for name in changed:
            setattr(person, name, getattr(data, name) or None)
        record(
            session,
            actor,
            AuditKind.PERSON_UPDATE,
            "person",
            pseudonym,
            detail="changed " + ", ".join(sorted(changed)) if changed else "no change",
        )
        try:
            session.flush()
        except StaleDataError:
            raise Conflict("the record changed since you opened it; reload and try again") from None
        if any(f in IDENTITY_FIELDS for f in changed):
            for other in flag_possible_duplicates(session, person):
                record(
                    session,
                    actor,
                    AuditKind.DUPLICATE_FLAG,
                    "person",
                    pseudonym,
                    detail=f"possible duplicate of {other}",
                )
    return get_person(actor, store, pseudonym, reason="updating the details just saved")


@use_case
def close_person(actor: Actor, store: CaseStore, pseudonym: str) -> PersonPublic:
    """Close a young person's case (coordinator); retention counts from this date."""
    guard(actor, Action.PERSON_CLOSE, None, "person", pseudonym)

    def work() -> PersonPublic:
        with store.unit_of_work() as session:
            person = _person(session, pseudonym)
            if person.closed_at is None:
                person.closed_at = utcnow()
            record(session, actor, AuditKind.PERSON_CLOSE, "person", pseudonym)
            session.flush()
            return _person_public(session, store, actor, person)

    return _retrying(work)


# -- offers and contacts -----------------------------------------------------------------


@use_case
def make_offer(actor: Actor, store: CaseStore, pseudonym: str, data: OfferCreate) -> OfferRow:
    """Offer a young person a service's support; its first-contact deadline starts now."""
    with store.unit_of_work() as session:
        person = _person(session, pseudonym)
        resource = _person_resource(session, store, person, service=data.service)
        guard(actor, Action.OFFER_CREATE, resource, "person", pseudonym)
        if person.anonymised_at is not None or person.merged_into_id is not None:
            raise Conflict("this record is anonymised or merged")
        if data.incident_id is not None:
            linked = session.scalar(
                select(Involvement.id).where(
                    Involvement.person_id == person.id,
                    Involvement.incident_id == data.incident_id,
                )
            )
            if linked is None:
                raise NotFound(
                    f"{pseudonym} is not involved in incident {data.incident_id}",
                    "incident",
                    data.incident_id,
                )
        now = utcnow()
        offer = Offer(
            person_id=person.id,
            incident_id=data.incident_id,
            service=data.service,
            created_at=now,
            due_at=now + timedelta(hours=deadline_hours(store, data.service)),
            created_by_id=actor.user_id,
        )
        session.add(offer)
        session.flush()
        record(
            session,
            actor,
            AuditKind.OFFER_CREATE,
            "person",
            pseudonym,
            detail=f"offer {offer.id} ({data.service})",
        )
        return offer_row(offer, pseudonym)


@use_case
def record_contact(actor: Actor, store: CaseStore, offer_id: int, data: ContactCreate) -> OfferRow:
    """Record a contact attempt; concurrent attempts on one offer are all kept."""

    def work() -> OfferRow:
        with store.unit_of_work() as session:
            offer = _offer(session, offer_id)
            guard(actor, Action.CONTACT_RECORD, offer_resource(offer), "offer", offer_id)
            if offer.closed_at is not None:
                raise Conflict("the offer is closed")
            now = utcnow()
            at = data.at or now
            settings = store.settings
            check_contact_time(
                at,
                offer.created_at,
                now,
                settings.clock_skew_minutes,
                settings.contact_backdate_hours,
            )
            session.add(
                Contact(
                    offer_id=offer.id,
                    at=at,
                    method=data.method,
                    reached=data.reached,
                    notes=data.notes or None,
                    by_id=actor.user_id,
                    recorded_at=now,
                )
            )
            late = at <= offer.due_at < now
            if late and offer.reached_at is None:
                offer.late_entry = True
            offer.attempts = offer.attempts + 1
            if offer.first_attempt_at is None or at < offer.first_attempt_at:
                offer.first_attempt_at = at
            if data.reached and (offer.reached_at is None or at < offer.reached_at):
                offer.reached_at = at
            pseudonym = offer.person.pseudonym
            record(
                session,
                actor,
                AuditKind.CONTACT_CREATE,
                "person",
                pseudonym,
                detail=f"offer {offer.id}: {data.method}, reached={data.reached}"
                + ("; entered after the deadline, dated before it" if late else ""),
            )
            session.flush()
            return offer_row(offer, pseudonym)

    return _retrying(work)


@use_case
def update_offer(actor: Actor, store: CaseStore, offer_id: int, data: OfferUpdate) -> OfferRow:
    """Set an offer's outcome and/or close it (optimistic: ``data.version`` must match)."""
    with store.unit_of_work() as session:
        offer = _offer(session, offer_id)
        guard(actor, Action.OFFER_UPDATE, offer_resource(offer), "offer", offer_id)
        if offer.version != data.version:
            raise Conflict("the offer changed since you opened it; reload and try again")
        if offer.closed_at is not None:
            raise Conflict("the offer is closed")
        if data.close and data.outcome is None and offer.outcome is None:
            raise Conflict("give an outcome before closing the offer")
        if data.outcome is not None:
            offer.outcome = data.outcome
        if data.close:
            offer.closed_at = utcnow()
        pseudonym = offer.person.pseudonym
        record(
            session,
            actor,
            AuditKind.OFFER_UPDATE,
            "person",
            pseudonym,
            detail=f"offer {offer.id}: outcome={offer.outcome}, closed={data.close}",
        )
        try:
            session.flush()
        except StaleDataError:
            raise Conflict("the offer changed since you opened it; reload and try again") from None
        return offer_row(offer, pseudonym)
