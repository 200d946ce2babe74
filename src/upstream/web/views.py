"""Page data for the web app: plain values built from the stores, ready for a template.

Nothing here knows about HTTP. :func:`home_page` reads the event store named by the
settings and returns everything the home page shows; the app caches it under the store
version (:func:`upstream.version.store_version`), so the page is rebuilt only when an
ingest commits, or the area pack, the definitions or the code change.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd
from shapely.geometry.base import BaseGeometry

from upstream.account.published import is_partnership_source, published_coverage
from upstream.analysis.concentration import BusiestCell, Concentration, concentration, reading
from upstream.analysis.placenames import name_cells
from upstream.analysis.quality import month_spans
from upstream.analysis.trends import monthly_reading
from upstream.area import (
    Area,
    area_from_settings,
    cell_ids,
    definitions_from_settings,
    place_xy,
    study_grid,
)
from upstream.config import Settings
from upstream.events import EventStore, month_range
from upstream.formatting import data_age, month_period
from upstream.status import coverage_report
from upstream.version import store_version
from upstream.web.findings import Finding, key_findings

__all__ = [
    "CELL_SIZE",
    "SOURCE_LABELS",
    "HomePage",
    "RankedCell",
    "SourceCoverage",
    "ViolenceMap",
    "coverage",
    "home_page",
    "month_spans",
    "serious_violence_map",
    "source_coverage",
]

CELL_SIZE = 250
"""Grid cell size (metres) of the home page's concentration map."""

_AGENCIES = {
    "police": "police",
    "a_and_e": "A&E (Cardiff Model)",
    "ambulance": "ambulance",
    "council": "council",
}
SOURCE_LABELS: dict[str, str] = {
    "police_uk_street": "Street-level crime",
    "police_uk_stop_search": "Stop and search",
    **{
        f"{table}_{agency}{suffix}": f"{title}: {name}{' (synthetic)' if suffix else ''}"
        for table, title in (("incidents", "Incidents"), ("involvements", "People involved"))
        for agency, name in _AGENCIES.items()
        for suffix in ("", "_synthetic")
    },
}
"""Plain names of event sources, in the order the page lists them."""


@dataclass(frozen=True)
class SourceCoverage:
    """One source's coverage as the page shows it; a count is None where it is not published
    (partnership sources on public pages, see :mod:`upstream.account.published`)."""

    source: str
    label: str
    synthetic: bool
    partnership: bool
    months: int
    first: str
    last: str
    period: str
    """``Apr 2016 – Dec 2017``."""
    age: str
    """How old the last month is on the day the page is built (``nine years old``)."""
    gaps: list[str]
    gap_spans: list[str]
    rows: int | None
    outside_area: int | None
    unplaced: int | None
    quarantined: int | None
    by_label: str
    by_type: list[tuple[str, int | None]]


def _count(value: Any) -> int | None:
    return None if value is None else int(value)


def source_coverage(report: dict[str, Any], today: date) -> list[SourceCoverage]:
    """The coverage report's sources, known sources first, as page rows (ages on ``today``)."""
    sources = report["sources"]
    order = [s for s in SOURCE_LABELS if s in sources] + sorted(
        s for s in sources if s not in SOURCE_LABELS
    )
    out = []
    for source in order:
        info = sources[source]
        out.append(
            SourceCoverage(
                source=source,
                label=SOURCE_LABELS.get(source, source.replace("_", " ")),
                synthetic=bool(info.get("synthetic", False)) or source.startswith("synth"),
                partnership=is_partnership_source(source),
                months=len(info["months"]),
                first=info["first"],
                last=info["last"],
                period=month_period(info["first"], info["last"]),
                age=data_age(info["last"], today),
                gaps=list(info["gaps"]),
                gap_spans=month_spans(info["gaps"]),
                rows=_count(info["rows"]),
                outside_area=_count(info["outside_area"]),
                unplaced=_count(info["unplaced"]),
                quarantined=_count(info["quarantined"]),
                by_label=str(info["by_label"]),
                by_type=[(name or "(blank)", _count(n)) for name, n in info["by_type"]],
            )
        )
    return out


@dataclass(frozen=True)
class RankedCell:
    """One of the busiest cells, as the page's table lists it."""

    rank: int
    x_centre: float
    y_centre: float
    lsoa_name: str | None
    location: str | None
    count: int
    share: float
    street: str | None = None
    landmark: str | None = None
    school: str | None = None
    school_m: float | None = None


@dataclass(frozen=True)
class ViolenceMap:
    """Serious violence per grid cell over the study area, with its reading."""

    cell_size: int
    crime_types: tuple[str, ...]
    first_month: str
    last_month: str
    recorded: int
    grid: pd.DataFrame
    """Study-area cells: ``cell_id``, ``x_min``, ``y_min``, ``count``, ``location``."""
    boundary: BaseGeometry
    result: Concentration
    monthly: pd.Series
    """Count per month over the street source's whole range; NaN for months not loaded."""
    reading: str
    busiest_cells: list[RankedCell] = field(default_factory=list)
    monthly_reading: str = ""
    """The monthly chart's reading (:func:`upstream.analysis.trends.monthly_reading`)."""


def serious_violence_map(
    store: EventStore,
    area: Area,
    crime_types: Sequence[str],
    *,
    cell_size: int = CELL_SIZE,
    top_fraction: float = 0.05,
    busiest_listed: int = 10,
) -> ViolenceMap | None:
    """Count serious violence per study-area cell (None when no street crime is loaded).

    Only crimes placed inside the area count (the placement edge rule), so a pack for part
    of the area the store was loaded for shows that part alone."""
    coverage = store.coverage().get("police_uk_street")
    if coverage is None:
        return None
    types = list(crime_types)
    # police.uk points are snapped to a limited set, so this is far fewer rows than crimes
    points = store.query(
        "SELECT x, y, month, coalesce(location, '') AS location, count(*) AS n FROM street "
        "WHERE list_contains($1, crime_type) AND x IS NOT NULL AND y IS NOT NULL GROUP BY ALL",
        [types],
    )
    points = points[place_xy(area, points["x"], points["y"]).inside]
    points["cell_id"] = cell_ids(points["x"].to_numpy(), points["y"].to_numpy(), cell_size)
    per_place = points.groupby(["cell_id", "location"], as_index=False)["n"].sum()
    per_month = points.groupby("month", as_index=False)["n"].sum()
    per_cell = per_place.groupby("cell_id")["n"].sum()
    # the location most often recorded in each cell; ties by the location text
    places = per_place[per_place["location"] != ""].sort_values(
        ["cell_id", "n", "location"], ascending=[True, False, True], kind="mergesort"
    )
    location = places.drop_duplicates("cell_id").set_index("cell_id")["location"]

    grid = pd.DataFrame(study_grid(area, cell_size)[["cell_id", "x_min", "y_min"]])
    result = concentration(per_cell, grid["cell_id"].to_numpy(), top_fraction)
    grid["count"] = per_cell.reindex(grid["cell_id"], fill_value=0).to_numpy().astype("int64")
    grid["location"] = location.reindex(grid["cell_id"]).to_numpy()

    top = result.ranked.head(busiest_listed)
    top = top[top["count"] > 0].merge(grid[["cell_id", "x_min", "y_min", "location"]])
    half = cell_size / 2
    described = points[["x", "y", "location", "n"]]
    names = name_cells(area, top["x_min"], top["y_min"], cell_size, described)
    busiest_cells = [
        RankedCell(
            rank=i + 1,
            x_centre=float(rec["x_min"]) + half,
            y_centre=float(rec["y_min"]) + half,
            lsoa_name=names["lsoa_name"].iloc[i],
            location=rec["location"] if isinstance(rec["location"], str) else None,
            count=int(rec["count"]),
            share=int(rec["count"]) / result.total,
            street=names["street"].iloc[i],
            landmark=names["landmark"].iloc[i],
            school=names["school"].iloc[i],
            school_m=names["school_m"].iloc[i],
        )
        for i, rec in enumerate(top.to_dict("records"))
    ]
    busiest = None
    if busiest_cells:
        b = busiest_cells[0]
        busiest = BusiestCell(b.x_centre, b.y_centre, b.lsoa_name, b.location)

    months = month_range(coverage["first"], coverage["last"])
    monthly = per_month.set_index("month")["n"].reindex(months).astype("float64")
    monthly[monthly.isna() & pd.Index(months).isin(coverage["months"])] = 0.0
    recorded = int(per_month["n"].sum())
    text = reading(
        result,
        area_name=area.name,
        first_month=coverage["first"],
        last_month=coverage["last"],
        recorded=recorded,
        cell_size=cell_size,
        busiest=busiest,
    )
    return ViolenceMap(
        cell_size=cell_size,
        crime_types=tuple(types),
        first_month=coverage["first"],
        last_month=coverage["last"],
        recorded=recorded,
        grid=grid,
        boundary=area.boundary,
        result=result,
        monthly=monthly,
        reading=text,
        busiest_cells=busiest_cells,
        monthly_reading=monthly_reading(monthly, "serious-violence crimes"),
    )


@dataclass(frozen=True)
class HomePage:
    """Everything the home page shows (no file or folder of the server: item of issue 10)."""

    area_name: str
    public: bool
    """True for visitors who have not signed in: partnership counts under disclosure control."""
    coverage: dict[str, Any]
    sources: list[SourceCoverage]
    serious_violence: tuple[str, ...]
    violence: ViolenceMap | None
    findings: list[Finding] = field(default_factory=list)
    """A few numbers with their reading (from the police.uk map: open data)."""

    @property
    def empty(self) -> bool:
        """True when the event store holds no data at all."""
        return not self.sources

    def source(self, name: str) -> SourceCoverage | None:
        """The coverage row of source ``name`` (None when it is not loaded)."""
        return next((s for s in self.sources if s.source == name), None)


def coverage(settings: Settings, *, public: bool) -> dict[str, Any]:
    """The event store's coverage report; for the public, with partnership counts under
    disclosure control (:func:`upstream.account.published.published_coverage`)."""
    report = coverage_report(EventStore(settings.events_dir))
    return published_coverage(report) if public else report


def home_page(settings: Settings, *, public: bool, today: date | None = None) -> HomePage:
    """Build the home page's data from the event store, area and definitions in ``settings``.

    ``public``: the visitor has not signed in, so partnership counts are disclosure-controlled.
    ``today``: the day the ages of the data are counted to (default: today).
    """
    today = today or date.today()
    store = EventStore(settings.events_dir)
    report = coverage(settings, public=public)
    definitions = definitions_from_settings(settings)
    area = area_from_settings(settings)
    violence = None
    if "police_uk_street" in report["sources"]:
        violence = serious_violence_map(store, area, definitions.serious_violence)
    return HomePage(
        area_name=area.name,
        public=public,
        coverage=report,
        sources=source_coverage(report, today),
        serious_violence=definitions.serious_violence,
        violence=violence,
        findings=[] if violence is None else key_findings(violence, area.name, today),
    )


def page_version(settings: Settings) -> tuple[str, str]:
    """The key of a cached page: the store version (:func:`upstream.version.store_version`)
    and the current month, to which the ages of the data shown are counted."""
    return (store_version(settings), date.today().strftime("%Y-%m"))
