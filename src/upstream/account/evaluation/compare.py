"""One evaluation with every method: interrupted time series, difference-in-differences
against matched comparison areas, synthetic control, and placebo tests in time and space.

:func:`evaluate_against` is what ``upstream evaluate did``/``synth``/``borough`` and the
``/evaluation`` page call, so they report the same figures the same way.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from upstream.account.evaluation.did import fit_did, match_comparisons
from upstream.account.evaluation.its import fit_its
from upstream.account.evaluation.placebo import placebo_in_space, placebo_in_time
from upstream.account.evaluation.series import series_from_frame
from upstream.account.evaluation.synthcontrol import fit_synth
from upstream.account.evaluation.verdict import verdict

__all__ = ["evaluate_against"]


def _relative_verdict(result: dict[str, Any], what: str, method: str) -> str:
    if result["ci_low"] is None:
        return (
            f"{method}: {what} was {result['rate_ratio']:.2f} times its synthetic comparison "
            f"after the start (placebo p = {result['p_value']:.2f}); too few comparison "
            "areas for an interval."
        )
    text = verdict(result["rate_ratio"], result["ci_low"], result["ci_high"], what=what)
    text = text.replace("than expected", "than the comparison areas imply")
    return f"Relative to the comparison areas: {text[0].lower()}{text[1:]}"


def evaluate_against(
    treated: pd.Series,
    pool: pd.DataFrame,
    start: str,
    *,
    what: str = "the count",
    k: int = 5,
    deprivation: pd.Series | None = None,
    treated_deprivation: float | None = None,
    methods: tuple[str, ...] = ("its", "did", "synth"),
) -> dict[str, Any]:
    """Evaluate ``treated`` (monthly counts, index ``YYYY-MM``) from ``start`` against the
    comparison ``pool`` (one column per area, same months) with the chosen methods."""
    out: dict[str, Any] = {"start": start, "what": what}
    start_p = pd.Period(start, freq="M")
    series = series_from_frame(treated, source="treated")
    its = fit_its(series, start_p)
    if "its" in methods:
        in_time = placebo_in_time(series, its)
        in_space = placebo_in_space({c: pool[c] for c in pool.columns}, its)
        out["its"] = {
            **its.summary(),
            "placebo_time": in_time.summary(),
            "placebo_space": in_space.summary(),
            "verdict": verdict(
                its.rate_ratio, its.ci_low, its.ci_high, what=what, placebos=(in_time, in_space)
            ),
        }
        out["chart"] = {
            "months": list(its.observed.index),
            "observed": its.observed.tolist(),
            "expected_without": its.counterfactual.tolist(),
        }
    if "did" in methods:
        chosen = match_comparisons(
            treated,
            pool,
            start,
            k=k,
            deprivation=deprivation,
            treated_deprivation=treated_deprivation,
        )
        fitted = fit_did(treated, pool[chosen], start)
        did: dict[str, Any] = fitted.summary()
        text = _relative_verdict(did, what, "Difference-in-differences")
        if fitted.pre_trend_p < 0.05:
            text += (
                " Before the start the comparison areas' trend differed from the treated "
                "area's, so this comparison is doubtful."
            )
        did["verdict"] = text
        out["did"] = did
    if "synth" in methods:
        synth = fit_synth(treated, pool, start)
        summary = synth.summary()
        summary["verdict"] = _relative_verdict(summary, what, "Synthetic control")
        summary["synthetic"] = synth.synthetic.tolist()
        out["synth"] = summary
    return out
