"""A resident's attack on the published tables: work out suppressed cells from everything shown.

The attacker sees only the published frames (the CSV files) and knows how they are built:

* every figure is a count of incidents in some set of (MSOA, offence group, quarter)
  combinations: an MSOA row sums over offence groups, an offence row over MSOAs, an ``ALL``
  row over both, a year over its four quarters, ``ALL`` over every quarter. So the unknowns
  are the whole, non-negative counts ``z[msoa, offence, quarter]`` (finer than any table:
  this holds every relation between tables, periods and geographies at once, including
  differencing one table's totals against another's);
* a published figure ``r`` rounded to base ``b`` means a true count within ``r +/- b // 2``;
  a published non-zero count is at least the threshold, a published 0 is exactly 0.

For each suppressed cell it then solves two integer programmes (HiGHS through
:func:`scipy.optimize.milp`): the smallest and largest value the cell can take given all of
that. The cell is *recovered* when they are equal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import product

import numpy as np
import pandas as pd
from scipy.optimize import LinearConstraint, milp
from scipy.sparse import lil_matrix

QUARTER = re.compile(r"^\d{4}Q[1-4]$")


@dataclass(frozen=True)
class Bound:
    """What the attack learnt about one suppressed cell."""

    table: str
    row: int
    low: float
    high: float

    @property
    def recovered(self) -> bool:
        return self.high - self.low < 0.5


def _universe(frames: dict[str, pd.DataFrame]) -> tuple[list[str], list[str], list[str]]:
    msoas: set[str] = set()
    offences: set[str] = set()
    quarters: set[str] = set()
    for frame in frames.values():
        if "msoa_code" in frame:
            msoas.update(c for c in frame["msoa_code"] if c != "ALL")
        if "offence_group" in frame:
            offences.update(c for c in frame["offence_group"] if c != "ALL")
        quarters.update(p for p in frame["period"] if QUARTER.match(p))
    # with no offence table the attacker cannot split by offence: one group stands for all
    return sorted(msoas) or ["*"], sorted(offences) or ["*"], sorted(quarters)


def _cells(
    row: pd.Series, index: dict[tuple[str, str, str], int], quarters: list[str]
) -> list[int]:
    period = row["period"]
    if period == "ALL":
        chosen = quarters
    elif QUARTER.match(period):
        chosen = [period]
    else:
        chosen = [q for q in quarters if q.startswith(period)]
    msoa = row.get("msoa_code", "ALL")
    offence = row.get("offence_group", "ALL")
    return [
        i
        for (m, o, q), i in index.items()
        if q in chosen and msoa in ("ALL", m) and offence in ("ALL", o)
    ]


def attack(
    frames: dict[str, pd.DataFrame], base: int, threshold: int = 10, column: str = "incidents"
) -> list[Bound]:
    """Bounds on every suppressed cell of ``frames`` (see the module docstring)."""
    msoas, offences, quarters = _universe(frames)
    index = {key: i for i, key in enumerate(product(msoas, offences, quarters))}
    shown: list[tuple[list[int], float, float]] = []
    hidden: list[tuple[str, int, list[int]]] = []
    for name, frame in frames.items():
        own = sorted(p for p in set(frame["period"]) if QUARTER.match(p))  # ALL: these
        for pos, row in frame.iterrows():
            cells = _cells(row, index, own)
            value = str(row[column])
            if value == "[c]":
                hidden.append((name, int(pos), cells))
            elif value == "0":
                shown.append((cells, 0.0, 0.0))
            else:
                r = int(value)
                shown.append((cells, max(r - base // 2, threshold), r + base // 2))
    a = lil_matrix((len(shown), len(index)))
    for k, (cells, _, _) in enumerate(shown):
        a[k, cells] = 1.0
    constraint = LinearConstraint(
        a.tocsr(), np.array([s[1] for s in shown]), np.array([s[2] for s in shown])
    )
    integral = np.ones(len(index))
    out = []
    for name, pos, cells in hidden:
        c = np.zeros(len(index))
        c[cells] = 1.0
        ends = []
        for sign in (1.0, -1.0):
            res = milp(sign * c, constraints=constraint, integrality=integral)
            if res.status == 3 or res.x is None:  # unbounded
                ends.append(np.inf if sign < 0 else 0.0)
                continue
            assert res.status == 0, res.message
            ends.append(sign * res.fun)
        out.append(Bound(name, pos, ends[0], ends[1]))
    return out
