"""The rolling-origin backtest: origins, scoring by one code path, and no leakage."""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import pandas as pd
import pytest

from tests.forecast.conftest import at_cell, events_frame, tiny_units
from upstream.forecast.backtest import actuals, backtest, rolling_origins
from upstream.forecast.base import BaseForecaster, History
from upstream.forecast.data import Units
from upstream.forecast.ensemble import Ensemble
from upstream.forecast.kde import KDE
from upstream.forecast.metrics import evaluate
from upstream.forecast.naive import Naive
from upstream.forecast.registry import make
from upstream.forecast.sepp import SEPP


def test_rolling_origins_of_the_bundled_months() -> None:
    months = [str(p) for p in pd.period_range("2016-04", "2017-12", freq="M")]
    origins = rolling_origins(months, 12)
    assert origins[0] == "2016-12" and origins[-1] == "2017-11" and len(origins) == 12
    with pytest.raises(ValueError, match="needs at least 13 months"):
        rolling_origins(months[:12], 12)


class Spy(BaseForecaster):
    """Records the latest month it was given by the backtest, and predicts a constant."""

    name = "spy"
    seen: ClassVar[list[tuple[str, str]]] = []

    def __init__(self, *, target: str = "count") -> None:
        self.target = target

    def fit(self, events: pd.DataFrame, grid: object, until: str) -> Spy:
        Spy.seen.append((until, str(events["month"].max())))
        return super().fit(events, grid, until)

    def _fit(self, history: History) -> None:
        self.rate_ = np.ones(self.units_.n)

    def _predict(self, months: int) -> np.ndarray:
        return np.asarray(self.rate_ * months)


def test_backtest_never_gives_a_method_the_month_it_predicts() -> None:
    units = tiny_units()
    rows = [(f"2024-{m:02d}", m % 5, 0) for m in range(1, 7)]
    Spy.seen.clear()
    result = backtest(events_frame(rows), units, {"spy": Spy()}, ["2024-03", "2024-04"])
    assert Spy.seen == [("2024-03", "2024-03"), ("2024-04", "2024-04")]
    assert sorted(result.scores["month"].unique()) == ["2024-04", "2024-05"]


def test_backtest_scores_naive_by_hand() -> None:
    units = tiny_units()  # 25 cells; 1% flags 1 cell, 10% flags 2
    rows = [("2024-01", 0, 0)] * 3 + [("2024-01", 1, 0)] + [("2024-02", 0, 0), ("2024-02", 2, 2)]
    result = backtest(events_frame(rows), units, ["naive"], ["2024-01"], coverages=[0.04, 0.1])
    s = result.scores.set_index("coverage")
    # Jan: cell (0,0) has 3, (1,0) has 1. Feb: one event in (0,0), one in (2,2)
    assert s.loc[0.04, "hit_rate"] == pytest.approx(0.5)
    assert s.loc[0.04, "pai"] == pytest.approx(0.5 / (1 / 25))
    assert s.loc[0.1, "hit_rate"] == pytest.approx(0.5)
    assert s.loc[0.1, "pei"] == pytest.approx(0.5)
    assert s.loc[0.04, "harm_capture"] == pytest.approx(0.5)
    assert (s["events"] == 2).all()


def test_summary_and_months_worse(wf_events: pd.DataFrame, wf_grid: Units) -> None:
    origins = ["2016-08", "2016-09", "2016-10"]
    result = backtest(wf_events, wf_grid, {"naive": Naive(), "last": Naive(months=1)}, origins)
    summary = result.summary()
    assert set(summary["method"]) == {"naive", "last"}
    assert len(summary) == 8 and (summary["pai_mean"] > 1).all()
    worse = result.months_worse_than("naive")
    assert worse["naive"] == 0 and 0 <= worse["last"] <= 3
    # the hit rate rises with coverage, for every method and month
    for _, g in result.scores.groupby(["method", "month"]):
        assert g.sort_values("coverage")["hit_rate"].is_monotonic_increasing


def test_actuals_count_only_target_events_inside() -> None:
    units = tiny_units()
    ev = events_frame([("2024-01", 0, 0), ("2024-01", 0, 0), ("2024-02", 0, 0)])
    ev.loc[1, "is_target"] = False
    outside = pd.DataFrame(
        {"month": ["2024-01"], "x": [0.0], "y": [0.0], "harm": [5.0], "is_target": [True]}
    )
    count, harm = actuals(pd.concat([ev, outside], ignore_index=True), units, "2024-01")
    assert count.sum() == 1 and harm.sum() == 10.0


class TimedSpy(SEPP):
    """SEPP that records, per fit, whether it had exact times and the latest time it saw."""

    seen: ClassVar[list[tuple[str, bool, float, float]]] = []

    def _fit(self, history: History) -> None:
        span = history.month_start_days(history.n_months)  # start of the predicted month
        TimedSpy.seen.append(
            (history.until, history.timestamped, float(history.events["t"].max()), span)
        )
        super()._fit(history)


def _timestamped_events() -> pd.DataFrame:
    """Eight months on a 20 x 20 grid: two steady hot cells plus near-repeat pairs."""
    rng = np.random.default_rng(3)
    start = pd.Timestamp("2024-01-01", tz="Europe/London")
    rows = []
    for day in range(0, 243, 2):
        for i, j in ((3, 3), (15, 12)):
            rows.append((start + pd.Timedelta(days=day, hours=int(rng.integers(0, 24))), i, j))
        i, j = int(rng.integers(0, 20)), int(rng.integers(0, 20))
        when = start + pd.Timedelta(days=day, hours=int(rng.integers(0, 24)))
        rows += [(when, i, j), (when + pd.Timedelta(days=1), i, j)]
    occurred = pd.Series([r[0] for r in rows])
    xy = [at_cell(i, j) for _, i, j in rows]
    return pd.DataFrame(
        {
            "month": occurred.dt.strftime("%Y-%m"),
            "x": [p[0] + 10 for p in xy],
            "y": [p[1] for p in xy],
            "occurred": occurred.dt.tz_convert("UTC"),
            "harm": 10.0,
            "is_target": True,
        }
    )


def test_backtest_on_timestamped_events_fits_sepp_on_exact_times() -> None:
    units = tiny_units(cells=20, size=100)
    events = _timestamped_events()
    assert events["month"].max() == "2024-08"
    origins = ["2024-05", "2024-06", "2024-07"]
    TimedSpy.seen.clear()
    result = backtest(
        events,
        units,
        {
            "naive": Naive(),
            "sepp": TimedSpy(min_sigma=5.0),
            "ensemble": Ensemble(members=("naive", "sepp")),
        },
        origins,
    )
    # SEPP fitted once per origin, on exact times, never seeing the month it predicts
    assert [s[0] for s in TimedSpy.seen] == origins
    for _, timestamped, latest, span in TimedSpy.seen:
        assert timestamped and latest < span
    scores = result.scores
    assert len(scores) == 3 * 3 * 4  # methods x months x coverages
    assert sorted(scores["month"].unique()) == ["2024-06", "2024-07", "2024-08"]
    assert np.isfinite(scores["pai"]).all() and (scores["pai"] >= 0).all()
    # the two steady cells hold about half of each month's events: every method finds them
    at1 = scores[np.isclose(scores["coverage"], 0.01)]
    assert (at1["hit_rate"] > 0.4).all()
    worse = result.months_worse_than("naive")
    assert worse["naive"] == 0 and set(worse.index) == {"naive", "sepp", "ensemble"}


def test_ensemble_member_params_replace_the_registered_settings() -> None:
    units = tiny_units(cells=20, size=100)
    events = _timestamped_events()
    plain = Ensemble(members=("naive", "kde")).fit(events, units, "2024-06")
    wide = Ensemble(members=("naive", "kde"), member_params={"kde": {"bandwidth": 400.0}})
    wide.fit(events, units, "2024-06")
    assert plain.members_[1].bandwidth == 150.0 and wide.members_[1].bandwidth == 400.0
    assert not np.allclose(plain.predict(), wide.predict())
    with pytest.raises(ValueError, match="non-members"):
        Ensemble(members=("naive",), member_params={"kde": {}}).fit(events, units, "2024-06")


def test_an_ensemble_of_methods_in_the_same_backtest_is_composed_not_refitted() -> None:
    units = tiny_units(cells=20, size=100)
    events = _timestamped_events()
    origins = ["2024-05", "2024-06", "2024-07"]
    members = ("naive", "kde")
    together = backtest(
        events, units, {**{m: make(m) for m in members}, "ens": Ensemble(members=members)}, origins
    )
    alone = backtest(events, units, {"ens": Ensemble(members=members)}, origins)
    # the composed ensemble scores exactly as one fitted on its own
    cols = ["origin", "month", "coverage", "hit_rate", "pai", "pei", "harm_capture"]
    composed = together.scores[together.scores["method"] == "ens"][cols].reset_index(drop=True)
    pd.testing.assert_frame_equal(composed, alone.scores[cols].reset_index(drop=True))
    # rows keep the order methods were given in, origin by origin
    first = together.scores[together.scores["origin"] == "2024-05"]["method"].unique()
    assert list(first) == ["naive", "kde", "ens"]
    # its time is its members' time: it is not refitted
    at = together.scores[np.isclose(together.scores["coverage"], 0.05)].set_index(
        ["origin", "method"]
    )["seconds"]
    for origin in origins:
        assert at[(origin, "ens")] >= at[(origin, "naive")] + at[(origin, "kde")]


def test_an_ensemble_with_members_on_other_settings_is_refitted() -> None:
    units = tiny_units(cells=20, size=100)
    events = _timestamped_events()
    wide = KDE(bandwidth=400.0)
    result = backtest(
        events,
        units,
        {"naive": make("naive"), "kde": wide, "ens": Ensemble(members=("naive", "kde"))},
        ["2024-06"],
    )
    own = Ensemble(members=("naive", "kde")).fit(events, units, "2024-06").predict(1)
    count, harm = actuals(events, units, "2024-07")
    expected = evaluate(own, count, harm=harm)
    got = result.scores[result.scores["method"] == "ens"].reset_index(drop=True)
    np.testing.assert_allclose(got["pai"], expected["pai"])
