"""Value-for-money calculations checked against hand-computed values."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from upstream.account.vfm import (
    Effect,
    VfmError,
    break_even,
    cost_per_young_person,
    covered_cost,
    programme_cost,
    simulate,
    young_people_reached,
)


def costs_frame() -> pd.DataFrame:
    """The shape ``upstream.account.actions.programme_budgets`` gives."""
    return pd.DataFrame(
        {
            "programme": ["streetbase", "streetbase", "life_skills"],
            "action_id": ["A1", "A2", "A3"],
            "title": ["Outreach", "Outreach extension", "Life Skills"],
            "budget_gbp": [200_000.0, 50_000.0, 90_000.0],
            "start": [date(2024, 4, 1), date(2024, 10, 1), date(2024, 4, 1)],
            "due": [date(2025, 3, 31), date(2025, 3, 31), date(2025, 3, 31)],
        }
    )


def test_programme_cost_adds_its_actions_over_their_period() -> None:
    cost = programme_cost(costs_frame(), "streetbase")
    assert cost.pounds == 250_000
    assert (cost.start, cost.end) == (date(2024, 4, 1), date(2025, 3, 31))
    assert cost.years == pytest.approx(365 / 365.25)
    assert cost.actions == ["A1", "A2"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: f.drop(columns="due"), "missing column"),
        (lambda f: f.assign(budget_gbp=[-1.0, 0.0, 0.0]), "action A1, field 'budget_gbp'"),
        (lambda f: f.assign(due=[date(2024, 1, 1)] * 3), "action A1, field 'due'"),
        (lambda f: f.assign(start=[None] * 3), "action A1, field 'start': a date is needed"),
    ],
)
def test_programme_cost_refuses_what_it_cannot_use(change, message: str) -> None:
    with pytest.raises(VfmError, match=message):
        programme_cost(change(costs_frame()), "streetbase")
    with pytest.raises(VfmError, match="programmes with budgets: life_skills, streetbase"):
        programme_cost(costs_frame(), "nope")


def test_cost_per_young_person_spans_the_possible_head_counts() -> None:
    returns = pd.DataFrame(
        {
            "programme": ["streetbase"] * 5 + ["other"],
            "quarter": ["2024Q1", "2024Q2", "2024Q3", "2024Q4", "2025Q1", "2024Q2"],
            "participants": [99, 100, 150, 120, 130, 1000],
        }
    )
    reached = young_people_reached(returns, "streetbase", date(2024, 4, 1), date(2025, 3, 31))
    assert reached.quarters == ["2024Q2", "2024Q3", "2024Q4", "2025Q1"]  # 2024Q1 ends before
    assert (reached.participant_quarters, reached.busiest_quarter) == (500, 150)
    low, high = cost_per_young_person(250_000, reached)
    assert (low, high) == (500.0, pytest.approx(250_000 / 150))
    none = young_people_reached(returns, "streetbase", date(2026, 1, 1), date(2026, 6, 30))
    assert all(math.isnan(v) for v in cost_per_young_person(1.0, none))


def test_only_the_budget_of_the_quarters_with_returns_is_set_against_their_participants() -> None:
    cost = programme_cost(costs_frame(), "streetbase")  # 250,000 over 365 days from 2024-04-01
    returns = pd.DataFrame(
        {"programme": ["streetbase"] * 2, "quarter": ["2024Q3", "2025Q2"], "participants": [92, 7]}
    )
    reached = young_people_reached(returns, "streetbase", cost.start, cost.end)
    assert reached.quarters == ["2024Q3"]  # 2025Q2 begins after the costed period
    # July to September 2024: 92 of the period's 365 days
    assert covered_cost(cost, reached) == pytest.approx(250_000 * 92 / 365)
    every = young_people_reached(
        pd.DataFrame({"programme": ["streetbase"] * 4, "quarter": ["2024Q2", "2024Q3", "2024Q4",
                      "2025Q1"], "participants": [1, 1, 1, 1]}),
        "streetbase", cost.start, cost.end,
    )  # fmt: skip
    assert covered_cost(cost, every) == pytest.approx(250_000)


def test_break_even_is_cost_over_baseline_years_and_unit_cost() -> None:
    # 281,000 / (1 year x 40 offences x 14,050) = 0.5
    exact = break_even(
        programme_cost=281_000, baseline=40, years=1, unit_cost=14_050, baseline_uncertain=False
    )
    assert exact.reduction == pytest.approx(0.5)
    assert (exact.low, exact.high) == pytest.approx((0.5, 0.5))
    assert exact.achievable
    # with the baseline uncertain (lambda ~ Gamma(40.5, 1)) the interval brackets 0.5
    # and matches 281,000 / (14,050 x the Gamma's 97.5% and 2.5% points)
    from scipy.stats import gamma

    uncertain = break_even(programme_cost=281_000, baseline=40, years=1, unit_cost=14_050)
    assert uncertain.low == pytest.approx(20 / gamma.ppf(0.975, 40.5), rel=0.01)
    assert uncertain.high == pytest.approx(20 / gamma.ppf(0.025, 40.5), rel=0.01)
    too_dear = break_even(
        programme_cost=1e6, baseline=2, years=1, unit_cost=14_050, baseline_uncertain=False
    )
    assert not too_dear.achievable


def test_a_baseline_counted_over_two_years_is_a_narrower_yearly_rate() -> None:
    """40 a year counted over 2 years is a count of 80: lambda ~ Gamma(80.5, 1) / 2."""
    from scipy.stats import gamma

    two = break_even(
        programme_cost=281_000, baseline=40, years=1, unit_cost=14_050, baseline_years=2
    )
    assert two.reduction == pytest.approx(0.5)
    assert two.low == pytest.approx(20 / (gamma.ppf(0.975, 80.5) / 2), rel=0.01)
    assert two.high == pytest.approx(20 / (gamma.ppf(0.025, 80.5) / 2), rel=0.01)
    one = break_even(programme_cost=281_000, baseline=40, years=1, unit_cost=14_050)
    assert two.high - two.low < one.high - one.low
    with pytest.raises(VfmError, match="more than 0 years"):
        break_even(programme_cost=1, baseline=4, years=1, unit_cost=1, baseline_years=0)


def test_simulation_without_uncertainty_is_the_hand_computation() -> None:
    effect = Effect(0.8, 0.8, 0.8)
    sim = simulate(
        effect, baseline=40, years=2, unit_cost=10_000, programme_cost=100_000,
        draws=1000, baseline_uncertain=False,
    )  # fmt: skip
    # 2 years x 40 x (1 - 0.8) = 16 offences, worth 160,000
    assert np.allclose(sim.offences_averted, 16)
    summary = sim.summary()
    assert summary["costs_averted_median"] == pytest.approx(160_000)
    assert summary["net_benefit_median"] == pytest.approx(60_000)
    assert summary["benefit_cost_ratio_median"] == pytest.approx(1.6)
    assert summary["probability_pays_back"] == 1.0


def test_simulation_carries_the_effect_interval_through() -> None:
    effect = Effect(0.8, 0.65, 0.98)
    se = (math.log(0.98) - math.log(0.65)) / (2 * 1.959963984540054)
    assert effect.se == pytest.approx(se)
    sim = simulate(
        effect, baseline=40, years=1, unit_cost=10_000, programme_cost=60_000,
        draws=400_000, random_state=3, baseline_uncertain=False,
    )  # fmt: skip
    summary = sim.summary()
    # E[1 - RR] = 1 - 0.8 exp(se^2 / 2) for a log-normal RR
    assert summary["offences_averted_mean"] == pytest.approx(
        40 * (1 - 0.8 * math.exp(se**2 / 2)), rel=0.01
    )
    # the 95% interval of offences averted is 40 x (1 - 0.8 exp(+-1.96 se)): about 40 x
    # (1 - the given interval, 0.98 to 0.65), which is not quite symmetric on the log scale
    z = 1.959963984540054
    assert summary["offences_averted_low"] == pytest.approx(
        40 * (1 - 0.8 * math.exp(z * se)), abs=0.06
    )
    assert summary["offences_averted_high"] == pytest.approx(
        40 * (1 - 0.8 * math.exp(-z * se)), abs=0.06
    )
    # pays back when 1 - RR >= 60,000 / 400,000 = 0.15, i.e. log RR <= log 0.85
    expected = norm.cdf((math.log(0.85) - math.log(0.8)) / se)
    assert summary["probability_pays_back"] == pytest.approx(expected, abs=0.005)


def test_simulation_with_an_uncertain_baseline_is_wider_and_seeded() -> None:
    effect = Effect(0.8, 0.65, 0.98)
    kw = {"baseline": 40, "years": 1, "unit_cost": 10_000, "programme_cost": 60_000}
    fixed = simulate(effect, **kw, baseline_uncertain=False, random_state=1).summary()
    loose = simulate(effect, **kw, random_state=1).summary()
    again = simulate(effect, **kw, random_state=1).summary()
    assert loose == again
    width = loose["offences_averted_high"] - loose["offences_averted_low"]
    assert width > fixed["offences_averted_high"] - fixed["offences_averted_low"]
    # the baseline's Gamma(40.5, 1) mean moves the mean by the factor 40.5 / 40
    assert loose["offences_averted_mean"] == pytest.approx(
        fixed["offences_averted_mean"] * 40.5 / 40, rel=0.02
    )


@pytest.mark.parametrize(
    ("values", "message"),
    [((0.8, 0.9, 0.98), "does not contain the rate ratio"), ((0.8, 0.0, 0.98), "above 0")],
)
def test_an_effect_must_be_a_ratio_inside_its_interval(values, message: str) -> None:
    with pytest.raises(VfmError, match=message):
        Effect(*values)
