"""Audit completeness: every read and change of personal data leaves an event; the log is
append-only in the ORM and in the database; it never holds identifying values."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from upstream.cases import service
from upstream.cases.admin import export_audit, view_audit
from upstream.cases.board import board
from upstream.cases.db import CaseStore
from upstream.cases.duplicate_review import list_duplicates, resolve_duplicate
from upstream.cases.models import AuditEvent
from upstream.cases.schemas import (
    ContactCreate,
    DuplicateResolve,
    IncidentCreate,
    OfferCreate,
    OfferUpdate,
    PersonCreate,
    PersonUpdate,
)
from upstream.cases.vocab import Agency, Role, Service

from .conftest import WHY, add_user

SECRETS = ("Zebedee", "Quartermaine", "2010-02-03", "12 Secret Lane", "Hidden Academy", "asthma")


def _events(store: CaseStore) -> list[AuditEvent]:
    with store.unit_of_work() as session:
        return list(session.scalars(select(AuditEvent).order_by(AuditEvent.id)))


def test_every_use_case_is_audited_with_who_what_which_and_purpose(store: CaseStore) -> None:
    coordinator = add_user(store, "coord", Role.COORDINATOR, Agency.COUNCIL, purpose="safeguarding")
    admin = add_user(store, "adm", Role.ADMIN, Agency.COUNCIL, purpose="administration")
    done: list[tuple[str, str | None]] = []

    def expect(kind: str, record_id: object = None) -> None:
        done.append((kind, None if record_id is None else str(record_id)))

    incident = service.create_incident(
        coordinator, store, IncidentCreate(occurred_at="2026-11-01T10:00:00Z", offence="Robbery")
    )
    expect("incident.create", incident.id)
    identity = {
        "given_name": "Zebedee",
        "family_name": "Quartermaine",
        "date_of_birth": "2010-02-03",
        "address": "12 Secret Lane",
        "school": "Hidden Academy",
    }
    p = service.add_person(
        coordinator,
        store,
        incident.id,
        PersonCreate(role="victim", health_notes="asthma", **identity),
    )
    expect("person.create", p.pseudonym)
    twin = service.add_person(
        coordinator, store, incident.id + 0, PersonCreate(role="witness", **identity)
    )
    expect("person.create", twin.pseudonym)
    expect("duplicate.flag", twin.pseudonym)
    service.get_incident(coordinator, store, incident.id)
    expect("incident.read", incident.id)
    detail = service.get_person(coordinator, store, p.pseudonym)
    expect("person.read", p.pseudonym)
    expect("person.read_identity", p.pseudonym)
    expect("person.read_health", p.pseudonym)
    service.update_person(
        coordinator, store, p.pseudonym, PersonUpdate(school="Other", version=detail.version)
    )
    expect("person.update", p.pseudonym)
    for kind in ("person.read", "person.read_identity", "person.read_health"):
        expect(kind, p.pseudonym)
    offer = service.make_offer(coordinator, store, p.pseudonym, OfferCreate(service=Service.SPORT))
    expect("offer.create", p.pseudonym)
    offer = service.record_contact(
        coordinator, store, offer.id, ContactCreate(method="text", reached=True, notes="asthma")
    )
    expect("contact.create", p.pseudonym)
    service.update_offer(
        coordinator, store, offer.id, OfferUpdate(outcome="declined", version=offer.version)
    )
    expect("offer.update", p.pseudonym)
    board(coordinator, store)
    expect("board.view", "all")
    flags = list_duplicates(coordinator, store)
    expect("duplicate.list", flags[0].pseudonym)
    expect("duplicate.list", flags[0].other_pseudonym)
    resolve_duplicate(coordinator, store, flags[0].id, DuplicateResolve(resolution="merge"))
    expect("person.merge", flags[0].pseudonym)
    expect("person.merge", flags[0].other_pseudonym)
    expect("duplicate.resolve", flags[0].id)
    service.close_person(coordinator, store, p.pseudonym)
    expect("person.close", p.pseudonym)
    service.close_incident(coordinator, store, incident.id)
    expect("incident.close", incident.id)
    view_audit(admin, store)
    expect("audit.read")
    csv_text = export_audit(admin, store, WHY)
    expect("audit.export")

    events = [e for e in _events(store)]
    assert [(e.action, e.record_id) for e in events] == done
    for e in events:
        assert e.actor_name in ("coord", "adm") and e.at.tzinfo is not None
        assert e.purpose == ("safeguarding" if e.actor_name == "coord" else "administration")
        assert e.outcome == "ok"
    # nothing identifying in the log or its export
    for value in SECRETS:
        assert value not in csv_text
        assert all(value not in (e.detail or "") for e in events)


def test_the_audit_log_is_append_only(store: CaseStore) -> None:
    coordinator = add_user(store, "coord", Role.COORDINATOR, Agency.COUNCIL)
    board(coordinator, store)
    with pytest.raises(PermissionError), store.unit_of_work() as session:
        event = session.scalars(select(AuditEvent)).first()
        assert event is not None
        event.detail = "rewritten"
        session.flush()
    with pytest.raises(PermissionError), store.unit_of_work() as session:
        session.delete(session.scalars(select(AuditEvent)).first())
        session.flush()
    for statement in ("UPDATE audit_events SET detail = 'x'", "DELETE FROM audit_events"):
        with pytest.raises(DBAPIError), store.engine.begin() as conn:
            conn.execute(text(statement))
    assert len(_events(store)) == 1
