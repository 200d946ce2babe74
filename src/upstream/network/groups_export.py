"""The board's view of the network: groups only, never a person.

One row per group (a Louvain community of :func:`upstream.network.analysis.groups`,
numbered by size as ``group 1``, ``group 2``, ...): how many people, their make-up by age
band and sex, the harm-weighted offences of its members in the window, how many of them
were harmed in the last 12 months and how many adults carry an exploitation flag; and a
second table of harm between groups (suspects' group to victims' group, incidents).

Nothing in either table names a person: no id, no pseudonym, no evidence id. Groups of
fewer than :data:`MIN_GROUP` people are pooled into one row (``smaller groups``), so a
table row is never one or two people. Counts then pass the project's disclosure control
(:mod:`upstream.account.disclosure`) with :data:`BOARD_RULE`, a threshold of 5 for this
closed governance audience (public outputs use the partnership rule of 10): a count from 1
to 4 is shown as ``[c]``, and so is any count that would give one away by subtraction from
the group's size (secondary suppression within each make-up table). The offences of a group
with a suppressed number of offenders are suppressed too (they would describe those few
people), and the harm weight goes with the offences it is computed from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import networkx as nx
import numpy as np
import pandas as pd

from upstream.account.disclosure import (
    SUPPRESSED,
    DisclosureRule,
    suppress_counts,
    suppress_one_way,
)
from upstream.definitions import Definitions
from upstream.network.analysis import exploitation, group_violence
from upstream.network.links import months_before
from upstream.network.people import AGE_BANDS, age_band, ages, harmed_between, offences_long

__all__ = [
    "BOARD_RULE",
    "MIN_GROUP",
    "SEX_LABELS",
    "SMALLER",
    "BoardExport",
    "board_tables",
    "group_labels",
]

BOARD_RULE = DisclosureRule(min_count=5)
"""Counts from 1 to 4 are not shown to the board."""
MIN_GROUP = 5
"""Groups smaller than this are pooled into :data:`SMALLER`."""
SMALLER = "smaller groups"
SEX_LABELS = {"F": "female", "M": "male", "X": "another identity", "not known": "sex not known"}


@dataclass(frozen=True)
class BoardExport:
    """``groups`` (one row per group, text cells) and ``harm`` (group to group), both with
    suppressed counts shown as ``[c]``; ``summary`` holds the figures of the whole export."""

    groups: pd.DataFrame
    harm: pd.DataFrame
    summary: dict[str, object]


def group_labels(membership: pd.DataFrame) -> pd.Series:
    """Each community's label: ``group N`` (1 the largest) or :data:`SMALLER`."""
    sizes = membership.groupby("community")["person"].size().sort_index()
    labels = {
        c: f"group {int(str(c)) + 1}" if n >= MIN_GROUP else SMALLER for c, n in sizes.items()
    }
    return pd.Series(labels, name="group")


def _shown(values: np.ndarray, hidden: np.ndarray) -> list[str]:
    return [SUPPRESSED if h else f"{int(v):,}" for v, h in zip(values, hidden, strict=True)]


def _make_up(people: pd.DataFrame, group: pd.Series, rule: DisclosureRule) -> pd.DataFrame:
    """Age-band and sex counts per group, each dimension suppressed against the group size."""
    band = age_band(ages(people)).reindex(people["id"]).to_numpy()
    sex = people["sex"].map(SEX_LABELS).fillna("sex not known").to_numpy()
    frame = pd.DataFrame({"group": group.to_numpy(), "age": band, "sex": sex})
    columns = {
        "age": [label for _, _, label in AGE_BANDS],
        "sex": list(dict.fromkeys(SEX_LABELS.values())),
    }
    parts = []
    for dim, order in columns.items():
        counts = pd.crosstab(frame["group"], frame[dim]).reindex(columns=order, fill_value=0)
        shown = {}
        for label, row in counts.iterrows():
            s = suppress_one_way(row.to_numpy(), rule)
            shown[label] = _shown(s.values[:-1], s.suppressed[:-1])
        parts.append(pd.DataFrame.from_dict(shown, orient="index", columns=order))
    return pd.concat(parts, axis=1)


def board_tables(
    graph: nx.Graph,
    membership: pd.DataFrame,
    people: pd.DataFrame,
    active: pd.DataFrame,
    definitions: Definitions,
    as_of: date,
    window_months: int = 24,
    harmed_months: int = 12,
    rule: DisclosureRule = BOARD_RULE,
) -> BoardExport:
    """The group-level tables for the board.

    Parameters
    ----------
    graph, membership
        From :func:`upstream.network.graph.build_graph` and
        :func:`upstream.network.analysis.groups` on the active links.
    people
        From :func:`upstream.network.people.validate_people`.
    active
        From :func:`upstream.network.links.active_links` (for the exploitation flags).
    window_months
        The window for offences (the links' window).
    harmed_months
        The window for "harmed recently" (12 months, as the exposure measure).
    """
    labels = group_labels(membership)
    group_of = membership.set_index("person")["community"].map(labels)
    group = group_of.reindex(people["id"]).fillna(SMALLER)
    order = [*sorted(set(labels) - {SMALLER}, key=lambda g: int(g.split()[1])), SMALLER]
    order = [g for g in order if (group == g).any()]

    start = months_before(as_of, window_months)
    off = offences_long(people, definitions)
    off = off[(off["date"] >= start) & (off["date"] <= as_of)]
    off_group = off["person"].map(group)
    offences = off.groupby(off_group).size()
    offenders = off.groupby(off_group)["person"].nunique()
    harm = off.groupby(off_group)["harm"].sum()
    harmed = harmed_between(people, months_before(as_of, harmed_months), as_of) > 0
    victims = harmed.groupby(group.to_numpy()).sum()
    flags = exploitation(active, people)
    flagged = flags.loc[flags["flag"], "person"].map(group).value_counts()
    size = group.value_counts()
    pooled = int((labels == SMALLER).sum())

    rows = []
    for g in order:
        n = int(size.get(g, 0))
        counts = {
            "people": n,
            "offenders": int(offenders.get(g, 0)),
            "offences": int(offences.get(g, 0)),
            "harmed_last_12_months": int(victims.get(g, 0)),
            "exploitation_flags": int(flagged.get(g, 0)),
        }
        s = suppress_counts(list(counts.values()), rule)
        hidden = s.suppressed.copy()
        # the offences of fewer than 5 offenders describe those few people: hidden with them
        hidden[2] |= hidden[1]
        shown = dict(zip(counts, _shown(s.values, hidden), strict=True))
        weight = float(harm.get(g, 0.0))
        shown["harm_weighted_offences"] = SUPPRESSED if hidden[2] else f"{weight:,.1f}"
        rows.append({"group": g, "groups_pooled": pooled if g == SMALLER else 1, **shown})
    table = pd.DataFrame(rows).set_index("group")
    table = table.join(_make_up(people, group, rule)).reset_index()
    table["groups_pooled"] = table["groups_pooled"].astype(str)

    violence = group_violence(graph, membership)
    violence["from_group"] = violence["from_group"].map(labels)
    violence["to_group"] = violence["to_group"].map(labels)
    summed = violence.groupby(["from_group", "to_group"])["incidents"].sum().reset_index()
    violence = summed.sort_values(
        ["incidents", "from_group", "to_group"], ascending=[False, True, True]
    )
    s = suppress_counts(violence["incidents"].to_numpy(), rule)
    between = pd.DataFrame(
        {
            "from_group": violence["from_group"].to_numpy(),
            "to_group": violence["to_group"].to_numpy(),
            "incidents": _shown(s.values, s.suppressed),
        }
    )
    total = len(people)
    summary: dict[str, object] = {
        "as_of": as_of.isoformat(),
        "window_months": window_months,
        "harmed_months": harmed_months,
        "groups": len(order) - (SMALLER in order),
        "smaller_groups_pooled": pooled,
        "people": SUPPRESSED if bool(rule.small(np.asarray([total]))[0]) else total,
        "min_group": MIN_GROUP,
        "suppression": f"counts from 1 to {rule.min_count - 1} are shown as {SUPPRESSED}",
        "rows": len(order),
    }
    return BoardExport(groups=table, harm=between.reset_index(drop=True), summary=summary)
