"""Statistical disclosure control: which counts built from partnership records may be published.

Partnership records (police incident extracts, A&E attendances; real or synthetic) describe
people, many of them children. Wherever upstream shows figures built from them to someone who
has not signed in (the public web pages, ``upstream profile --public``), it applies this rule
first, in the manner of the small-number rules ONS and NHS England publish under:

1. **Primary suppression.** A count from 1 to 9 (from 1 to ``min_count - 1``) is not
   published. Zero is published: it says that no record has the characteristic, so it points
   at no one (these tables hold counts of incidents and people, not attributes of a known
   group).
2. **Totals.** A row, column or grand total that is itself from 1 to 9 is not published.
3. **Secondary (complementary) suppression.** In a table published with its totals, a row or
   column holding exactly one unpublished value would give that value away by subtraction. So
   another value of that line is suppressed too: the smallest non-zero published count in it
   (ties: the first in reading order); the line's own total only if no count qualifies. This
   repeats until no row or column has exactly one unpublished value, and then until no
   unpublished value can be worked out exactly from any combination of the table's sums
   (:func:`determined`, linear algebra on the table's equations).
4. **Derived values.** A rate, share, ratio, interval or p-value computed from an unpublished
   count is not published either (:func:`show`).

Unpublished values are shown as ``[c]``, the Government Statistical Service's symbol for
"confidential". What the rule does not promise: someone can still bound an unpublished value
(between 0 and its line's total, say); it prevents exact recovery only, which is what
small-number rules ask for. It knows only the sums of one table: figures that overlap across
tables (one subgroup published in two tables) must be tabulated so that one table holds both,
as :func:`suppress_one_way` does for nested groups.

No Python library on PyPI does secondary suppression of this kind: sdcMicro and tau-Argus are
R and Java, and ACRO (the checker of research outputs) applies thresholds cell by cell without
complementary suppression. The rule is small, so it is written here as pure functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "PARTNERSHIP_RULE",
    "SUPPRESSED",
    "DisclosureRule",
    "Line",
    "Suppression",
    "determined",
    "exposed_lines",
    "secondary_suppression",
    "show",
    "suppress_counts",
    "suppress_lines",
    "suppress_one_way",
    "suppress_two_way",
]

SUPPRESSED = "[c]"
"""How an unpublished value is shown (GSS shorthand: confidential)."""

_TOLERANCE = 1e-9


@dataclass(frozen=True)
class DisclosureRule:
    """Counts from 1 to ``min_count - 1`` are not published; zero always is."""

    min_count: int = 10

    def __post_init__(self) -> None:
        if self.min_count < 1:
            raise ValueError("min_count must be at least 1 (1 publishes every count)")

    def small(self, values: ArrayLike) -> NDArray[np.bool_]:
        """True where a count is from 1 to ``min_count - 1`` (primary suppression)."""
        v = np.asarray(values)
        return np.asarray((v > 0) & (v < self.min_count))


PARTNERSHIP_RULE = DisclosureRule()
"""The partnership's rule: counts from 1 to 9 are not published."""


@dataclass(frozen=True)
class Line:
    """One additive equation of a table: the ``members`` add up to ``total`` (flat indices)."""

    members: tuple[int, ...]
    total: int

    @property
    def entries(self) -> tuple[int, ...]:
        """The members and the total."""
        return (*self.members, self.total)


@dataclass(frozen=True)
class Suppression:
    """A table of counts with which of them are not published, and why.

    ``values`` holds the counts *and* their totals (one-way: the total last; two-way: a total
    column on the right and a total row at the bottom); ``lines`` are the table's sums over
    ``values.ravel()``.
    """

    values: NDArray[np.int64]
    primary: NDArray[np.bool_]
    secondary: NDArray[np.bool_]
    lines: tuple[Line, ...] = ()

    @property
    def suppressed(self) -> NDArray[np.bool_]:
        """True where a value is not published, for either reason."""
        return self.primary | self.secondary

    def published(self) -> list[object]:
        """The values as nested lists (like ``tolist``), None where not published."""
        out = self.values.astype(object)
        out[self.suppressed] = None
        result: list[object] = out.tolist()
        return result

    def show(self, index: int | tuple[int, ...], fmt: str = "{:,}") -> str:
        """One value formatted, or ``[c]``."""
        return show(int(self.values[index]), bool(self.suppressed[index]), fmt=fmt)


def show(value: object, *suppressed: bool, fmt: str = "{:,}") -> str:
    """``value`` formatted with ``fmt``, or ``[c]`` if it, or any count it derives from, is
    suppressed (pass one flag per count it is computed from)."""
    return SUPPRESSED if any(suppressed) else fmt.format(value)


def _counts(values: ArrayLike, ndim: int | None = None) -> NDArray[np.int64]:
    array = np.asarray(values)
    if ndim is not None and array.ndim != ndim:
        raise ValueError(f"expected a {ndim}-dimensional table of counts, got {array.ndim}")
    if array.size and (not np.all(np.isfinite(array)) or np.any(array != np.round(array))):
        raise ValueError("counts must be whole numbers")
    if array.size and np.any(array < 0):
        raise ValueError("counts cannot be negative")
    return array.astype(np.int64)


def suppress_counts(values: ArrayLike, rule: DisclosureRule = PARTNERSHIP_RULE) -> Suppression:
    """Primary suppression only, for counts published without any total they add up to."""
    counts = _counts(values)
    primary = rule.small(counts)
    return Suppression(counts, primary, np.zeros_like(primary))


def suppress_one_way(counts: ArrayLike, rule: DisclosureRule = PARTNERSHIP_RULE) -> Suppression:
    """Counts of the categories of one variable and their total (``values[-1]``).

    Also for nested groups: to publish the victims under 18 and under 25, suppress
    ``[under_18, aged_18_to_24]``; the total is the under-25 count.
    """
    cells = _counts(counts, ndim=1)
    values = np.append(cells, cells.sum())
    line = Line(tuple(range(len(cells))), len(cells))
    return _suppress(values, (line,), rule)


def _two_way_lines(rows: int, cols: int) -> tuple[Line, ...]:
    width = cols + 1

    def at(i: int, j: int) -> int:
        return i * width + j

    lines = [Line(tuple(at(i, j) for j in range(cols)), at(i, cols)) for i in range(rows + 1)]
    lines += [Line(tuple(at(i, j) for i in range(rows)), at(rows, j)) for j in range(cols + 1)]
    return tuple(lines)


def suppress_two_way(counts: ArrayLike, rule: DisclosureRule = PARTNERSHIP_RULE) -> Suppression:
    """A rows x columns table of counts, published with its row, column and grand totals.

    ``values`` is ``(rows + 1) x (columns + 1)``: the row totals are the last column, the
    column totals the last row, the grand total the corner.
    """
    cells = _counts(counts, ndim=2)
    rows, cols = cells.shape
    values = np.zeros((rows + 1, cols + 1), dtype=np.int64)
    values[:rows, :cols] = cells
    values[:rows, cols] = cells.sum(axis=1)
    values[rows, :cols] = cells.sum(axis=0)
    values[rows, cols] = cells.sum()
    return _suppress(values, _two_way_lines(rows, cols), rule)


def suppress_lines(
    values: ArrayLike, lines: Sequence[Line], rule: DisclosureRule = PARTNERSHIP_RULE
) -> Suppression:
    """Counts tied by any set of sums (``lines`` over ``values.ravel()``), for tables that
    are neither one-way nor two-way: several breakdowns of one total, nested subsets.

    A count that is never shown but follows from shown ones by subtraction (those *not*
    offered support, say) belongs in ``values`` too, so that a small one is protected.
    """
    return _suppress(_counts(values), tuple(lines), rule)


def _suppress(
    values: NDArray[np.int64], lines: tuple[Line, ...], rule: DisclosureRule
) -> Suppression:
    primary = rule.small(values)
    hidden = secondary_suppression(values, primary, lines)
    return Suppression(values, primary, hidden & ~primary, lines)


def exposed_lines(suppressed: ArrayLike, lines: Sequence[Line]) -> list[Line]:
    """The lines holding exactly one unpublished value (it equals total minus the others)."""
    flat = np.asarray(suppressed, dtype=bool).ravel()
    return [line for line in lines if int(flat[list(line.entries)].sum()) == 1]


def _equations(size: int, lines: Sequence[Line]) -> NDArray[np.float64]:
    a = np.zeros((len(lines), size))
    for row, line in enumerate(lines):
        a[row, list(line.members)] = 1.0
        a[row, line.total] = -1.0
    return a


def determined(suppressed: ArrayLike, lines: Sequence[Line]) -> NDArray[np.bool_]:
    """True for each unpublished value that the published values and the table's sums fix.

    The sums are linear equations; the unpublished values are the unknowns. An unknown is
    fixed exactly when every solution of the homogeneous system has it at zero, that is when
    the null space of the unknowns' columns is zero in its coordinate. (For tables whose
    unpublished counts are all non-zero this is also what whole, non-negative counts allow:
    each unknown that is not fixed lies on a cycle of unknowns that can move by one each way.)
    """
    mask = np.asarray(suppressed, dtype=bool)
    flat = mask.ravel()
    out = np.zeros(flat.shape, dtype=bool)
    unknown = np.flatnonzero(flat)
    if not len(unknown) or not lines:
        return out.reshape(mask.shape)
    a = _equations(flat.size, lines)[:, unknown]
    a = a[np.any(a != 0, axis=1)]
    if not len(a):
        return out.reshape(mask.shape)
    _, singular, vt = np.linalg.svd(a, full_matrices=True)
    rank = int((singular > _TOLERANCE * max(1.0, float(singular.max(initial=0.0)))).sum())
    null = vt[rank:]
    fixed = np.all(np.abs(null) < 1e-7, axis=0) if len(null) else np.ones(len(unknown), bool)
    out[unknown] = fixed
    return out.reshape(mask.shape)


def _complement(
    flat: NDArray[np.int64],
    hidden: NDArray[np.bool_],
    line: Line,
    zero: bool = True,
    fixed: NDArray[np.bool_] | None = None,
) -> int | None:
    """The value of ``line`` to suppress next: its smallest non-zero published member (ties
    by position), else its total if published and non-zero, else (with ``zero``) a published
    zero. Values in ``fixed`` (published before, so public for good) are never picked."""
    taken = hidden if fixed is None else hidden | fixed
    members = [m for m in line.members if not taken[m] and flat[m] > 0]
    if members:
        return min(members, key=lambda m: (int(flat[m]), m))
    if not taken[line.total] and flat[line.total] > 0:
        return line.total
    zeros = [e for e in line.entries if not taken[e]] if zero else []
    return min(zeros) if zeros else None


def secondary_suppression(
    values: ArrayLike,
    primary: ArrayLike,
    lines: Sequence[Line],
    fixed: ArrayLike | None = None,
) -> NDArray[np.bool_]:
    """Everything to suppress (``primary`` included) so that no unpublished value can be
    worked out from the published ones and the table's sums.

    First, while some line has exactly one unpublished value, suppress that line's
    :func:`_complement`. Then, if some unpublished value is still fixed by a combination of
    lines (:func:`determined`), suppress one more value (:func:`_breaker`) and start again.
    Each round suppresses one more value and a table with every value unpublished fixes
    none, so this ends.

    ``fixed`` marks values already published (in an earlier release): they stay published
    and are never picked; :class:`ValueError` if the rest cannot protect every unpublished
    value.
    """
    flat = _counts(values).ravel()
    hidden = np.asarray(primary, dtype=bool).ravel().copy()
    known = (
        np.zeros_like(hidden) if fixed is None else np.asarray(fixed, dtype=bool).ravel() & ~hidden
    )
    while True:
        progress = True
        while progress:
            progress = False
            for line in exposed_lines(hidden, lines):
                if int(hidden[list(line.entries)].sum()) != 1:
                    continue  # an earlier pick in this pass already covered it
                pick = _complement(flat, hidden, line, fixed=known)
                if pick is None:  # every other value of the line was published before
                    raise ValueError("cannot protect a value: its line was published before")
                hidden[pick] = True
                progress = True
        fixed = np.flatnonzero(determined(hidden, lines))
        if not len(fixed):
            return hidden.reshape(np.shape(values))
        hidden[_breaker(flat, hidden, lines, int(fixed[0]), known)] = True


def _breaker(
    flat: NDArray[np.int64],
    hidden: NDArray[np.bool_],
    lines: Sequence[Line],
    k: int,
    known: NDArray[np.bool_] | None = None,
) -> int:
    """What to suppress next when unpublished value ``k`` is still fixed: a non-zero
    complement in one of its lines; else the smallest non-zero published value anywhere whose
    suppression frees it; else a published zero in its lines; else any published value.
    Values in ``known`` (published before) are never picked."""
    known = np.zeros_like(hidden) if known is None else known
    mine = [line for line in lines if k in line.entries]
    for line in mine:
        pick = _complement(flat, hidden, line, zero=False, fixed=known)
        if pick is not None:
            return pick
    free = ~hidden & ~known
    for e in sorted(np.flatnonzero(free & (flat > 0)), key=lambda e: (int(flat[e]), int(e))):
        trial = hidden.copy()
        trial[e] = True
        if not determined(trial, lines)[k]:
            return int(e)
    for line in mine:
        pick = _complement(flat, hidden, line, fixed=known)
        if pick is not None:
            return pick
    left = np.flatnonzero(free)
    if not len(left):
        raise ValueError("cannot protect a value: everything else was published before")
    return int(left[0])  # a table with every value hidden fixes none
