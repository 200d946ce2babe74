"""What a profile is made of: sections of text, tables and figures, each with its reading.

These plain dataclasses are filled by :mod:`upstream.report.profile` and rendered by the
offline report template and by the web app's ``/profile`` page alike, so both show the same
numbers and the same words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import plotly.graph_objects as go

__all__ = ["Figure", "Notice", "Profile", "Section", "Table", "Text"]


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
class Table:
    """A small table: column headers and rows of already-formatted cells."""

    caption: str
    columns: list[str]
    rows: list[list[str]]
    numeric: list[bool] = field(default_factory=list)
    """Which columns are numbers (right-aligned)."""


@dataclass
class Figure:
    """A Plotly figure with the one-paragraph reading generated from its numbers."""

    id: str
    title: str
    figure: go.Figure
    reading: str
    caption: str = ""
    alt: str = ""


Block = Text | Notice | Table | Figure


@dataclass
class Section:
    """One numbered section of the profile."""

    id: str
    number: int
    title: str
    blocks: list[Block] = field(default_factory=list)
    synthetic: bool = False
    """True when the section shows synthetic (generated) data."""

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

    def figures(self) -> list[Figure]:
        """Every figure, in order."""
        return [b for s in self.sections for b in s.blocks if isinstance(b, Figure)]
