"""Small-number suppression of the orders' proportionality figures.

The figures count young people's orders, conditions and breach actions by ethnic group, age
band and sex: in a borough a cell is often one or two children, who would be recognisable.
So they pass the project's disclosure control (:mod:`upstream.account.disclosure`) with the
rule the network board tables use (:data:`upstream.network.groups_export.BOARD_RULE`): a
count from 1 to 4 is shown as ``[c]``, and so is any other count that would give a hidden
one away by subtraction (secondary suppression).

Each audited list is one table of sums: every dimension's groups add up to the list's
total, and (for orders and conditions) the support figures split that same total
(orders with and without an offer of support; conditions positive or not, positive ones
linked to an offer or not, linked ones taken up or not). The suspect and victim bases are
tables of their own, suppressed once and read by all three lists, so no two outputs hide
different cells of one table. A share, interval, ratio or p-value computed from a hidden
count is hidden with it; a warning about a group whose figures are hidden keeps the group
and drops the figures.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from upstream.account.disclosure import SUPPRESSED, DisclosureRule, Line, suppress_lines
from upstream.network.audit import BASE_NAMES, Audit

__all__ = ["Breakdown", "group_counts", "hidden_breakdown", "shown_audit"]

Counts = Mapping[str, Mapping[str, int]]
"""Counts per dimension and group: ``{"sex": {"male": 12, ...}, ...}``."""


@dataclass
class _Cells:
    """The counts of one table and the sums that tie them, built cell by cell."""

    values: list[int] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)

    def add(self, value: int) -> int:
        self.values.append(int(value))
        return len(self.values) - 1


@dataclass(frozen=True)
class Breakdown:
    """Which counts of one table are hidden: ``groups[(dimension, group)]``, ``total`` and
    the ``extra`` named counts (the support figures); a group not counted is 0, shown."""

    groups: dict[tuple[str, str], bool]
    total: bool
    extra: dict[str, bool]

    def group(self, dimension: str, group: str) -> bool:
        """True if the count of ``group`` in ``dimension`` is hidden."""
        return self.groups.get((dimension, group), False)


def hidden_breakdown(
    counts: Counts,
    total: int,
    rule: DisclosureRule,
    subsets: Sequence[tuple[str, int, str]] = (),
) -> Breakdown:
    """Suppress one table: every dimension of ``counts`` adds up to ``total``; each of
    ``subsets`` (``name, count, parent``) is part of ``total`` or of an earlier subset, the
    rest of the parent being a count too (never shown, protected all the same)."""
    cells = _Cells()
    top = cells.add(total)
    where: dict[tuple[str, str], int] = {}
    for dimension, groups in counts.items():
        members = tuple(cells.add(n) for n in groups.values())
        where.update(zip(((dimension, g) for g in groups), members, strict=True))
        cells.lines.append(Line(members, top))
    named = {"total": top}
    sizes = {"total": total}
    for name, count, parent in subsets:
        named[name] = cells.add(count)
        sizes[name] = count
        rest = cells.add(sizes[parent] - count)
        cells.lines.append(Line((named[name], rest), named[parent]))
    hidden = suppress_lines(cells.values, cells.lines, rule).suppressed
    return Breakdown(
        groups={key: bool(hidden[i]) for key, i in where.items()},
        total=bool(hidden[top]),
        extra={name: bool(hidden[i]) for name, i in named.items() if name != "total"},
    )


_LIST_DERIVED = ("list_share", "list_lo", "list_hi")
_RATIO = ("ratio", "ratio_lo", "ratio_hi")


def shown_audit(audit: Audit, listed: Breakdown, bases: Mapping[str, Breakdown]) -> Audit:
    """``audit`` with every hidden count, and every figure computed from one, as ``[c]``.

    ``bases`` holds the breakdowns of the bases counted from the case store (suspects,
    victims); a base not in it (residents' counts, given from outside) is shown as given.
    """
    table = audit.table.astype(object)
    rows_hidden: list[bool] = []
    for i, row in audit.table.iterrows():
        d, g = str(row["dimension"]), str(row["group"])
        own = listed.group(d, g) or listed.total
        if listed.group(d, g):
            table.at[i, "list_n"] = SUPPRESSED
        if listed.total:
            table.at[i, "list_total"] = SUPPRESSED
        if own:
            for column in _LIST_DERIVED:
                table.at[i, column] = SUPPRESSED
        suspects_hidden = False
        for name in BASE_NAMES:
            if f"{name}_n" not in table.columns:
                continue
            base = bases.get(name)
            n_hidden = base is not None and base.group(d, g)
            t_hidden = base is not None and base.total
            if n_hidden:
                table.at[i, f"{name}_n"] = SUPPRESSED
            if t_hidden:
                table.at[i, f"{name}_total"] = SUPPRESSED
            if n_hidden or t_hidden:
                table.at[i, f"{name}_share"] = SUPPRESSED
            if own or n_hidden or t_hidden:
                for suffix in _RATIO:
                    table.at[i, f"{name}_{suffix}"] = SUPPRESSED
                suspects_hidden |= name == "suspects"
        if suspects_hidden:
            for column in ("suspects_p", "suspects_p_holm"):
                if column in table.columns:
                    table.at[i, column] = SUPPRESSED
        rows_hidden.append(suspects_hidden)
    flagged = [
        (str(r["group"]), str(r["dimension"]), hidden)
        for (_, r), hidden in zip(audit.table.iterrows(), rows_hidden, strict=True)
        if bool(r.get("over_represented", False))
    ]
    warnings = tuple(
        _hidden_warning(group, dimension) if hidden else text
        for (group, dimension, hidden), text in zip(flagged, audit.warnings, strict=True)
    )
    return Audit(table=table, warnings=warnings, level=audit.level, alpha=audit.alpha)


def _hidden_warning(group: str, dimension: str) -> str:
    return (
        f"WARNING: the list over-represents {group} ({dimension.replace('_', ' ')}) relative "
        f"to {BASE_NAMES['suspects']}, beyond chance after Holm's correction; its figures are "
        f"shown as {SUPPRESSED} because they rest on so few young people that they could "
        "identify them."
    )


def group_counts(dims: pd.DataFrame, ids: Sequence[str]) -> dict[str, dict[str, int]]:
    """Counts per dimension and group of the units ``ids`` (looked up in ``dims``)."""
    chosen = dims.loc[[i for i in ids if i in dims.index]]
    return {
        d: {str(g): int(n) for g, n in chosen[d].value_counts().sort_index().items()}
        for d in dims.columns
    }
