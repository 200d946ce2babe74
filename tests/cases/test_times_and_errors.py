"""Times people type, back-dated contacts, and what errors may log (issue 10, items 4, 5, 6
and 12), on SQLite and PostgreSQL.

* A contact dated in year 9999, before its offer or too far back is refused naming the
  field (never a 500); so is an incident in the future or a birth date in the future.
* A first contact entered after its deadline but dated before it is accepted and flagged: the
  board lists it as a late entry.
* No bound parameter and no personal field reaches the log on any error: a real database
  fault whose own message quotes the row gives a 500 whose log line holds none of it.
* Ids from URLs are checked before anything is stored: a formula or an over-long id becomes
  ``(invalid id)`` in the audit (PostgreSQL once answered 500 for ids over 32 characters).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text

from upstream.cases import service
from upstream.cases.board import board
from upstream.cases.db import CaseStore, dispose_all
from upstream.cases.models import AuditEvent, utcnow
from upstream.cases.schemas import ContactCreate, IncidentCreate, OfferCreate, PersonCreate
from upstream.cases.times import InvalidTime
from upstream.cases.vocab import Agency, Role, Service
from upstream.web import create_app

from .conftest import add_user, backdate
from .test_flow import api_login


@pytest.fixture
def case(store: CaseStore) -> Iterator[tuple[CaseStore, str, int]]:
    """A young person with an A&E navigator offer made 30 hours ago (due 6 hours ago)."""
    coordinator = add_user(store, "coord", Role.COORDINATOR, Agency.COUNCIL)
    add_user(store, "nav", Role.CASEWORKER, Agency.HEALTH, Service.AE_NAVIGATOR)
    incident = service.create_incident(
        coordinator,
        store,
        IncidentCreate(occurred_at=utcnow() - timedelta(hours=31), offence="Robbery"),
    )
    person = service.add_person(
        coordinator,
        store,
        incident.id,
        PersonCreate(role="victim", given_name="Sam", family_name="Sample"),
    )
    offer = service.make_offer(
        coordinator, store, person.pseudonym, OfferCreate(service="ae_navigator")
    )
    backdate(store, 30)
    yield store, person.pseudonym, offer.id
    dispose_all()


def test_impossible_times_are_refused_naming_the_field(
    case: tuple[CaseStore, str, int],
) -> None:
    store, _pseudonym, offer_id = case
    with TestClient(create_app(store.settings)) as client:
        headers = api_login(client, "nav")
        url = f"/api/cases/offers/{offer_id}/contacts"
        for at, words in (
            ("9999-01-01T00:00:00+00:00", "in the future"),
            ((utcnow() + timedelta(hours=1)).isoformat(), "in the future"),
            ((utcnow() - timedelta(hours=40)).isoformat(), "before the offer was made"),
        ):
            answer = client.post(
                url, headers=headers, json={"method": "phone", "reached": True, "at": at}
            )
            assert answer.status_code == 422, answer.text
            assert any(e.startswith("at: ") and words in e for e in answer.json()["errors"])
        headers = api_login(client, "coord")
        future = client.post(
            "/api/cases/incidents",
            headers=headers,
            json={"occurred_at": "2999-05-01T12:00:00Z", "offence": "Robbery"},
        )
        assert future.status_code == 422 and "occurred_at" in future.text
        born = client.post(
            "/api/cases/incidents/1/people",
            headers=headers,
            json={"role": "victim", "date_of_birth": "2999-01-01"},
        )
        assert born.status_code == 422 and "date_of_birth" in born.text
    with store.unit_of_work() as session:
        assert session.scalar(text("SELECT count(*) FROM contacts")) == 0


def test_contacts_cannot_be_dated_further_back_than_the_limit(store: CaseStore) -> None:
    coordinator = add_user(store, "coord", Role.COORDINATOR, Agency.COUNCIL)
    incident = service.create_incident(
        coordinator, store, IncidentCreate(occurred_at=utcnow(), offence="Robbery")
    )
    person = service.add_person(coordinator, store, incident.id, PersonCreate(role="victim"))
    offer = service.make_offer(coordinator, store, person.pseudonym, OfferCreate(service="sport"))
    backdate(store, 24 * 10)
    limit = store.settings.contact_backdate_hours
    with pytest.raises(InvalidTime, match=f"up to {limit} hours"):
        service.record_contact(
            coordinator,
            store,
            offer.id,
            ContactCreate(method="visit", reached=True, at=utcnow() - timedelta(hours=limit + 1)),
        )
    service.record_contact(
        coordinator,
        store,
        offer.id,
        ContactCreate(method="visit", reached=True, at=utcnow() - timedelta(hours=limit - 1)),
    )


def test_a_first_contact_entered_after_the_deadline_is_flagged(
    case: tuple[CaseStore, str, int],
) -> None:
    store, pseudonym, offer_id = case
    with store.unit_of_work() as session:
        navigator = add_user(store, "nav2", Role.CASEWORKER, Agency.HEALTH, Service.AE_NAVIGATOR)
        coordinator_id = session.scalar(text("SELECT id FROM users WHERE username = 'coord'"))
    assert coordinator_id is not None
    before = board(navigator, store)
    assert before.totals["overdue"] == 1 and before.totals["late_entries"] == 0
    # entered now, dated 28 hours ago: before the deadline that passed 6 hours ago
    dated = utcnow() - timedelta(hours=28)
    row = service.record_contact(
        navigator, store, offer_id, ContactCreate(method="phone", reached=True, at=dated)
    )
    assert row.late_entry and not row.overdue
    after = board(navigator, store)
    assert after.totals["overdue"] == 0 and after.totals["late_entries"] == 1
    assert [o.pseudonym for o in after.late_entries] == [pseudonym]
    detail = service.get_person(navigator, store, pseudonym)
    assert detail.offers[0].late_entry
    stored = detail.offers[0].contacts[0]
    assert stored.at == dated
    with store.unit_of_work() as session:
        entered = session.scalar(text("SELECT recorded_at FROM contacts"))
        events = session.scalars(
            select(AuditEvent.detail).where(AuditEvent.action == "contact.create")
        ).all()
    assert entered is not None
    assert any("entered after the deadline" in (d or "") for d in events)


def _fault(store: CaseStore) -> None:
    """A real database refusal whose own message quotes the row (notes included)."""
    with store.engine.begin() as connection:
        if store.engine.dialect.name == "sqlite":
            connection.execute(
                text(
                    "CREATE TRIGGER contacts_refuse BEFORE INSERT ON contacts "
                    "WHEN NEW.notes LIKE '%LEAKME%' "
                    "BEGIN SELECT RAISE(ABORT, 'refused row with notes'); END"
                )
            )
        else:
            connection.execute(
                text(
                    "ALTER TABLE contacts ADD CONSTRAINT contacts_refuse "
                    "CHECK (notes NOT LIKE '%LEAKME%')"
                )
            )


def test_no_personal_field_reaches_the_log_on_a_server_error(
    case: tuple[CaseStore, str, int], caplog: pytest.LogCaptureFixture
) -> None:
    store, pseudonym, offer_id = case
    assert store.engine.hide_parameters
    _fault(store)
    secret = "LEAKME Jane Doe, 07700 900123, 14 Acacia Avenue"
    caplog.set_level(logging.DEBUG)
    with TestClient(create_app(store.settings), raise_server_exceptions=False) as client:
        headers = api_login(client, "nav")
        answer = client.post(
            f"/api/cases/offers/{offer_id}/contacts",
            headers=headers,
            json={"method": "phone", "reached": True, "notes": secret},
        )
        page = client.get(f"/cases/people/{pseudonym}")
    assert answer.status_code == 500, answer.text
    assert "reference" in answer.json() and "LEAKME" not in answer.text
    assert page.status_code == 200
    server = [r for r in caplog.records if not r.name.startswith("httpx")]  # not the client's
    logged = "\n".join(
        [r.getMessage() for r in server] + [str(r.exc_info) for r in server if r.exc_info]
    )
    assert "server error" in logged and answer.json()["reference"] in logged
    for part in ("LEAKME", "Jane", "07700", "Acacia"):
        assert part not in logged, part


def test_ids_from_urls_are_checked_before_they_are_stored(
    store: CaseStore,
) -> None:
    add_user(store, "nav", Role.CASEWORKER, Agency.HEALTH, Service.AE_NAVIGATOR)
    try:
        with TestClient(create_app(store.settings), follow_redirects=False) as client:
            api_login(client, "nav")
            for raw in ('=HYPERLINK("evil.example","x")', "YP-" + "A" * 40):
                page = client.get(f"/cases/people/{raw}")
                assert page.status_code == 404, page.text
    finally:
        dispose_all()
    with store.unit_of_work() as session:
        ids = session.scalars(
            select(AuditEvent.record_id).where(AuditEvent.action == "access.not_found")
        ).all()
    assert ids == ["(invalid id)", "(invalid id)"]
