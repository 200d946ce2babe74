"""The case pages as their users meet them (issue 12, item 5): board lists that page, sort
and filter; waiting times in days; the incident and role on overdue rows; synthetic badges;
closed incidents explained; UK dates and ages; no outcome chosen for the worker; the audit
log in words; possible duplicates compared side by side before a confirmed merge."""

from __future__ import annotations

import re
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from upstream.cases import service
from upstream.cases.board import PAGE_SIZE, board, board_list
from upstream.cases.db import CaseStore, dispose_all
from upstream.cases.duplicate_review import compare_duplicate
from upstream.cases.localtime import age_on, from_uk_date, london, uk_date, waited
from upstream.cases.models import AuditEvent, Person, utcnow
from upstream.cases.schemas import IncidentCreate, OfferCreate, PersonCreate
from upstream.cases.vocab import Agency, Role, Service
from upstream.web import create_app

from .conftest import add_user, backdate
from .test_auth import _form_token, page_login


def test_dates_ages_and_waiting_times_read_as_people_write_them() -> None:
    assert uk_date(date(2011, 2, 16)) == "16/02/2011"
    assert from_uk_date("16/02/2011") == from_uk_date("16/2/2011") == "2011-02-16"
    assert from_uk_date("2011-02-16") == "2011-02-16"
    assert from_uk_date("31/02/2011") == "31/02/2011"  # left for the schema to refuse
    assert age_on(date(2011, 2, 16), date(2026, 2, 15)) == 14
    assert age_on(date(2011, 2, 16), date(2026, 2, 16)) == 15
    assert age_on(None, date(2026, 1, 1)) is None
    assert [waited(h) for h in (0.4, 5.2, 47.9, 48.0, 1033.9)] == [
        "0 h",
        "5 h",
        "48 h",
        "2 days",
        "43 days",
    ]


def _many(store: CaseStore, n: int) -> list[str]:
    coordinator = add_user(store, "coord", Role.COORDINATOR, Agency.COUNCIL)
    out = []
    for k in range(n):
        incident = service.create_incident(
            coordinator, store, IncidentCreate(occurred_at=utcnow(), offence="Robbery")
        )
        person = service.add_person(
            coordinator, store, incident.id, PersonCreate(role="victim" if k % 2 else "suspect")
        )
        offered = Service.CUSTODY_MENTOR if k % 3 else Service.AE_NAVIGATOR
        service.make_offer(coordinator, store, person.pseudonym, OfferCreate(service=offered))
        out.append(person.pseudonym)
    return out


def test_board_lists_page_sort_and_filter(sqlite_store: CaseStore) -> None:
    pseudonyms = _many(sqlite_store, PAGE_SIZE + 7)
    backdate(sqlite_store, 30)  # every offer is now past its 24-hour deadline
    coordinator = add_user(sqlite_store, "coord2", Role.COORDINATOR, Agency.POLICE)
    summary = board(coordinator, sqlite_store)
    assert summary.totals["overdue"] == PAGE_SIZE + 7 and len(summary.overdue) == 10
    first = board_list(coordinator, sqlite_store, "overdue")
    second = board_list(coordinator, sqlite_store, "overdue", page=2)
    assert (first.pages, len(first.offers), len(second.offers)) == (2, PAGE_SIZE, 7)
    seen = [o.pseudonym for o in first.offers + second.offers]
    assert sorted(seen) == sorted(pseudonyms)  # every row once, none twice
    assert all(o.incident_id and o.role in ("victim", "suspect") for o in first.offers)
    by_service = board_list(coordinator, sqlite_store, "overdue", sort="service")
    assert [o.service for o in by_service.offers] == sorted(o.service for o in by_service.offers)
    navigators = board_list(coordinator, sqlite_store, "overdue", service="ae_navigator")
    assert navigators.total == len(range(0, PAGE_SIZE + 7, 3))
    assert {o.service for o in navigators.offers} == {Service.AE_NAVIGATOR}
    waiting = board_list(coordinator, sqlite_store, "not_reached")
    assert waiting.total == PAGE_SIZE + 7 and waiting.people[0].waiting_hours >= 30
    with pytest.raises(ValueError, match="sort: one of"):
        board_list(coordinator, sqlite_store, "overdue", sort="name")
    # a caseworker's lists are their own service's, whatever they ask for
    mentor = add_user(
        sqlite_store, "mentor", Role.CASEWORKER, Agency.VOLUNTARY, Service.CUSTODY_MENTOR
    )
    own = board_list(mentor, sqlite_store, "overdue", service="ae_navigator")
    assert own.service == Service.CUSTODY_MENTOR
    assert {o.service for o in own.offers} == {Service.CUSTODY_MENTOR}


def test_the_board_pages_show_rows_people_can_act_on(sqlite_store: CaseStore) -> None:
    pseudonyms = _many(sqlite_store, 14)
    backdate(sqlite_store, 24 * 43)
    with sqlite_store.unit_of_work() as session:
        session.execute(update(Person).values(synthetic=True))
    coordinator = add_user(sqlite_store, "coordx", Role.COORDINATOR, Agency.COUNCIL)
    add_user(sqlite_store, "analyst", Role.ANALYST, Agency.POLICE)
    incident = service.get_person(coordinator, sqlite_store, pseudonyms[0]).person
    service.close_incident(coordinator, sqlite_store, incident.involvements[0].incident_id)
    try:
        with TestClient(create_app(sqlite_store.settings), follow_redirects=False) as client:
            page_login(client, "coordx")
            html = client.get("/cases").text
            assert "43 days" in html and "1033" not in html
            assert html.count('<span class="badge">Synthetic</span>') >= 10
            assert "incident closed" in html and "still waits to be reached" in html
            assert 'href="/cases/lists/overdue"' in html and "See all 14" in html
            listing = client.get("/cases/lists/overdue?sort=attempts&page=1")
            assert listing.status_code == 200 and "1–14 of 14" in listing.text
            assert re.search(r'<option value="attempts" selected>', listing.text)
            overdue = listing.text.split('id="overdue"')[1]
            assert ">suspect<" in overdue and ">victim<" in overdue
            assert client.get("/cases/lists/nothing").status_code == 400
            client.post("/logout", data={"csrf_token": _form_token(html)})
            page_login(client, "analyst")
            figures = client.get("/cases").text
            assert 'id="synthetic-board"' in figures and "invented demo records" in figures
            assert client.get("/cases/lists/overdue").status_code == 403
    finally:
        dispose_all()


def test_person_page_dates_ages_and_no_preset_outcome(sqlite_store: CaseStore) -> None:
    coordinator = add_user(sqlite_store, "coord", Role.COORDINATOR, Agency.COUNCIL)
    incident = service.create_incident(
        coordinator, sqlite_store, IncidentCreate(occurred_at=utcnow(), offence="Robbery")
    )
    person = service.add_person(coordinator, sqlite_store, incident.id, PersonCreate(role="victim"))
    offer = service.make_offer(
        coordinator, sqlite_store, person.pseudonym, OfferCreate(service="sport")
    )
    try:
        with TestClient(create_app(sqlite_store.settings), follow_redirects=False) as client:
            page_login(client, "coord")
            page = client.get(f"/cases/people/{person.pseudonym}").text
            token = _form_token(page)
            saved = client.post(
                f"/cases/people/{person.pseudonym}",
                data={"csrf_token": token, "version": "1", "date_of_birth": "16/02/2011"},
            )
            assert saved.status_code == 303, saved.text
            page = client.get(f"/cases/people/{person.pseudonym}").text
            age = age_on(date(2011, 2, 16), london(utcnow()).date())
            assert 'value="16/02/2011"' in page and f"(age {age})" in page
            assert 'type="date"' not in page
            assert '<option value="">outcome…</option>' in page
            assert '<option value="accepted" selected>' not in page
            closing = client.post(
                f"/cases/offers/{offer.id}/outcome",
                data={"csrf_token": token, "version": "1", "outcome": "", "close": "yes"},
            )
            assert closing.status_code == 409 and "give an outcome" in closing.text
            wrong = client.post(
                f"/cases/people/{person.pseudonym}",
                data={"csrf_token": token, "version": "2", "date_of_birth": "31/02/2011"},
            )
            assert wrong.status_code == 400 and "date_of_birth" in wrong.text
    finally:
        dispose_all()


def test_the_audit_log_is_shown_in_words(sqlite_store: CaseStore) -> None:
    add_user(sqlite_store, "admin", Role.ADMIN, Agency.COUNCIL)
    try:
        with TestClient(create_app(sqlite_store.settings), follow_redirects=False) as client:
            page_login(client, "admin")
            page = client.get("/cases/admin").text
    finally:
        dispose_all()
    rows = page.split('id="audit"')[1]
    assert "logged in" in rows and 'title="auth.login"' in rows
    assert ">auth.login<" not in rows


def test_possible_duplicates_are_compared_side_by_side(store: CaseStore) -> None:
    coordinator = add_user(store, "coord", Role.COORDINATOR, Agency.COUNCIL)
    navigator = add_user(store, "nav", Role.CASEWORKER, Agency.HEALTH, "ae_navigator")
    people = []
    for address in ("1 High Road", "9 Low Road"):
        incident = service.create_incident(
            coordinator, store, IncidentCreate(occurred_at=utcnow(), offence="Robbery")
        )
        people.append(
            service.add_person(
                coordinator,
                store,
                incident.id,
                PersonCreate(
                    role="victim",
                    given_name="Dee",
                    family_name="Double",
                    date_of_birth=date(2010, 1, 2),
                    address=address,
                ),
            )
        )
    pair = compare_duplicate(coordinator, store, 1)
    assert {pair.keep.identity.address, pair.other.identity.address} == {
        "1 High Road",
        "9 Low Road",
    }
    assert pair.keep.age == pair.other.age == age_on(date(2010, 1, 2), london(utcnow()).date())
    with pytest.raises(service.AccessDenied):
        compare_duplicate(navigator, store, 1)
    with store.unit_of_work() as session:
        reads = session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "person.read_identity", AuditEvent.actor_name == "coord"
            )
        ).all()
    assert {r.record_id for r in reads} == {p.pseudonym for p in people}
    assert all(r.reason == "review of a possible duplicate" for r in reads)
    try:
        with TestClient(create_app(store.settings), follow_redirects=False) as client:
            page_login(client, "coord")
            page = client.get("/cases/duplicates/1").text
            assert 'id="comparison"' in page and "9 Low Road" in page and "1 High Road" in page
            assert 'class="danger"' in page and 'class="secondary"' in page
            token = _form_token(page)
            unconfirmed = client.post(
                "/cases/duplicates/1", data={"csrf_token": token, "resolution": "merge"}
            )
            assert unconfirmed.status_code == 409 and "confirm" in unconfirmed.text
            merged = client.post(
                "/cases/duplicates/1",
                data={"csrf_token": token, "resolution": "merge", "confirm": "yes"},
            )
            assert merged.status_code == 303
    finally:
        dispose_all()
    with store.unit_of_work() as session:
        assert session.scalar(select(Person.merged_into_id).where(Person.id == 2)) == 1
