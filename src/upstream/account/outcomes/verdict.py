"""Plain-English verdicts: is the latest window better than the baseline, worse, or not
distinguishable from chance?

The verdict reads the interval of :func:`upstream.account.outcomes.intervals.compare`:

* the whole interval on the better side of "no change" (1 for a ratio, 0 for a difference)
  → **better than baseline**;
* the whole interval on the worse side → **worse than baseline**;
* the interval includes no change → **not distinguishable from chance**;
* nothing to compare (no data in a window, or no events in the baseline) → **cannot tell**.

Which side is better is the measure's ``direction``. The sentences also say how big the
change is, with its interval, whether the latest value meets the target, and what the
control chart says about the latest month.
"""

from __future__ import annotations

from upstream.account.outcomes.intervals import Comparison
from upstream.formatting import p_equals

__all__ = [
    "BETTER",
    "CANNOT_TELL",
    "NOT_DISTINGUISHABLE",
    "VERDICTS",
    "WORSE",
    "describe",
    "verdict",
]

BETTER = "better than baseline"
WORSE = "worse than baseline"
NOT_DISTINGUISHABLE = "not distinguishable from chance"
CANNOT_TELL = "cannot tell"
VERDICTS = (BETTER, WORSE, NOT_DISTINGUISHABLE, CANNOT_TELL)


def verdict(comparison: Comparison | None, direction: str) -> str:
    """One of :data:`VERDICTS` for a comparison and a direction (``lower`` or ``higher``)."""
    if comparison is None or comparison.lower != comparison.lower:  # None or NaN
        return CANNOT_TELL
    above = comparison.lower > comparison.null
    below = comparison.upper < comparison.null
    if not (above or below):
        return NOT_DISTINGUISHABLE
    return BETTER if (below if direction == "lower" else above) else WORSE


def _fmt(value: float, unit: str) -> str:
    if value != value:
        return "not defined"
    if unit == "proportion":
        return f"{value * 100:.1f}%"
    if unit == "ratio":
        return f"{value:.2f}"
    return f"{value:.1f}"


def _size(comparison: Comparison) -> str:
    c = comparison
    level = f"{c.level * 100:.0f}%"
    if c.kind == "difference":
        points = c.effect * 100
        text = (
            f"a difference of {points:+.1f} percentage points ({level} interval "
            f"{c.lower * 100:+.1f} to {c.upper * 100:+.1f})"
        )
    else:
        what = "rate ratio" if c.kind == "rate ratio" else "ratio of the two disparity ratios"
        upper = "no upper limit" if c.upper == float("inf") else f"{c.upper:.2f}"
        text = f"a {what} of {c.effect:.2f} ({level} interval {c.lower:.2f} to {upper})"
    if c.p_value == c.p_value:  # not NaN
        text += f", {p_equals(c.p_value, digits=2)}"
    return text


def describe(
    *,
    name: str,
    unit: str,
    direction: str,
    comparison: Comparison | None,
    baseline: tuple[str, str],
    latest: tuple[str, str] | None,
    target: float | None,
    window: int,
    last_signals: list[str],
    last_period: str | None,
    signalled_before: int = 0,
) -> str:
    """A paragraph on one measure: the verdict, the size of the change, the target, the
    latest period on the control chart (``signalled_before``: how many periods in a row just
    before it broke a run rule)."""
    result = verdict(comparison, direction)
    if comparison is None or latest is None:
        why = (
            f"the data do not yet hold {window} periods after the baseline (to {baseline[1]}) "
            "to compare with it"
            if latest is None
            else "there is nothing to compare (no events in the baseline, or no denominator)"
        )
        return f"{name}: cannot tell yet, because {why}."
    better = "lower" if direction == "lower" else "higher"

    def span(periods: tuple[str, str]) -> str:
        return periods[0] if periods[0] == periods[1] else f"{periods[0]} to {periods[1]}"

    old, new = (f"{n:,.0f}" for n in comparison.counts)
    if unit == "count":
        now = f"{new} in {span(latest)} ({_fmt(comparison.latest, unit)} a month)"
        before = (
            f"{old} in the baseline {span(baseline)} ({_fmt(comparison.baseline, unit)} a month)"
        )
    elif unit == "proportion":
        people = [f"{n:,.0f}" for n in comparison.sizes]
        now = f"{_fmt(comparison.latest, unit)} ({new} of {people[1]}) in {span(latest)}"
        before = (
            f"{_fmt(comparison.baseline, unit)} ({old} of {people[0]}) in the baseline "
            f"{span(baseline)}"
        )
    else:
        now = f"{_fmt(comparison.latest, unit)} in {span(latest)}"
        before = f"{_fmt(comparison.baseline, unit)} in the baseline {span(baseline)}"
    head = f"{name}: {now} against {before} ({better} is better): {_size(comparison)}."
    if result == BETTER:
        body = "The interval lies wholly on the better side, so this is better than baseline."
    elif result == WORSE:
        body = "The interval lies wholly on the worse side, so this is worse than baseline."
    else:
        body = (
            "The interval includes no change, so the difference is not distinguishable from "
            "chance: these counts could have come from the baseline's rate."
        )
    parts = [head, body]
    if target is not None:
        goal = target / window if unit == "count" else target
        met = comparison.latest <= goal if direction == "lower" else comparison.latest >= goal
        shown = f"{target:g} in {window} periods" if unit == "count" else _fmt(target, unit)
        parts.append(f"Target {shown}: {'met' if met else 'not met'} in the latest window.")
    if last_period is not None:
        if last_signals:
            parts.append(
                f"On the control chart {last_period} breaks a run rule "
                f"({', '.join(last_signals)}): a signal worth looking into, not noise."
            )
        elif signalled_before:
            runs = "period" if signalled_before == 1 else f"{signalled_before} periods"
            parts.append(
                f"On the control chart {last_period} is within the limits and breaks no run "
                f"rule, but the {runs} just before it did: one quiet period does not end a "
                "signal, so wait for more before reading it as over."
            )
        else:
            parts.append(
                f"On the control chart {last_period} is within the limits and breaks no run "
                "rule: read single periods as noise."
            )
    return " ".join(parts)
