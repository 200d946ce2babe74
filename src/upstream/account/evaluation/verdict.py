"""Plain-English conclusions from an effect estimate, saying so when the data cannot tell.

Rules (one place, used by every method and page):

* the 95% interval lies wholly below 1: "fell" (with the estimate and interval);
* wholly above 1: "rose";
* it spans 1 and is narrow enough to rule out a change of ``material`` (20% by default) either
  way: "no change large enough to matter";
* otherwise: "the data cannot tell".

A placebo result that often finds "effects" where there were none, or ranks the real
estimate among the placebos, qualifies the conclusion.
"""

from __future__ import annotations

from upstream.account.evaluation.placebo import PlaceboResult

__all__ = ["verdict"]


def _pct(ratio: float) -> str:
    return f"{abs(100 * (ratio - 1)):.0f}%"


def verdict(
    rate_ratio: float,
    ci_low: float,
    ci_high: float,
    *,
    what: str = "the count",
    material: float = 0.2,
    placebos: tuple[PlaceboResult, ...] = (),
) -> str:
    """One or two sentences a board member can read.

    Parameters
    ----------
    rate_ratio, ci_low, ci_high
        The effect as a rate ratio with its 95% interval.
    what
        What was counted, e.g. "knife crime with injury".
    material
        The smallest relative change that would matter (0.2 = 20%).
    placebos
        Placebo results to mention.
    """
    interval = f"(rate ratio {rate_ratio:.2f}, 95% interval {ci_low:.2f} to {ci_high:.2f})"
    if ci_high < 1:
        text = (
            f"After the start, {what} was about {_pct(rate_ratio)} lower than expected "
            f"{interval}; chance alone is unlikely to explain a fall this size."
        )
    elif ci_low > 1:
        text = (
            f"After the start, {what} was about {_pct(rate_ratio)} higher than expected "
            f"{interval}; chance alone is unlikely to explain a rise this size."
        )
    elif ci_low >= 1 - material and ci_high <= 1 + material:
        text = (
            f"No change large enough to matter: {what} stayed within {material:.0%} of what was "
            f"expected {interval}."
        )
    else:
        text = (
            f"The data cannot tell: {what} could have fallen by as much as {_pct(ci_low)} or "
            f"risen by as much as {_pct(ci_high)} {interval}; the series is too short or too "
            "small to separate any effect from chance."
        )
    notes = [_placebo_note(p) for p in placebos]
    return " ".join([text, *(n for n in notes if n)])


def _placebo_note(placebo: PlaceboResult) -> str:
    if placebo.n == 0 and placebo.kind == "space":
        return ""
    share = placebo.share_significant or 0.0
    if placebo.kind == "space":
        note = (
            f"In {placebo.n} comparison areas, where this intervention did not happen, "
            f"{share:.0%} changed 'significantly' at the same time; this area's change ranks "
            f"with p = {placebo.rank_p:.2f} among them."
        )
        if share > 0.5:
            note += " The change was shared, so it cannot be credited to anything local."
        return note
    if placebo.n < 5:
        return (
            f"Too few months before the start for a placebo check in time ({placebo.n} "
            f"invented start date{'' if placebo.n == 1 else 's'}); the interval rests on the "
            "model alone."
        )
    note = (
        f"Placebo check over {placebo.n} invented start dates: {share:.0%} showed a "
        f"'significant' change where nothing happened; the real change ranks with "
        f"p = {placebo.rank_p:.2f} among them."
    )
    if share > 0.15:
        note += " The series moves a lot by itself, so treat the interval above with caution."
    return note
