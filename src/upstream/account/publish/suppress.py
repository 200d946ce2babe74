"""Disclosure control across every published table at once: primary and secondary
suppression over the union of their sums, then rounding.

Each published figure is a *node*: the count of incidents in one period (a quarter, a whole
year, or all the quarters) for one MSOA, one offence group, or the whole area. A figure shown
in two tables (the area's count per quarter is in both the MSOA table and the offence table)
is one node, so it is shown in both or suppressed in both. The *lines* are every sum a reader
can form: MSOAs add up to the area, offence groups add up to the area, quarters add up to
their year and to the whole period, in every table. Suppression then runs once over all
nodes and all lines with :func:`upstream.account.disclosure.secondary_suppression`, which
suppresses more figures until no suppressed one is fixed by any combination of the lines
(linear algebra on the union of the tables' equations, not table by table).

Published counts that are not suppressed are then rounded to the policy's base (5): each is
0 or at least the threshold, so each shows as ``0`` or a multiple of 5 of at least 10.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from upstream.account.disclosure import SUPPRESSED, Line, secondary_suppression
from upstream.account.publish.policy import Policy, round_to
from upstream.account.publish.tables import Counts

__all__ = ["ALL", "TABLES", "Published", "TableSpec", "periods_of", "publish_tables"]

ALL = "ALL"
"""The value of a column that is totalled over (the area, every offence group, every quarter)."""


@dataclass(frozen=True)
class TableSpec:
    """One published table of partnership incident counts by ``dim`` and period."""

    name: str
    title: str
    dim: str  # "msoa" or "offence"
    geography: str  # the finest geography it shows: "msoa" or "borough"


TABLES = (
    TableSpec(
        "incidents_by_msoa_quarter",
        "Police-recorded violence, robbery and weapons incidents by MSOA and quarter",
        "msoa",
        "msoa",
    ),
    TableSpec(
        "incidents_by_offence_quarter",
        "Police-recorded incidents by offence group and quarter, whole area",
        "offence",
        "borough",
    ),
)

Key = tuple[str, str | None, tuple[str, ...]]
"""A node: (dimension, its value or None for the whole area/every group, its quarters)."""


@dataclass(frozen=True)
class Published:
    """The tables as published (``frames``: strings, ``[c]`` where suppressed) and the
    disclosure state behind them (``values``, ``suppressed`` per node; never exported).
    ``ledger`` is every node ever published, this release's and earlier ones', and whether
    it was suppressed (:mod:`upstream.account.publish.ledger` keeps it)."""

    frames: dict[str, pd.DataFrame]
    specs: tuple[TableSpec, ...]
    keys: tuple[Key, ...]
    values: NDArray[np.int64]
    primary: NDArray[np.bool_]
    suppressed: NDArray[np.bool_]
    lines: tuple[Line, ...]
    ledger: dict[Key, bool]


def periods_of(quarters: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """Every published period and its quarters: each quarter, each whole year, and ``ALL``."""
    out: dict[str, tuple[str, ...]] = {q: (q,) for q in quarters}
    years = sorted({q[:4] for q in quarters})
    for year in years:
        inside = tuple(q for q in quarters if q[:4] == year)
        if len(inside) == 4:
            out[year] = inside
    out[ALL] = tuple(quarters)
    return out


def _levels(counts: Counts, dim: str) -> tuple[str, ...]:
    return tuple(counts.msoas) if dim == "msoa" else counts.offences


def _canonical(dim: str, value: str | None, quarters: tuple[str, ...]) -> Key:
    return ("", None, quarters) if value is None else (dim, value, quarters)


def _node_values(counts: Counts, keys: Sequence[Key]) -> NDArray[np.int64]:
    frame = counts.frame
    by_quarter = {
        dim: frame.groupby([dim, "quarter"])["n"].sum().to_dict() for dim in ("msoa", "offence")
    }
    area = frame.groupby("quarter")["n"].sum().to_dict()
    out = np.zeros(len(keys), dtype=np.int64)
    for i, (dim, value, quarters) in enumerate(keys):
        if value is None:
            out[i] = sum(int(area.get(q, 0)) for q in quarters)
        else:
            out[i] = sum(int(by_quarter[dim].get((value, q), 0)) for q in quarters)
    return out


def _structure(
    counts: Counts, dims: Sequence[str], spans: Sequence[tuple[str, ...]]
) -> tuple[list[Key], list[Line]]:
    """Every node and line of ``dims`` over the period ``spans`` (tuples of quarters)."""
    index: dict[Key, int] = {}

    def node(dim: str, value: str | None, quarters: tuple[str, ...]) -> int:
        return index.setdefault(_canonical(dim, value, quarters), len(index))

    lines: set[Line] = set()
    for dim in dims:
        levels = _levels(counts, dim)
        for span in spans:
            members = tuple(node(dim, v, span) for v in levels)
            lines.add(Line(members, node(dim, None, span)))
        for value in (*levels, None):
            for span in spans:
                if len(span) > 1:
                    members = tuple(node(dim, value, (q,)) for q in span)
                    lines.add(Line(members, node(dim, value, span)))
    keys = sorted(index, key=index.__getitem__)
    return keys, sorted(lines, key=lambda line: (line.total, line.members))


def _frame(
    spec: TableSpec,
    counts: Counts,
    periods: dict[str, tuple[str, ...]],
    cell: dict[Key, str],
) -> pd.DataFrame:
    rows = []
    for value in (*_levels(counts, spec.dim), None):
        for period, quarters in periods.items():
            shown = cell[_canonical(spec.dim, value, quarters)]
            if spec.dim == "msoa":
                code = ALL if value is None else value
                name = "All MSOAs" if value is None else counts.msoas[value]
                rows.append({"msoa_code": code, "msoa_name": name, "period": period,
                             "incidents": shown})  # fmt: skip
            else:
                rows.append({"offence_group": ALL if value is None else value,
                             "period": period, "incidents": shown})  # fmt: skip
    return pd.DataFrame(rows)


def _earlier(counts: Counts, earlier: Mapping[Key, bool]) -> dict[Key, bool]:
    """The earlier release's nodes this store can still count (its quarters are all here)."""
    known = set(counts.quarters)
    dims: dict[str, set[str | None]] = {
        "msoa": set(counts.msoas),
        "offence": set(counts.offences),
        "": {None},
    }
    return {
        key: hidden
        for key, hidden in earlier.items()
        if set(key[2]) <= known and key[0] in dims and key[1] in dims[key[0]]
    }


def publish_tables(
    counts: Counts,
    policy: Policy,
    *,
    earlier: Mapping[Key, bool] | None = None,
    secondary: bool = True,
    rounding: bool = True,
) -> Published:
    """The partnership tables the policy allows, suppressed together and rounded.

    ``earlier`` is what earlier releases published (node: suppressed?): a node suppressed
    before stays suppressed, a node shown before is public for good and is never chosen as
    a complement, and earlier period totals (an ``ALL`` over fewer quarters) are in the
    lines, so this release cannot be differenced against them. ``secondary`` and
    ``rounding`` exist so the attack test can show what each protects against; a policy file
    cannot switch either off (:mod:`upstream.account.publish.policy`).
    """
    specs = tuple(s for s in TABLES if s.geography in policy.geographies)
    periods = periods_of(counts.quarters)
    before = _earlier(counts, earlier or {})
    spans = list(dict.fromkeys([*periods.values(), *(k[2] for k in before)]))
    dims = list(dict.fromkeys([*(s.dim for s in specs), *(k[0] for k in before if k[0])]))
    keys, lines = _structure(counts, dims, spans)
    values = _node_values(counts, keys)
    primary = policy.rule.small(values)
    hide = primary | np.array([before.get(k, False) for k in keys], dtype=bool)
    shown_before = np.array([k in before and not before[k] for k in keys], dtype=bool)
    if secondary and lines:
        hidden = secondary_suppression(values, hide, lines, fixed=shown_before)
    else:
        hidden = hide.copy()
    base = policy.rounding_base if rounding else 1
    cell = {
        key: SUPPRESSED if hidden[i] else str(round_to(int(values[i]), base))
        for i, key in enumerate(keys)
    }
    frames = {spec.name: _frame(spec, counts, periods, cell) for spec in specs}
    ledger = {**(earlier or {})}
    current = {_canonical(s.dim, v, q) for s in specs
               for v in (*_levels(counts, s.dim), None) for q in periods.values()}  # fmt: skip
    ledger.update({k: bool(hidden[i]) for i, k in enumerate(keys) if k in current})
    return Published(frames, specs, tuple(keys), values, primary, hidden, tuple(lines), ledger)
