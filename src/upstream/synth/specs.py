"""The background offence specifications: volumes aside, everything about each process.

Offence labels: ``offence`` is the police.uk crime type exactly as published;
``offence_detail`` is a finer Home Office style label. Distributions are maintainers'
assumptions for a plausible London borough, not published statistics. Knives appear in
these specs only without an injury, in domestic abuse, or (``adult_knife_injury``) with
victims aged 25 or over, so the planted headline series is never added to by accident.
"""

from __future__ import annotations

from collections.abc import Mapping

from upstream.synth.people import PROFILES, PersonProfile
from upstream.synth.processes import YOUTH_PLACES, Dist, OffenceSpec

__all__ = ["ABH", "COMMON", "S18", "S20", "SPECS", "VIOLENCE"]

VIOLENCE = "Violence and sexual offences"
ABH = "Assault occasioning actual bodily harm (ABH)"
S20 = "Wounding / inflicting grievous bodily harm (GBH s20)"
S18 = "Wounding with intent (GBH s18)"
COMMON = "Common assault and battery"


def _detail(**by: Dist) -> Mapping[str, Dist]:
    return by


_WITH_INJURY = _detail(
    minor={ABH: 1.0}, serious={S20: 0.6, S18: 0.4}, fatal={"Murder": 0.7, "Manslaughter": 0.3}
)

SPECS: Mapping[str, OffenceSpec] = {
    "violence_with_injury": OffenceSpec(
        name="violence_with_injury",
        offence=VIOLENCE,
        details=_WITH_INJURY,
        timing="night",
        places={"town_centre": 0.45, "residential": 0.35, "station": 0.1, "school_link": 0.1},
        weapon={"none": 0.72, "blunt": 0.08, "other": 0.08, "unknown": 0.12},
        injury={"minor": 0.8, "serious": 0.2},
        victim=PROFILES["adult"],
        suspect=PROFILES["adult"],
    ),
    "violence_without_injury": OffenceSpec(
        name="violence_without_injury",
        offence=VIOLENCE,
        details=_detail(
            none={
                COMMON: 0.6,
                "Assault without injury on an emergency worker": 0.1,
                "Threats to kill": 0.12,
                "Harassment": 0.18,
            }
        ),
        timing="night",
        places={"town_centre": 0.45, "residential": 0.4, "station": 0.1, "school_link": 0.05},
        weapon={"none": 0.85, "knife_or_sharp": 0.04, "other": 0.05, "unknown": 0.06},
        injury={"none": 1.0},
        victim=PROFILES["adult"],
        suspect=PROFILES["adult"],
    ),
    "youth_violence": OffenceSpec(
        name="youth_violence",
        offence=VIOLENCE,
        details=_detail(none={COMMON: 1.0}, minor={ABH: 1.0}, serious={S20: 1.0}),
        timing="street",
        places=YOUTH_PLACES,
        weapon={"none": 0.8, "knife_or_sharp": 0.05, "blunt": 0.05, "other": 0.05, "unknown": 0.05},
        injury={"none": 0.55, "minor": 0.4, "serious": 0.05},
        victim=PROFILES["youth"],
        suspect=PersonProfile(12, 19, 15.5, 1.8, 1.5, 0.85, PROFILES["youth"].ethnicity),
        p_identified=0.7,
    ),
    "domestic_abuse": OffenceSpec(
        name="domestic_abuse",
        offence=VIOLENCE,
        details=_detail(
            none={
                "Common assault and battery (domestic)": 0.55,
                "Controlling or coercive behaviour": 0.25,
                "Harassment": 0.2,
            },
            minor={ABH: 1.0},
            serious={S20: 0.7, S18: 0.3},
            fatal={"Murder": 1.0},
        ),
        timing="domestic",
        places={"residential": 0.9, "town_centre": 0.07, "station": 0.03},
        weapon={"none": 0.8, "knife_or_sharp": 0.06, "blunt": 0.04, "other": 0.05, "unknown": 0.05},
        injury={"none": 0.5, "minor": 0.4, "serious": 0.0995, "fatal": 0.0005},
        knife_injury={"none": 0.4, "minor": 0.4, "serious": 0.2},
        victim=PROFILES["da_victim"],
        suspect=PROFILES["da_suspect"],
        n_victims={"1": 1.0},
        n_suspects={"1": 1.0},
        domestic=True,
        p_identified=0.97,
        p_witness=0.1,
        p_exact=0.6,
        max_hours=48.0,
        delay="domestic",
        residential_types={"residential": 0.95, "street": 0.05},
    ),
    "robbery": OffenceSpec(
        name="robbery",
        offence="Robbery",
        details=_detail(
            none={"Robbery of personal property": 0.93, "Robbery of business property": 0.07},
            minor={"Robbery of personal property": 1.0},
            serious={"Robbery of personal property": 1.0},
        ),
        timing="street",
        places={
            "town_centre": 0.4,
            "station": 0.2,
            "school_link": 0.15,
            "school": 0.05,
            "residential": 0.2,
        },
        weapon={
            "none": 0.55,
            "knife_or_sharp": 0.25,
            "other": 0.08,
            "blunt": 0.04,
            "firearm": 0.01,
            "unknown": 0.07,
        },
        injury={"none": 0.8, "minor": 0.18, "serious": 0.02},
        victim=PROFILES["robbery_victim"],
        suspect=PROFILES["street_suspect"],
        n_suspects={"1": 0.45, "2": 0.35, "3": 0.15, "4": 0.05},
        p_identified=0.35,
    ),
    "possession_of_weapons": OffenceSpec(
        name="possession_of_weapons",
        offence="Possession of weapons",
        details=_detail(
            knife_or_sharp={"Possession of article with blade or point": 1.0},
            firearm={"Possession of firearms offences": 1.0},
            blunt={"Possession of offensive weapon": 1.0},
            other={"Possession of offensive weapon": 1.0},
        ),
        detail_by="weapon",
        timing="street",
        places={"town_centre": 0.45, "station": 0.2, "school_link": 0.15, "residential": 0.2},
        weapon={"knife_or_sharp": 0.72, "blunt": 0.08, "firearm": 0.03, "other": 0.17},
        injury={"none": 1.0},
        victim=None,
        suspect=PROFILES["street_suspect"],
        n_suspects={"1": 0.85, "2": 0.15},
        p_identified=1.0,
        p_witness=0.0,
        p_exact=1.0,
        delay="police",
    ),
    "adult_knife_injury": OffenceSpec(
        name="adult_knife_injury",
        offence=VIOLENCE,
        details=_WITH_INJURY,
        timing="night",
        places={"town_centre": 0.5, "residential": 0.3, "station": 0.1, "school_link": 0.1},
        weapon={"knife_or_sharp": 1.0},
        injury={"minor": 1.0},
        knife_injury={"minor": 0.55, "serious": 0.42, "fatal": 0.03},
        victim=PROFILES["adult_knife"],
        suspect=PROFILES["street_suspect"],
        n_victims={"1": 1.0},
        p_exact=0.85,
        max_hours=2.0,
        delay="serious",
    ),
}
"""The background processes (volumes per year live in :class:`~upstream.synth.targets.Targets`)."""
