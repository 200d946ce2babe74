"""Data quality: what each source covers, where it has gaps, and what could not be used.

Built from :func:`upstream.status.coverage_report` (the same numbers as ``upstream status``),
so the report and the command line never disagree.
"""

from __future__ import annotations

from collections.abc import Sequence
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
            )
        )
    return out


def quality_reading(rows: Sequence[SourceQuality], labels: dict[str, str]) -> str:
    """What the coverage table means for the figures built on it, in plain English.

    It does not repeat the table: it says how to read its columns, and then, from the
    numbers, which sources have gaps (and what that does to trends) and which lost enough
    rows at ingest to matter.
    """
    if not rows:
        return "The event store holds no data, so nothing in this profile can be computed."
    parts = [
        "How to read the table: Months counts the months with data from First to Last, and "
        "Gaps lists the months missing in between. Rows are the records stored and used in "
        "this profile; the last three columns are records read at ingest but used nowhere "
        "here: outside the area's boundary, without a location, or set aside because they "
        "failed validation."
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
    lossy = []
    for r in rows:
        lost = r.outside_area + r.unplaced + r.quarantined
        share = lost / (r.rows + lost) if r.rows + lost else 0.0
        if share >= LOSS_WORTH_SAYING:
            lossy.append((labels.get(r.source, r.source), share))
    if lossy:
        parts.append(
            "; ".join(f"{name} lost {share * 100:.0f}% of its records" for name, share in lossy)
            + ": counts from "
            + ("it" if len(lossy) == 1 else "them")
            + " are lower than what was recorded, and maps and rates leave those records out."
        )
    else:
        parts.append(
            f"No source lost {LOSS_WORTH_SAYING * 100:.0f}% or more of its records at ingest, "
            "so the counts here are close to what was recorded."
        )
    return " ".join(parts)
