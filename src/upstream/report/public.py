"""The public version of the strategic profile: partnership data only after disclosure control.

``build_profile(settings, public=True)`` (the web page for visitors who have not signed in,
and ``upstream profile --public``) shows open data (police.uk, MPS, ONS) in full and treats
partnership records (incident extracts, A&E; real or synthetic) so:

* charts of partnership counts that cannot be shown without small numbers (monthly series,
  weekday by hour, age and sex, ethnic group) are replaced by a :class:`Withheld` note saying
  why, with a disclosure-controlled table beside it where one is useful;
* tables of partnership counts go through :mod:`upstream.account.disclosure` (counts 1 to 9
  suppressed, secondary suppression against the totals shown, ``[c]`` in their place), and
  every rate, share, ratio, interval or p-value computed from a suppressed count is
  suppressed with it;
* readings quote a partnership count only when it is published.

The helpers here build those blocks; the sections decide which of their views need them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from upstream.account.disclosure import show, suppress_one_way, suppress_two_way
from upstream.report.model import PARTNERSHIP, Table, Withheld

__all__ = [
    "FOOTNOTE",
    "PUBLIC_VERSION",
    "count_table",
    "nested",
    "split",
    "withheld",
]

FOOTNOTE = (
    "[c]: not published. Counts of 1 to 9 from partnership records are not published, nor "
    "any other count, total, rate or ratio that would let one be worked out."
)

PUBLIC_VERSION = (
    "Public version. Figures from police.uk, the Metropolitan Police and ONS are open data "
    "and shown in full. Figures from partnership records are shown only after disclosure "
    "control: counts of 1 to 9 are not published, nor anything that would let one be worked "
    "out from a total (shown as [c]); charts that would show such counts are left out and "
    "say so. Partnership users see the full profile when signed in."
)
"""What the public version says about itself, at its top."""


def withheld(ident: str, title: str) -> Withheld:
    """The note that stands where a chart of partnership counts would be."""
    return Withheld(
        ident,
        title,
        f"'{title}' is built from partnership records, and counts below 10 are not "
        "published. Sign in to upstream as a partnership user to see it.",
    )


def nested(inner: int, outer: int, public: bool) -> tuple[bool, bool]:
    """Whether a count and the count of a group containing it (victims under 18 and under
    25, say) are suppressed when both are shown: tabulated as ``[inner, outer - inner]`` with
    ``outer`` as total, so neither can be subtracted from the other to reveal a small count."""
    if not public:
        return False, False
    s = suppress_one_way([inner, outer - inner])
    return bool(s.suppressed[0]), bool(s.suppressed[2])


def split(part: int, whole: int, public: bool) -> bool:
    """Whether a share ``part / whole`` (or a comparison of ``part`` with ``whole - part``)
    must be suppressed: when ``part``, ``whole - part`` or ``whole`` is not publishable."""
    return public and bool(suppress_one_way([part, whole - part]).suppressed.any())


def count_table(
    caption: str,
    header: str,
    rows: Sequence[str],
    columns: Sequence[str],
    counts: ArrayLike,
    *,
    public: bool,
) -> Table:
    """Partnership counts (rows x columns) with row and column totals, disclosure-controlled
    when ``public`` (:func:`upstream.account.disclosure.suppress_two_way`)."""
    s = suppress_two_way(np.asarray(counts, dtype=np.int64))
    hidden = s.suppressed & public
    width = len(columns) + 1
    body = [
        [label] + [show(int(s.values[i, j]), bool(hidden[i, j])) for j in range(width)]
        for i, label in enumerate([*rows, "Total"])
    ]
    return Table(
        caption,
        [header, *columns, "Total"],
        body,
        [False] + [True] * width,
        source=PARTNERSHIP,
        counts=[False] + [True] * width,
        total_row=True,
        total_column=True,
        footnote=FOOTNOTE if public else "",
    )
