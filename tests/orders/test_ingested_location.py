"""An incident recorded from an ingested id takes ingest's BNG placement as its location, and
a young person under an exclusion zone linked to it raises the zone alert at once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.cases.test_ingested import HOE_ST, ingest_small_extract
from tests.orders.conftest import Team, incident, new_person, order_data, utc
from upstream.area import to_bng
from upstream.cases import service as cases
from upstream.cases.db import CaseStore
from upstream.cases.linking import link_person
from upstream.cases.models import Incident
from upstream.cases.schemas import IncidentCreate, PersonLink
from upstream.orders.access import orders_operator
from upstream.orders.models import BreachAlert
from upstream.orders.schemas import ConditionCreate
from upstream.orders.service import add_condition, locate_ingested, record_order


def test_ingested_location_is_stored_and_tested_against_zones(
    store: CaseStore, team: Team, tmp_path: Path
) -> None:
    ingest_small_extract(store.settings, tmp_path / "extract")
    x, y = (float(v[0]) for v in to_bng([float(HOE_ST[0])], [float(HOE_ST[1])]))
    first = incident(store, team.coordinator, utc(2022, 12, 1, 12))
    subject = new_person(store, team.coordinator, first, "Sam")
    order = record_order(
        team.officer, store, order_data(subject, made_on=utc(2022, 12, 5).date(), expires_on=None)
    ).order
    square = [
        [x - 200, y - 200],
        [x + 200, y - 200],
        [x + 200, y + 200],
        [x - 200, y + 200],
        [x - 200, y - 200],
    ]
    zone = json.dumps({"type": "Polygon", "coordinates": [square]})
    add_condition(
        team.officer, store, order.id, ConditionCreate(kind="exclusion_zone", zone_geojson=zone)
    )
    recorded = cases.create_incident(team.coordinator, store, IncidentCreate(event_ref="W1"))
    with store.unit_of_work() as session:
        stored = session.get_one(Incident, recorded.id)
        assert (stored.easting, stored.northing) == (
            pytest.approx(x, abs=0.01),
            pytest.approx(y, abs=0.01),
        )
    link_person(team.coordinator, store, recorded.id, PersonLink(pseudonym=subject, role="suspect"))
    with store.unit_of_work() as session:
        alerts = list(session.scalars(select(BreachAlert)))
    assert [(a.incident_id, a.kind, a.synthetic) for a in alerts] == [(recorded.id, "zone", True)]


def test_the_scan_places_incidents_recorded_before_locations_were_kept(
    store: CaseStore, team: Team, tmp_path: Path
) -> None:
    ingest_small_extract(store.settings, tmp_path / "extract")
    recorded = cases.create_incident(team.coordinator, store, IncidentCreate(event_ref="W1"))
    with store.unit_of_work() as session:
        session.get_one(Incident, recorded.id).easting = None
        session.get_one(Incident, recorded.id).northing = None
        twice = Incident(
            event_ref="TWICE", occurred_at=utc(2023, 2, 1, 10), offence="Robbery",
            recorded_by_agency="council",
        )  # fmt: skip
        unknown = Incident(
            event_ref="NOPE", occurred_at=utc(2023, 2, 1, 10), offence="Robbery",
            recorded_by_agency="council",
        )  # fmt: skip
        session.add_all([twice, unknown])
    assert locate_ingested(orders_operator("test"), store) == 1  # W1; TWICE is ambiguous
    assert locate_ingested(orders_operator("test"), store) == 0
    with store.unit_of_work() as session:
        placed = {i.event_ref: i.easting for i in session.scalars(select(Incident))}
    assert placed["W1"] is not None and placed["TWICE"] is None and placed["NOPE"] is None
    with pytest.raises(PermissionError):
        locate_ingested(team.officer, store)
