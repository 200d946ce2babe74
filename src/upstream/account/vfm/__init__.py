"""Value for money: costs of crime averted against programme costs.

:mod:`~upstream.account.vfm.prices` reads the Home Office unit costs of crime and the GDP
deflator (TOML files with their sources); :mod:`~upstream.account.vfm.value` holds the
calculations (cost per young person reached, costs averted by simulation, the break-even
effect size). Programme costs come from the action plan as a frame with the columns of
:data:`~upstream.account.vfm.value.COST_COLUMNS`; without a baseline given,
:mod:`~upstream.account.vfm.baseline` counts one in the event store as an outcome measure
counts it.
"""

from upstream.account.vfm.baseline import (
    DEFAULT_MEASURE,
    StoreBaseline,
    baseline_from_series,
    store_baseline,
)
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
    "DEFAULT_MEASURE",
    "BreakEven",
    "Deflator",
    "Effect",
    "ProgrammeCost",
    "Reached",
    "Simulation",
    "StoreBaseline",
    "UnitCost",
    "UnitCosts",
    "VfmError",
    "baseline_from_series",
    "break_even",
    "cost_per_young_person",
    "covered_cost",
    "effect_from_json",
    "load_deflator",
    "load_unit_costs",
    "programme_cost",
    "simulate",
    "store_baseline",
    "young_people_reached",
]
