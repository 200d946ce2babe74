"""Per-field access and scope (issue 10, items 1, 3, 14 and 15), on SQLite and PostgreSQL.

* Contact notes: a caseworker reads their own service's notes only; other services' offers
  show as status; health notes reach health staff and the coordinator only; the
  coordinator's reads of another agency's notes are audited as such.
* Scope comes from one's own service's involvement: someone else's link never widens it.
* Access ends after the grace period once the offer or the case closes.
* Possible duplicates outside the reader's scope are not shown; unknown and out-of-scope
  ids are both answered 404 and both audited.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from upstream.cases import service
from upstream.cases.access import AccessDenied, Actor
from upstream.cases.board import board
from upstream.cases.db import CaseStore, dispose_all
from upstream.cases.linking import link_person
from upstream.cases.models import AuditEvent, Offer, Person, utcnow
from upstream.cases.schemas import (
    ContactCreate,
    IncidentCreate,
    OfferCreate,
    OfferUpdate,
    PersonCreate,
    PersonLink,
    PersonUpdate,
)
from upstream.cases.service import NotFound
from upstream.cases.vocab import Agency, Role, Service
from upstream.web import create_app

from .conftest import WHY, add_user
from .test_flow import api_login

NOTES = {
    Service.AE_NAVIGATOR: "NAVNOTE seen at Whipps Cross, stab wound",
    Service.CUSTODY_MENTOR: "MENTORNOTE met at custody suite",
    Service.YOUTH_AT_RISK: "YOUTHNOTE home visit, mum present",
}


class Team:
    """The coordinator and one caseworker per service, as actors."""

    def __init__(self, store: CaseStore) -> None:
        self.coordinator = add_user(store, "coord", Role.COORDINATOR, Agency.COUNCIL)
        self.police_coordinator = add_user(store, "coord2", Role.COORDINATOR, Agency.POLICE)
        self.workers: dict[Service, Actor] = {
            Service.AE_NAVIGATOR: add_user(
                store, "nav", Role.CASEWORKER, Agency.HEALTH, Service.AE_NAVIGATOR
            ),
            Service.CUSTODY_MENTOR: add_user(
                store, "mentor", Role.CASEWORKER, Agency.VOLUNTARY, Service.CUSTODY_MENTOR
            ),
            Service.YOUTH_AT_RISK: add_user(
                store, "youth", Role.CASEWORKER, Agency.COUNCIL, Service.YOUTH_AT_RISK
            ),
            Service.FAMILY_THERAPY: add_user(
                store, "therapist", Role.CASEWORKER, Agency.HEALTH, Service.FAMILY_THERAPY
            ),
        }


def _incident(store: CaseStore, actor: Actor) -> int:
    return service.create_incident(
        actor,
        store,
        IncidentCreate(occurred_at=utcnow() - timedelta(hours=3), offence="Robbery"),
    ).id


def _young_person_with_three_services(store: CaseStore, team: Team) -> str:
    incident = _incident(store, team.coordinator)
    person = service.add_person(
        team.coordinator,
        store,
        incident,
        PersonCreate(role="victim", given_name="Jo", family_name="Bloggs", health_notes="HEALTH"),
    )
    for s, note in NOTES.items():
        offer = service.make_offer(
            team.coordinator, store, person.pseudonym, OfferCreate(service=s)
        )
        service.record_contact(
            team.workers[s],
            store,
            offer.id,
            ContactCreate(method="phone", reached=True, notes=note),
        )
    return person.pseudonym


def _notes_seen(detail: service.PersonDetail) -> set[str]:
    return {c.notes or "" for o in detail.offers for c in o.contacts}


def test_each_caseworker_reads_only_their_own_services_contact_notes(store: CaseStore) -> None:
    team = Team(store)
    pseudonym = _young_person_with_three_services(store, team)
    for s in NOTES:
        detail = service.get_person(team.workers[s], store, pseudonym)
        assert _notes_seen(detail) == {NOTES[s]}, s
        # every service's offer is there, as status only unless it is their own
        assert {o.service for o in detail.offers} == set(NOTES)
        others = [o for o in detail.offers if o.service != s]
        assert all(not o.notes_visible and o.contacts == [] for o in others)
        assert all(o.reached_at is not None and o.attempts == 1 for o in others)
        # health details only for the health agency's navigator
        assert (detail.health_notes == "HEALTH") is (s == Service.AE_NAVIGATOR)
    # the family therapist has no involvement: not even the record
    with pytest.raises(AccessDenied):
        service.get_person(team.workers[Service.FAMILY_THERAPY], store, pseudonym)


def test_the_coordinator_reads_all_notes_and_other_agencies_reads_are_audited(
    store: CaseStore,
) -> None:
    team = Team(store)
    pseudonym = _young_person_with_three_services(store, team)
    detail = service.get_person(team.coordinator, store, pseudonym)
    assert _notes_seen(detail) == set(NOTES.values()) and detail.health_notes == "HEALTH"
    police = service.get_person(team.police_coordinator, store, pseudonym)
    assert _notes_seen(police) == set(NOTES.values())
    with store.unit_of_work() as session:
        reads = session.execute(
            select(AuditEvent.actor_name, AuditEvent.detail).where(
                AuditEvent.action == "contact.read_other_agency"
            )
        ).all()
    by_whom: dict[str, set[str]] = {}
    for name, detail_text in reads:
        by_whom.setdefault(name, set()).add(detail_text.split(": ")[1].split(" ")[0])
    # the council coordinator read health's and the voluntary sector's notes, not council's
    assert by_whom["coord"] == {"ae_navigator", "custody_mentor"}
    # the police coordinator read all three agencies' notes
    assert by_whom["coord2"] == {"ae_navigator", "custody_mentor", "youth_at_risk"}


def test_the_json_api_gives_a_custody_mentor_no_other_services_notes(pg_store: CaseStore) -> None:
    team = Team(pg_store)
    pseudonym = _young_person_with_three_services(pg_store, team)
    try:
        with TestClient(create_app(pg_store.settings)) as client:
            api_login(client, "mentor")
            body = client.get(f"/api/cases/people/{pseudonym}").text
    finally:
        dispose_all()
    assert NOTES[Service.CUSTODY_MENTOR] in body
    assert "NAVNOTE" not in body and "YOUTHNOTE" not in body and "HEALTH" not in body


def test_someone_elses_link_does_not_widen_a_caseworkers_scope(store: CaseStore) -> None:
    team = Team(store)
    mentor, youth = team.workers[Service.CUSTODY_MENTOR], team.workers[Service.YOUTH_AT_RISK]
    # the mentor records an incident and adds a suspect, then offers custody mentoring
    incident = _incident(store, mentor)
    suspect = service.add_person(mentor, store, incident, PersonCreate(role="suspect"))
    service.make_offer(mentor, store, suspect.pseudonym, OfferCreate(service="custody_mentor"))
    # the youth worker works with the same suspect, and with another young person, B
    service.make_offer(
        team.coordinator, store, suspect.pseudonym, OfferCreate(service="youth_at_risk")
    )
    other = service.add_person(
        team.coordinator,
        store,
        _incident(store, team.coordinator),
        PersonCreate(role="victim", given_name="Bea", family_name="Other"),
    )
    service.make_offer(
        team.coordinator, store, other.pseudonym, OfferCreate(service="youth_at_risk")
    )
    # the youth worker links B to the mentor's incident
    link_person(youth, store, incident, PersonLink(pseudonym=other.pseudonym, role="friend"))
    assert service.get_person(youth, store, other.pseudonym).identity is not None
    # the mentor recorded that incident, but B is not their service's: no access to B
    with pytest.raises(AccessDenied) as refused:
        service.get_person(mentor, store, other.pseudonym)
    assert refused.value.conceal  # answered like an unknown id
    with pytest.raises(AccessDenied):
        service.update_person(
            mentor, store, other.pseudonym, PersonUpdate(given_name="X", version=1)
        )
    # the mentor still sees the incident and the suspect their own service works with
    assert other.pseudonym in {
        p.pseudonym for p in service.get_incident(mentor, store, incident).people
    }
    assert service.get_person(mentor, store, suspect.pseudonym).identity is not None


def test_access_ends_after_the_grace_period_and_closed_cases_leave_caseloads(
    store: CaseStore,
) -> None:
    team = Team(store)
    youth = team.workers[Service.YOUTH_AT_RISK]
    person = service.add_person(
        team.coordinator,
        store,
        _incident(store, team.coordinator),
        PersonCreate(role="victim", given_name="Gray", family_name="Period"),
    )
    offer = service.make_offer(
        team.coordinator, store, person.pseudonym, OfferCreate(service="youth_at_risk")
    )
    assert board(youth, store).totals["open_incidents"] == 1
    service.update_offer(
        youth, store, offer.id, OfferUpdate(outcome="declined", close=True, version=offer.version)
    )
    # within the grace period: still in scope, but no longer their caseload -> a reason
    within = service.get_person(youth, store, person.pseudonym)
    assert within.identity is None and within.identity_needs_reason
    assert service.get_person(youth, store, person.pseudonym, WHY).identity is not None
    assert board(youth, store).totals["open_incidents"] == 0
    # the grace period passes: the record is gone from their sight
    grace = timedelta(days=store.settings.access_grace_days, hours=1)
    with store.unit_of_work() as session:
        session.execute(update(Offer).values(closed_at=utcnow() - grace))
    with pytest.raises(AccessDenied):
        service.get_person(youth, store, person.pseudonym)
    # a closed case likewise: its open offers no longer give access after the grace period
    navigator = team.workers[Service.AE_NAVIGATOR]
    service.make_offer(
        team.coordinator, store, person.pseudonym, OfferCreate(service="ae_navigator")
    )
    assert service.get_person(navigator, store, person.pseudonym).identity is not None
    service.close_person(team.coordinator, store, person.pseudonym)
    assert board(navigator, store).totals["not_reached"] == 0
    assert service.get_person(navigator, store, person.pseudonym).identity_needs_reason
    with store.unit_of_work() as session:
        session.execute(update(Person).values(closed_at=utcnow() - grace))
    with pytest.raises(AccessDenied):
        service.get_person(navigator, store, person.pseudonym)
    # the coordinator keeps access, with a reason for a closed case
    closed = service.get_person(team.coordinator, store, person.pseudonym)
    assert closed.identity is None and closed.identity_needs_reason
    assert service.get_person(team.coordinator, store, person.pseudonym, WHY).identity


def test_duplicates_outside_scope_are_hidden_and_unknown_ids_look_like_refusals(
    store: CaseStore,
) -> None:
    team = Team(store)
    navigator = team.workers[Service.AE_NAVIGATOR]
    a = service.add_person(
        team.coordinator,
        store,
        _incident(store, team.coordinator),
        PersonCreate(
            role="victim", given_name="Ada", family_name="Twin", date_of_birth="2010-05-05"
        ),
    )
    b = service.add_person(
        team.coordinator,
        store,
        _incident(store, team.coordinator),
        PersonCreate(
            role="suspect", given_name="Ada", family_name="Twin", date_of_birth="2010-05-05"
        ),
    )
    service.make_offer(team.coordinator, store, a.pseudonym, OfferCreate(service="ae_navigator"))
    assert service.get_person(team.coordinator, store, a.pseudonym).person.possible_duplicates == [
        b.pseudonym
    ]
    assert service.get_person(navigator, store, a.pseudonym).person.possible_duplicates == []
    with pytest.raises(AccessDenied):
        service.get_person(navigator, store, b.pseudonym)
    with pytest.raises(NotFound):
        service.get_person(navigator, store, "YP-00000000")
    with store.unit_of_work() as session:
        refused = session.execute(
            select(AuditEvent.action, AuditEvent.record_id, AuditEvent.outcome).where(
                AuditEvent.actor_name == "nav", AuditEvent.outcome == "denied"
            )
        ).all()
    assert ("access.denied", b.pseudonym, "denied") in refused
    assert ("access.not_found", "YP-00000000", "denied") in refused
    # over HTTP the two are answered alike
    try:
        with TestClient(create_app(store.settings), follow_redirects=False) as client:
            api_login(client, "nav")
            hidden = client.get(f"/api/cases/people/{b.pseudonym}")
            unknown = client.get("/api/cases/people/YP-00000000")
    finally:
        dispose_all()
    assert hidden.status_code == unknown.status_code == 404
    assert hidden.json()["detail"] == f"no young person {b.pseudonym}"
    assert unknown.json()["detail"] == "no young person YP-00000000"


def test_the_api_shows_details_outside_the_caseload_for_a_reason(sqlite_store: CaseStore) -> None:
    team = Team(sqlite_store)
    person = service.add_person(
        team.coordinator,
        sqlite_store,
        _incident(sqlite_store, team.coordinator),
        PersonCreate(role="victim", given_name="Rea", family_name="Son"),
    )
    service.close_person(team.coordinator, sqlite_store, person.pseudonym)
    try:
        with TestClient(create_app(sqlite_store.settings)) as client:
            headers = api_login(client, "coord")
            plain = client.get(f"/api/cases/people/{person.pseudonym}").json()
            assert plain["identity"] is None and plain["identity_needs_reason"] is True
            short = client.post(
                f"/api/cases/people/{person.pseudonym}/view", headers=headers, json={"reason": "x"}
            )
            assert short.status_code == 422
            shown = client.post(
                f"/api/cases/people/{person.pseudonym}/view", headers=headers, json={"reason": WHY}
            ).json()
            assert shown["identity"]["given_name"] == "Rea"
    finally:
        dispose_all()
