"""Rolling-origin backtests: train on everything before month M, predict M, score, repeat.

For each origin (the last month a forecast may learn from) every method is fitted on the
events of the months up to and including the origin only (the input is cut here, and the
forecaster's ``fit`` cuts it again), predicts the next month, and is scored against what
happened in that month by :mod:`upstream.forecast.metrics`: the same code for every method,
on the same months, in the same run.

An ensemble whose members are all in the same backtest with their registered settings is
not refitted: its forecast is the weighted mean of the members' forecasts for that origin,
which is exactly what fitting it would produce, at no extra cost.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from upstream.forecast.base import BaseForecaster
from upstream.forecast.data import Units
from upstream.forecast.ensemble import Ensemble, combine, normalised_weights
from upstream.forecast.metrics import COVERAGES, evaluate
from upstream.forecast.registry import make
from upstream.vocab import month_index

__all__ = ["BacktestResult", "actuals", "backtest", "rolling_origins"]

MEASURES = ("hit_rate", "pai", "pei", "harm_capture")


def rolling_origins(months: Sequence[str], last: int = 12) -> list[str]:
    """The origins of a backtest over the ``last`` months of ``months``.

    With months 2016-04..2017-12 and ``last=12`` the origins are 2016-12..2017-11, each
    predicting the month after it (2017-01..2017-12).
    """
    ordered = sorted(set(months))
    if len(ordered) < last + 1:
        raise ValueError(
            f"a backtest over {last} months needs at least {last + 1} months of data; "
            f"there are {len(ordered)}"
        )
    return ordered[-last - 1 : -1]


def _next_month(month: str) -> str:
    return str(pd.Period(month, freq="M") + 1)


def actuals(events: pd.DataFrame, units: Units, month: str) -> tuple[pd.Series, pd.Series]:
    """Target events and their harm per unit in ``month`` (every unit, zeros included)."""
    sel = events[events["month"].astype(str) == month]
    if "is_target" in sel.columns:
        sel = sel[sel["is_target"].to_numpy(dtype=bool)]
    pos = units.locate(sel["x"].to_numpy(), sel["y"].to_numpy())
    ok = pos >= 0
    count = np.bincount(pos[ok], minlength=units.n).astype("float64")
    harm_w = sel["harm"].to_numpy(dtype="float64")[ok] if "harm" in sel.columns else 1.0
    harm = np.bincount(pos[ok], weights=np.broadcast_to(harm_w, ok.sum()), minlength=units.n)
    index = pd.Index(units.ids, name="cell_id")
    return pd.Series(count, index=index), pd.Series(harm, index=index)


@dataclass(frozen=True)
class BacktestResult:
    """Scores of every method in every month at every coverage.

    ``scores`` has one row per (method, origin, month, coverage) with ``hit_rate``,
    ``pai``, ``pei``, ``harm_capture``, ``events`` (in the month) and ``seconds`` (fit
    and predict).
    """

    scores: pd.DataFrame
    target: str
    units: str

    def summary(self) -> pd.DataFrame:
        """Per method and coverage: mean, standard deviation, min and max across months."""
        grouped = self.scores.groupby(["method", "coverage"], sort=False)
        parts = {}
        for measure in MEASURES:
            g = grouped[measure]
            parts[f"{measure}_mean"] = g.mean()
            parts[f"{measure}_sd"] = g.std(ddof=1)
            parts[f"{measure}_min"] = g.min()
            parts[f"{measure}_max"] = g.max()
        parts["seconds_mean"] = grouped["seconds"].mean()
        return pd.DataFrame(parts).reset_index()

    def months_worse_than(
        self, reference: str = "naive", coverage: float = 0.05, measure: str = "pai"
    ) -> pd.Series:
        """Per method: in how many months it scored below ``reference``."""
        at = self.scores[np.isclose(self.scores["coverage"], coverage)]
        wide = at.pivot(index="month", columns="method", values=measure)
        if reference not in wide:
            raise ValueError(f"{reference!r} was not in this backtest")
        worse = wide.lt(wide[reference], axis=0).sum()
        return worse.astype("int64")


def _composable(proto: BaseForecaster, named: Mapping[str, BaseForecaster]) -> bool:
    """True when ``proto`` is an ensemble whose members all run as registered in ``named``."""
    if not isinstance(proto, Ensemble) or proto.member_params or not proto.members:
        return False
    for name in proto.members:
        other = named.get(name)
        if other is None or isinstance(other, Ensemble):
            return False
        expected = make(name, target=proto.target)
        if type(other) is not type(expected) or other.get_params() != expected.get_params():
            return False
    return True


def _combine(proto: Ensemble, scores: Mapping[str, pd.Series]) -> pd.Series:
    """The ensemble's forecast from its members' forecasts (weights as in its fit)."""
    weights = normalised_weights(proto.members, proto.weights)
    parts = [scores[name] for name in proto.members]
    values = combine(weights, [p.to_numpy() for p in parts])
    return pd.Series(values, index=parts[0].index)


def backtest(
    events: pd.DataFrame,
    units: Units,
    methods: Sequence[str] | Mapping[str, BaseForecaster],
    origins: Sequence[str],
    *,
    coverages: Sequence[float] = COVERAGES,
    target: str = "count",
    progress: Callable[[str], None] | None = None,
) -> BacktestResult:
    """Score each method at each origin's next month.

    Parameters
    ----------
    events
        Events as for :meth:`~upstream.forecast.base.BaseForecaster.fit` (with ``harm`` for
        harm capture).
    units
        The grid or LSOAs to forecast for.
    methods
        Registered method names (run with their registered settings and ``target``), or
        ready forecasters by label (cloned before each fit).
    origins
        Last months of training data (see :func:`rolling_origins`).
    target
        What the methods forecast (``"count"`` or ``"harm"``). Hit rate, PAI and PEI are
        always measured on event counts and harm capture on harm, whatever the target.
    progress
        Called with each month as it has been forecast and scored by every method.
    """
    if isinstance(methods, Mapping):
        named = dict(methods)
    else:
        named = {name: make(name, target=target) for name in methods}
    area = pd.Series(units.area, index=pd.Index(units.ids, name="cell_id"))
    area_arg = area if units.kind != "grid" else None
    month_no = events["month"].astype(str).map(month_index).to_numpy()
    composed = {label for label, proto in named.items() if _composable(proto, named)}
    # members first, so a composed ensemble finds their forecasts; table order kept below
    order = [label for label in named if label not in composed] + sorted(
        composed, key=list(named).index
    )
    rows = []
    for origin in origins:
        train = events[month_no <= month_index(origin)]
        month = _next_month(origin)
        count, harm = actuals(events, units, month)
        made: dict[str, pd.Series] = {}
        took: dict[str, float] = {}
        for label in order:
            proto = named[label]
            started = time.perf_counter()
            if label in composed:
                assert isinstance(proto, Ensemble)
                scores = _combine(proto, made)
                seconds = sum(took[m] for m in proto.members) + time.perf_counter() - started
            else:
                scores = proto.clone().fit(train, units, origin).predict(1)
                seconds = time.perf_counter() - started
            made[label], took[label] = scores, seconds
            table = evaluate(scores, count, coverages=coverages, area=area_arg, harm=harm)
            table.insert(0, "method", label)
            table.insert(1, "origin", origin)
            table.insert(2, "month", month)
            table["events"] = int(count.sum())
            table["seconds"] = seconds
            rows.append(table)
        if progress is not None:
            progress(month)
    frame = pd.concat(rows, ignore_index=True)
    rank = {label: i for i, label in enumerate(named)}
    frame = frame.sort_values(
        ["origin", "method"],
        key=lambda col: col.map(rank) if col.name == "method" else col,
        kind="stable",
    ).reset_index(drop=True)
    return BacktestResult(frame, target, units.kind)
