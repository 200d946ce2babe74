"""Value for money: costs of crime averted against programme costs.

:mod:`~upstream.account.vfm.prices` reads the Home Office unit costs of crime and the GDP
deflator (TOML files with their sources); :mod:`~upstream.account.vfm.value` holds the
calculations (cost per young person reached, costs averted by simulation, the break-even
effect size). Programme costs come from the action plan as a frame with the columns of
:data:`~upstream.account.vfm.value.COST_COLUMNS`.
"""

from upstream.account.vfm.prices import (
    Deflator,
    UnitCost,
    UnitCosts,
    VfmError,
    load_deflator,
    load_unit_costs,
)
from upstream.account.vfm.value import (
    COST_COLUMNS,
    BreakEven,
    Effect,
    ProgrammeCost,
    Reached,
    Simulation,
    break_even,
    cost_per_young_person,
    covered_cost,
    effect_from_json,
    programme_cost,
    simulate,
    young_people_reached,
)

__all__ = [
    "COST_COLUMNS",
    "BreakEven",
    "Deflator",
    "Effect",
    "ProgrammeCost",
    "Reached",
    "Simulation",
    "UnitCost",
    "UnitCosts",
    "VfmError",
    "break_even",
    "cost_per_young_person",
    "covered_cost",
    "effect_from_json",
    "load_deflator",
    "load_unit_costs",
    "programme_cost",
    "simulate",
    "young_people_reached",
]
