"""What a profile is made of: sections of text, tables and figures, each with its reading.

These plain dataclasses are filled by :mod:`upstream.report.profile` and rendered by the
offline report template and by the web app's ``/profile`` page alike, so both show the same
numbers and the same words.

Every table and figure says where its numbers come from (``source``, no default, so none can
be added without deciding): ``open`` (police.uk, MPS and ONS open data) or ``partnership``
(partnership records, which the public version shows only after disclosure control, see
:mod:`upstream.report.public`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import plotly.graph_objects as go

__all__ = [
    "OPEN",
    "PARTNERSHIP",
    "Figure",
    "Notice",
    "Profile",
    "Section",
    "Table",
    "Text",
    "Withheld",
]

OPEN = "open"
"""Numbers from open data (police.uk, MPS, ONS): published already, shown in full."""
PARTNERSHIP = "partnership"
"""Numbers from partnership records: disclosure-controlled in the public version."""


@dataclass
class Text:
    """A paragraph (plain text; the template escapes it)."""

    text: str
    kind: str = "reading"
    """``reading`` (generated from numbers), ``method`` (how it was computed) or ``note``."""


@dataclass
class Notice:
    """Something the data cannot support, said plainly where the view would have been."""

    text: str


@dataclass
class Withheld:
    """A view of partnership data left out of the public version, said plainly in its place."""

    id: str
    title: str
    text: str


@dataclass
class Table:
    """A small table: column headers and rows of already-formatted cells."""

    caption: str
    columns: list[str]
    rows: list[list[str]]
    numeric: list[bool] = field(default_factory=list)
    """Which columns are numbers (right-aligned)."""
    source: str = field(kw_only=True)
    """``open`` or ``partnership``."""
    counts: list[bool] = field(default_factory=list, kw_only=True)
    """Which columns hold counts of records (checked by the disclosure tests)."""
    total_row: bool = field(default=False, kw_only=True)
    """The last row is the total of the rows above (of the count columns)."""
    total_column: bool = field(default=False, kw_only=True)
    """The last count column is the total of the other count columns."""
    footnote: str = field(default="", kw_only=True)


@dataclass
class Figure:
    """A Plotly figure with the one-paragraph reading generated from its numbers."""

    id: str
    title: str
    figure: go.Figure
    reading: str
    caption: str = ""
    alt: str = ""
    source: str = field(kw_only=True)
    """``open`` or ``partnership``."""


Block = Text | Notice | Table | Figure | Withheld


@dataclass
class Section:
    """One numbered section of the profile."""

    id: str
    number: int
    title: str
    blocks: list[Block] = field(default_factory=list)
    synthetic: bool = False
    """True when the section shows synthetic (generated) data."""
    periods: list[str] = field(default_factory=list)
    """The data the section draws on: source, months and age
    (:func:`upstream.report.periods.source_period`)."""

    def add(self, *blocks: Block | None) -> Section:
        """Append blocks, skipping None."""
        self.blocks.extend(b for b in blocks if b is not None)
        return self


@dataclass
class Profile:
    """The whole strategic profile."""

    area_name: str
    generated: str
    end_month: str | None
    sections: list[Section]
    sources: list[str]
    synthetic: bool
    """True when any section shows synthetic data (the report is then watermarked)."""
    summary: list[str] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    public: bool = False
    """True for the public version: partnership data only after disclosure control."""

    def figures(self) -> list[Figure]:
        """Every figure, in order."""
        return [b for s in self.sections for b in s.blocks if isinstance(b, Figure)]
