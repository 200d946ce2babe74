"""Curfew windows, in-force dates, zones and candidate breaches: the pure detection rules,
with the clock changes of 2026 (29 March and 25 October) and points inside and outside."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time

import pytest
from shapely.geometry import box

from upstream.area import area_from_settings, to_lonlat
from upstream.config import Settings
from upstream.orders.breaches import ConditionFacts, IncidentFacts, candidates
from upstream.orders.conditions import CurfewWindow, in_force, parse_days
from upstream.orders.vocab import AlertKind, ConditionKind
from upstream.orders.zones import ZoneError, in_zone, zone_from_geojson, zone_from_lsoas

EVERY_DAY = frozenset(range(7))
AREA = area_from_settings(Settings())
X0, Y0 = 537700.0, 190200.0  # inside Waltham Forest
ZONE = box(X0 - 300, Y0 - 300, X0 + 300, Y0 + 300)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# ---- curfew windows ---------------------------------------------------------------------


def test_a_same_day_window_ending_before_it_starts_is_refused_naming_the_field() -> None:
    with pytest.raises(ValueError, match=r"^curfew_end: the window ends at 06:00, before"):
        CurfewWindow(time(21), time(6), EVERY_DAY)
    assert CurfewWindow(time(21), time(6), EVERY_DAY, overnight=True).overnight


def test_an_overnight_window_must_end_earlier_in_the_day_and_no_window_is_empty() -> None:
    with pytest.raises(ValueError, match="curfew_end: an overnight window"):
        CurfewWindow(time(19), time(22), EVERY_DAY, overnight=True)
    with pytest.raises(ValueError, match="curfew_end: the window ends when it starts"):
        CurfewWindow(time(19), time(19), EVERY_DAY)
    with pytest.raises(ValueError, match="curfew_days"):
        CurfewWindow(time(19), time(22), frozenset())


def test_days_are_read_by_name_and_a_wrong_name_is_refused() -> None:
    assert parse_days("Fri, sat") == frozenset({4, 5})
    with pytest.raises(ValueError, match="'fry' is not a day"):
        parse_days("fry")


def test_an_overnight_window_belongs_to_the_day_it_starts() -> None:
    friday_night = CurfewWindow(time(21), time(6), frozenset({4}), overnight=True)  # Friday
    assert friday_night.covers(utc(2026, 1, 9, 22))  # Fri 22:00 GMT
    assert friday_night.covers(utc(2026, 1, 10, 5, 59))  # Sat 05:59
    assert not friday_night.covers(utc(2026, 1, 10, 6))  # Sat 06:00: over
    assert not friday_night.covers(utc(2026, 1, 10, 22))  # Sat night: not a curfew day
    assert not friday_night.covers(utc(2026, 1, 9, 5))  # Fri 05:00 is Thursday's night


def test_summer_time_is_read_on_the_london_clock() -> None:
    evening = CurfewWindow(time(19), time(22), EVERY_DAY)
    assert evening.covers(utc(2026, 7, 15, 20, 30))  # 21:30 BST
    assert not evening.covers(utc(2026, 7, 15, 21, 30))  # 22:30 BST, though 21:30 UTC


def test_spring_forward_last_sunday_of_march() -> None:
    """29 March 2026: at 01:00 GMT the clocks go to 02:00 BST. 00:30 UTC is 00:30 GMT;
    01:30 UTC is 02:30 BST: after a curfew ending at 02:00, though inside it in UTC."""
    night = CurfewWindow(time(21), time(2), EVERY_DAY, overnight=True)
    assert night.covers(utc(2026, 3, 29, 0, 30))
    assert not night.covers(utc(2026, 3, 29, 1, 30))


def test_fall_back_last_sunday_of_october() -> None:
    """25 October 2026: at 02:00 BST the clocks go back to 01:00 GMT. 00:30 UTC is the first
    01:30 (BST) and 01:30 UTC the second (GMT): both after a curfew ending at 01:00 though
    00:30 UTC is inside it in UTC; both inside one ending at 02:00."""
    to_one = CurfewWindow(time(22), time(1), EVERY_DAY, overnight=True)
    to_two = CurfewWindow(time(22), time(2), EVERY_DAY, overnight=True)
    for moment in (utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 1, 30)):
        assert not to_one.covers(moment)
        assert to_two.covers(moment)
    assert not to_two.covers(utc(2026, 10, 25, 2, 0))  # 02:00 GMT


def test_in_force_counts_london_dates_inclusive() -> None:
    # 23:30 UTC on 31 May is 00:30 BST on 1 June
    assert in_force(date(2026, 6, 1), date(2026, 6, 30), utc(2026, 5, 31, 23, 30))
    assert not in_force(date(2026, 6, 1), date(2026, 6, 30), utc(2026, 6, 30, 23, 30))
    assert in_force(date(2026, 6, 1), None, utc(2030, 1, 1))


# ---- zones ------------------------------------------------------------------------------


def _geojson(ring: list[tuple[float, float]]) -> str:
    return json.dumps({"type": "Polygon", "coordinates": [ring]})


def test_a_drawn_lonlat_polygon_is_stored_in_bng_and_tested_with_the_edge_rule() -> None:
    xs = [X0 - 300, X0 + 300, X0 + 300, X0 - 300, X0 - 300]
    ys = [Y0 - 300, Y0 - 300, Y0 + 300, Y0 + 300, Y0 - 300]
    lon, lat = to_lonlat(xs, ys, decimals=None)
    zone = zone_from_geojson(_geojson(list(zip(lon, lat, strict=True))), AREA)
    assert zone.bounds[0] == pytest.approx(X0 - 300, abs=0.01)
    assert in_zone(zone, X0, Y0)
    assert not in_zone(zone, X0 + 301, Y0)
    assert not in_zone(ZONE, X0 + 300, Y0)  # on the edge: outside, as placement


def test_pasted_bng_geojson_is_taken_as_metres() -> None:
    zone = zone_from_geojson(_geojson([(X0, Y0), (X0 + 100, Y0), (X0, Y0 + 100), (X0, Y0)]), AREA)
    assert zone.area == pytest.approx(5000)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "not GeoJSON"),
        ('{"type": "Point", "coordinates": [0, 51]}', "must be a Polygon"),
        (
            _geojson([(X0, Y0), (X0 + 100, Y0 + 100), (X0 + 100, Y0), (X0, Y0 + 100), (X0, Y0)]),
            "not a valid polygon .*Self-intersection",
        ),
        (_geojson([(500000, 180000), (500100, 180000), (500000, 180100), (500000, 180000)]),
         "lies outside the area"),
    ],
)  # fmt: skip
def test_bad_zones_are_refused_saying_why(text: str, message: str) -> None:
    with pytest.raises(ZoneError, match=message):
        zone_from_geojson(text, AREA)


def test_zones_from_chosen_lsoas_and_an_unknown_code() -> None:
    code = str(AREA.lsoas["lsoa_code"].iloc[0])
    zone = zone_from_lsoas([code], AREA)
    point = AREA.lsoas.geometry.iloc[0].representative_point()
    assert in_zone(zone, point.x, point.y)
    with pytest.raises(ZoneError, match="'E01999999' is not an LSOA"):
        zone_from_lsoas(["E01999999"], AREA)


# ---- candidates -------------------------------------------------------------------------

SUBJECT, OTHER, STRANGER = 1, 2, 3


def _conditions() -> list[ConditionFacts]:
    first, last = date(2026, 1, 1), date(2026, 12, 31)
    return [
        ConditionFacts(10, 1, ConditionKind.EXCLUSION_ZONE, SUBJECT, first, last, zone=ZONE),
        ConditionFacts(
            11, 1, ConditionKind.CURFEW, SUBJECT, first, last,
            curfew=CurfewWindow(time(21), time(2), EVERY_DAY, overnight=True),
        ),
        ConditionFacts(
            12, 1, ConditionKind.NON_ASSOCIATION, SUBJECT, first, last,
            other_person_id=OTHER, other_pseudonym="YP-OTHER",
        ),
    ]  # fmt: skip


def test_candidates_inside_and_outside_zones_windows_and_company() -> None:
    noon = utc(2026, 6, 3, 11)  # 12:00 BST
    incidents = [
        IncidentFacts(1, noon, X0, Y0, frozenset({SUBJECT})),  # in the zone
        IncidentFacts(2, noon, X0 + 1000, Y0, frozenset({SUBJECT})),  # outside it
        IncidentFacts(3, noon, None, None, frozenset({SUBJECT})),  # no location
        IncidentFacts(4, noon, X0, Y0, frozenset({STRANGER})),  # subject not involved
        IncidentFacts(5, utc(2026, 3, 29, 0, 30), X0 + 1000, Y0, frozenset({SUBJECT})),
        IncidentFacts(6, utc(2026, 3, 29, 1, 30), X0 + 1000, Y0, frozenset({SUBJECT})),
        IncidentFacts(7, noon, None, None, frozenset({SUBJECT, OTHER})),
        IncidentFacts(8, noon, None, None, frozenset({OTHER})),
        IncidentFacts(9, utc(2027, 1, 2, 12), X0, Y0, frozenset({SUBJECT, OTHER})),  # expired
    ]
    found = candidates(_conditions(), incidents)
    assert [(c.incident_id, c.kind) for c in found] == [
        (1, AlertKind.ZONE),
        (5, AlertKind.CURFEW),
        (7, AlertKind.NON_ASSOCIATION),
    ]
    assert found[1].detail == "incident 5 at 29 Mar 2026 00:30 GMT, curfew 21:00 to 02:00 " \
        "(overnight), mon, tue, wed, thu, fri, sat, sun"  # fmt: skip
    assert "YP-OTHER" in found[2].detail
    assert len({c.key for c in found}) == 3
