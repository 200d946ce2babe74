"""The partnership area: one area pack, read only through this package.

* :mod:`upstream.area.pack`: the pack folder (``UPSTREAM_AREA_DIR``), its ``area.toml``
  manifest, loading and checking, the content digest and the cache;
* :mod:`upstream.area.model`: :class:`Area`, the loaded pack;
* :mod:`upstream.area.layers`: the layers a pack may have and what needs each;
* :mod:`upstream.area.placement`: the one placement function (lon/lat to BNG,
  inside/outside/unplaced, LSOA) and its edge rule;
* :mod:`upstream.area.grid`: the BNG-aligned grid and the cell-id scheme;
* :mod:`upstream.area.terms`: school terms and bank holidays;
* :mod:`upstream.area.build`: ``upstream area build`` (sub-areas and London packs).

Everything spatial in upstream is measured in British National Grid (EPSG:27700) metres.
"""

from __future__ import annotations

from upstream.area.grid import CELL_ID_FACTOR, cell_corners, cell_id, cell_ids, study_grid
from upstream.area.layers import CAPABILITIES, LAYERS, missing_message, support
from upstream.area.model import Area, AreaError
from upstream.area.pack import (
    MANIFEST,
    area_from_settings,
    cached_area,
    definitions_from_settings,
    load_area,
    pack_digest,
)
from upstream.area.placement import (
    BNG,
    WGS84,
    Placement,
    inside_mask,
    lsoa_positions,
    place_lonlat,
    place_xy,
    to_bng,
    to_lonlat,
)
from upstream.area.terms import CalendarError, SchoolCalendar, bank_holidays

__all__ = [
    "BNG",
    "CAPABILITIES",
    "CELL_ID_FACTOR",
    "LAYERS",
    "MANIFEST",
    "WGS84",
    "Area",
    "AreaError",
    "CalendarError",
    "Placement",
    "SchoolCalendar",
    "area_from_settings",
    "bank_holidays",
    "cached_area",
    "cell_corners",
    "cell_id",
    "cell_ids",
    "definitions_from_settings",
    "inside_mask",
    "load_area",
    "lsoa_positions",
    "missing_message",
    "pack_digest",
    "place_lonlat",
    "place_xy",
    "study_grid",
    "support",
    "to_bng",
    "to_lonlat",
]
