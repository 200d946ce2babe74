"""Coverage of the event store: what ``upstream status`` and the home page show."""

from __future__ import annotations

from typing import Any

from upstream.events import EventStore, view_of

__all__ = ["BREAKDOWN", "UNPLACED_STORED", "coverage_report", "is_synthetic_source"]

BREAKDOWN = {
    "street": ("crime_type", "crime type"),
    "stop_search": ("object_of_search", "object of search"),
    "incidents": ("offence", "offence"),
    "involvements": ("role", "role"),
}
"""The column each view's rows are counted by in the coverage report."""

UNPLACED_STORED = frozenset({"incidents"})
"""Views whose rows without a location are stored (and so counted in ``rows``): partnership
incidents, accepted as the area's they were ingested for. police.uk rows without a location
are counted at ingest and not stored."""


def is_synthetic_source(source: str) -> bool:
    """True for event-store sources that hold synthetic (generated) rows only."""
    return source.endswith("_synthetic")


def coverage_report(store: EventStore) -> dict[str, Any]:
    """Months present, gaps, rows outside the area, unplaced and quarantined rows per source,
    and rows per crime type / object of search / offence / role, all from one version of
    the store (a commit meanwhile changes none of them).

    It names no file or folder: the web app serves it, and where the store lives on the server
    is nobody's business there (``upstream status --json`` adds the path itself)."""
    snapshot = store.snapshot()  # one version of the store for every figure below
    coverage = snapshot.coverage()
    sources: dict[str, Any] = {}
    con = snapshot.connect()
    try:
        for source, info in coverage.items():
            entry = {k: v for k, v in info.items() if k != "partitions"}
            column, label = BREAKDOWN[view_of(source)]
            files = [p.as_posix() for p in snapshot.files(source)]
            listing = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
            rows = con.execute(
                f"SELECT {column}, count(*) AS n FROM read_parquet([{listing}]) "
                "GROUP BY 1 ORDER BY 2 DESC, 1"
            ).fetchall()
            entry["view"] = view_of(source)
            entry["synthetic"] = is_synthetic_source(source)
            entry["unplaced_stored"] = view_of(source) in UNPLACED_STORED
            entry["by_label"] = label
            entry["by_type"] = [(name, int(n)) for name, n in rows]
            entry["rows_by_month"] = {p["month"]: p["rows"] for p in info["partitions"]}
            sources[source] = entry
    finally:
        con.close()
    return {"sources": sources}
