r"""Value for money: what a programme costs, whom it reaches, and what it must achieve.

All functions are pure: frames and numbers in, numbers out. The maths:

* **Cost per young person reached.** Returns count participants per quarter, and carry no
  identifiers, so distinct young people are not known. They lie between the busiest
  quarter's participants (the same people all along) and the sum over quarters (new
  people every quarter); the cost per young person is given over that range.
* **Costs of crime averted.** With a baseline of :math:`\lambda` offences a year, a rate
  ratio :math:`RR` (the effect: 0.8 is a 20% reduction) and :math:`T` years, the offences
  averted are :math:`T\lambda(1-RR)` and the costs averted that times the unit cost
  :math:`u` (uprated to today's prices). Uncertainty is carried through by simulation:
  :math:`\log RR \sim N(\log\hat{RR}, se)` with :math:`se` from the 95% interval
  (:math:`(\log hi - \log lo)/(2 \times 1.96)`), and, when the baseline is an observed
  count :math:`B` of one year, :math:`\lambda \sim \mathrm{Gamma}(B + 1/2, 1)` (the Jeffreys
  posterior of a Poisson rate); a count :math:`B` over :math:`t` years gives
  :math:`\lambda \sim \mathrm{Gamma}(B + 1/2, 1) / t` for the rate :math:`B / t` a year.
* **Break-even effect.** The reduction :math:`r^*` at which the costs averted equal the
  programme's cost :math:`C`: :math:`r^* = C / (T\lambda u)`, with an interval from the
  baseline's uncertainty; the probability the programme pays back is
  :math:`P(1 - RR \geq r^*)` over the simulation.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from upstream.account.vfm.prices import VfmError

__all__ = [
    "COST_COLUMNS",
    "BreakEven",
    "Effect",
    "ProgrammeCost",
    "Reached",
    "Simulation",
    "break_even",
    "cost_per_young_person",
    "effect_from_json",
    "programme_cost",
    "simulate",
    "young_people_reached",
]

COST_COLUMNS = ("programme", "action_id", "title", "budget_gbp", "start", "due")
"""The costs frame's columns, as ``upstream.account.actions.programme_budgets`` gives them."""
Z95 = 1.959963984540054


@dataclass(frozen=True)
class ProgrammeCost:
    """A programme's budget over the plan's actions for it, and the period it covers."""

    programme: str
    pounds: float
    start: date
    end: date
    actions: list[str]

    @property
    def years(self) -> float:
        """The period in years (at least one day)."""
        return max((self.end - self.start).days + 1, 1) / 365.25


def _date(value: object) -> date | None:
    stamp = pd.to_datetime(value, errors="coerce")  # type: ignore[call-overload]
    return None if pd.isna(stamp) else stamp.date()


def programme_cost(costs: pd.DataFrame, programme: str) -> ProgrammeCost:
    """The total budget of ``programme``'s actions and the period from first start to last due.

    Raises
    ------
    VfmError
        A column missing, no action for the programme, or an action whose budget or dates
        cannot be used (naming the action and the field).
    """
    missing = [c for c in COST_COLUMNS if c not in costs.columns]
    if missing:
        raise VfmError(f"programme costs: missing column(s) {', '.join(missing)}")
    rows = costs[costs["programme"].astype("string") == programme]
    if rows.empty:
        known = sorted(costs["programme"].dropna().astype(str).unique())
        raise VfmError(
            f"no action in the plan has programme {programme!r} with a budget; "
            f"programmes with budgets: {', '.join(known) or 'none'}"
        )
    starts, ends = [], []
    for row in rows.to_dict("records"):
        action = row["action_id"]
        budget = pd.to_numeric(row["budget_gbp"], errors="coerce")
        if pd.isna(budget) or budget < 0:
            raise VfmError(
                f"action {action}, field 'budget_gbp': must be 0 or more, got {row['budget_gbp']!r}"
            )
        start, due = _date(row["start"]), _date(row["due"])
        if start is None or due is None:
            field = "start" if start is None else "due"
            raise VfmError(f"action {action}, field '{field}': a date is needed")
        if due < start:
            raise VfmError(f"action {action}, field 'due': {due} is before the start {start}")
        starts.append(start)
        ends.append(due)
    return ProgrammeCost(
        programme,
        float(pd.to_numeric(rows["budget_gbp"]).sum()),
        min(starts),
        max(ends),
        [str(a) for a in rows["action_id"]],
    )


@dataclass(frozen=True)
class Reached:
    """Participants in a programme's returns over a period."""

    quarters: list[str]
    participant_quarters: int  # summed over quarters: the most young people there can be
    busiest_quarter: int  # the fewest young people there can be


def _quarter_bounds(quarter: str) -> tuple[date, date]:
    year, q = int(quarter[:4]), int(quarter[5])
    first = date(year, 3 * q - 2, 1)
    last = date(year + (q == 4), 1 if q == 4 else 3 * q + 1, 1)
    return first, date.fromordinal(last.toordinal() - 1)


def young_people_reached(
    participants: pd.DataFrame, programme: str, start: date, end: date
) -> Reached:
    """Participants of ``programme`` in the quarters overlapping ``start``..``end``.

    ``participants`` has ``programme``, ``quarter`` and ``participants`` (one row per
    return, as :func:`upstream.account.returns.participants` gives).
    """
    rows = participants[participants["programme"] == programme]
    keep = []
    for quarter in rows["quarter"]:
        first, last = _quarter_bounds(str(quarter))
        keep.append(first <= end and last >= start)
    inside = rows[np.asarray(keep, dtype=bool)] if len(rows) else rows
    counts = inside["participants"].astype("int64")
    return Reached(
        sorted(str(q) for q in inside["quarter"]),
        int(counts.sum()),
        int(counts.max()) if len(counts) else 0,
    )


def covered_cost(cost: ProgrammeCost, reached: Reached) -> float:
    """The part of the budget spent in the quarters the returns cover, spending assumed even
    over the costed period (a whole budget set against one quarter's participants would
    make each young person look many times dearer than they were)."""
    days = (cost.end - cost.start).days + 1
    covered = 0
    for quarter in set(reached.quarters):
        first, last = _quarter_bounds(quarter)
        covered += max(0, (min(last, cost.end) - max(first, cost.start)).days + 1)
    return cost.pounds * covered / days


def cost_per_young_person(cost: float, reached: Reached) -> tuple[float, float]:
    """The cost per young person reached: (lowest, highest) over the possible head counts.

    ``cost`` is what was spent over the quarters of ``reached`` (:func:`covered_cost`).

    The lowest divides by the participants summed over quarters, the highest by the
    busiest quarter's; NaNs when nobody was reached.
    """
    if reached.participant_quarters == 0:
        return math.nan, math.nan
    return cost / reached.participant_quarters, cost / reached.busiest_quarter


@dataclass(frozen=True)
class Effect:
    """An effect estimate: a rate ratio and its 95% interval (0.8 = a 20% reduction)."""

    rate_ratio: float
    ci_low: float
    ci_high: float
    source: str = "given"

    def __post_init__(self) -> None:
        values = (self.rate_ratio, self.ci_low, self.ci_high)
        if not all(math.isfinite(v) and v > 0 for v in values):
            raise VfmError(f"{self.source}: the rate ratio and its interval must be above 0")
        if not self.ci_low <= self.rate_ratio <= self.ci_high:
            raise VfmError(
                f"{self.source}: the interval {self.ci_low:g} to {self.ci_high:g} does not "
                f"contain the rate ratio {self.rate_ratio:g}"
            )

    @property
    def se(self) -> float:
        """Standard error of log rate ratio implied by the 95% interval."""
        return (math.log(self.ci_high) - math.log(self.ci_low)) / (2 * Z95)


def effect_from_json(path: Path) -> Effect:
    """Read ``rate_ratio``, ``ci_low`` and ``ci_high`` from an evaluation's result.json."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise VfmError(f"{path}: cannot be read as JSON ({exc})") from exc
    values = []
    for field in ("rate_ratio", "ci_low", "ci_high"):
        value = data.get(field) if isinstance(data, dict) else None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise VfmError(f"{path}, field '{field}': a number is needed, got {value!r}")
        values.append(float(value))
    return Effect(values[0], values[1], values[2], source=str(path))


@dataclass(frozen=True)
class Simulation:
    """Draws of the offences and costs averted, and their summaries."""

    offences_averted: np.ndarray
    costs_averted: np.ndarray
    programme_cost: float

    def summary(self) -> dict[str, float]:
        """Mean, median and 95% interval of each quantity, and the chance of paying back."""
        out: dict[str, float] = {}
        net = self.costs_averted - self.programme_cost
        for name, draws in (
            ("offences_averted", self.offences_averted),
            ("costs_averted", self.costs_averted),
            ("net_benefit", net),
        ):
            out[f"{name}_mean"] = float(draws.mean())
            out[f"{name}_median"] = float(np.median(draws))
            out[f"{name}_low"], out[f"{name}_high"] = (
                float(v) for v in np.quantile(draws, [0.025, 0.975])
            )
        if self.programme_cost > 0:
            ratio = self.costs_averted / self.programme_cost
            out["benefit_cost_ratio_median"] = float(np.median(ratio))
            out["benefit_cost_ratio_low"], out["benefit_cost_ratio_high"] = (
                float(v) for v in np.quantile(ratio, [0.025, 0.975])
            )
        out["probability_pays_back"] = float(np.mean(self.costs_averted >= self.programme_cost))
        return out


def _baseline_draws(
    baseline: float, draws: int, rng: np.random.Generator, uncertain: bool, observed: float
) -> np.ndarray:
    """Draws of the yearly rate: ``baseline`` a year, observed over ``observed`` years."""
    if baseline < 0 or not math.isfinite(baseline):
        raise VfmError(f"the baseline must be 0 or more offences a year, got {baseline!r}")
    if not observed > 0 or not math.isfinite(observed):
        raise VfmError(f"the baseline's period must be more than 0 years, got {observed!r}")
    if not uncertain:
        return np.full(draws, float(baseline))
    return rng.gamma(baseline * observed + 0.5, 1.0, size=draws) / observed


def simulate(
    effect: Effect,
    *,
    baseline: float,
    years: float,
    unit_cost: float,
    programme_cost: float,
    draws: int = 100_000,
    random_state: int = 0,
    baseline_uncertain: bool = True,
    baseline_years: float = 1.0,
) -> Simulation:
    """Simulate the offences and costs averted (see the module docstring).

    Parameters
    ----------
    effect
        The rate ratio and its 95% interval.
    baseline
        Offences a year the programme addresses, without it (an observed count of one year
        when ``baseline_uncertain``).
    years
        How long the programme runs (its costed period).
    unit_cost
        Pounds per offence, in the same prices as ``programme_cost``.
    programme_cost
        The programme's cost over ``years``.
    draws, random_state
        Simulation size and seed (the same seed gives the same result).
    baseline_uncertain
        Draw the baseline rate from its Gamma posterior (else take it as exact).
    baseline_years
        How many years the baseline was observed over (``baseline`` is still a yearly
        rate: 20 a year observed over 2 years is a count of 40).
    """
    if draws < 1:
        raise VfmError("draws must be 1 or more")
    rng = np.random.default_rng(random_state)
    log_rr = rng.normal(math.log(effect.rate_ratio), effect.se, size=draws)
    lam = _baseline_draws(baseline, draws, rng, baseline_uncertain, baseline_years)
    averted = years * lam * (1 - np.exp(log_rr))
    return Simulation(averted, averted * unit_cost, float(programme_cost))


@dataclass(frozen=True)
class BreakEven:
    """The reduction at which the costs averted equal the programme's cost."""

    reduction: float  # at the observed baseline (0.25 = a 25% reduction)
    low: float  # 95% interval from the baseline's uncertainty
    high: float

    @property
    def achievable(self) -> bool:
        """False when even removing every offence would not pay back the cost."""
        return self.reduction <= 1


def break_even(
    *,
    programme_cost: float,
    baseline: float,
    years: float,
    unit_cost: float,
    draws: int = 100_000,
    random_state: int = 0,
    baseline_uncertain: bool = True,
    baseline_years: float = 1.0,
) -> BreakEven:
    """:math:`r^* = C / (T \\lambda u)`, with a 95% interval over the baseline's draws
    (``baseline_years`` as in :func:`simulate`)."""
    scale = years * unit_cost
    if scale <= 0:
        raise VfmError("the period and the unit cost must be more than 0")
    point = programme_cost / (scale * baseline) if baseline > 0 else math.inf
    rng = np.random.default_rng(random_state)
    lam = _baseline_draws(baseline, draws, rng, baseline_uncertain, baseline_years)
    with np.errstate(divide="ignore"):
        r = programme_cost / (scale * lam)
    low, high = (float(v) for v in np.quantile(r, [0.025, 0.975]))
    return BreakEven(point, low, high)
