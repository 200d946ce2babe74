"""Each baseline against small cases computed by hand on a 5 x 5 grid of 100 m cells."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.forecast.conftest import at_cell, events_frame, tiny_units
from upstream.area import cell_ids
from upstream.forecast.kde import KDE, quartic_density
from upstream.forecast.naive import Naive
from upstream.forecast.prospective import Prospective
from upstream.forecast.retrospective import Retrospective
from upstream.forecast.sepp import SEPP, gaussian_mass

UNITS = tiny_units()


def cell(i: int, j: int) -> int:
    x, y = at_cell(i, j)
    return int(cell_ids(np.array([x]), np.array([y]), 100)[0])


# cell A = (0, 0), B = (1, 0); three months
EVENTS = events_frame(
    [
        ("2024-01", 0, 0), ("2024-01", 0, 0), ("2024-01", 0, 0),
        ("2024-02", 0, 0), ("2024-02", 1, 0), ("2024-02", 1, 0),
        ("2024-03", 1, 0),
    ]
)  # fmt: skip
A, B = cell(0, 0), cell(1, 0)


def test_naive_counts_the_last_k_months_as_a_monthly_rate() -> None:
    pred = Naive(months=2).fit(EVENTS, UNITS, "2024-03").predict()
    assert pred[A] == pytest.approx(0.5)  # 1 event in Feb-Mar / 2 months
    assert pred[B] == pytest.approx(1.5)  # 3 events / 2
    assert pred.drop([A, B]).eq(0).all()
    assert Naive(months=1).fit(EVENTS, UNITS, "2024-03").predict(months=3)[B] == 3.0
    # more months asked for than exist: all of the history
    assert Naive(months=12).fit(EVENTS, UNITS, "2024-03").predict()[A] == pytest.approx(4 / 3)


def test_naive_harm_target_uses_harm_weights() -> None:
    pred = Naive(months=2, target="harm").fit(EVENTS, UNITS, "2024-03").predict()
    assert pred[B] == pytest.approx(15.0)  # 3 events x harm 10 / 2 months


def test_retrospective_averages_all_months() -> None:
    pred = Retrospective().fit(EVENTS, UNITS, "2024-03").predict()
    assert pred[A] == pytest.approx(4 / 3)
    assert pred[B] == pytest.approx(1.0)
    # a month with no events still counts as a month
    later = Retrospective().fit(EVENTS, UNITS, "2024-04").predict()
    assert later[A] == pytest.approx(1.0)


def test_prospective_weights_by_cells_away_and_months_ago() -> None:
    events = events_frame([("2024-01", 1, 0), ("2024-02", 0, 0)])
    pred = Prospective(bandwidth=150.0, months=2).fit(events, UNITS, "2024-02").predict()
    # weights: the Feb event in A has age 0 (1/(1+0)); the Jan event in B age 1 (1/2).
    # cell kernel 1/(1 + d/100) within 150 m: itself 1, an edge neighbour 1/2,
    # a corner neighbour 1/(1+sqrt 2)
    raw = {
        A: 1.0 + 0.5 * 0.5,
        B: 0.5 * 1.0 + 1.0 * 0.5,
        cell(0, 1): 1.0 * 0.5 + 0.5 / (1 + np.sqrt(2)),
        cell(2, 0): 0.5 * 0.5,
        cell(3, 0): 0.0,
    }
    total = sum(  # scores are scaled to the mean monthly total (2 events / 2 months)
        1.0 * k + 0.5 * k2
        for k, k2 in [(1 + 2 * 0.5 + 1 / (1 + np.sqrt(2)), 1 + 3 * 0.5 + 2 / (1 + np.sqrt(2)))]
    )
    for cid, value in raw.items():
        assert pred[cid] == pytest.approx(value / total * 1.0)
    assert pred.sum() == pytest.approx(1.0)


def test_prospective_forgets_events_outside_the_window() -> None:
    events = events_frame([("2024-01", 4, 4), ("2024-03", 0, 0)])
    pred = Prospective(bandwidth=150.0, months=2).fit(events, UNITS, "2024-03").predict()
    assert pred[cell(4, 4)] == 0.0


def test_quartic_kernel_matches_its_formula() -> None:
    h = 150.0
    x, y = at_cell(0, 0)
    px, py = np.array([x]), np.array([y])
    here = quartic_density(np.array([x]), np.array([y]), px, py, np.array([1.0]), h)
    near = quartic_density(np.array([x + 100]), np.array([y]), px, py, np.array([1.0]), h)
    far = quartic_density(np.array([x + 200]), np.array([y]), px, py, np.array([1.0]), h)
    assert here[0] == pytest.approx(3 / (np.pi * h * h))
    assert near[0] == pytest.approx(3 / (np.pi * h * h) * (1 - (100 / h) ** 2) ** 2)
    assert far[0] == 0.0


def test_kde_ranks_by_density_and_reads_as_expected_counts() -> None:
    events = events_frame([("2024-01", 2, 2), ("2024-02", 2, 2)])
    pred = KDE(bandwidth=150.0, months=12).fit(events, UNITS, "2024-02").predict()
    centre, edge = pred[cell(2, 2)], pred[cell(3, 2)]
    assert edge / centre == pytest.approx((1 - (100 / 150) ** 2) ** 2)
    assert pred[cell(4, 2)] == 0.0
    assert pred.sum() == pytest.approx(1.0)  # 2 events over 2 months


def test_kde_months_limits_the_events_used() -> None:
    events = events_frame([("2024-01", 0, 0), ("2024-03", 4, 4)])
    pred = KDE(bandwidth=150.0, months=1).fit(events, UNITS, "2024-03").predict()
    assert pred[A] == 0.0 and pred[cell(4, 4)] > 0


def test_gaussian_mass_sums_to_one_and_stays_near() -> None:
    units = tiny_units(cells=21, size=100)
    x, y = at_cell(10, 10)
    mass = gaussian_mass(units, np.array([x]), np.array([y]), np.array([1.0]), 80.0)
    assert mass.sum() == pytest.approx(1.0, abs=1e-4)
    from scipy.special import ndtr

    centre = (ndtr(50 / 80) - ndtr(-50 / 80)) ** 2
    assert mass.max() == pytest.approx(centre)


def _sepp_events(times: list[tuple[str, float, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "month": [pd.Timestamp(t).strftime("%Y-%m") for t, _, _ in times],
            "x": [x for _, x, _ in times],
            "y": [y for _, _, y in times],
            "occurred": pd.to_datetime([t for t, _, _ in times], utc=True),
            "is_target": True,
        }
    )


def test_sepp_without_repeats_is_all_background() -> None:
    # events far apart in space: nothing can have triggered anything
    units = tiny_units(cells=40, size=100)
    rows = []
    for k in range(30):
        x, y = at_cell(5 + (k * 7) % 30, 5 + (k * 13) % 30)  # distinct cells, off the edges
        rows.append((f"2024-{1 + k % 6:02d}-{1 + k % 27:02d}T12:00:00", x + 1, y + 1))
    # a narrow background kernel, so almost none of it falls outside the test square
    model = SEPP(space_cutoff=50.0, background_bandwidth=50.0).fit(
        _sepp_events(rows), units, "2024-06"
    )
    assert model.theta_ == pytest.approx(0.0, abs=1e-9)
    assert model.background_share_ == pytest.approx(1.0)
    pred = model.predict()
    # the background rate: 30 events in 182 days (Jan-Jun 2024), July has 31 days
    assert pred.sum() == pytest.approx(30 / 182 * 31, rel=0.02)


def test_sepp_learns_near_repeats_and_raises_risk_after_them() -> None:
    units = tiny_units(cells=20, size=100)
    rng = np.random.default_rng(0)
    rows = []
    for k in range(40):  # pairs: an event, then another 2 days later ~20 m away
        cx, cy = at_cell(int(rng.integers(0, 20)), int(rng.integers(0, 20)))
        day = pd.Timestamp("2024-01-01") + pd.Timedelta(days=int(k * 4))
        rows.append((str(day), cx, cy))
        rows.append((str(day + pd.Timedelta(days=2)), cx + 20, cy))
    model = SEPP(min_sigma=5.0).fit(_sepp_events(rows), units, "2024-06")
    assert 0.3 < model.theta_ < 0.95
    assert 1 / model.omega_ < 10  # triggering lasts days, not months
    assert model.background_share_ < 0.8


def _near_repeats(seed: int) -> list[tuple[str, float, float]]:
    """Pairs on a 20 x 20 grid: an event, then another two days later about 20 m away."""
    rng = np.random.default_rng(seed)
    rows = []
    for k in range(40):
        cx, cy = at_cell(int(rng.integers(0, 20)), int(rng.integers(0, 20)))
        day = pd.Timestamp("2024-01-01") + pd.Timedelta(days=int(k * 4))
        rows.append((str(day), cx, cy))
        rows.append((str(day + pd.Timedelta(days=2)), cx + 20, cy))
    return rows


def test_sepp_fits_exact_times_when_given_them() -> None:
    from upstream.forecast.base import build_history

    units = tiny_units(cells=20, size=100)
    near = _sepp_events(_near_repeats(0))
    # the same events in the same months, each moved to another time within its month
    moved = near.copy()
    start = pd.to_datetime(moved["month"] + "-01").dt.tz_localize("Europe/London")
    spread = np.random.default_rng(1).uniform(0.0, 27.0, len(moved))
    moved["occurred"] = (start + pd.to_timedelta(spread, unit="D")).dt.tz_convert("UTC")
    local = moved["occurred"].dt.tz_convert("Europe/London")
    assert (local.dt.strftime("%Y-%m") == moved["month"]).all()

    # the history keeps each event's exact time (days since 1 Jan 2024, London time)
    history = build_history(near, units, "2024-06", "count")
    origin = pd.Timestamp("2024-01-01", tz="Europe/London")
    days = ((near["occurred"] - origin) / pd.Timedelta(days=1)).sort_values().to_numpy()
    assert history.timestamped
    assert np.allclose(history.events["t"].to_numpy(), days)

    a = SEPP(min_sigma=5.0).fit(near, units, "2024-06")
    b = SEPP(min_sigma=5.0).fit(moved, units, "2024-06")
    assert a.timestamped_ and b.timestamped_
    # the repeats come exactly two days after their first event: the fitted decay says so;
    # moved at random within their months, the same pairs are days to weeks apart
    assert 1 / a.omega_ == pytest.approx(2.0, rel=0.01)
    assert 1 / b.omega_ > 2 * (1 / a.omega_)
    assert not np.allclose(a.predict().to_numpy(), b.predict().to_numpy(), rtol=1e-3)

    # without times both are placed at mid-month, so they cannot be told apart
    c = SEPP(min_sigma=5.0).fit(near.drop(columns="occurred"), units, "2024-06")
    d = SEPP(min_sigma=5.0).fit(moved.drop(columns="occurred"), units, "2024-06")
    assert not c.timestamped_
    pd.testing.assert_series_equal(c.predict(), d.predict())
