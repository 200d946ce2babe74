"""Exclusion zones: a polygon read from GeoJSON, made from chosen LSOAs, or a circle around
a named place of the area pack (a town centre, station or school), checked, in BNG.

Every zone is stored as WKT in British National Grid metres (EPSG:27700), the coordinates
ingest places incidents in (:mod:`upstream.area.placement`), and tested with the same edge
rule: a point exactly on a zone's edge is *not* inside it (:func:`upstream.area.inside_mask`).

GeoJSON drawn on the map is longitude/latitude (RFC 7946); pasted GeoJSON may also be in BNG
metres (coordinates beyond any longitude or latitude are taken as eastings and northings).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon, shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union
from shapely.validation import explain_validity

from upstream.area import Area, inside_mask, to_bng, to_lonlat
from upstream.orders.vocab import PLACE_RADIUS_M

__all__ = [
    "EDGE_TOLERANCE_M",
    "PLACE_RADIUS_M",
    "ZoneError",
    "in_zone",
    "named_places",
    "zone_around_place",
    "zone_from_geojson",
    "zone_from_lsoas",
    "zone_lonlat",
    "zone_reading",
]

_PLACE_KINDS = (("town_centres", "town centre"), ("stations", "station"), ("schools", "school"))

EDGE_TOLERANCE_M = 25.0
"""How far (metres) a zone may stray over the area's boundary: a line drawn along the edge on
a web map is a few metres out."""


class ZoneError(ValueError):
    """A zone cannot be used; the message says why (the caller names the field)."""


def _geometry(text: str) -> BaseGeometry:
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ZoneError(f"not GeoJSON ({exc.msg} at character {exc.pos})") from None
    if isinstance(data, dict) and data.get("type") == "FeatureCollection":
        features = data.get("features") or []
        if len(features) != 1:
            raise ZoneError(f"give one polygon, not {len(features)} features")
        data = features[0]
    if isinstance(data, dict) and data.get("type") == "Feature":
        data = data.get("geometry")
    if not isinstance(data, dict) or data.get("type") not in ("Polygon", "MultiPolygon"):
        kind = data.get("type") if isinstance(data, dict) else type(data).__name__
        raise ZoneError(f"a zone must be a Polygon or MultiPolygon, not {kind}")
    try:
        return shape(data)
    except (ValueError, TypeError, IndexError, AttributeError) as exc:
        raise ZoneError(f"the polygon's coordinates cannot be read ({exc})") from None


def _is_lonlat(geom: BaseGeometry) -> bool:
    minx, miny, maxx, maxy = geom.bounds
    return bool(minx >= -180 and maxx <= 180 and miny >= -90 and maxy <= 90)


def _to_bng(geom: BaseGeometry) -> BaseGeometry:
    def project(coords: np.ndarray) -> np.ndarray:
        x, y = to_bng(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geom, project)


def _checked(zone: BaseGeometry, area: Area) -> BaseGeometry:
    if zone.is_empty or not isinstance(zone, Polygon | MultiPolygon):
        raise ZoneError("the zone is empty")
    if not zone.is_valid:
        raise ZoneError(f"not a valid polygon ({explain_validity(zone)})")
    if zone.area <= 0:
        raise ZoneError("the polygon has no area")
    if not area.boundary.buffer(EDGE_TOLERANCE_M).covers(zone):
        outside = zone.difference(area.boundary).area / zone.area
        raise ZoneError(
            f"the zone lies outside the area ({outside:.0%} of it is beyond the {area.name} "
            "boundary)"
        )
    return zone


def zone_from_geojson(text: str, area: Area) -> BaseGeometry:
    """The zone a GeoJSON Polygon (or one Feature of one) describes, in BNG, checked.

    Raises
    ------
    ZoneError
        Not GeoJSON, not a polygon, an invalid polygon (self-crossing, open ring...), or
        one lying outside ``area``.
    """
    geom = _geometry(text)
    if not geom.is_empty and _is_lonlat(geom):
        geom = _to_bng(geom)
    return _checked(geom, area)


def zone_from_lsoas(codes: Sequence[str], area: Area) -> BaseGeometry:
    """The union of the area's 2011 LSOAs named by ``codes``.

    Raises
    ------
    ZoneError
        No codes given, or a code that is not an LSOA of the area (the first one named).
    """
    if not codes:
        raise ZoneError("choose at least one LSOA")
    known = area.lsoas.set_index("lsoa_code")
    for code in codes:
        if code not in known.index:
            raise ZoneError(f"{code!r} is not an LSOA of {area.name}")
    zone = unary_union(list(known.loc[list(codes), "geometry"]))
    return _checked(shapely.make_valid(zone), area)


def named_places(area: Area) -> dict[str, tuple[float, float]]:
    """The area pack's town centres, stations and open schools inside the area, each as
    ``"name (kind)"`` to its BNG point, sorted by name (the choices of a place zone)."""
    out: dict[str, tuple[float, float]] = {}
    for layer, kind in _PLACE_KINDS:
        points = getattr(area, layer)
        if points.empty:
            continue
        keep = points["inside"].astype(bool) if "inside" in points else True
        if "open" in points:
            keep = keep & points["open"].astype(bool)
        for row in points[keep].itertuples():
            out[f"{row.name} ({kind})"] = (float(row.x), float(row.y))
    return dict(sorted(out.items()))


def zone_around_place(name: str, radius_m: float, area: Area) -> BaseGeometry:
    """A circle of ``radius_m`` metres around the named place (:func:`named_places`).

    Raises
    ------
    ZoneError
        An unknown place, a radius outside :data:`PLACE_RADIUS_M`, or a circle lying
        outside ``area``.
    """
    low, _, high = PLACE_RADIUS_M
    if not low <= radius_m <= high:
        raise ZoneError(f"the radius must be {low:g} to {high:,.0f} metres, not {radius_m:g}")
    places = named_places(area)
    if name not in places:
        raise ZoneError(f"{name!r} is not a town centre, station or school of {area.name}")
    x, y = places[name]
    return _checked(shapely.Point(x, y).buffer(radius_m, quad_segs=16), area)


def in_zone(zone: BaseGeometry, easting: float, northing: float) -> bool:
    """Whether a BNG point lies inside ``zone`` (on the edge is outside, as placement)."""
    return bool(inside_mask(zone, [easting], [northing])[0])


def zone_lonlat(zone: BaseGeometry) -> list[tuple[list[float], list[float]]]:
    """Each ring of ``zone`` as (longitudes, latitudes), for drawing on a map."""
    polygons = list(zone.geoms) if isinstance(zone, MultiPolygon) else [zone]
    rings = []
    for polygon in polygons:
        for ring in (polygon.exterior, *polygon.interiors):
            xs, ys = ring.xy
            lon, lat = to_lonlat(np.asarray(xs), np.asarray(ys))
            rings.append((lon.tolist(), lat.tolist()))
    return rings


def zone_reading(
    zones: Sequence[BaseGeometry], alerts: Sequence[tuple[float, float]], area: BaseGeometry
) -> str:
    """One plain-English sentence or two on an order's zone map.

    Parameters
    ----------
    zones
        The order's exclusion zones (BNG metres).
    alerts
        Where its alerted incidents happened (easting, northing).
    area
        The area's boundary, for the zones' share of it.
    """
    if not zones:
        text = "This order has no exclusion zone."
    else:
        union = unary_union(list(zones))
        hectares = union.area / 10_000
        share = union.area / area.area if area.area else 0.0
        count = "One exclusion zone" if len(zones) == 1 else f"{len(zones)} exclusion zones"
        size = f"{hectares:,.1f}" if hectares < 10 else f"{hectares:,.0f}"
        text = (
            f"{count} cover{'s' if len(zones) == 1 else ''} {size} hectares, "
            f"{share:.1%} of the area."
        )
    if not alerts:
        return text + " No alerted incident has a place."
    inside = sum(any(in_zone(z, x, y) for z in zones) for x, y in alerts)
    alerted = "1 alerted incident" if len(alerts) == 1 else f"{len(alerts)} alerted incidents"
    return f"{text} {alerted} on the map; {inside} of them inside a zone."
