"""Linking an existing young person to another incident by pseudonym, and the coordinator's
name search: access as for adding a person, audited, names never shown in results."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from upstream.cases import service
from upstream.cases.access import AccessDenied
from upstream.cases.db import CaseStore, dispose_all
from upstream.cases.duplicate_review import resolve_duplicate
from upstream.cases.linking import link_person, search_people
from upstream.cases.models import AuditEvent, DuplicateFlag, Involvement
from upstream.cases.schemas import (
    DuplicateResolve,
    IncidentCreate,
    OfferCreate,
    PersonCreate,
    PersonLink,
    PersonSearch,
)
from upstream.cases.service import Conflict
from upstream.cases.vocab import Agency, Role, Service
from upstream.web import create_app

from .conftest import WHY, add_user
from .test_auth import _form_token, page_login
from .test_flow import api_login


def _incident(store: CaseStore, actor: object, when: str = "2026-11-01T12:00:00Z") -> int:
    return service.create_incident(
        actor,  # type: ignore[arg-type]
        store,
        IncidentCreate(occurred_at=when, offence="Robbery"),
    ).id


def _events(store: CaseStore, action: str) -> list[AuditEvent]:
    with store.unit_of_work() as session:
        found = session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        ).all()
        session.expunge_all()
        return list(found)


def test_the_coordinator_links_an_existing_young_person(store: CaseStore) -> None:
    coordinator = add_user(store, "coord", Role.COORDINATOR, Agency.COUNCIL)
    first, second = _incident(store, coordinator), _incident(store, coordinator)
    person = service.add_person(
        coordinator,
        store,
        first,
        PersonCreate(role="victim", given_name="Ada", family_name="Okafor"),
    )
    linked = link_person(
        coordinator, store, second, PersonLink(pseudonym=person.pseudonym.lower(), role="suspect")
    )
    assert [(i.incident_id, i.role) for i in linked.involvements] == [
        (first, "victim"),
        (second, "suspect"),
    ]
    assert [p.pseudonym for p in service.get_incident(coordinator, store, second).people] == [
        person.pseudonym
    ]
    (event,) = _events(store, "person.link")
    assert (event.record_id, event.detail, event.purpose) == (
        person.pseudonym,
        f"incident {second} as suspect",
        "direct_support",
    )
    with pytest.raises(Conflict, match="already linked"):
        link_person(
            coordinator, store, second, PersonLink(pseudonym=person.pseudonym, role="friend")
        )
    with pytest.raises(service.NotFound):
        link_person(coordinator, store, second, PersonLink(pseudonym="YP-00000000", role="friend"))
    # a record merged into another cannot be linked: the kept one is
    service.add_person(
        coordinator,
        store,
        second,
        PersonCreate(role="friend", given_name="Ada", family_name="Okafor"),
    )
    with store.unit_of_work() as session:
        flag_id = session.scalars(select(DuplicateFlag.id)).one()
    merged = resolve_duplicate(coordinator, store, flag_id, DuplicateResolve(resolution="merge"))
    third = _incident(store, coordinator)
    with pytest.raises(Conflict, match="merged"):
        link_person(
            coordinator, store, third, PersonLink(pseudonym=merged.other_pseudonym, role="witness")
        )
    link_person(coordinator, store, third, PersonLink(pseudonym=merged.pseudonym, role="witness"))


def test_caseworkers_link_only_people_they_already_see(store: CaseStore) -> None:
    coordinator = add_user(store, "coord", Role.COORDINATOR, Agency.COUNCIL)
    navigator = add_user(store, "nav", Role.CASEWORKER, Agency.HEALTH, Service.AE_NAVIGATOR)
    analyst = add_user(store, "ana", Role.ANALYST, Agency.POLICE)
    admin = add_user(store, "adm", Role.ADMIN, Agency.COUNCIL)
    theirs, other = _incident(store, coordinator), _incident(store, coordinator)
    seen = service.add_person(coordinator, store, theirs, PersonCreate(role="victim"))
    service.make_offer(coordinator, store, seen.pseudonym, OfferCreate(service="ae_navigator"))
    stranger = service.add_person(coordinator, store, other, PersonCreate(role="victim"))
    service.make_offer(coordinator, store, stranger.pseudonym, OfferCreate(service="sport"))
    own = _incident(store, navigator)  # recorded by the navigator: in their scope

    linked = link_person(navigator, store, own, PersonLink(pseudonym=seen.pseudonym, role="friend"))
    assert own in [i.incident_id for i in linked.involvements]
    denied_before = len(_events(store, "access.denied"))
    # a stranger's pseudonym cannot be pulled into the navigator's own incident
    with pytest.raises(AccessDenied):
        link_person(navigator, store, own, PersonLink(pseudonym=stranger.pseudonym, role="friend"))
    # nor can anyone be linked to an incident out of the navigator's scope
    with pytest.raises(AccessDenied):
        link_person(navigator, store, other, PersonLink(pseudonym=seen.pseudonym, role="witness"))
    for actor in (analyst, admin):
        with pytest.raises(AccessDenied):
            link_person(actor, store, own, PersonLink(pseudonym=seen.pseudonym, role="sibling"))
    assert len(_events(store, "access.denied")) == denied_before + 4
    with store.unit_of_work() as session:
        assert session.scalar(select(Involvement.id).where(Involvement.incident_id == other)) and (
            len(session.scalars(select(Involvement).where(Involvement.incident_id == own)).all())
            == 1
        )
    with pytest.raises(AccessDenied):  # the stranger stays out of sight
        service.get_person(navigator, store, stranger.pseudonym)


def test_name_search_is_for_coordinators_audited_and_shows_no_names(store: CaseStore) -> None:
    coordinator = add_user(store, "coord", Role.COORDINATOR, Agency.COUNCIL)
    navigator = add_user(store, "nav", Role.CASEWORKER, Agency.HEALTH, Service.AE_NAVIGATOR)
    analyst = add_user(store, "ana", Role.ANALYST, Agency.POLICE)
    incident = _incident(store, coordinator)
    amara = service.add_person(
        coordinator,
        store,
        incident,
        PersonCreate(
            role="victim", given_name="Amara", family_name="Okafor", date_of_birth="2010-02-03"
        ),
    )
    service.add_person(
        coordinator,
        store,
        incident,
        PersonCreate(role="sibling", given_name="Tobi", family_name="Okafor"),
    )
    found = search_people(coordinator, store, PersonSearch(family_name="okafor", reason=WHY))
    assert len(found) == 2
    narrowed = search_people(
        coordinator,
        store,
        PersonSearch(
            given_name="AMARA", family_name="Okafor", date_of_birth="2010-02-03", reason=WHY
        ),
    )
    assert [m.pseudonym for m in narrowed] == [amara.pseudonym]
    assert narrowed[0].matched_on == ["given_name", "family_name", "date_of_birth"]
    assert [(i.incident_id, i.role) for i in narrowed[0].involvements] == [(incident, "victim")]
    assert search_people(coordinator, store, PersonSearch(family_name="Nobody", reason=WHY)) == []
    dumped = str([m.model_dump() for m in found + narrowed])
    assert "Okafor" not in dumped and "Amara" not in dumped and "2010" not in dumped

    searches = _events(store, "person.search")
    summaries = [e for e in searches if e.record_id is None]
    assert [e.detail for e in summaries] == [
        "by family_name: 2 found",
        "by given_name, family_name, date_of_birth: 1 found",
        "by family_name: 0 found",
    ]
    assert {e.purpose for e in searches} == {"direct_support"}
    assert {e.record_id for e in searches if e.record_id} == {m.pseudonym for m in found}
    for e in searches:
        assert "okafor" not in (e.detail or "").lower()

    for actor in (navigator, analyst):
        with pytest.raises(AccessDenied):
            search_people(actor, store, PersonSearch(family_name="Okafor", reason=WHY))
    assert [e.detail for e in _events(store, "access.denied")] == ["person.search"] * 2
    with pytest.raises(ValueError, match="given name or a family name"):
        PersonSearch(date_of_birth="2010-02-03", reason=WHY)


def test_linking_and_searching_from_the_incident_page(sqlite_store: CaseStore) -> None:
    store = sqlite_store
    coordinator = add_user(store, "coord", Role.COORDINATOR, Agency.COUNCIL)
    add_user(store, "nav", Role.CASEWORKER, Agency.HEALTH, Service.AE_NAVIGATOR)
    first, second = _incident(store, coordinator), _incident(store, coordinator)
    person = service.add_person(
        coordinator,
        store,
        first,
        PersonCreate(role="victim", given_name="Zed", family_name="Quill"),
    )
    service.make_offer(coordinator, store, person.pseudonym, OfferCreate(service="ae_navigator"))
    try:
        app = create_app(store.settings)
        with (
            TestClient(app, follow_redirects=False) as coord,
            TestClient(app, follow_redirects=False) as nav,
        ):
            page_login(coord, "coord")
            page = coord.get(f"/cases/incidents/{second}").text
            assert 'id="search"' in page and 'id="link"' in page
            token = _form_token(page)
            results = coord.post(
                f"/cases/incidents/{second}/search",
                data={"csrf_token": token, "family_name": "quill", "reason": WHY},
            )
            assert results.status_code == 200
            assert person.pseudonym in results.text and "Quill" not in results.text
            assert re.search(r'id="matches"', results.text)
            linked = coord.post(
                f"/cases/incidents/{second}/links",
                data={"csrf_token": token, "pseudonym": person.pseudonym, "role": "witness"},
            )
            assert linked.headers["location"] == f"/cases/incidents/{second}"
            after = coord.get(f"/cases/incidents/{second}").text
            assert f"{person.pseudonym}</a> (witness)" in after

            # the navigator sees the pseudonym form but no name search, and is refused one
            page_login(nav, "nav")
            own = nav.get(f"/cases/incidents/{first}").text
            assert 'id="link"' in own and 'id="search"' not in own
            refused = nav.post(
                f"/cases/incidents/{first}/search",
                data={"csrf_token": _form_token(own), "family_name": "Quill", "reason": WHY},
            )
            assert refused.status_code == 403 and person.pseudonym not in refused.text

            # and through the API
            headers = api_login(coord, "coord")
            fourth = _incident(store, coordinator)
            made = coord.post(
                f"/api/cases/incidents/{fourth}/links",
                headers=headers,
                json={"pseudonym": person.pseudonym, "role": "friend"},
            )
            assert made.status_code == 201, made.text
            assert "given_name" not in made.text
            found = coord.post(
                "/api/cases/people/search",
                headers=headers,
                json={"family_name": "Quill", "reason": WHY},
            )
            assert [m["pseudonym"] for m in found.json()] == [person.pseudonym]
            assert "Quill" not in found.text
    finally:
        dispose_all()
