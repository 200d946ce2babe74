"""Every measure, every period: values with intervals, the control chart, the comparison of
the latest window with the baseline, and the verdict.

The **latest window** is the ``window`` periods ending at ``end`` (default: the source's last
period); it must lie wholly after the baseline and be fully covered by the data, otherwise
the verdict is "cannot tell". The **baseline** is the measure's ``start``-``end`` periods (or
its first ``periods``); the control chart's centre line and limits come from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from upstream.account.outcomes.context import OutcomeContext
from upstream.account.outcomes.definitions import Measure
from upstream.account.outcomes.gaps import gap_sentence
from upstream.account.outcomes.intervals import Comparison, compare, period_intervals
from upstream.account.outcomes.sources import SourceResult, SourceUnavailable
from upstream.account.outcomes.spc import control_chart
from upstream.account.outcomes.verdict import CANNOT_TELL, describe, verdict
from upstream.config import Settings

__all__ = [
    "DISPERSED",
    "MeasureResult",
    "baseline_length",
    "baseline_mask",
    "compute_all",
    "compute_measure",
    "dispersion",
    "evaluate_series",
]

UNAVAILABLE = "not available"
DISPERSED = 1.5
"""Baseline variance over mean at which a count measure's exact interval is flagged as too
narrow (benchmarks/outcomes.py: with three times the Poisson variance, the exact verdict is
wrong 22% of the time when nothing changed; the bootstrap's 8%)."""
DISPERSION_MONTHS = 6


@dataclass
class MeasureResult:
    """One measure computed (or why it could not be)."""

    measure: Measure
    verdict: str
    reading: str
    table: pd.DataFrame = field(default_factory=pd.DataFrame)
    comparison: Comparison | None = None
    baseline: tuple[str, str] | None = None
    latest: tuple[str, str] | None = None
    synthetic: bool = False
    notes: tuple[str, ...] = ()
    available: bool = True

    @property
    def audience(self) -> str:
        """Who may see it: ``public`` or ``signed_in``."""
        return self.measure.spec.audience

    def summary(self) -> dict[str, Any]:
        """A JSON-ready summary (no per-period rows)."""
        c = self.comparison
        last = self.table.iloc[-1] if len(self.table) else None
        return {
            "id": self.measure.id,
            "name": self.measure.name,
            "source": self.measure.source,
            "unit": self.measure.unit,
            "direction": self.measure.direction,
            "audience": self.audience,
            "available": self.available,
            "synthetic": self.synthetic,
            "verdict": self.verdict,
            "reading": self.reading,
            "baseline": list(self.baseline) if self.baseline else None,
            "latest": list(self.latest) if self.latest else None,
            "baseline_value": None if c is None else _num(c.baseline),
            "latest_value": None if c is None else _num(c.latest),
            "comparison": None
            if c is None
            else {
                "kind": c.kind,
                "effect": _num(c.effect),
                "ci_low": _num(c.lower),
                "ci_high": _num(c.upper),
                "p_value": _num(c.p_value),
                "no_change": c.null,
                "method": c.method,
                "level": c.level,
            },
            "target": self.measure.target,
            "last_period": None if last is None else str(last["period"]),
            "last_signals": [] if last is None else list(last["signals"]),
            "notes": list(self.notes),
        }


def _num(value: float) -> float | None:
    """JSON has no NaN or infinity: None instead."""
    return float(value) if np.isfinite(value) else None


def baseline_mask(measure: Measure, periods: pd.Series) -> np.ndarray:
    """Which of ``periods`` (sorted) are the measure's baseline: those from its ``start`` to
    its ``end``, or its first ``periods``."""
    if measure.baseline is not None:
        start, end = measure.baseline
        return np.asarray((periods >= start) & (periods <= end), dtype=bool)
    mask = np.zeros(len(periods), dtype=bool)
    mask[: measure.baseline_periods] = True
    return mask


def evaluate_series(
    measure: Measure, source: SourceResult, end: str | None = None, level: float = 0.95
) -> MeasureResult:
    """Intervals, control chart, comparison and verdict for one source series."""
    frame = source.frame.sort_values("period").reset_index(drop=True)
    if end is not None:
        frame = frame[frame["period"] <= _end_for(measure, end)].reset_index(drop=True)
    notes = list(source.notes)
    base = baseline_mask(measure, frame["period"])
    if not base.any():
        raise ValueError(f"{measure.id}: the series has no period of its baseline")
    table = period_intervals(measure.unit, frame, source.scale, level)
    table = table.join(control_chart(measure.unit, frame, base, source.scale))
    table["in_baseline"] = base
    span = (str(frame["period"][base].iloc[0]), str(frame["period"][base].iloc[-1]))
    if base.any() and measure.baseline is not None and base.sum() < baseline_length(measure):
        notes.append(f"the data cover only {int(base.sum())} periods of the baseline")
    ratio = dispersion(frame.loc[base, "numerator"])
    if measure.unit == "count" and measure.interval == "exact" and ratio >= DISPERSED:
        notes.append(
            f"The baseline months vary {ratio:.1f} times as much as chance alone would make "
            "them (over-dispersion), so the exact interval is too narrow: read the verdict "
            'with care, or set interval = "bootstrap" for this measure.'
        )
    n = len(frame)
    first_latest = n - measure.window
    latest_ok = first_latest >= 0 and not base[first_latest:].any()
    table["in_latest"] = False
    latest = None
    comparison = None
    if latest_ok:
        table.loc[first_latest:, "in_latest"] = True
        latest = (str(frame["period"].iloc[first_latest]), str(frame["period"].iloc[-1]))
        comparison = compare(
            measure.unit,
            frame[base],
            frame.iloc[first_latest:],
            scale=source.scale,
            interval=measure.interval,
            level=level,
        )
    last = table.iloc[-1] if n else None
    reading = describe(
        name=measure.name,
        unit=measure.unit,
        direction=measure.direction,
        comparison=comparison,
        baseline=span,
        latest=latest,
        target=measure.target,
        window=measure.window,
        last_signals=[] if last is None else list(last["signals"]),
        last_period=None if last is None else str(last["period"]),
        signalled_before=_signalled_before(table),
    )
    gaps = gap_sentence(frame["period"].astype(str).tolist())
    reading = f"{reading} {gaps}" if gaps else reading
    return MeasureResult(
        measure=measure,
        verdict=verdict(comparison, measure.direction),
        reading=reading,
        table=table,
        comparison=comparison,
        baseline=span,
        latest=latest,
        synthetic=source.synthetic,
        notes=tuple(notes),
    )


def dispersion(counts: pd.Series) -> float:
    """Variance over mean of monthly counts (1 for Poisson counts); NaN for fewer than
    :data:`DISPERSION_MONTHS` months or a zero mean."""
    values = counts.to_numpy(dtype="float64")
    if len(values) < DISPERSION_MONTHS or values.mean() == 0:
        return float("nan")
    return float(values.var(ddof=1) / values.mean())


def _end_for(measure: Measure, end: str) -> str:
    """The last period to use for an ``end`` month: the month, or the last quarter that is
    over by the end of it (no quarter reaching past ``end``)."""
    if measure.frequency == "quarter":
        year, quarter = int(end[:4]), int(end[5:7]) // 3
        return f"{year}Q{quarter}" if quarter else f"{year - 1}Q4"
    return end


def baseline_length(measure: Measure) -> int:
    """How many periods the measure's baseline dates span (its ``periods`` when it has no
    dates)."""
    if measure.baseline is None:
        assert measure.baseline_periods is not None
        return measure.baseline_periods
    start, end = measure.baseline
    if measure.frequency == "quarter":
        return (int(end[:4]) - int(start[:4])) * 4 + int(end[-1]) - int(start[-1]) + 1
    return len(pd.period_range(start, end, freq="M"))


def _unavailable(measure: Measure, why: str) -> MeasureResult:
    return MeasureResult(
        measure=measure,
        verdict=CANNOT_TELL,
        reading=f"{measure.name}: {UNAVAILABLE}, because {why}.",
        available=False,
    )


def compute_measure(
    context: OutcomeContext, measure: Measure, end: str | None = None
) -> MeasureResult:
    """One measure from its source (an unavailable source gives a result saying why)."""
    spec = measure.spec
    if spec.function is None:
        return _unavailable(measure, f"the {spec.name!r} source is not connected yet")
    try:
        source = spec.function(context, measure.filter)
    except SourceUnavailable as exc:
        return _unavailable(measure, str(exc))
    frame = source.frame
    if end is not None:
        frame = frame[frame["period"] <= _end_for(measure, end)]
    periods = frame["period"]
    if frame.empty or not baseline_mask(measure, periods).any():
        covered = "no periods" if frame.empty else f"{periods.min()} to {periods.max()}"
        return _unavailable(measure, f"the data ({covered}) do not reach its baseline")
    return evaluate_series(measure, source, end)


def _signalled_before(table: pd.DataFrame) -> int:
    """How many periods in a row just before the last broke a run rule."""
    count = 0
    for signals in reversed(list(table["signals"])[:-1]):
        if not len(signals):
            break
        count += 1
    return count


def compute_all(
    settings: Settings,
    measures: list[Measure],
    *,
    end: str | None = None,
    audience: str | None = None,
) -> list[MeasureResult]:
    """Every measure (only those for ``audience`` when given: ``public`` leaves out every
    measure built from partnership records, which are then not even read)."""
    context = OutcomeContext(settings)
    chosen = [m for m in measures if audience is None or m.spec.audience == audience]
    return [compute_measure(context, m, end) for m in chosen]
