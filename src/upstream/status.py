"""Coverage of the event store: what ``upstream status`` and the home page show."""

from __future__ import annotations

from typing import Any

from upstream.events import EventStore

__all__ = ["coverage_report"]

_BREAKDOWN = {
    "police_uk_street": ("street", "crime_type", "crime type"),
    "police_uk_stop_search": ("stop_search", "object_of_search", "object of search"),
}


def coverage_report(store: EventStore) -> dict[str, Any]:
    """Months present, gaps, rows outside the area, unplaced and quarantined rows per source,
    and rows per crime type (street) or object of search (stop and search)."""
    coverage = store.coverage()
    sources: dict[str, Any] = {}
    con = store.connect()
    try:
        for source, info in coverage.items():
            entry = {k: v for k, v in info.items() if k != "partitions"}
            view, column, label = _BREAKDOWN.get(source, (None, None, "type"))
            entry["by_label"] = label
            entry["by_type"] = []
            if view is not None:
                rows = con.execute(
                    f"SELECT {column}, count(*) AS n FROM {view} GROUP BY 1 ORDER BY 2 DESC, 1"
                ).fetchall()
                entry["by_type"] = [(name, int(n)) for name, n in rows]
            entry["rows_by_month"] = {p["month"]: p["rows"] for p in info["partitions"]}
            sources[source] = entry
    finally:
        con.close()
    return {"store": str(store.root), "sources": sources}
