"""Read what reach needs from the stores, and compute it: the thin layer over :mod:`reach`.

The victims and places come from the profile's own inputs
(:func:`upstream.report.inputs.load_inputs`), so reach and the profile count the same
incidents by the same rules (real partnership data whenever any is loaded; the synthetic
borough otherwise, said so).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from upstream.account.returns.reach import (
    PlaceReach,
    group_reach,
    participant_areas,
    participant_groups,
    place_reach,
    quarter_months,
    victim_groups,
)
from upstream.account.returns.store import load_returns
from upstream.config import Settings

__all__ = ["Reach", "reach"]


@dataclass
class Reach:
    """Reach of one programme (or all), with what it was measured against."""

    programme: str | None
    quarters: list[str]
    returns_synthetic: bool
    groups: pd.DataFrame | None
    places: PlaceReach | None
    victims_source: str
    harm_source: str
    notes: list[str] = field(default_factory=list)


def _harm(data: object, months: list[str]) -> tuple[pd.Series, str]:
    """Harm per 2011 LSOA, and a sentence saying what it is."""
    incidents = getattr(data, "incidents", None)
    if incidents is not None and not incidents.empty:
        young = incidents[incidents["victim_u25"]]
        within = young[young["local_month"].isin(months)]
        label = "in the returns' quarters"
        if within.empty:
            within, label = young, "over all months held (none in the returns' quarters)"
        synthetic = " (SYNTHETIC)" if getattr(data, "partnership_synthetic", False) else ""
        return (
            within.groupby("lsoa_code").size().astype("float64"),
            f"violence against under-25s in the partnership data{synthetic}, {label}",
        )
    street = getattr(data, "street", None)
    definitions = getattr(data, "definitions", None)
    if street is not None and definitions is not None and not street.empty:
        last = sorted(street["month"].unique())[-12:]
        recent = street[street["month"].isin(last)]
        weights = definitions.harm_weight(recent["crime_type"])
        return (
            weights.groupby(recent["lsoa_code"].to_numpy()).sum().astype("float64"),
            f"harm-weighted serious violence, police.uk, {last[0]} to {last[-1]}",
        )
    return pd.Series(dtype="float64"), "no incident data loaded"


def reach(settings: Settings, programme: str | None = None) -> Reach:
    """Reach of ``programme`` (every programme when None) from the stored returns.

    Raises
    ------
    LookupError
        No return is held (for that programme).
    """
    from upstream.area import area_from_settings, definitions_from_settings
    from upstream.report.inputs import load_inputs

    returns = load_returns(settings)
    if programme is not None:
        returns = returns[returns["programme"] == programme]
    if returns.empty:
        what = f"for programme {programme!r}" if programme else "at all"
        raise LookupError(f"no programme returns are held {what}; import some first")
    area = area_from_settings(settings)
    data = load_inputs(settings, area, definitions_from_settings(settings))
    months = quarter_months(returns)
    quarters = sorted(returns["quarter"].unique())
    notes = [
        "Participants are counted per return: someone who takes part in two quarters or "
        "two programmes counts in each, so intervals describe participant-quarters."
    ]
    groups = None
    victims_source = "no partnership incident data loaded"
    if data.involvements is not None and data.incidents is not None:
        inc = data.incidents
        ids = inc.loc[inc["local_month"].isin(months), "incident_id"]
        label = "in the returns' quarters"
        if ids.empty:
            ids, label = inc["incident_id"], "over all months held (none in the returns' quarters)"
        inv = data.involvements[data.involvements["incident_id"].isin(ids)]
        synthetic = " (SYNTHETIC)" if data.partnership_synthetic else ""
        victims_source = f"victims under 25 in the partnership data{synthetic}, {label}"
        groups = group_reach(participant_groups(returns), victim_groups(inv))
    harm, harm_source = _harm(data, months)
    places = None
    if not area.lsoas.empty:
        pop = area.lsoas.set_index("lsoa_code")["population"]
        if pop.notna().all() and not harm.empty:
            places = place_reach(participant_areas(returns), harm, pop)
        else:
            notes.append("Place reach needs LSOA populations and incident data; not shown.")
    return Reach(
        programme=programme,
        quarters=quarters,
        returns_synthetic=bool(returns["synthetic"].any()),
        groups=groups,
        places=places,
        victims_source=victims_source,
        harm_source=harm_source,
        notes=notes,
    )
