"""A board quarter (``YYYYQn``): its months and its bounds in London time."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from upstream.cases.localtime import LONDON

__all__ = ["Quarter", "QuarterError", "parse_quarter"]

_PATTERN = re.compile(r"(\d{4})Q([1-4])")


class QuarterError(ValueError):
    """A quarter that is not ``YYYYQn``."""


@dataclass(frozen=True)
class Quarter:
    """One calendar quarter."""

    year: int
    number: int

    @property
    def label(self) -> str:
        """``2024Q2``."""
        return f"{self.year}Q{self.number}"

    @property
    def months(self) -> list[str]:
        """Its three months, ``YYYY-MM``."""
        first = 3 * self.number - 2
        return [f"{self.year}-{m:02d}" for m in range(first, first + 3)]

    @property
    def first_month(self) -> str:
        """The quarter's first month."""
        return self.months[0]

    @property
    def last_month(self) -> str:
        """The quarter's last month (the end of the pack's latest windows)."""
        return self.months[-1]

    def bounds(self) -> tuple[datetime, datetime]:
        """Start (inclusive) and end (exclusive) as London-time instants."""
        start = datetime(self.year, 3 * self.number - 2, 1, tzinfo=LONDON)
        if self.number == 4:
            end = datetime(self.year + 1, 1, 1, tzinfo=LONDON)
        else:
            end = datetime(self.year, 3 * self.number + 1, 1, tzinfo=LONDON)
        return start, end


def parse_quarter(text: str) -> Quarter:
    """``YYYYQn`` (``n`` 1 to 4) as a :class:`Quarter`; :class:`QuarterError` otherwise."""
    match = _PATTERN.fullmatch(text.strip())
    if match is None:
        raise QuarterError(f"--quarter: {text!r} is not a quarter in YYYYQn form (e.g. 2024Q2)")
    return Quarter(int(match.group(1)), int(match.group(2)))
