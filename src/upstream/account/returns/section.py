"""The web page's section: programme returns and reach, as JSON-ready data with readings."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from upstream.account.returns.reach_inputs import reach
from upstream.account.returns.series import participants, totals
from upstream.account.returns.store import load_returns
from upstream.account.vfm import (
    VfmError,
    cost_per_young_person,
    covered_cost,
    programme_cost,
    young_people_reached,
)
from upstream.config import Settings

__all__ = ["reach_section"]


def _num(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


def _costs(costs: pd.DataFrame | None, programme: str, returns: pd.DataFrame) -> dict[str, Any]:
    """The programme's cost in the plan and its cost per young person (a range), if known."""
    if costs is None:
        return {}
    try:
        cost = programme_cost(costs, programme)
    except VfmError:
        return {"cost": None}
    reached = young_people_reached(participants(returns), programme, cost.start, cost.end)
    low, high = cost_per_young_person(covered_cost(cost, reached), reached)
    return {
        "cost": cost.pounds,
        "period": f"{cost.start} to {cost.end}",
        "per_young_person": None if math.isnan(low) else [low, high],
    }


def _programmes(returns: pd.DataFrame, costs: pd.DataFrame | None) -> list[dict[str, Any]]:
    table = totals(returns)
    rows = []
    for programme, part in table.groupby("programme", sort=True):
        rows.append(
            _costs(costs, str(programme), returns)
            | {
                "programme": programme,
                "quarters": f"{part['quarter'].min()} to {part['quarter'].max()}",
                "returns": len(part),
                "sessions": int(part["sessions"].sum()),
                "participants": int(part["participants"].sum()),
                "busiest": int(part["participants"].max()),
                "ete_starts": int(part["ete_starts"].sum()),
                "synthetic": bool(part["synthetic"].any()),
            }
        )
    return rows


def _readings(groups: Any) -> list[str]:
    out = []
    for row in groups.to_dict("records"):
        if row["verdict"] not in ("under-reached", "reached beyond their share of victims"):
            continue
        out.append(
            f"{row['category']} ({row['dimension']}): {row['participant_share']:.0%} of "
            f"participants against {row['victim_share']:.0%} of victims under 25, a ratio of "
            f"{row['ratio']:.2f} (95% interval {row['ratio_low']:.2f} to "
            f"{row['ratio_high']:.2f}): {row['verdict']}."
        )
    return out


def reach_section(settings: Settings, costs: pd.DataFrame | None = None) -> dict[str, Any]:
    """Everything the page shows: per-programme totals, group and place reach, readings.

    With ``costs`` (the action plan's programme budgets, columns of
    :data:`upstream.account.vfm.COST_COLUMNS`), each programme also carries its cost and
    cost per young person reached.
    """
    returns = load_returns(settings)
    if returns.empty:
        return {
            "available": False,
            "reason": "No programme returns are held yet.",
        }
    result = reach(settings)
    groups = None
    readings: list[str] = []
    if result.groups is not None:
        groups = [
            {k: (_num(v) if isinstance(v, float) else v) for k, v in row.items()}
            for row in result.groups.to_dict("records")
        ]
        readings = _readings(result.groups)
    places = None
    p = result.places
    if p is not None:
        places = {
            "top": len(p.top_areas),
            "areas": p.areas,
            "harm_share": _num(p.harm_share),
            "population_share": p.population_share,
            "share": _num(p.participant_share),
            "low": _num(p.participant_low),
            "high": _num(p.participant_high),
            "in_top": p.participants_in_top,
            "placed": p.participants_placed,
            "ratio": _num(p.ratio),
            "ratio_low": _num(p.ratio_low),
            "ratio_high": _num(p.ratio_high),
            "verdict": p.verdict,
            "not_placed": p.not_placed,
        }
    return {
        "available": True,
        "synthetic": result.returns_synthetic,
        "quarters": f"{result.quarters[0]} to {result.quarters[-1]}",
        "programmes": _programmes(returns, costs),
        "costed": costs is not None,
        "groups": groups,
        "readings": readings,
        "places": places,
        "victims_source": result.victims_source,
        "harm_source": result.harm_source,
        "notes": result.notes,
    }
