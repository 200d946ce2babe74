"""The value-for-money baseline counted from the event store, as the outcome measure counts it.

When ``upstream vfm`` is given no ``--baseline N``, the offences a year the programme
addresses are the count of an outcome measure (default ``knife_injury_u25``, the strategy's
headline) over that measure's own baseline period, counted by the measure's own source
function from the event store the settings name -- the same numbers ``upstream outcomes``
shows for that baseline. Only a count measure read from the event store can give one; a
baseline period the store does not wholly hold is refused, never guessed.

:func:`baseline_from_series` is the pure part (a measure and its monthly series in, the
count out); :func:`store_baseline` reads the series.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from upstream.account.outcomes.compute import baseline_length, baseline_mask
from upstream.account.outcomes.definitions import Measure, MeasureError, load_measures
from upstream.account.outcomes.definitions import unknown_measure as _unknown
from upstream.account.outcomes.sources import SourceUnavailable
from upstream.account.vfm.prices import VfmError

if TYPE_CHECKING:
    from upstream.config import Settings

__all__ = ["DEFAULT_MEASURE", "StoreBaseline", "baseline_from_series", "store_baseline"]

DEFAULT_MEASURE = "knife_injury_u25"
"""The measure whose baseline ``upstream vfm`` counts unless told otherwise: knife-injury
offences with a victim under 25, the offences the default unit cost (violence with injury)
prices."""


@dataclass(frozen=True)
class StoreBaseline:
    """A baseline counted from the event store, and everything needed to say where from."""

    measure: str  # the measure's id
    name: str  # the measure's name
    measures_file: str  # the TOML that defines it
    source: str  # the measure's source (e.g. partnership_incidents)
    start: str  # first month of the baseline (YYYY-MM)
    end: str  # last month
    months: int
    count: int  # events counted over those months
    synthetic: bool  # counted from SYNTHETIC data

    @property
    def years(self) -> float:
        """The baseline period in years (months / 12)."""
        return self.months / 12

    @property
    def per_year(self) -> float:
        """Events a year: the count over the period's years."""
        return self.count / self.years

    def describe(self) -> str:
        """One sentence: the count, the period, the measure and where they came from."""
        data = "SYNTHETIC " if self.synthetic else ""
        rate = "" if self.months == 12 else f", {self.per_year:.1f} a year"
        return (
            f"Baseline: {self.count:,} in {self.start} to {self.end} ({self.months} months"
            f"{rate}), counted in the event store ({data}{self.source}) as measure "
            f"{self.measure} of {self.measures_file} counts it: {self.name}. Give --baseline N "
            "to use another figure."
        )

    def as_json(self) -> dict[str, Any]:
        """The figures and their source, for ``--out``."""
        return {
            "from": "event store",
            "measure": self.measure,
            "measure_name": self.name,
            "measures_file": self.measures_file,
            "source": self.source,
            "period": [self.start, self.end],
            "months": self.months,
            "count": self.count,
            "per_year": self.per_year,
            "synthetic": self.synthetic,
        }


def _check_countable(measure: Measure, origin: str) -> None:
    spec = measure.spec
    if measure.unit != "count" or not spec.event_store:
        kind = "a count" if measure.unit == "count" else f"a {measure.unit}"
        where = "the event store" if spec.event_store else f"source {spec.name}"
        raise VfmError(
            f"measure {measure.id} ({origin}) is {kind} from {where}, not a count of events in "
            "the event store"
        )
    if measure.frequency != "month":  # pragma: no cover - every event-store source is monthly
        raise VfmError(f"measure {measure.id} is not counted per month")


def _not_covered(measure: Measure, periods: pd.Series, wanted: int) -> str:
    """Which baseline months the store lacks, and which it holds."""
    held = f"it holds {periods.iloc[0]} to {periods.iloc[-1]}" if len(periods) else "it holds none"
    if measure.baseline is None:
        return (
            f"the baseline of {measure.id} is its first {wanted} months, and the event store "
            f"holds only {len(periods)} ({held.removeprefix('it holds ')})"
        )
    start, end = measure.baseline
    missing = sorted(set(pd.period_range(start, end, freq="M").strftime("%Y-%m")) - set(periods))
    more = f" and {len(missing) - 3} more" if len(missing) > 3 else ""
    return (
        f"the event store does not hold {', '.join(missing[:3])}{more} of the baseline of "
        f"{measure.id} ({start} to {end}); {held}"
    )


def baseline_from_series(
    measure: Measure, series: pd.DataFrame, *, origin: str = "outcomes.toml", synthetic: bool
) -> StoreBaseline:
    """The measure's count over its baseline months, refused unless the series holds them all.

    Parameters
    ----------
    measure
        A count measure read from the event store.
    series
        Its source's monthly series: ``period`` (``YYYY-MM``, the months the store holds)
        and ``numerator`` (the count).
    origin
        The measures file's name, for messages and the record of where the figure came from.
    synthetic
        Whether the series was counted from SYNTHETIC data.

    Raises
    ------
    VfmError
        The measure is not a count from the event store, or the series does not cover every
        month of its baseline.
    """
    _check_countable(measure, origin)
    frame = series.sort_values("period").reset_index(drop=True)
    mask = baseline_mask(measure, frame["period"])
    wanted = baseline_length(measure)
    if int(mask.sum()) < wanted:
        raise VfmError(_not_covered(measure, frame["period"], wanted))
    months = frame.loc[mask, "period"].astype(str)
    return StoreBaseline(
        measure=measure.id,
        name=measure.name,
        measures_file=origin,
        source=measure.source,
        start=months.iloc[0],
        end=months.iloc[-1],
        months=wanted,
        count=int(frame.loc[mask, "numerator"].sum()),
        synthetic=synthetic,
    )


def store_baseline(
    settings: Settings, measure_id: str = DEFAULT_MEASURE, measures: Path | None = None
) -> StoreBaseline:
    """Count the baseline of ``measure_id`` (from ``measures``, default the bundled
    ``outcomes.toml``) in the event store of ``settings``.

    Raises
    ------
    VfmError
        One phrase saying why the store gives no baseline: the measures file is wrong, the
        measure is unknown or not a count from the event store, its data are not loaded, or
        the store does not hold every month of its baseline.
    """
    from upstream.account.outcomes.context import OutcomeContext

    origin = "outcomes.toml" if measures is None else str(measures)
    try:
        defined = {m.id: m for m in load_measures(measures)}
    except MeasureError as exc:
        raise VfmError(str(exc)) from None
    if measure_id not in defined:
        raise VfmError(_unknown(measure_id, defined, origin))
    measure = defined[measure_id]
    _check_countable(measure, origin)
    function = measure.spec.function
    if function is None:  # pragma: no cover - every event-store source is wired
        raise VfmError(f"the {measure.source} source is not connected")
    try:
        result = function(OutcomeContext(settings), measure.filter)
    except SourceUnavailable as exc:
        raise VfmError(f"measure {measure.id} cannot be counted: {exc}") from None
    return baseline_from_series(measure, result.frame, origin=origin, synthetic=result.synthetic)
