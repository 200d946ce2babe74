"""The Forecaster interface and the base class every method builds on.

A forecaster follows scikit-learn's estimator rules: the constructor takes keyword-only
hyper-parameters and stores them unchanged; :meth:`BaseForecaster.fit` learns state
into attributes ending in ``_`` and returns ``self``; :meth:`BaseForecaster.predict`
returns one score per spatial unit (an expected count, or expected harm when
``target="harm"``) for the month(s) after ``until``.

The base class is where the leakage rule lives, so no method can break it: ``fit`` drops
every event after ``until`` before a method sees anything, and builds the month-by-unit
matrices (:class:`History`) the methods learn from. The scores come back as a Series
indexed by unit id in ascending order; ranking and scoring are done elsewhere
(:mod:`upstream.forecast.metrics`), by the same code for every method.
"""

from __future__ import annotations

import inspect
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol, Self, runtime_checkable

import numpy as np
import pandas as pd

from upstream.forecast.data import Units, as_units
from upstream.vocab import TIME_ZONE, month_index
from upstream.vocab import month_label as _month_label

__all__ = [
    "TARGETS",
    "BaseForecaster",
    "ForecastError",
    "Forecaster",
    "History",
    "build_history",
    "calibrate",
    "recent_total",
]

TARGETS = ("count", "harm")
"""What a forecaster predicts: events per unit, or harm (events x harm weight) per unit."""


class ForecastError(ValueError):
    """A forecast cannot be made from these inputs (the message says why)."""


@runtime_checkable
class Forecaster(Protocol):
    """What the CLI, the backtest and the web app rely on."""

    def fit(self, events: pd.DataFrame, grid: Any, until: str) -> Self:
        """Learn from ``events`` up to and including month ``until``."""
        ...

    def predict(self, months: int = 1) -> pd.Series:
        """Score per unit id for the ``months`` months after ``until`` (summed)."""
        ...


@dataclass(frozen=True)
class History:
    """What a method may learn from: everything up to and including month ``until``.

    Attributes
    ----------
    months
        The consecutive months covered (``YYYY-MM``), from the first event's month to
        ``until``; months without events are present with zeros.
    counts
        ``(len(months), n_units)`` target values per month and unit: counts of target
        events, or their summed harm when the target is harm.
    context
        Same shape: counts of the other (non-target) events given, e.g. anti-social
        behaviour when serious violence is the target. All zeros when none were given.
    events
        The target events kept (inside a unit, month <= until) with ``pos`` (unit
        position), ``t`` (time in days since the first month began; mid-month when only
        the month is known) and ``value`` (1, or the harm weight).
    timestamped
        True when every kept event had an exact time (``occurred`` column).
    """

    months: tuple[str, ...]
    counts: np.ndarray
    context: np.ndarray
    events: pd.DataFrame
    timestamped: bool

    @property
    def n_months(self) -> int:
        return len(self.months)

    @property
    def until(self) -> str:
        return self.months[-1]

    def month_start_days(self, offset: int) -> float:
        """Days from the start of the first month to the start of month ``offset``."""
        first = pd.Period(self.months[0], freq="M").start_time
        target = (pd.Period(self.months[0], freq="M") + offset).start_time
        return float((target - first) / pd.Timedelta(days=1))


def build_history(events: pd.DataFrame, units: Units, until: str, target: str) -> History:
    """Keep the events at or before ``until`` inside ``units`` and bin them per month.

    ``events`` needs ``month`` (``YYYY-MM``), ``x`` and ``y`` (BNG metres); optional
    ``harm`` (weight per event, required for ``target="harm"``), ``is_target`` (False for
    context-only events) and ``occurred`` (exact time, tz-aware).
    """
    if target not in TARGETS:
        raise ForecastError(f"target must be one of {TARGETS}, got {target!r}")
    missing = {"month", "x", "y"} - set(events.columns)
    if missing:
        raise ForecastError(f"events need columns month, x, y; missing {sorted(missing)}")
    if target == "harm" and "harm" not in events.columns:
        raise ForecastError("target 'harm' needs a harm column (harm weight per event)")
    end = month_index(until)
    month_no = _month_numbers(events["month"])
    keep = month_no <= end  # the leakage rule: nothing after `until` goes any further
    pos = units.locate(events["x"].to_numpy(), events["y"].to_numpy())
    keep &= pos >= 0
    is_target = (
        events["is_target"].to_numpy(dtype=bool)
        if "is_target" in events.columns
        else np.ones(len(events), dtype=bool)
    )
    tgt = keep & is_target
    if not tgt.any():
        raise ForecastError(f"no target events inside the area at or before {until}")
    start = int(month_no[tgt].min())
    n_months = end - start + 1
    n = units.n
    row = month_no - start
    counts = np.zeros((n_months, n))
    value = events["harm"].to_numpy(dtype="float64") if target == "harm" else np.ones(len(events))
    np.add.at(counts, (row[tgt], pos[tgt]), value[tgt])
    ctx = keep & ~is_target & (row >= 0)
    context = np.zeros((n_months, n))
    np.add.at(context, (row[ctx], pos[ctx]), 1.0)

    kept = pd.DataFrame(
        {
            "pos": pos[tgt],
            "x": events["x"].to_numpy(dtype="float64")[tgt],
            "y": events["y"].to_numpy(dtype="float64")[tgt],
            "value": value[tgt],
        }
    )
    first_day = pd.Period(_month_label(start), freq="M").start_time
    timestamped = "occurred" in events.columns and bool(events["occurred"][tgt].notna().all())
    if timestamped:
        occurred = pd.to_datetime(events["occurred"][tgt], utc=True)
        origin = first_day.tz_localize(TIME_ZONE).tz_convert("UTC")
        kept["t"] = ((occurred - origin) / pd.Timedelta(days=1)).to_numpy(dtype="float64")
    else:
        starts = _month_start_days(row[tgt], start)
        ends = _month_start_days(row[tgt] + 1, start)
        kept["t"] = (starts + ends) / 2.0  # mid-month: police.uk gives the month only
    kept = kept.sort_values(["t", "pos"], kind="mergesort").reset_index(drop=True)
    months = tuple(_month_label(start + i) for i in range(n_months))
    return History(months, counts, context, kept, timestamped)


def _month_numbers(month: pd.Series) -> np.ndarray:
    text = month.astype("string").to_numpy(dtype=object)
    uniq, inverse = np.unique(text.astype(str), return_inverse=True)
    numbers = np.array([month_index(u) for u in uniq], dtype="int64")
    return numbers[inverse]


def _month_start_days(rows: np.ndarray, start: int) -> np.ndarray:
    """Days from the start of month ``start`` to the start of month ``start + rows``."""
    uniq, inverse = np.unique(rows, return_inverse=True)
    origin = pd.Period(_month_label(start), freq="M").start_time
    days = np.array(
        [
            (pd.Period(_month_label(start + int(r)), freq="M").start_time - origin).days
            for r in uniq
        ],
        dtype="float64",
    )
    return days[inverse]


class BaseForecaster(ABC):
    """Shared machinery: parameters, the leakage-safe ``fit`` and the ``predict`` contract.

    Subclasses set :attr:`name` and :attr:`paper`, take keyword-only hyper-parameters
    (always including ``target``) and implement ``_fit(history)`` and
    ``_predict(months) -> ndarray`` (one expected value per unit, in unit order).
    """

    name: ClassVar[str] = ""
    paper: ClassVar[str] = ""
    baseline: ClassVar[bool] = True
    target: str

    # ---- parameters (scikit-learn style) ----------------------------------------------
    @classmethod
    def _param_names(cls) -> list[str]:
        sig = inspect.signature(cls.__init__)
        return [p.name for p in sig.parameters.values() if p.name != "self"]

    def get_params(self) -> dict[str, Any]:
        """The hyper-parameters, as given to the constructor."""
        return {name: getattr(self, name) for name in self._param_names()}

    def set_params(self, **params: Any) -> Self:
        """Change hyper-parameters (unknown names are refused)."""
        valid = set(self._param_names())
        for key, value in params.items():
            if key not in valid:
                raise ValueError(f"{type(self).__name__} has no hyper-parameter {key!r}")
            setattr(self, key, value)
        return self

    def clone(self) -> Self:
        """A new, unfitted forecaster with the same hyper-parameters."""
        return type(self)(**self.get_params())

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"

    # ---- fit / predict ----------------------------------------------------------------
    def fit(self, events: pd.DataFrame, grid: Any, until: str) -> Self:
        """Learn from the events in months up to and including ``until``.

        Parameters
        ----------
        events
            Columns ``month`` (``YYYY-MM``), ``x``, ``y`` (BNG metres); optional ``harm``,
            ``is_target`` and ``occurred``. Rows after ``until`` are ignored, so passing
            more data than the forecast may use is safe.
        grid
            A :class:`~upstream.forecast.data.Units`, or a study grid from
            :func:`upstream.area.study_grid`.
        until
            The last month the forecaster may learn from (``YYYY-MM``).
        """
        units = as_units(grid)
        history = build_history(events, units, until, self.target)
        self.units_ = units
        self.until_ = history.until
        self._fit(history)
        return self

    def predict(self, months: int = 1) -> pd.Series:
        """Expected target per unit over the ``months`` months after ``until`` (summed).

        Returns a Series named ``score`` indexed by unit id (ascending).
        """
        if not hasattr(self, "until_"):
            raise ForecastError(f"{type(self).__name__} is not fitted: call fit() first")
        if months < 1:
            raise ForecastError("months must be at least 1")
        scores = np.asarray(self._predict(months), dtype="float64")
        scores = np.where(np.isfinite(scores) & (scores > 0), scores, 0.0)
        return pd.Series(scores, index=pd.Index(self.units_.ids, name="cell_id"), name="score")

    @abstractmethod
    def _fit(self, history: History) -> None:
        """Learn from ``history`` (every event at or before ``until`` and nothing after)."""

    @abstractmethod
    def _predict(self, months: int) -> np.ndarray:
        """Expected target per unit over the next ``months`` months, in unit order."""


def recent_total(history: History, months: int = 12) -> float:
    """Mean monthly total of the target over the last ``months`` months (for calibration)."""
    k = min(months, history.n_months)
    return float(history.counts[-k:].sum() / k)


def calibrate(raw: np.ndarray, total: float) -> np.ndarray:
    """Scale non-negative scores so they sum to ``total`` (zeros stay zeros)."""
    raw = np.clip(np.asarray(raw, dtype="float64"), 0.0, None)
    s = raw.sum()
    return raw * (total / s) if s > 0 else np.full(raw.shape, total / max(raw.size, 1))
