"""The access policy: every role against every other agency's and service's records.

Records are made by the coordinator: one incident per service, with one young person holding
an offer of that service. Each caseworker must be refused everything on every other
service's records; analysts and admins of every agency must be refused every record; every
refusal must be audited.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select

from upstream.cases import service
from upstream.cases.access import AccessDenied, Action, Actor, Resource, is_allowed
from upstream.cases.admin import export_audit, list_users, view_audit
from upstream.cases.board import board
from upstream.cases.db import CaseStore
from upstream.cases.duplicate_review import list_duplicates
from upstream.cases.linking import link_person, search_people
from upstream.cases.models import AuditEvent
from upstream.cases.retention import retain
from upstream.cases.sar import subject_access_export
from upstream.cases.schemas import (
    ContactCreate,
    IncidentCreate,
    OfferCreate,
    OfferUpdate,
    PersonCreate,
    PersonLink,
    PersonSearch,
    PersonUpdate,
)
from upstream.cases.vocab import SERVICE_AGENCY, Agency, Role, Service

from .conftest import WHY, People


@dataclass
class Case:
    service: Service
    incident_id: int
    pseudonym: str
    offer_id: int


@pytest.fixture
def cases(sqlite_store: CaseStore, people: People) -> dict[Service, Case]:
    out = {}
    for s in Service:
        incident = service.create_incident(
            people.coordinator,
            sqlite_store,
            IncidentCreate(occurred_at="2026-11-01T12:00:00Z", offence="Robbery"),
        )
        person = service.add_person(
            people.coordinator,
            sqlite_store,
            incident.id,
            PersonCreate(
                role="victim",
                given_name=f"Name{s.value}",
                family_name="Secret",
                health_notes="clinical detail",
            ),
        )
        offer = service.make_offer(
            people.coordinator, sqlite_store, person.pseudonym, OfferCreate(service=s)
        )
        out[s] = Case(s, incident.id, person.pseudonym, offer.id)
    return out


def _attempts(
    store: CaseStore, case: Case, own: Service | None
) -> dict[str, Callable[[Actor], Any]]:
    other = own or Service.SPORT
    return {
        "view incident": lambda a: service.get_incident(a, store, case.incident_id),
        "add person": lambda a: service.add_person(
            a, store, case.incident_id, PersonCreate(role="witness")
        ),
        "link person": lambda a: link_person(
            a, store, case.incident_id, PersonLink(pseudonym=case.pseudonym, role="friend")
        ),
        "close incident": lambda a: service.close_incident(a, store, case.incident_id),
        "view person": lambda a: service.get_person(a, store, case.pseudonym),
        "update identity": lambda a: service.update_person(
            a, store, case.pseudonym, PersonUpdate(given_name="X", version=1)
        ),
        "update health": lambda a: service.update_person(
            a, store, case.pseudonym, PersonUpdate(health_notes="x", version=1)
        ),
        "close person": lambda a: service.close_person(a, store, case.pseudonym),
        "make offer": lambda a: service.make_offer(
            a, store, case.pseudonym, OfferCreate(service=other)
        ),
        "record contact": lambda a: service.record_contact(
            a, store, case.offer_id, ContactCreate(method="phone", reached=True)
        ),
        "update offer": lambda a: service.update_offer(
            a, store, case.offer_id, OfferUpdate(outcome="accepted", version=1)
        ),
    }


def _denials(store: CaseStore) -> int:
    with store.unit_of_work() as session:
        return len(session.scalars(select(AuditEvent).where(AuditEvent.outcome == "denied")).all())


def test_caseworkers_are_refused_every_other_services_records(
    sqlite_store: CaseStore, people: People, cases: dict[Service, Case]
) -> None:
    tried = 0
    for own, actor in people.caseworkers.items():
        for other, case in cases.items():
            if other == own:
                continue
            for what, attempt in _attempts(sqlite_store, case, own).items():
                before = _denials(sqlite_store)
                with pytest.raises(AccessDenied):
                    attempt(actor)
                assert _denials(sqlite_store) == before + 1, (own, other, what)
                tried += 1
    assert tried == 6 * 5 * 11


@pytest.mark.parametrize("role", [Role.ANALYST, Role.ADMIN])
def test_analysts_and_admins_of_every_agency_see_no_case_record(
    sqlite_store: CaseStore, people: People, cases: dict[Service, Case], role: Role
) -> None:
    for agency in Agency:
        actor = people.by_agency[(role, agency)]
        for case in cases.values():
            for attempt in _attempts(sqlite_store, case, None).values():
                with pytest.raises(AccessDenied):
                    attempt(actor)
        with pytest.raises(AccessDenied):
            list_duplicates(actor, sqlite_store)
        with pytest.raises(AccessDenied):
            search_people(actor, sqlite_store, PersonSearch(family_name="Secret", reason=WHY))


def test_caseworkers_work_on_their_own_services_records(
    sqlite_store: CaseStore, people: People, cases: dict[Service, Case]
) -> None:
    for own, actor in people.caseworkers.items():
        case = cases[own]
        detail = service.get_person(actor, sqlite_store, case.pseudonym)
        assert detail.identity is not None and detail.identity.family_name == "Secret"
        health = SERVICE_AGENCY[own] == Agency.HEALTH
        assert detail.health_visible is health
        assert detail.health_notes == ("clinical detail" if health else None)
        service.record_contact(
            actor, sqlite_store, case.offer_id, ContactCreate(method="phone", reached=True)
        )
        service.get_incident(actor, sqlite_store, case.incident_id)
        with pytest.raises(AccessDenied):  # only the coordinator closes
            service.close_person(actor, sqlite_store, case.pseudonym)
        with pytest.raises(AccessDenied):  # a caseworker offers only their own service
            other = next(s for s in Service if s != own)
            service.make_offer(actor, sqlite_store, case.pseudonym, OfferCreate(service=other))


def test_health_details_only_for_health_and_the_coordinator(
    sqlite_store: CaseStore, people: People, cases: dict[Service, Case]
) -> None:
    coordinator_view = service.get_person(
        people.coordinator, sqlite_store, cases[Service.ETE].pseudonym
    )
    assert coordinator_view.health_notes == "clinical detail"
    for coordinator in (people.by_agency[(Role.COORDINATOR, a)] for a in Agency):
        assert service.get_person(
            coordinator, sqlite_store, cases[Service.SPORT].pseudonym
        ).health_visible
    council = people.caseworkers[Service.YOUTH_AT_RISK]
    with pytest.raises(AccessDenied):
        service.update_person(
            council,
            sqlite_store,
            cases[Service.YOUTH_AT_RISK].pseudonym,
            PersonUpdate(health_notes="guess", version=1),
        )


def test_caseworkers_see_the_incidents_they_record(sqlite_store: CaseStore, people: People) -> None:
    mentor = people.caseworkers[Service.CUSTODY_MENTOR]
    incident = service.create_incident(
        mentor, sqlite_store, IncidentCreate(occurred_at="2026-11-02T09:00:00Z", offence="Drugs")
    )
    person = service.add_person(mentor, sqlite_store, incident.id, PersonCreate(role="suspect"))
    service.make_offer(
        mentor, sqlite_store, person.pseudonym, OfferCreate(service="custody_mentor")
    )
    with pytest.raises(AccessDenied):
        service.get_incident(people.caseworkers[Service.SPORT], sqlite_store, incident.id)


def test_admin_only_actions(
    sqlite_store: CaseStore, people: People, cases: dict[Service, Case]
) -> None:
    pseudonym = cases[Service.SPORT].pseudonym
    everyone = [people.coordinator, people.analyst, *people.caseworkers.values()]
    for actor in everyone:
        for attempt in (
            lambda a: view_audit(a, sqlite_store),
            lambda a: export_audit(a, sqlite_store, WHY),
            lambda a: list_users(a, sqlite_store),
            lambda a: subject_access_export(a, sqlite_store, pseudonym, WHY),
            lambda a: retain(a, sqlite_store, dry_run=True),
        ):
            with pytest.raises(AccessDenied):
                attempt(actor)
    assert subject_access_export(people.admin, sqlite_store, pseudonym, WHY)["person"]["pseudonym"]
    with pytest.raises(AccessDenied):
        board(people.admin, sqlite_store)


def test_deny_by_default() -> None:
    stranger = Actor(1, "guest", "guest", "council", None)
    system = Actor(None, "system:x", "system", "system")
    for action in Action:
        assert not is_allowed(stranger, action, Resource("person", frozenset(Service)))
        assert is_allowed(system, action) is (action == Action.RETENTION_RUN)
    # a caseworker with no service is in nobody's scope
    loose = Actor(2, "loose", Role.CASEWORKER, "council", None)
    assert not is_allowed(loose, Action.PERSON_VIEW, Resource("person", frozenset({None})))  # type: ignore[arg-type]
