"""Calibration targets and volumes for the synthetic borough.

The headline series is planted exactly: knife-injury offences (weapon ``knife_or_sharp``,
injury minor, serious or fatal, not domestic abuse) with at least one victim under 25, per
12-month window starting in August. Issue 3 gives Waltham Forest's figures for two windows:

=====================  ==========  ==========
window                 under 25    under 18
=====================  ==========  ==========
Aug 2022 - Jul 2023    40          11
Aug 2023 - Jul 2024    52          30
=====================  ==========  ==========

Other windows use :attr:`Targets.other_under_25` / :attr:`Targets.other_under_18`
(illustrative values, not published figures), pro-rated by the share of the window's days
that the generated range covers. The remaining targets (shares, ratios) are met in
expectation or, where marked, by exact allocation. Background volumes are incidents per
year of a partnership "serious violence" extract (about 4,300 incidents a year in total;
police.uk shows about 6,000-7,000 'Violence and sexual offences' a year in the borough,
which also include sexual offences, stalking and harassment left out here).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

__all__ = ["PUBLISHED_HEADLINE", "Targets"]

PUBLISHED_HEADLINE: Mapping[str, tuple[int, int]] = MappingProxyType(
    {"2022-08": (40, 11), "2023-08": (52, 30)}
)
"""Window start -> (knife-injury offences with a victim under 25, of which under 18)."""

_VOLUMES = {
    "violence_with_injury": 1000.0,
    "violence_without_injury": 850.0,
    "youth_violence": 330.0,
    "domestic_abuse": 1150.0,
    "robbery": 470.0,
    "possession_of_weapons": 250.0,
    "adult_knife_injury": 48.0,
}


@dataclass(frozen=True)
class Targets:
    """What the synthetic borough is calibrated to (all values can be overridden).

    Parameters
    ----------
    headline
        Window start (``YYYY-MM``) -> (under-25 count, under-18 count), planted exactly.
    other_under_25, other_under_18
        Counts for a full 12-month window not listed in ``headline``.
    window_start_month
        First month of each 12-month headline window (8 = August).
    followup_share
        Share of planted knife incidents that are retaliatory follow-ups of another one,
        within 14 days and 400 m.
    knife_victim_male_share
        Share of headline knife-injury victims who are male (exact allocation).
    under_18_knife_black_share
        Share of under-18 headline knife-injury victims who are Black (exact allocation).
    after_school_ratio
        Under-18 hourly rate in the after-school window / the rest of a school day.
    school_day_ratio
        Under-18 daily rate on school days / other days (before month and weekday effects).
    volumes
        Background incidents per year by process.
    hospital_only_ratio
        A&E assault attendances never reported to police, per attendance that was.
    groups, group_size
        Inclusive ranges for the number of co-offending groups and their size.
    """

    headline: Mapping[str, tuple[int, int]] = field(
        default_factory=lambda: dict(PUBLISHED_HEADLINE)
    )
    other_under_25: int = 45
    other_under_18: int = 16
    window_start_month: int = 8
    followup_share: float = 0.2
    knife_victim_male_share: float = 0.9
    under_18_knife_black_share: float = 0.58
    after_school_ratio: float = 4.0
    school_day_ratio: float = 1.6
    volumes: Mapping[str, float] = field(default_factory=lambda: dict(_VOLUMES))
    hospital_only_ratio: float = 0.6
    groups: tuple[int, int] = (4, 6)
    group_size: tuple[int, int] = (5, 12)
    group_incidents: float = 30.0
    """Incidents per group over four years around its base."""
