"""Read back what a page publishes: its partnership tables and its figures.

Tables and figures of the strategic profile carry ``data-source`` (``open`` or
``partnership``); count columns carry ``data-count``; tables with totals carry
``data-total-row`` / ``data-total-column``. These helpers parse the rendered HTML so tests
check what a visitor actually receives.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

SUPPRESSED = "[c]"


@dataclass
class ParsedTable:
    caption: str = ""
    source: str = ""
    total_row: bool = False
    total_column: bool = False
    rows: list[list[tuple[str, bool]]] = field(default_factory=list)
    """Cells as (text, is a count column)."""

    def counts(self) -> list[list[str]]:
        """The count cells, row by row (header row left out)."""
        return [[text for text, count in row if count] for row in self.rows[1:]]


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables: list[ParsedTable] = []
        self.cell: list[str] | None = None
        self.cell_count = False
        self.in_caption = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table":
            self.tables.append(
                ParsedTable(
                    source=a.get("data-source") or "",
                    total_row="data-total-row" in a,
                    total_column="data-total-column" in a,
                )
            )
        elif tag == "caption" and self.tables:
            self.in_caption = True
        elif tag == "tr" and self.tables:
            self.tables[-1].rows.append([])
        elif tag in ("td", "th") and self.tables:
            self.cell, self.cell_count = [], "data-count" in a

    def handle_endtag(self, tag: str) -> None:
        if tag == "caption":
            self.in_caption = False
        elif tag in ("td", "th") and self.cell is not None and self.tables:
            text = re.sub(r"\s+", " ", "".join(self.cell)).strip()
            self.tables[-1].rows[-1].append((text, self.cell_count))
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.in_caption and self.tables:
            self.tables[-1].caption += data
        elif self.cell is not None:
            self.cell.append(data)


def tables(html: str) -> list[ParsedTable]:
    """Every table of the page."""
    parser = _Tables()
    parser.feed(html)
    return parser.tables


def numbers(cell: str) -> list[str]:
    """The counts in a count cell: ``[c]`` or whole numbers, before any bracketed period
    (``"40 (2022-08 to 2023-07)"`` -> ``["40"]``, ``"12 / [c]"`` -> ``["12", "[c]"]``)."""
    return re.findall(r"\[c\]|\d[\d,]*", cell.split("(")[0])


def small_counts(table: ParsedTable) -> list[str]:
    """Published counts of 1 to 9 in the table's count columns."""
    return [
        n
        for row in table.counts()
        for cell in row
        for n in numbers(cell)
        if n != SUPPRESSED and 0 < int(n.replace(",", "")) < 10
    ]


def exposed(table: ParsedTable) -> list[str]:
    """Rows or columns (with their totals) holding exactly one ``[c]``: recoverable."""
    grid = [[cell == SUPPRESSED for cell in row] for row in table.counts()]
    out = []
    if table.total_column:
        out += [f"row {i}" for i, row in enumerate(grid) if sum(row) == 1]
    if table.total_row and grid:
        for j in range(len(grid[0])):
            if sum(row[j] for row in grid) == 1:
                out.append(f"column {j}")
    return out


def figures(html: str) -> dict[str, dict[str, Any]]:
    """Each profile figure's id -> ``{"source": ..., "figure": parsed JSON}``."""
    out = {}
    for m in re.finditer(
        r'<figure class="pfigure" id="fig-([\w-]+)" data-source="(\w+)">.*?'
        r'<script type="application/json" id="data-[\w-]+">(.*?)</script>',
        html,
        re.S,
    ):
        out[m.group(1)] = {"source": m.group(2), "figure": json.loads(m.group(3))}
    return out


def withheld(html: str) -> list[str]:
    """Ids of the views the page says are not published."""
    return re.findall(r'data-withheld="([\w-]+)"', html)
