"""Data quality: what each source covers, where it has gaps, and what could not be used.

Built from :func:`upstream.status.coverage_report` (the same numbers as ``upstream status``),
so the report and the command line never disagree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "LOSS_WORTH_SAYING",
    "SourceQuality",
    "month_spans",
    "quality_reading",
    "source_quality",
]

LOSS_WORTH_SAYING = 0.01
"""A source that lost this share of its records at ingest (or more) is named in the reading."""


def month_spans(months: Sequence[str], *, counted: bool = False) -> list[str]:
    """Collapse ``YYYY-MM`` months into runs: ``["2018-02 to 2018-03", "2022-01"]``.

    ``counted``: say how many months each run of two or more holds,
    ``"2018-01 to 2020-06 (30 months)"``.
    """
    ordinals = sorted({int(m[:4]) * 12 + int(m[5:7]) - 1 for m in months})
    runs: list[list[int]] = []
    for n in ordinals:
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])

    def label(n: int) -> str:
        return f"{n // 12:04d}-{n % 12 + 1:02d}"

    return [
        label(a)
        if a == b
        else f"{label(a)} to {label(b)}" + (f" ({b - a + 1} months)" if counted else "")
        for a, b in runs
    ]


@dataclass(frozen=True)
class SourceQuality:
    """One source's coverage, as the data-quality table shows it."""

    source: str
    synthetic: bool
    months: int
    first: str
    last: str
    gaps: list[str]
    rows: int
    outside_area: int
    unplaced: int
    quarantined: int
    unplaced_stored: bool = False
    """The rows without a location are stored, and counted in ``rows`` (partnership
    incidents); otherwise they were counted at ingest and not stored (police.uk)."""

    @property
    def lost(self) -> int:
        """Records read at ingest but not stored: outside the area, quarantined, and the
        unplaced ones unless they are stored."""
        unstored = 0 if self.unplaced_stored else self.unplaced
        return self.outside_area + unstored + self.quarantined

    @property
    def gap_months(self) -> int:
        """Number of months missing between the first and the last."""
        total = 0
        for span in self.gaps:
            a, _, b = span.partition(" to ")
            b = b or a
            total += (int(b[:4]) - int(a[:4])) * 12 + int(b[5:7]) - int(a[5:7]) + 1
        return total


def source_quality(report: dict[str, Any]) -> list[SourceQuality]:
    """One :class:`SourceQuality` per source in a coverage report, in source order."""
    out = []
    for source, info in sorted(report.get("sources", {}).items()):
        out.append(
            SourceQuality(
                source=source,
                synthetic=bool(info.get("synthetic", False)),
                months=len(info["months"]),
                first=info["first"],
                last=info["last"],
                gaps=month_spans(info["gaps"]),
                rows=int(info["rows"]),
                outside_area=int(info["outside_area"]),
                unplaced=int(info["unplaced"]),
                quarantined=int(info["quarantined"]),
                unplaced_stored=bool(info.get("unplaced_stored", False)),
            )
        )
    return out


def _unplaced_reading(
    r: SourceQuality, name: str, used_in: Mapping[str, str], whole_area: bool
) -> str:
    """What happened to one source's rows without a location, and which figures use them."""
    if not r.unplaced_stored:
        return (
            f"{name}: its rows without a location were counted at ingest and not stored, "
            "so no figure here uses them."
        )
    if not whole_area:
        return (
            f"{name}: its rows without a location are stored (they are in Rows), but this "
            "profile is for part of the area, where they cannot be placed, so no figure "
            "here uses them."
        )
    use = used_in.get(r.source)
    return (
        f"{name}: its rows without a location are stored (they are in Rows) and "
        + (f"counted in {use}" if use else "used in no figure here")
        + "; no map, LSOA rate or other figure by place uses them."
    )


def quality_reading(
    rows: Sequence[SourceQuality],
    labels: dict[str, str],
    *,
    used_in: Mapping[str, str] | None = None,
    whole_area: bool = True,
    lost_of: Sequence[SourceQuality] | None = None,
    lost_scope: str = "",
) -> str:
    """What the coverage table means for the figures built on it, in plain English.

    It does not repeat the table: it says how to read its columns, and then, from the
    numbers, which sources have gaps (and what that does to trends), what happened to each
    source's rows without a location (stored or not, and which figures use them), and which
    sources lost enough rows at ingest to matter.

    Parameters
    ----------
    rows
        The sources, as :func:`source_quality` gives them.
    labels
        Each source's name as the reader sees it.
    used_in
        Per source whose rows without a location are stored: the figures that count them
        (``"the headline and time sections"``); a source not named is used in none.
    whole_area
        The profile is for the whole area the partnership data were ingested for (rows
        without a location belong to it; a part of the area cannot hold them).
    lost_of
        The sources whose loss at ingest may be stated (default: all of ``rows``); the public
        version leaves out those whose counts it suppresses.
    lost_scope
        Words naming ``lost_of`` when it is not every source (``"police.uk"``).
    """
    if not rows:
        return "The event store holds no data, so nothing in this profile can be computed."
    used_in = used_in or {}
    parts = [
        "How to read the table: Months counts the months with data from First to Last, and "
        "Gaps lists the months missing in between. Rows are the records stored. Outside area "
        "and Quarantined are records read at ingest and not stored (outside the area's "
        "boundary, or set aside because they failed validation), so they are used nowhere "
        "here. Unplaced are records without a location: police.uk ones are not stored; "
        "partnership incidents without one are stored and are part of Rows."
    ]
    gapped = [r for r in rows if r.gaps]
    if gapped:
        parts.append(
            " ".join(
                f"{labels.get(r.source, r.source)} has {r.gap_months} month"
                f"{'s' if r.gap_months != 1 else ''} missing, so its figures cover the months "
                "present only and no trend or 12-month comparison is drawn across a gap."
                for r in gapped
            )
        )
    else:
        parts.append("No source has a gap between its first and last month.")
    unplaced = [r for r in rows if r.unplaced]
    parts.extend(
        _unplaced_reading(r, labels.get(r.source, r.source), used_in, whole_area) for r in unplaced
    )
    lossy = []
    for r in rows if lost_of is None else lost_of:
        share = r.lost / (r.rows + r.lost) if r.rows + r.lost else 0.0
        if share >= LOSS_WORTH_SAYING:
            lossy.append((labels.get(r.source, r.source), share))
    if lossy:
        parts.append(
            "; ".join(f"{name} lost {share * 100:.0f}% of its records" for name, share in lossy)
            + " at ingest: counts from "
            + ("it" if len(lossy) == 1 else "them")
            + " are lower than what was recorded, and maps and rates leave those records out."
        )
    else:
        scope = f" {lost_scope}" if lost_scope else ""
        parts.append(
            f"No{scope} source lost {LOSS_WORTH_SAYING * 100:.0f}% or more of its records at "
            "ingest (records not stored), so the counts here are close to what was recorded."
        )
    return " ".join(parts)
