"""``upstream vfm``: value for money of one programme. Parses, calls, prints.

Programme costs come from the action plan (``upstream.account.actions.programme_budgets``
over the case store), or from ``--costs FILE`` (a CSV with the same columns). The baseline is
``--baseline N`` or, without it, the count of ``--measure`` over its baseline period in the
event store (:mod:`upstream.account.vfm.baseline`). Input that cannot be used is one line on
stderr and exit code 1.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from upstream.cli_inputs import fail as _fail
from upstream.terminal import console as make_console

if TYPE_CHECKING:
    import pandas as pd

    from upstream.account.vfm.value import Effect
    from upstream.config import Settings

__all__ = ["PlanCosts", "use_plan_costs", "vfm"]

console = make_console()
err = make_console(stderr=True)


def _costs_file(path: Path) -> pd.DataFrame:
    import pandas as pd

    from upstream.account.vfm.prices import VfmError

    try:
        return pd.read_csv(path, dtype={"programme": "string", "action_id": "string"})
    except (OSError, ValueError) as exc:
        raise VfmError(f"{path}: cannot be read as CSV ({exc})") from exc


PlanCosts = Callable[["Settings"], "pd.DataFrame"]
"""Reads the programme budgets of the action plan (the frame of ``COST_COLUMNS``)."""
_plan_source: list[PlanCosts] = []


def use_plan_costs(source: PlanCosts) -> None:
    """Say where ``upstream vfm`` reads programme budgets when no ``--costs`` is given.

    The action plan lives in the case store, which nothing under ``account`` imports; the
    command line (:mod:`upstream.cli`) wires it here.
    """
    _plan_source[:] = [source]


def _plan_costs(settings: Settings) -> pd.DataFrame:
    """Programme budgets from the action plan, through the source the command line set."""
    from upstream.account.vfm.prices import VfmError

    try:
        if not _plan_source:
            raise ImportError("no action-plan source is set")
        return _plan_source[0](settings)
    except ImportError as exc:
        raise VfmError(
            "the action plan is not available in this installation; give the programme's "
            "costs with --costs FILE"
        ) from exc


def _money(x: float) -> str:
    return "-" if math.isnan(x) else f"£{x:,.0f}"


def _print_averted(est: Effect, summary: dict[str, float], cost: float) -> None:
    rr = f"{est.rate_ratio:.2f} ({est.ci_low:.2f} to {est.ci_high:.2f})"
    offences = (
        f"{summary['offences_averted_median']:.1f} (95% interval "
        f"{summary['offences_averted_low']:.1f} to {summary['offences_averted_high']:.1f})"
    )
    worth = (
        f"{_money(summary['costs_averted_median'])} ({_money(summary['costs_averted_low'])} "
        f"to {_money(summary['costs_averted_high'])})"
    )
    console.print(
        f"With a rate ratio of {rr}: about {offences} offences averted, worth {worth} "
        f"against a cost of {_money(cost)}; chance the programme pays back: "
        f"{summary['probability_pays_back']:.0%}.",
        highlight=False,
        soft_wrap=True,
    )


def vfm(
    programme: Annotated[str, typer.Option(help="The programme id (as in the action plan).")],
    costs: Annotated[
        Path | None,
        typer.Option(
            help="Programme costs CSV (programme, action_id, title, budget_gbp, start, due). "
            "Default: the action plan.",
            metavar="FILE",
        ),
    ] = None,
    effect: Annotated[
        Path | None,
        typer.Option(
            help="An evaluation's result.json (rate_ratio, ci_low, ci_high).", metavar="FILE"
        ),
    ] = None,
    rate_ratio: Annotated[
        float | None, typer.Option(help="The effect as a rate ratio (0.8 = 20% fewer).")
    ] = None,
    ci_low: Annotated[float | None, typer.Option(help="Lower end of its 95% interval.")] = None,
    ci_high: Annotated[float | None, typer.Option(help="Upper end of its 95% interval.")] = None,
    offence: Annotated[
        str, typer.Option(help="The unit cost to apply (a key of the unit-costs file).")
    ] = "violence_with_injury",
    baseline: Annotated[
        float | None,
        typer.Option(
            help="Offences a year the programme addresses, without it (default: counted in "
            "the event store over --measure's baseline).",
            min=0,
        ),
    ] = None,
    measure: Annotated[
        str | None,
        typer.Option(
            help="The outcome measure whose baseline count is the default --baseline "
            "(default: the headline, knife-injury offences with a victim under 25).",
            metavar="ID",
        ),
    ] = None,
    measures: Annotated[
        Path | None,
        typer.Option(help="Measures TOML (default: the bundled outcomes.toml).", metavar="FILE"),
    ] = None,
    baseline_fixed: Annotated[
        bool, typer.Option(help="Take the baseline as exact (not an observed count).")
    ] = False,
    prices: Annotated[
        str | None,
        typer.Option(
            help="Price year, e.g. 2024-25 (default: the deflator's latest).", metavar="YYYY-YY"
        ),
    ] = None,
    unit_costs: Annotated[
        Path | None,
        typer.Option(help="Unit costs TOML (default: Home Office 2018).", metavar="FILE"),
    ] = None,
    deflator: Annotated[
        Path | None,
        typer.Option(help="GDP deflator TOML (default: the shipped series).", metavar="FILE"),
    ] = None,
    draws: Annotated[int, typer.Option(help="Simulation draws.", min=1000)] = 100_000,
    seed: Annotated[int, typer.Option(help="Simulation seed.")] = 0,
    out: Annotated[
        Path | None, typer.Option(help="Also write the result as JSON.", metavar="FILE")
    ] = None,
) -> None:
    """Value for money of a programme: cost per young person, break-even effect, costs averted."""
    from upstream.account.returns import load_returns, participants
    from upstream.account.vfm.baseline import DEFAULT_MEASURE, StoreBaseline, store_baseline
    from upstream.account.vfm.prices import VfmError, load_deflator, load_unit_costs
    from upstream.account.vfm.value import (
        Effect,
        break_even,
        cost_per_young_person,
        covered_cost,
        effect_from_json,
        programme_cost,
        simulate,
        young_people_reached,
    )
    from upstream.config import get_settings
    from upstream.plan.files import write_text_atomic

    settings = get_settings()
    given = [v is not None for v in (rate_ratio, ci_low, ci_high)]
    if effect is not None and any(given):
        raise _fail("give --effect FILE or --rate-ratio with --ci-low and --ci-high, not both")
    if any(given) and not all(given):
        raise _fail("give --rate-ratio, --ci-low and --ci-high together")
    try:
        table = _costs_file(costs) if costs is not None else _plan_costs(settings)
        cost = programme_cost(table, programme)
        costs_unit = load_unit_costs(unit_costs)
        series = load_deflator(deflator)
        year = prices or series.latest
        unit = costs_unit.get(offence)
        factor = series.factor(costs_unit.price_year, year)
        est = None
        if effect is not None:
            est = effect_from_json(effect)
        elif rate_ratio is not None and ci_low is not None and ci_high is not None:
            est = Effect(rate_ratio, ci_low, ci_high, source="--rate-ratio/--ci-low/--ci-high")
    except VfmError as exc:
        raise _fail(str(exc)) from exc
    counted: StoreBaseline | None = None
    if baseline is None:
        try:
            counted = store_baseline(settings, measure or DEFAULT_MEASURE, measures)
        except VfmError as exc:
            raise _fail(
                f"no --baseline given, and the event store cannot give one: {exc}. Give "
                "--baseline N, or --measure ID of a count measure whose baseline the store holds"
            ) from exc
    returns = load_returns(settings)
    reached = young_people_reached(participants(returns), programme, cost.start, cost.end)
    spent = covered_cost(cost, reached)
    low, high = cost_per_young_person(spent, reached)
    synthetic = bool(returns.loc[returns["programme"] == programme, "synthetic"].any())
    result: dict[str, Any] = {
        "programme": programme,
        "programme_cost": cost.pounds,
        "period": [cost.start.isoformat(), cost.end.isoformat()],
        "years": cost.years,
        "actions": cost.actions,
        "quarters": reached.quarters,
        "participants_summed": reached.participant_quarters,
        "participants_busiest_quarter": reached.busiest_quarter,
        "returns_synthetic": synthetic,
        "cost_per_young_person": [
            None if math.isnan(low) else low,
            None if math.isnan(high) else high,
        ],
        "offence": offence,
        "unit_cost_source": {**costs_unit.source, "price_year": costs_unit.price_year},
        "unit_cost_at_source": unit.pounds,
        "prices": year,
        "deflator_factor": factor,
        "deflator_source": series.source,
        "unit_cost": unit.pounds * factor,
    }
    console.print(
        f"{programme}: {_money(cost.pounds)} over {cost.start} to {cost.end} "
        f"({cost.years:.1f} years, {len(cost.actions)} action(s) in the plan).",
        highlight=False,
    )
    label = " (SYNTHETIC returns)" if synthetic else ""
    if reached.participant_quarters:
        quarters = len(reached.quarters)
        heads = (
            f"{reached.participant_quarters:,} in {reached.quarters[0]}"
            if quarters == 1
            else f"between {reached.busiest_quarter:,} (busiest quarter) and "
            f"{reached.participant_quarters:,} (summed over {quarters} quarters)"
        )
        each = _money(low) if low == high else f"{_money(low)} to {_money(high)}"
        console.print(
            f"Young people reached{label}: {heads}; cost per young person {each} (the "
            f"{_money(spent)} of the budget falling in the quarter(s) with returns, spending "
            "assumed even).",
            highlight=False,
            soft_wrap=True,
        )
    else:
        console.print("No return for this programme covers its costed period.", highlight=False)
    console.print(
        f"{unit.name}: {_money(unit.pounds)} an offence in {costs_unit.price_year} prices "
        f"({costs_unit.source.get('citation')}; {costs_unit.source.get('table')}), "
        f"{_money(unit.pounds * factor)} in {year} prices (GDP deflator x{factor:.3f}).",
        highlight=False,
        soft_wrap=True,
    )
    if series.approximate:
        console.print(
            f"note: the GDP deflator in {series.file.name} is approximate "
            f"({series.source.get('release', 'no release named')}); pass --deflator FILE with "
            "the current HM Treasury release before relying on these figures.",
            highlight=False,
            soft_wrap=True,
        )
    observed = 1.0
    if counted is not None:
        baseline, observed = counted.per_year, counted.years
        result["baseline_source"] = counted.as_json()
        console.print(counted.describe(), highlight=False, soft_wrap=True)
    else:
        result["baseline_source"] = {"from": "--baseline"}
    assert baseline is not None  # given, or counted above
    per = unit.pounds * factor
    be = break_even(
        programme_cost=cost.pounds, baseline=baseline, years=cost.years, unit_cost=per,
        draws=draws, random_state=seed, baseline_uncertain=not baseline_fixed,
        baseline_years=observed,
    )  # fmt: skip
    result["baseline"] = baseline
    result["break_even"] = {
        "reduction": be.reduction, "low": be.low, "high": be.high,
        "achievable": be.achievable,
    }  # fmt: skip
    if be.achievable:
        console.print(
            f"Break-even: the programme pays for itself if it prevents {be.reduction:.0%} of "
            f"{baseline:g} {unit.name.lower()} offences a year (95% CI {be.low:.0%} to "
            f"{be.high:.0%}), a rate ratio of {1 - be.reduction:.2f} or lower.",
            highlight=False,
            soft_wrap=True,
        )
    else:
        console.print(
            f"Break-even: even preventing every one of {baseline:g} offences a year would "
            f"not pay back the cost ({be.reduction:.1f} times the baseline would be needed) "
            "through this offence alone.",
            highlight=False,
            soft_wrap=True,
        )
    if est is not None:
        sim = simulate(
            est, baseline=baseline, years=cost.years, unit_cost=per,
            programme_cost=cost.pounds, draws=draws, random_state=seed,
            baseline_uncertain=not baseline_fixed, baseline_years=observed,
        )  # fmt: skip
        summary = sim.summary()
        result["effect"] = {
            "rate_ratio": est.rate_ratio, "ci_low": est.ci_low, "ci_high": est.ci_high,
            "source": est.source,
        }  # fmt: skip
        result["simulation"] = {"draws": draws, "seed": seed, **summary}
        _print_averted(est, summary, cost.pounds)
    if out is not None:
        write_text_atomic(json.dumps(result, indent=2, default=str), out)
        console.print(f"wrote {out}", highlight=False)
