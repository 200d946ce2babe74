"""Case pages and the board show Europe/London time (GMT in winter, BST in summer); the
store keeps UTC. Checked with one summer and one winter instant, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy import select, text

from upstream.cases import service
from upstream.cases.db import CaseStore, dispose_all
from upstream.cases.localtime import from_local_input, local_input, london_time
from upstream.cases.models import Contact, Incident
from upstream.cases.schemas import ContactCreate, IncidentCreate, OfferCreate, PersonCreate
from upstream.cases.vocab import Agency, Role
from upstream.web import create_app

from .conftest import add_user, backdate
from .test_auth import _form_token, page_login

SUMMER = datetime(2026, 7, 15, 16, 30, tzinfo=UTC)  # 17:30 BST
WINTER = datetime(2026, 1, 15, 16, 30, tzinfo=UTC)  # 16:30 GMT


def test_formatting_in_london_time() -> None:
    assert london_time(SUMMER) == "15 Jul 2026 17:30 BST"
    assert london_time(WINTER) == "15 Jan 2026 16:30 GMT"
    assert local_input(SUMMER) == "2026-07-15T17:30"
    assert from_local_input("2026-07-15T17:30").astimezone(UTC) == SUMMER
    assert from_local_input("2026-01-15T16:30").astimezone(UTC) == WINTER
    # the repeated autumn hour is read as its first instant (BST)
    assert from_local_input("2026-10-25T01:30").astimezone(UTC) == datetime(
        2026, 10, 25, 0, 30, tzinfo=UTC
    )


def test_pages_and_board_show_london_time_and_the_store_keeps_utc(store: CaseStore) -> None:
    coordinator = add_user(store, "coord", Role.COORDINATOR, Agency.COUNCIL)
    add_user(store, "admin", Role.ADMIN, Agency.COUNCIL)
    summer = service.create_incident(
        coordinator, store, IncidentCreate(occurred_at=SUMMER, offence="Robbery")
    )
    winter = service.create_incident(
        coordinator, store, IncidentCreate(occurred_at=WINTER, offence="Robbery")
    )
    person = service.add_person(coordinator, store, summer.id, PersonCreate(role="victim"))
    offer = service.make_offer(
        coordinator, store, person.pseudonym, OfferCreate(service="youth_at_risk")
    )
    # the offer was made before both contacts; contacts that old may be entered in this test
    backdate(store, (datetime.now(UTC) - WINTER).total_seconds() / 3600 + 24)
    store.settings = store.settings.model_copy(update={"contact_backdate_hours": 24 * 800})
    service.record_contact(
        coordinator, store, offer.id, ContactCreate(method="phone", reached=False, at=SUMMER)
    )
    service.record_contact(
        coordinator, store, offer.id, ContactCreate(method="visit", reached=False, at=WINTER)
    )
    try:
        with TestClient(create_app(store.settings), follow_redirects=False) as client:
            assert page_login(client, "coord") == "/cases"
            page = client.get(f"/cases/incidents/{summer.id}").text
            assert "15 Jul 2026 17:30 BST" in page
            assert "15 Jan 2026 16:30 GMT" in client.get(f"/cases/incidents/{winter.id}").text
            board = client.get("/cases").text
            assert "15 Jul 17:30 BST" in board and "15 Jan 16:30 GMT" in board
            person_page = client.get(f"/cases/people/{person.pseudonym}").text
            assert "15 Jul 17:30 BST" in person_page and "15 Jan 16:30 GMT" in person_page
            for html in (page, board, person_page):
                assert " UTC" not in html
            # a datetime-local field is read as London time
            new = client.get("/cases/incidents/new").text
            for local in ("2026-07-15T17:30", "2026-01-15T16:30"):
                made = client.post(
                    "/cases/incidents",
                    data={"csrf_token": _form_token(new), "occurred_at": local, "offence": "Drugs"},
                )
                assert made.status_code == 303, made.text
            client.post("/logout", data={"csrf_token": _form_token(board)})
            page_login(client, "admin")
            audit = client.get("/cases/admin").text
            assert "When (London)" in audit
            assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d (GMT|BST)", audit)
    finally:
        dispose_all()
    with store.unit_of_work() as session:
        stored = session.scalars(select(Incident.occurred_at).order_by(Incident.id)).all()
        assert stored == [SUMMER, WINTER, SUMMER, WINTER]
        assert set(session.scalars(select(Contact.at))) == {SUMMER, WINTER}
        raw = session.execute(
            text("SELECT occurred_at FROM incidents ORDER BY id LIMIT 1")
        ).scalar_one()
    # what the database holds is the UTC instant (SQLite: UTC text; PostgreSQL: timestamptz)
    if isinstance(raw, str):
        assert raw.startswith("2026-07-15 16:30:00"), raw
    else:
        assert raw.astimezone(UTC) == SUMMER
