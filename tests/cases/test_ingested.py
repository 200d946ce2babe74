"""Incidents recorded with an ingested incident id: values taken from, or checked against,
the event store (built by a small real ingest), unknown ids refused; never any person data."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from upstream.area import area_from_settings
from upstream.cases import service
from upstream.cases.db import CaseStore, dispose_all
from upstream.cases.ingested import IngestedMismatch, UnknownIngestedIncident
from upstream.cases.models import AuditEvent, Incident, Involvement, Person
from upstream.cases.schemas import IncidentCreate
from upstream.cases.vocab import Agency, Role, Service
from upstream.config import Settings
from upstream.events import EventStore
from upstream.ingest import discover
from upstream.ingest.partnership import ingest_partnership
from upstream.web import create_app

from .conftest import add_user
from .test_auth import _form_token, page_login
from .test_flow import api_login

INCIDENTS = [
    "incident_id", "source", "offence", "offence_detail", "occurred_from", "occurred_to",
    "reported_at", "longitude", "latitude", "easting", "northing", "location_type", "weapon",
    "injury", "domestic_abuse", "synthetic",
]  # fmt: skip
INVOLVEMENTS = [
    "incident_id", "role", "person_ref", "age", "sex", "ethnicity_self_defined",
    "ethnicity_officer_defined", "synthetic",
]  # fmt: skip
HOE_ST = ("-0.019900", "51.583100")  # Hoe Street, Walthamstow: inside the borough


def _incident(iid: str, when: str, source: str = "police", **kw: str) -> dict[str, str]:
    row = {
        "incident_id": iid, "source": source, "offence": "Robbery",
        "offence_detail": "Personal robbery", "occurred_from": when, "occurred_to": "",
        "reported_at": "", "longitude": HOE_ST[0], "latitude": HOE_ST[1], "easting": "",
        "northing": "", "location_type": "transport", "weapon": "knife_or_sharp",
        "injury": "minor", "domestic_abuse": "false", "synthetic": "true",
    }  # fmt: skip
    row.update(kw)
    return row


def _write(path: Path, header: list[str], rows: list[dict[str, str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def ingest_small_extract(settings: Settings, folder: Path) -> None:
    """Ingest three incidents (one in summer with a time range, one twice over) and their
    people (pseudonymous refs and ages, which must never reach the case store)."""
    incidents = [
        _incident(
            "4219873/23",
            "2023-07-01T18:00:00+01:00",
            occurred_to="2023-07-01T19:00:00+01:00",
        ),
        _incident("W1", "2023-01-14T16:32:00+00:00", offence="Violence and sexual offences"),
        _incident("TWICE", "2023-02-01T10:00:00+00:00"),
    ]
    # incident ids are unique per source only: the council's extract has one of the same id
    council = [_incident("TWICE", "2023-02-01T10:00:00+00:00", source="council")]
    people = [
        {"incident_id": "4219873/23", "role": "victim", "person_ref": "P-7F3A9C21",
         "age": "16", "sex": "male", "ethnicity_self_defined": "Black",
         "ethnicity_officer_defined": "Black", "synthetic": "true"},
    ]  # fmt: skip
    police = [
        _write(folder / "incidents_test_2023.csv", INCIDENTS, incidents),
        _write(folder / "involvements_test_2023.csv", INVOLVEMENTS, people),
    ]
    # a separate ingest: one ingest refuses an id given twice
    other = [_write(folder / "later" / "incidents_council_2023.csv", INCIDENTS, council)]
    for files in (police, other):
        inputs, _ = discover(files)
        ingest_partnership(
            inputs,
            ["incidents", "involvements"],
            EventStore(settings.events_dir),
            area_from_settings(settings),
            quarantine_dir=settings.quarantine_dir,
        )


@pytest.fixture
def ingested(store: CaseStore, tmp_path: Path) -> CaseStore:
    ingest_small_extract(store.settings, tmp_path / "extract")
    return store


def _count(store: CaseStore, model: type[Person] | type[Involvement] | type[Incident]) -> int:
    with store.unit_of_work() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_an_ingested_id_fills_in_the_incident_and_copies_no_person(ingested: CaseStore) -> None:
    coordinator = add_user(ingested, "coord", Role.COORDINATOR, Agency.COUNCIL)
    incident = service.create_incident(
        coordinator, ingested, IncidentCreate(event_ref="4219873/23", summary="from the CAD")
    )
    assert incident.event_ref == "4219873/23"
    assert incident.occurred_at == datetime(2023, 7, 1, 17, 0, tzinfo=UTC)
    assert (incident.offence, incident.location_type, incident.weapon, incident.injury) == (
        "Robbery",
        "transport",
        "knife_or_sharp",
        "minor",
    )
    assert incident.synthetic is True  # the ingested row is synthetic, so is the case
    assert incident.people == []
    assert _count(ingested, Person) == 0 and _count(ingested, Involvement) == 0
    with ingested.unit_of_work() as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "incident.create")
        ).one()
    assert event.detail == "from ingested incident 4219873/23"


def test_values_given_are_checked_against_the_event_store(ingested: CaseStore) -> None:
    coordinator = add_user(ingested, "coord", Role.COORDINATOR, Agency.COUNCIL)
    # agreeing values (a time inside the ingested range; 'unknown' is filled in) are kept
    agreed = service.create_incident(
        coordinator,
        ingested,
        IncidentCreate(
            event_ref="4219873/23",
            occurred_at="2023-07-01T18:30:00+01:00",
            offence="Robbery",
            weapon="unknown",
            injury="minor",
        ),
    )
    assert agreed.occurred_at == datetime(2023, 7, 1, 17, 30, tzinfo=UTC)
    assert agreed.weapon == "knife_or_sharp"
    # the form gives minutes: 16:32 GMT is within W1's instant
    service.create_incident(
        coordinator,
        ingested,
        IncidentCreate(event_ref="W1", occurred_at="2023-01-14T16:32:00Z"),
    )
    before = _count(ingested, Incident)
    with pytest.raises(IngestedMismatch) as wrong:
        service.create_incident(
            coordinator,
            ingested,
            IncidentCreate(
                event_ref="4219873/23",
                occurred_at="2023-07-01T20:00:00+01:00",
                weapon="firearm",
                location_type="street",
            ),
        )
    message = str(wrong.value)
    for words in ("weapon is 'firearm'", "'knife_or_sharp'", "location_type", "occurred_at"):
        assert words in message, message
    assert "offence" not in message
    assert _count(ingested, Incident) == before


def test_an_unknown_or_ambiguous_id_is_refused_with_a_clear_message(
    ingested: CaseStore, tmp_path: Path
) -> None:
    coordinator = add_user(ingested, "coord", Role.COORDINATOR, Agency.COUNCIL)
    with pytest.raises(UnknownIngestedIncident, match="no ingested incident 'NOPE/99'"):
        service.create_incident(coordinator, ingested, IncidentCreate(event_ref="NOPE/99"))
    with pytest.raises(UnknownIngestedIncident, match="more than one source"):
        service.create_incident(coordinator, ingested, IncidentCreate(event_ref="TWICE"))
    assert _count(ingested, Incident) == 0
    # a store with no partnership incidents at all says so
    empty = Settings(data_dir=tmp_path / "empty")
    with pytest.raises(UnknownIngestedIncident, match="holds no partnership incidents"):
        from upstream.cases.ingested import find_ingested

        find_ingested(empty, "4219873/23")
    # by hand, time and offence are required
    with pytest.raises(ValueError, match="give occurred_at and offence"):
        IncidentCreate(offence="Robbery")


def test_only_roles_that_record_incidents_look_ingested_ones_up(ingested: CaseStore) -> None:
    from upstream.cases.access import AccessDenied

    navigator = add_user(ingested, "nav", Role.CASEWORKER, Agency.HEALTH, Service.AE_NAVIGATOR)
    analyst = add_user(ingested, "ana", Role.ANALYST, Agency.POLICE)
    assert service.ingested_incident(navigator, ingested, "W1").weapon == "knife_or_sharp"
    with pytest.raises(AccessDenied):
        service.ingested_incident(analyst, ingested, "W1")


def test_the_form_is_prefilled_and_unknown_ids_explained(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "var")
    ingest_small_extract(settings, tmp_path / "extract")
    from upstream.cases.db import case_store

    store = case_store(settings)
    store.migrate()
    add_user(store, "coord", Role.COORDINATOR, Agency.COUNCIL)
    try:
        with TestClient(create_app(settings), follow_redirects=False) as client:
            page_login(client, "coord")
            form = client.get("/cases/incidents/new", params={"event_ref": "4219873/23"})
            assert form.status_code == 200
            html = form.text
            assert 'value="2023-07-01T18:00"' in html  # London time (BST) in the form
            assert "01 Jul 2023 18:00 BST to 01 Jul 2023 19:00 BST" in html
            assert '<option value="knife_or_sharp" selected>' in html
            assert "<option selected>transport</option>" in html
            assert "P-7F3A9C21" not in html
            created = client.post(
                "/cases/incidents",
                data={
                    "csrf_token": _form_token(html),
                    "event_ref": "4219873/23",
                    "occurred_at": "2023-07-01T18:00",
                    "offence": "Robbery",
                    "location_type": "transport",
                    "weapon": "knife_or_sharp",
                    "injury": "minor",
                },
            )
            assert created.status_code == 303, created.text
            unknown = client.get("/cases/incidents/new", params={"event_ref": "NOPE/99"})
            assert unknown.status_code == 400
            assert "no ingested incident &#39;NOPE/99&#39;" in unknown.text
            # the API: look-up and refusal
            headers = api_login(client, "coord")
            found = client.get("/api/cases/ingested", params={"event_ref": "W1"})
            assert found.json()["occurred_from"] == "2023-01-14T16:32:00Z"
            refused = client.post(
                "/api/cases/incidents", headers=headers, json={"event_ref": "NOPE/99"}
            )
            assert refused.status_code == 422
            assert "no ingested incident 'NOPE/99'" in refused.json()["errors"][0]
        with store.unit_of_work() as session:
            stored = session.scalars(select(Incident)).one()
            assert stored.occurred_at == datetime(2023, 7, 1, 17, 0, tzinfo=UTC)
    finally:
        dispose_all()
