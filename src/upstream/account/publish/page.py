"""The public open-data page's content: the published tables, an MSOA map, the policy in words.

Everything here is built from :func:`upstream.account.publish.export.build_open_data`, the
same figures the CSV files hold, so the page can never show a number the files withhold. The
map is drawn as inline SVG from the area pack's MSOA boundaries (no tiles, no network), one
shade per band of the published whole-period count; a ``[c]`` MSOA is hatched grey.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from upstream.account.disclosure import SUPPRESSED
from upstream.account.publish.export import OpenData, build_open_data
from upstream.account.publish.ledger import locked_ledger, read_ledger, write_ledger
from upstream.account.publish.policy import Policy
from upstream.account.publish.suppress import ALL
from upstream.area.model import Area
from upstream.events import Snapshot

__all__ = ["OpenDataPage", "open_data_page", "policy_in_words"]

_SHADES = ("#e8f1fa", "#b9d3ec", "#7fb0dc", "#3f86c6", "#135d9e")
_SIZE = 560.0


@dataclass(frozen=True)
class OpenDataPage:
    """What the /open-data page shows."""

    data: OpenData
    tables: list[dict[str, Any]]
    map_svg: str | None
    legend: list[tuple[str, str]]
    policy: list[str]


def policy_in_words(policy: Policy) -> list[str]:
    """The disclosure policy as sentences for residents (the same words as the docs)."""
    low = policy.threshold - 1
    return [
        f"We never publish a count of people or incidents from partnership records that is "
        f"between 1 and {low}. In its place you will see [c], which means confidential.",
        "Where a total would let you work out a hidden count by subtraction (from a row, a "
        "column, a year or another table on this page), we hide another count as well. We "
        "have checked by trying to do that subtraction, with every table and period at once.",
        f"Every other count from partnership records is rounded to the nearest "
        f"{policy.rounding_base}. So 12 shows as 10 and 13 as 15; 0 means none at all. Totals "
        "are rounded on their own, so rounded figures may not add up exactly.",
        "We publish no rate or percentage worked out from a hidden count.",
        "Maps and tables go no finer than an MSOA (a neighbourhood of about 8,000 people) "
        "or a ward, never a street or an address.",
        "Street-level crime from data.police.uk is already open data, so we show it as the "
        "police publish it.",
    ]


def _pivot(frame: pd.DataFrame, dim: str, label: str) -> dict[str, Any]:
    periods = list(dict.fromkeys(frame["period"]))
    rows = []
    for key, group in frame.groupby(dim, sort=False):
        values = dict(zip(group["period"], group["incidents"], strict=True))
        name = group["msoa_name"].iloc[0] if "msoa_name" in group else key
        rows.append({"name": name, "cells": [values[p] for p in periods], "total": key == ALL})
    return {"label": label, "periods": periods, "rows": rows}


def _ring(coords: Any, to_svg: Any) -> str:
    points = [to_svg(x, y) for x, y in coords]
    return "M" + " L".join(f"{px:.1f},{py:.1f}" for px, py in points) + " Z"


def _path(geometry: BaseGeometry, to_svg: Any) -> str:
    polygons = geometry.geoms if isinstance(geometry, MultiPolygon) else [geometry]
    parts = []
    for polygon in polygons:
        if isinstance(polygon, Polygon):
            parts.append(_ring(polygon.exterior.coords, to_svg))
            parts.extend(_ring(hole.coords, to_svg) for hole in polygon.interiors)
    return " ".join(parts)


def _bands(values: list[int]) -> list[int]:
    edges = sorted(set(np.quantile(values, [0.2, 0.4, 0.6, 0.8]).round().astype(int)))
    return [int(e) for e in edges]


def _map(frame: pd.DataFrame, area: Area) -> tuple[str | None, list[tuple[str, str]]]:
    """An SVG choropleth of each MSOA's published count over the whole period."""
    if area.msoas_2021 is None:
        return None, []
    whole = frame[(frame["period"] == ALL) & (frame["msoa_code"] != ALL)]
    shown = dict(zip(whole["msoa_code"], whole["incidents"], strict=True))
    numbers = [int(v) for v in shown.values() if v != SUPPRESSED]
    edges = _bands(numbers) if numbers else []
    msoas = area.msoas_2021.copy()
    msoas["geometry"] = msoas.geometry.simplify(15)
    x0, y0, x1, y1 = msoas.total_bounds
    scale = _SIZE / max(x1 - x0, y1 - y0)

    def to_svg(x: float, y: float) -> tuple[float, float]:
        return (x - x0) * scale, (y1 - y) * scale

    shapes = []
    for row in msoas.itertuples():
        value = shown.get(row.msoa_code, SUPPRESSED)
        if value == SUPPRESSED:
            fill = "url(#hatch)"
        else:
            fill = _SHADES[int(np.searchsorted(edges, int(value), side="right"))]
        shapes.append(
            f'<path d="{_path(row.geometry, to_svg)}" fill="{fill}" stroke="#fff" '
            f'stroke-width="1"><title>{row.msoa_name}: {value}</title></path>'
        )
    width, height = (x1 - x0) * scale, (y1 - y0) * scale
    svg = (
        f'<svg viewBox="0 0 {width:.0f} {height:.0f}" role="img" class="msoa-map" '
        'aria-labelledby="map-title"><title id="map-title">Incidents by MSOA over the whole '
        'period (published figures)</title><defs><pattern id="hatch" width="6" height="6" '
        'patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" '
        'height="6" fill="#ddd"/><line x1="0" y1="0" x2="0" y2="6" stroke="#999" '
        f'stroke-width="2"/></pattern></defs>{"".join(shapes)}</svg>'
    )
    bounds = [0, *edges]
    legend = [
        (_SHADES[i], f"{lo:,} or more" if i == len(bounds) - 1 else f"{lo:,} to {bounds[i + 1]:,}")
        for i, lo in enumerate(bounds)
    ]
    return svg, [*legend, ("url(#hatch)", "[c] not published")]


def open_data_page(snapshot: Snapshot, area: Area, policy: Policy, ledger: Path) -> OpenDataPage:
    """The page's content from the event store (never the case store), consistent with every
    earlier release the ``ledger`` records; showing it records it there too."""
    with locked_ledger(ledger):
        data = build_open_data(snapshot, area, policy, read_ledger(ledger))
        write_ledger(ledger, data.ledger)
    tables = []
    map_svg: str | None = None
    legend: list[tuple[str, str]] = []
    if "incidents_by_msoa_quarter" in data.frames:
        frame = data.frames["incidents_by_msoa_quarter"]
        tables.append(_pivot(frame, "msoa_code", "MSOA"))
        map_svg, legend = _map(frame, area)
    if "incidents_by_offence_quarter" in data.frames:
        tables.append(
            _pivot(data.frames["incidents_by_offence_quarter"], "offence_group", "Offence group")
        )
    titles = {e["file"].removesuffix(".csv"): e["title"] for e in data.entries}
    names = [n for n in ("incidents_by_msoa_quarter", "incidents_by_offence_quarter")
             if n in data.frames]  # fmt: skip
    for table, name in zip(tables, names, strict=True):
        table["title"] = titles[name]
        table["file"] = f"{name}.csv"
    return OpenDataPage(data, tables, map_svg, legend, policy_in_words(policy))
