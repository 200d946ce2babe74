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

from collections.abc import Sequence
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

Key = tuple[str, str | None, str]
"""A node: (dimension, its value or None for the whole area/every group, period)."""


@dataclass(frozen=True)
class Published:
    """The tables as published (``frames``: strings, ``[c]`` where suppressed) and the
    disclosure state behind them (``values``, ``suppressed`` per node; never exported)."""

    frames: dict[str, pd.DataFrame]
    specs: tuple[TableSpec, ...]
    keys: tuple[Key, ...]
    values: NDArray[np.int64]
    primary: NDArray[np.bool_]
    suppressed: NDArray[np.bool_]
    lines: tuple[Line, ...]


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


def _canonical(dim: str, value: str | None, period: str) -> Key:
    return ("", None, period) if value is None else (dim, value, period)


def _node_values(
    counts: Counts, keys: Sequence[Key], periods: dict[str, tuple[str, ...]]
) -> NDArray[np.int64]:
    frame = counts.frame
    by_quarter = {
        dim: frame.groupby([dim, "quarter"])["n"].sum().to_dict() for dim in ("msoa", "offence")
    }
    area = frame.groupby("quarter")["n"].sum().to_dict()
    out = np.zeros(len(keys), dtype=np.int64)
    for i, (dim, value, period) in enumerate(keys):
        source = area if value is None else by_quarter[dim]
        out[i] = sum(
            int(source.get(q if value is None else (value, q), 0)) for q in periods[period]
        )
    return out


def _structure(
    counts: Counts, specs: Sequence[TableSpec]
) -> tuple[list[Key], list[Line], dict[str, tuple[str, ...]]]:
    periods = periods_of(counts.quarters)
    index: dict[Key, int] = {}

    def node(dim: str, value: str | None, period: str) -> int:
        return index.setdefault(_canonical(dim, value, period), len(index))

    lines: set[Line] = set()
    for spec in specs:
        levels = _levels(counts, spec.dim)
        for period in periods:
            members = tuple(node(spec.dim, v, period) for v in levels)
            lines.add(Line(members, node(spec.dim, None, period)))
        for value in (*levels, None):
            for period, inside in periods.items():
                if len(inside) > 1:
                    members = tuple(node(spec.dim, value, q) for q in inside)
                    lines.add(Line(members, node(spec.dim, value, period)))
    keys = sorted(index, key=index.__getitem__)
    return keys, sorted(lines, key=lambda line: (line.total, line.members)), periods


def _frame(
    spec: TableSpec,
    counts: Counts,
    periods: dict[str, tuple[str, ...]],
    cell: dict[Key, str],
) -> pd.DataFrame:
    rows = []
    for value in (*_levels(counts, spec.dim), None):
        for period in periods:
            shown = cell[_canonical(spec.dim, value, period)]
            if spec.dim == "msoa":
                code = ALL if value is None else value
                name = "All MSOAs" if value is None else counts.msoas[value]
                rows.append({"msoa_code": code, "msoa_name": name, "period": period,
                             "incidents": shown})  # fmt: skip
            else:
                rows.append({"offence_group": ALL if value is None else value,
                             "period": period, "incidents": shown})  # fmt: skip
    return pd.DataFrame(rows)


def publish_tables(
    counts: Counts,
    policy: Policy,
    *,
    secondary: bool = True,
    rounding: bool = True,
) -> Published:
    """The partnership tables the policy allows, suppressed together and rounded.

    ``secondary`` and ``rounding`` exist so the attack test can show what each protects
    against; a policy file cannot switch either off (:mod:`upstream.account.publish.policy`).
    """
    specs = tuple(s for s in TABLES if s.geography in policy.geographies)
    keys, lines, periods = _structure(counts, specs)
    values = _node_values(counts, keys, periods)
    primary = policy.rule.small(values)
    hidden = (
        secondary_suppression(values, primary, lines) if secondary and lines else primary.copy()
    )
    base = policy.rounding_base if rounding else 1
    cell = {
        key: SUPPRESSED if hidden[i] else str(round_to(int(values[i]), base))
        for i, key in enumerate(keys)
    }
    frames = {spec.name: _frame(spec, counts, periods, cell) for spec in specs}
    return Published(frames, specs, tuple(keys), values, primary, hidden, tuple(lines))
