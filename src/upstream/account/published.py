"""What may be shown of the event store's coverage to someone who has not signed in.

police.uk street crime and stop and search are open data, published by the police already,
so their counts are shown as they are. Every other source holds partnership records
(incident extracts, the people involved, A&E attendances; real or synthetic): their counts go
through the disclosure rule of :mod:`upstream.account.disclosure`. Unpublished counts become
``None`` (``null`` in JSON).
"""

from __future__ import annotations

import copy
from typing import Any

from upstream.account.disclosure import (
    PARTNERSHIP_RULE,
    DisclosureRule,
    suppress_counts,
    suppress_one_way,
)

__all__ = ["OPEN_SOURCES", "PUBLISHED_NOTE", "is_partnership_source", "published_coverage"]

OPEN_SOURCES = frozenset({"police_uk_street", "police_uk_stop_search"})
"""Event-store sources that are open data (data.police.uk); every other is partnership data."""

PUBLISHED_NOTE = (
    "Counts from partnership sources (incidents, people involved, A&E) of 1 to 9, and counts "
    "that would let them be worked out from a total, are not published (null). Zero is "
    "published. police.uk sources are open data and shown in full."
)


def is_partnership_source(source: str) -> bool:
    """True for every event-store source that is not open police.uk data (deny by default)."""
    return source not in OPEN_SOURCES


def _source(info: dict[str, Any], rule: DisclosureRule) -> dict[str, Any]:
    out = copy.deepcopy(info)
    quality = ("outside_area", "unplaced", "quarantined")
    alone = suppress_counts([int(info[k]) for k in quality], rule).published()
    out.update(zip(quality, alone, strict=True))
    by_type = suppress_one_way([int(n) for _, n in info["by_type"]], rule).published()[:-1]
    out["by_type"] = [[name, n] for (name, _), n in zip(info["by_type"], by_type, strict=True)]
    months = list(info.get("rows_by_month", {}))
    per_month = suppress_one_way([int(info["rows_by_month"][m]) for m in months], rule)
    out["rows_by_month"] = dict(zip(months, per_month.published()[:-1], strict=True))
    out["rows"] = suppress_counts([int(info["rows"])], rule).published()[0]
    return out


def published_coverage(
    report: dict[str, Any], rule: DisclosureRule = PARTNERSHIP_RULE
) -> dict[str, Any]:
    """The coverage report (:func:`upstream.status.coverage_report`) with partnership counts
    under disclosure control, and a ``disclosure`` note saying so."""
    sources = {
        name: _source(info, rule) if is_partnership_source(name) else copy.deepcopy(info)
        for name, info in report["sources"].items()
    }
    return {**report, "sources": sources, "disclosure": PUBLISHED_NOTE}
