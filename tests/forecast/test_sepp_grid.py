"""The grid self-exciting point process (Mohler et al. 2015) against hand and brute force."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.integrate import quad

from tests.forecast.conftest import at_cell, tiny_units
from upstream.area import cell_ids
from upstream.forecast.base import build_history
from upstream.forecast.sepp_grid import (
    RATE_FLOOR,
    THETA_CAP,
    GridSEPP,
    affine_scan,
    distinct_points,
    e_step,
    fit_em,
    forecast_integral,
    kernel_sums,
    m_step,
)

# ---- a case small enough to do by hand ---------------------------------------------------
# unit 0: events at days 1, 3, 3 (two at the same time); unit 1: days 2 and 5; window 10 days
POS = np.array([1, 0, 0, 1, 0])
T = np.array([5.0, 3.0, 1.0, 2.0, 3.0])
SPAN = 10.0


def test_points_merge_ties_and_sort_by_unit_then_time() -> None:
    points = distinct_points(POS, T, np.array([1.0, 2.0, 3.0, 4.0, 5.0]))
    assert points.pos.tolist() == [0, 0, 1, 1]
    assert points.t.tolist() == [1.0, 3.0, 2.0, 5.0]
    assert points.count.tolist() == [1.0, 2.0, 1.0, 1.0]
    assert points.value.tolist() == [3.0, 7.0, 4.0, 1.0]  # the two events at day 3: 2 + 5
    assert points.gap.tolist() == [0.0, 2.0, 0.0, 3.0]
    assert points.first.tolist() == [True, False, True, False]
    assert points.longest == 2


def test_one_em_step_matches_the_hand_computation() -> None:
    mu, theta, omega = np.array([0.2, 0.1]), 0.5, 1.0
    points = distinct_points(POS, T)
    step = e_step(points, mu, theta, omega)

    # each unit's first event has nothing before it: background with probability 1.
    # the two events at day 3 in unit 0 are each triggered by day 1 only (not by each other)
    lam_b = 0.2 + 0.5 * 1.0 * math.exp(-1.0 * (3 - 1))
    # the event at day 5 in unit 1 by day 2
    lam_e = 0.1 + 0.5 * 1.0 * math.exp(-1.0 * (5 - 2))
    p_back_b, p_trig_b = 0.2 / lam_b, 0.5 * math.exp(-2.0) / lam_b
    p_back_e, p_trig_e = 0.1 / lam_e, 0.5 * math.exp(-3.0) / lam_e
    assert p_back_b + p_trig_b == pytest.approx(1.0)
    assert step.p_background == pytest.approx([1.0, p_back_b, 1.0, p_back_e], rel=1e-12)
    assert step.background == pytest.approx([1.0 + 2 * p_back_b, 1.0 + p_back_e], rel=1e-12)
    assert step.triggered == pytest.approx(2 * p_trig_b + p_trig_e, rel=1e-12)
    assert step.lag == pytest.approx(2 * p_trig_b * 2.0 + p_trig_e * 3.0, rel=1e-12)

    new_mu, new_theta, new_omega = m_step(points, step, SPAN, omega)
    # the edge-corrected exposure of each event: 1 - exp(-omega (T - t_j))
    exposure = (
        (1 - math.exp(-(10 - 1)))
        + 2 * (1 - math.exp(-(10 - 3)))
        + (1 - math.exp(-(10 - 2)))
        + (1 - math.exp(-(10 - 5)))
    )
    assert new_mu == pytest.approx([(1 + 2 * p_back_b) / 10, (1 + p_back_e) / 10], rel=1e-12)
    assert new_theta == pytest.approx((2 * p_trig_b + p_trig_e) / exposure, rel=1e-12)
    assert new_omega == pytest.approx(
        (2 * p_trig_b + p_trig_e) / (4 * p_trig_b + 3 * p_trig_e), rel=1e-12
    )


def test_the_first_em_iteration_from_the_documented_start() -> None:
    # start: theta 0.2, omega 1/30, mu = 0.8 x events per day (3 and 2 events in 10 days)
    theta, omega = 0.2, 1 / 30
    mu = [0.8 * 3 / 10, 0.8 * 2 / 10]
    rate = theta * omega
    lam_b = mu[0] + rate * math.exp(-omega * 2)
    lam_e = mu[1] + rate * math.exp(-omega * 3)
    trig_b, trig_e = rate * math.exp(-omega * 2) / lam_b, rate * math.exp(-omega * 3) / lam_e
    triggered = 2 * trig_b + trig_e
    exposure = sum(1 - math.exp(-omega * (10 - t)) for t in (1, 3, 3, 2, 5))
    fit = fit_em(distinct_points(POS, T), 2, SPAN, iterations=1)
    assert fit.iterations == 1 and not fit.converged
    assert fit.theta == pytest.approx(triggered / exposure, rel=1e-12)
    assert fit.omega == pytest.approx(triggered / (2 * trig_b * 2 + trig_e * 3), rel=1e-12)
    assert fit.mu == pytest.approx(
        [(1 + 2 * mu[0] / lam_b) / 10, (1 + mu[1] / lam_e) / 10], rel=1e-12
    )


def test_theta_is_capped_below_one() -> None:
    points = distinct_points(np.zeros(3, dtype=int), np.array([0.0, 1.0, 2.0]))
    step = e_step(points, np.array([1e-9]), 0.9, 1.0)  # almost everything triggered
    _, theta, _ = m_step(points, step, 2.0, 1.0)  # and little time left to trigger in
    assert theta == THETA_CAP


# ---- the linear-time recursion against all pairs ----------------------------------------
def _brute_force(pos: np.ndarray, t: np.ndarray, omega: float) -> tuple[np.ndarray, np.ndarray]:
    """S and L per event from every pair (j before i, same unit)."""
    lag = t[:, None] - t[None, :]
    earlier = (pos[:, None] == pos[None, :]) & (lag > 0)
    k = np.where(earlier, np.exp(-omega * np.where(earlier, lag, 0.0)), 0.0)
    return k.sum(axis=1), (k * np.where(earlier, lag, 0.0)).sum(axis=1)


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("omega", [0.01, 0.3, 4.0])
def test_recursion_equals_all_pairs(seed: int, omega: float) -> None:
    rng = np.random.default_rng(seed)
    n = 600
    pos = rng.integers(0, 9, n)
    t = rng.integers(0, 60, n).astype(float) + rng.choice([0.0, 0.5], n)  # many ties
    t[:40] = rng.uniform(0, 60, 40)  # and some exact times
    points = distinct_points(pos, t)
    s, lag = kernel_sums(points, omega)
    want_s, want_lag = _brute_force(pos, t, omega)
    # every event at a point has the point's sums
    at = {(p, tt): k for k, (p, tt) in enumerate(zip(points.pos, points.t, strict=True))}
    idx = np.array([at[(p, tt)] for p, tt in zip(pos, t, strict=True)])
    assert np.allclose(s[idx], want_s, rtol=1e-9, atol=1e-12)
    assert np.allclose(lag[idx], want_lag, rtol=1e-9, atol=1e-12)

    # and so are the E-step sums
    mu = rng.uniform(0.01, 0.2, 9)
    step = e_step(points, mu, 0.4, omega)
    lam = mu[pos] + 0.4 * omega * want_s
    assert step.triggered == pytest.approx(float((0.4 * omega * want_s / lam).sum()), rel=1e-9)
    assert step.lag == pytest.approx(float((0.4 * omega * want_lag / lam).sum()), rel=1e-9)
    back = np.bincount(pos, weights=mu[pos] / lam, minlength=9)
    assert np.allclose(step.background, back, rtol=1e-9)


def test_affine_scan_solves_the_recurrence() -> None:
    rng = np.random.default_rng(3)
    a = rng.uniform(0, 1, 1000)
    a[rng.random(1000) < 0.05] = 0.0  # independent runs
    b = rng.uniform(0, 5, 1000)
    want, x = np.empty(1000), 0.0
    for k in range(1000):
        x = a[k] * x + b[k]
        want[k] = x
    assert np.allclose(affine_scan(a, b), want, rtol=1e-12)


# ---- same-time events --------------------------------------------------------------------
def test_events_at_the_same_time_do_not_excite_each_other() -> None:
    points = distinct_points(np.array([0, 0, 0, 0]), np.array([3.0, 3.0, 3.0, 5.0]))
    s, lag = kernel_sums(points, 0.5)
    assert s.tolist() == [0.0, pytest.approx(3 * math.exp(-1.0))]
    assert lag.tolist() == [0.0, pytest.approx(3 * 2.0 * math.exp(-1.0))]
    # monthly data: every event at mid-month, all in one month, in many cells
    units = tiny_units()
    x, y = at_cell(1, 1)
    events = pd.DataFrame(
        {"month": "2024-03", "x": [x] * 5 + [x + 100] * 3, "y": y, "is_target": True}
    )
    model = GridSEPP().fit(events, units, "2024-03")
    assert model.theta_ == 0.0
    assert model.background_share_ == 1.0
    pred = model.predict()
    # the background: 5 events in March (31 days), forecast for April (30 days)
    cid = int(cell_ids(np.array([x]), np.array([y]), 100)[0])
    assert pred[cid] == pytest.approx(5 / 31 * 30)


# ---- recovery of known parameters ---------------------------------------------------------
def simulate(
    rng: np.random.Generator, mu: np.ndarray, theta: float, omega: float, span: float
) -> tuple[np.ndarray, np.ndarray]:
    """A per-unit Hawkes process on ``[0, span]`` days by its cluster representation.

    Background events: Poisson(mu_n span) per unit, uniform in time. Each event then has
    Poisson(theta) children in its own unit, Exp(omega) days later, generation by
    generation; children after ``span`` are not observed.
    """
    n = rng.poisson(mu * span)
    pos = np.repeat(np.arange(mu.size), n)
    t = rng.uniform(0.0, span, pos.size)
    out_pos, out_t = [pos], [t]
    while pos.size:
        kids = rng.poisson(theta, pos.size)
        pos = np.repeat(pos, kids)
        t = np.repeat(t, kids) + rng.exponential(1.0 / omega, pos.size)
        keep = t < span
        pos, t = pos[keep], t[keep]
        out_pos.append(pos)
        out_t.append(t)
    return np.concatenate(out_pos), np.concatenate(out_t)


@pytest.mark.parametrize(("theta", "omega"), [(0.5, 0.2), (0.8, 2.0), (0.3, 0.05)])
def test_em_recovers_simulated_parameters(theta: float, omega: float) -> None:
    rng = np.random.default_rng(42)
    mu = rng.uniform(0.01, 0.1, 40)
    pos, t = simulate(rng, mu, theta, omega, 5000.0)
    fit = fit_em(distinct_points(pos, t), 40, 5000.0, iterations=1000, tol=1e-8)
    assert fit.converged
    assert fit.theta == pytest.approx(theta, abs=0.04)
    assert fit.omega == pytest.approx(omega, rel=0.15)
    assert np.corrcoef(fit.mu, mu)[0, 1] > 0.95
    assert float(np.mean(np.abs(fit.mu / mu - 1))) < 0.15


def test_em_finds_no_triggering_in_a_poisson_process() -> None:
    rng = np.random.default_rng(7)
    mu = rng.uniform(0.01, 0.1, 40)
    pos, t = simulate(rng, mu, 0.0, 1.0, 5000.0)
    fit = fit_em(distinct_points(pos, t), 40, 5000.0, iterations=1000)
    assert fit.theta < 0.03
    # theta creeps to 0 (EM is slow at a boundary); once it is below the tolerance the
    # decay, which then cannot matter, does not keep the fit going
    loose = fit_em(distinct_points(pos, t), 40, 5000.0, iterations=3000, tol=1e-3)
    assert loose.converged and loose.iterations < 3000 and loose.theta < 0.03


# ---- the forecast ------------------------------------------------------------------------
def _timestamped(pos: np.ndarray, t: np.ndarray, start: str = "2024-01-01") -> pd.DataFrame:
    """Events at unit ``pos`` of the 5 x 5 test grid, ``t`` days after ``start`` (London)."""
    origin = pd.Timestamp(start, tz="Europe/London")
    occurred = (origin + pd.to_timedelta(t, unit="D")).tz_convert("UTC")
    xy = [at_cell(int(p) // 5, int(p) % 5) for p in pos]  # units sorted by column, then row
    return pd.DataFrame(
        {
            "month": occurred.tz_convert("Europe/London").strftime("%Y-%m"),
            "x": [p[0] for p in xy],
            "y": [p[1] for p in xy],
            "occurred": occurred,
            "harm": 10.0,
            "is_target": True,
        }
    )


def _near_repeat_events() -> pd.DataFrame:
    rng = np.random.default_rng(5)
    mu = np.zeros(25)
    mu[:6] = rng.uniform(0.02, 0.08, 6)  # six units with events, the rest none
    pos, t = simulate(rng, mu, 0.6, 0.3, 365.0)
    return _timestamped(pos, t)


def test_forecast_is_the_integral_of_the_intensity() -> None:
    units = tiny_units()
    events = _near_repeat_events()
    model = GridSEPP().fit(events, units, "2024-12")
    assert model.timestamped_ and model.converged_
    assert 0.2 < model.theta_ < THETA_CAP
    history = build_history(events, units, "2024-12", "count")
    span = history.month_start_days(history.n_months)
    assert span == 366  # 2024 is a leap year
    pos = history.events["pos"].to_numpy()
    t = history.events["t"].to_numpy()
    assert set(pos.tolist()) == set(range(6))
    for months, days in ((1, 31), (2, 59)):  # January 2025; January and February
        pred = model.predict(months).to_numpy()
        for n in range(6):
            mine = t[pos == n]

            def lam(s: float, mine: np.ndarray = mine, n: int = n) -> float:
                decay = np.exp(-model.omega_ * (s - mine)).sum()
                return float(model.mu_[n] + model.theta_ * model.omega_ * decay)

            want, _ = quad(lam, span, span + days, epsabs=1e-12, epsrel=1e-10, limit=200)
            assert pred[n] == pytest.approx(want, rel=1e-8)


def test_units_without_events_get_the_floor_below_every_unit_with_events() -> None:
    units = tiny_units()
    model = GridSEPP().fit(_near_repeat_events(), units, "2024-12")
    pred = model.predict()
    with_events, without = pred.iloc[:6], pred.iloc[6:]
    assert np.allclose(without, RATE_FLOOR / 366 * 31, rtol=1e-12)
    assert without.nunique() == 1  # all tied: ranked by unit id
    assert with_events.min() > 1000 * without.max()


def test_harm_weights_scale_the_forecast() -> None:
    units = tiny_units()
    events = _near_repeat_events()
    counts = GridSEPP().fit(events, units, "2024-12")
    harm = GridSEPP(target="harm").fit(events, units, "2024-12")
    assert harm.theta_ == counts.theta_ and harm.omega_ == counts.omega_  # the fit counts
    pd.testing.assert_series_equal(harm.predict(), 10 * counts.predict(), rtol=1e-12)
    # unequal weights: the triggered part follows the weights of the events triggering
    weighted = events.assign(harm=np.where(events["x"] < at_cell(1, 0)[0], 100.0, 1.0))
    model = GridSEPP(target="harm").fit(weighted, units, "2024-12")
    history = build_history(weighted, units, "2024-12", "harm")
    ev = history.events
    t0 = 366.0
    trig = forecast_integral(
        distinct_points(ev["pos"].to_numpy(), ev["t"].to_numpy(), ev["value"].to_numpy()),
        25,
        model.theta_,
        model.omega_,
        t0,
        t0 + 31,
    )
    decay = np.exp(-model.omega_ * (t0 - ev["t"])) - np.exp(-model.omega_ * (t0 + 31 - ev["t"]))
    by_hand = model.theta_ * np.bincount(ev["pos"], weights=ev["value"] * decay, minlength=25)
    assert np.allclose(trig, by_hand, rtol=1e-12)
    pred = model.predict().to_numpy()
    assert np.allclose(pred[:6], model.background_[:6] * 31 + by_hand[:6], rtol=1e-12)
    assert model.background_[0] == pytest.approx(100 * model.mu_[0])  # unit 0: all weight 100
