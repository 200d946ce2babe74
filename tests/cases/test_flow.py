"""The full flow, incident -> people -> offers -> contacts -> board figures, on SQLite and
PostgreSQL: through the use cases, and through the JSON API of the running app."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from upstream.cases import service
from upstream.cases.board import board
from upstream.cases.db import CaseStore, dispose_all
from upstream.cases.schemas import (
    ContactCreate,
    IncidentCreate,
    OfferCreate,
    OfferUpdate,
    PersonCreate,
)
from upstream.cases.vocab import Agency, Role, Service
from upstream.web import create_app

from .conftest import PASSWORD, add_user, backdate, purpose_for


def test_full_flow_gives_the_board_figures(store: CaseStore) -> None:
    coordinator = add_user(store, "coord", Role.COORDINATOR, Agency.COUNCIL)
    navigator = add_user(store, "nav", Role.CASEWORKER, Agency.HEALTH, Service.AE_NAVIGATOR)
    analyst = add_user(store, "ana", Role.ANALYST, Agency.POLICE)
    now = datetime.now(UTC)

    incident = service.create_incident(
        coordinator,
        store,
        IncidentCreate(
            occurred_at=now - timedelta(hours=2),
            offence="Violence and sexual offences",
            weapon="knife_or_sharp",
            injury="serious",
            summary="Stabbing outside a chicken shop",
        ),
    )
    victim = service.add_person(
        coordinator,
        store,
        incident.id,
        PersonCreate(
            role="victim",
            given_name="Testy",
            family_name="Victim",
            date_of_birth="2009-04-01",
            health_notes="stab wound, left thigh",
        ),
    )
    suspect = service.add_person(coordinator, store, incident.id, PersonCreate(role="suspect"))
    sibling = service.add_person(coordinator, store, incident.id, PersonCreate(role="sibling"))
    ae = service.make_offer(
        coordinator,
        store,
        victim.pseudonym,
        OfferCreate(service=Service.AE_NAVIGATOR, incident_id=incident.id),
    )
    custody = service.make_offer(
        coordinator, store, suspect.pseudonym, OfferCreate(service=Service.CUSTODY_MENTOR)
    )
    service.make_offer(coordinator, store, sibling.pseudonym, OfferCreate(service="family_therapy"))
    assert ae.due_at - ae.created_at == timedelta(hours=24)
    assert custody.due_at - custody.created_at == timedelta(hours=24)
    backdate(store, 6)  # six hours on: contacts can be dated up to now
    now = datetime.now(UTC)
    victim = service.get_person(coordinator, store, victim.pseudonym).person

    # the navigator now sees the victim (an offer of their service) and records contacts
    service.record_contact(navigator, store, ae.id, ContactCreate(method="phone", reached=False))
    reached_at = victim.created_at + timedelta(hours=5)
    after = service.record_contact(
        navigator, store, ae.id, ContactCreate(method="visit", reached=True, at=reached_at)
    )
    assert after.attempts == 2 and after.reached_at == reached_at
    closed = service.update_offer(
        navigator, store, ae.id, OfferUpdate(outcome="accepted", close=True, version=after.version)
    )
    assert closed.outcome == "accepted" and closed.closed_at is not None

    figures = board(coordinator, store)
    assert figures.totals == {
        "open_incidents": 1,
        "not_reached": 2,
        "overdue": 0,
        "late_entries": 0,
    }
    assert [(i.id, i.people, i.not_reached) for i in figures.open_incidents] == [
        (incident.id, 3, 2)
    ]
    assert {p.pseudonym for p in figures.not_reached} == {suspect.pseudonym, sibling.pseudonym}
    week = [w for w in figures.weekly if w.people]
    assert len(week) == 1
    w = week[0]
    assert (w.people, w.offered, w.reached, w.accepted) == (3, 3, 1, 1)
    assert (w.offered_pct, w.reached_pct, w.accepted_pct) == (100.0, 33.3, 33.3)
    assert w.median_hours_to_first_contact == 5.0
    # only the current week is still running
    assert [x.in_progress for x in figures.weekly] == [False] * (len(figures.weekly) - 1) + [True]

    # two days on, the custody mentor's 24-hour deadline has passed, family therapy's has not
    later = board(coordinator, store, now=now + timedelta(hours=42))
    assert later.totals["overdue"] == 1
    assert [o.pseudonym for o in later.overdue] == [suspect.pseudonym]

    # the navigator's board counts only young people with an A&E navigator offer
    own = board(navigator, store)
    assert own.service == Service.AE_NAVIGATOR
    assert own.totals == {"open_incidents": 0, "not_reached": 0, "overdue": 0, "late_entries": 0}
    assert [(w.people, w.reached) for w in own.weekly if w.people] == [(1, 1)]

    # analysts get the figures and no lists
    theirs = board(analyst, store)
    assert not theirs.lists_visible
    assert theirs.open_incidents == theirs.not_reached == theirs.overdue == []
    assert theirs.weekly == figures.weekly


def test_full_flow_through_the_json_api(pg_store: CaseStore) -> None:
    add_user(pg_store, "coord", Role.COORDINATOR, Agency.COUNCIL)
    add_user(pg_store, "nav", Role.CASEWORKER, Agency.HEALTH, Service.AE_NAVIGATOR)
    app = create_app(pg_store.settings)
    try:
        with TestClient(app) as coord, TestClient(app) as nav:
            h = api_login(coord, "coord")
            incident = coord.post(
                "/api/cases/incidents",
                headers=h,
                json={
                    "occurred_at": "2026-11-01T16:30:00+00:00",
                    "offence": "Robbery",
                    "weapon": "knife_or_sharp",
                    "injury": "minor",
                },
            )
            assert incident.status_code == 201, incident.text
            iid = incident.json()["id"]
            person = coord.post(
                f"/api/cases/incidents/{iid}/people",
                headers=h,
                json={"role": "victim", "given_name": "Api", "family_name": "Person"},
            ).json()
            assert "given_name" not in person
            pseudonym = person["pseudonym"]
            offer = coord.post(
                f"/api/cases/people/{pseudonym}/offers",
                headers=h,
                json={"service": "ae_navigator", "incident_id": iid},
            ).json()
            hn = api_login(nav, "nav")
            contact = nav.post(
                f"/api/cases/offers/{offer['id']}/contacts",
                headers=hn,
                json={"method": "phone", "reached": True},
            )
            assert contact.status_code == 201, contact.text
            detail = nav.get(f"/api/cases/people/{pseudonym}").json()
            assert detail["identity"]["given_name"] == "Api"
            assert detail["person"]["reached"] is True
            figures = coord.get("/api/cases/board").json()
            assert figures["totals"] == {
                "open_incidents": 1,
                "not_reached": 0,
                "overdue": 0,
                "late_entries": 0,
            }
            # a change without the CSRF token is refused
            assert (
                coord.post(
                    f"/api/cases/people/{pseudonym}/offers", json={"service": "sport"}
                ).status_code
                == 403
            )
    finally:
        dispose_all()


def api_login(client: TestClient, username: str, password: str = PASSWORD) -> dict[str, str]:
    """Log ``client`` in through the API; returns the header carrying its CSRF token."""
    token = client.get("/api/auth/csrf").json()["csrf_token"]
    response = client.post(
        "/api/auth/login",
        headers={"X-CSRF-Token": token},
        json={"username": username, "password": password, "purpose": purpose_for(username)},
    )
    assert response.status_code == 200, response.text
    return {"X-CSRF-Token": response.json()["csrf_token"]}
