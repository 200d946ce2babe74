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
from upstream.definitions import Definitions
from upstream.report.inputs import ProfileData

__all__ = ["Reach", "partnership_harm", "reach", "street_harm"]


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


def partnership_harm(
    incidents: pd.DataFrame, months: list[str], synthetic: bool
) -> tuple[pd.Series, str]:
    """Incidents with a victim under 25 per 2011 LSOA, in ``months`` (else in all months).

    ``incidents`` has ``victim_u25``, ``local_month`` and ``lsoa_code`` (as the profile's
    inputs give them). Returns the counts and a sentence saying what they are.
    """
    young = incidents[incidents["victim_u25"].astype(bool)]
    within = young[young["local_month"].isin(months)]
    label = "in the returns' quarters"
    if within.empty:
        within, label = young, "over all months held (none in the returns' quarters)"
    flag = " (SYNTHETIC)" if synthetic else ""
    return (
        within.groupby("lsoa_code").size().astype("float64"),
        f"violence against under-25s in the partnership data{flag}, {label}",
    )


def street_harm(street: pd.DataFrame, definitions: Definitions) -> tuple[pd.Series, str]:
    """Harm-weighted police.uk serious violence per 2011 LSOA over the last 12 months held.

    ``street`` has ``month``, ``crime_type`` and ``lsoa_code``.
    """
    last = sorted(street["month"].unique())[-12:]
    recent = street[street["month"].isin(last)]
    weights = definitions.harm_weight(recent["crime_type"])
    return (
        weights.groupby(recent["lsoa_code"].to_numpy()).sum().astype("float64"),
        f"harm-weighted serious violence, police.uk, {last[0]} to {last[-1]}",
    )


def _harm(data: ProfileData, months: list[str]) -> tuple[pd.Series, str]:
    """Harm per 2011 LSOA from the partnership data when loaded, else from police.uk."""
    if data.incidents is not None and not data.incidents.empty:
        return partnership_harm(data.incidents, months, data.partnership_synthetic)
    if data.street is not None and not data.street.empty:
        return street_harm(data.street, data.definitions)
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
