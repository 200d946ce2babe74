"""Exclusion zones chosen as a named place of the bundled area pack (a town centre, station
or school) with a radius: the circle in BNG, checked like any zone, through the service on
real SQLite and PostgreSQL stores, and alerts raised inside it."""

from __future__ import annotations

import math

import pytest
from pydantic import ValidationError
from shapely import wkt

from tests.orders.conftest import Team, incident, link, new_person, order_data, utc
from upstream.area import area_from_settings
from upstream.cases.db import CaseStore
from upstream.config import Settings
from upstream.orders.models import BreachAlert
from upstream.orders.schemas import ConditionCreate
from upstream.orders.service import OrderInputError, add_condition, get_order, record_order
from upstream.orders.zones import (
    ZoneError,
    in_zone,
    named_places,
    zone_around_place,
    zone_reading,
)

AREA = area_from_settings(Settings())
STATION = "Walthamstow Central station (station)"


def test_the_named_places_are_the_packs_town_centres_stations_and_schools_inside_it() -> None:
    places = named_places(AREA)
    assert places[STATION] == (537290.0, 188980.0)  # TfL's point for the interchange
    assert places["Bakers Arms (town centre)"] == (537300.0, 187600.0)
    assert sum(name.endswith("(school)") for name in places) == int(
        (AREA.schools["inside"] & AREA.schools["open"]).sum()
    )
    assert "Stratford station (station)" not in places  # outside the borough


def test_a_place_zone_is_a_circle_of_the_radius_around_the_place_and_checked() -> None:
    zone = zone_around_place(STATION, 200, AREA)
    x, y = named_places(AREA)[STATION]
    assert zone.area == pytest.approx(math.pi * 200**2, rel=0.01)
    assert in_zone(zone, x + 190, y) and not in_zone(zone, x + 210, y)
    assert zone_around_place(STATION, 1000, AREA).area > 3_000_000
    with pytest.raises(ZoneError, match="the radius must be 50 to 1,000 metres, not 20"):
        zone_around_place(STATION, 20, AREA)
    with pytest.raises(ZoneError, match="'Nowhere' is not a town centre, station or school"):
        zone_around_place("Nowhere", 200, AREA)
    edge = "Chingford Mount (town centre)"  # near the borough's northern edge
    with pytest.raises(ZoneError, match="the zone lies outside the area"):
        zone_around_place(edge, 1000, AREA)


def test_the_radius_and_the_choice_are_checked_naming_the_field() -> None:
    assert ConditionCreate(kind="exclusion_zone", zone_place=STATION).zone_radius_m == 200
    with pytest.raises(ValidationError, match="zone_radius_m"):
        ConditionCreate(kind="exclusion_zone", zone_place=STATION, zone_radius_m=1001)
    with pytest.raises(ValidationError, match="one of the three"):
        ConditionCreate(kind="exclusion_zone", zone_place=STATION, zone_lsoas=["E01004327"])


def test_a_place_zone_through_the_service_raises_alerts_inside_it(
    store: CaseStore, team: Team
) -> None:
    first = incident(store, team.coordinator, utc(2025, 12, 1, 12))
    subject = new_person(store, team.coordinator, first, "Sam")
    order_id = record_order(team.officer, store, order_data(subject)).order.id
    with pytest.raises(OrderInputError, match=r"^zone_place: 'Nowhere \(station\)' is not"):
        add_condition(
            team.officer, store, order_id,
            ConditionCreate(kind="exclusion_zone", zone_place="Nowhere (station)"),
        )  # fmt: skip
    detail = add_condition(
        team.officer, store, order_id,
        ConditionCreate(kind="exclusion_zone", zone_place=STATION, zone_radius_m=300),
    )  # fmt: skip
    (cond,) = detail.conditions
    assert cond.summary == f"exclusion zone (300 m around {STATION})"
    assert cond.zone_wkt is not None
    assert wkt.loads(cond.zone_wkt).area == pytest.approx(math.pi * 300**2, rel=0.01)
    x, y = named_places(AREA)[STATION]
    near = incident(store, team.coordinator, utc(2026, 6, 3, 11), (x + 250, y))
    link(store, team.coordinator, near, subject)
    far = incident(store, team.coordinator, utc(2026, 6, 3, 12), (x + 350, y))
    link(store, team.coordinator, far, subject)
    with store.unit_of_work() as session:
        alerts = session.query(BreachAlert.incident_id, BreachAlert.kind).all()
    assert [tuple(a) for a in alerts] == [(near, "zone")]
    assert get_order(team.officer, store, order_id).conditions[0].zone_rings


def test_the_zone_reading_gives_hectares_share_and_alerts_inside() -> None:
    from shapely.geometry import Point, box

    area = box(0, 0, 1000, 1000)  # 100 hectares
    zones = [box(0, 0, 100, 100), box(50, 0, 150, 100)]  # overlap: union 1.5 hectares
    text = zone_reading(zones, [(10.0, 10.0), (120.0, 50.0), (900.0, 900.0)], area)
    assert text == (
        "2 exclusion zones cover 1.5 hectares, 1.5% of the area. "
        "3 alerted incidents on the map; 2 of them inside a zone."
    )
    circle = Point(500, 500).buffer(100, quad_segs=64)  # pi hectares
    one = zone_reading([circle], [], area)
    assert one == (
        "One exclusion zone covers 3.1 hectares, 3.1% of the area. No alerted incident has a place."
    )
    assert zone_reading([], [], area).startswith("This order has no exclusion zone.")
