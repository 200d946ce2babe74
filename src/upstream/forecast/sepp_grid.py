"""Grid self-exciting point process: the model behind PredPol (Mohler et al. 2015).

Mohler, G. O., Short, M. B., Malinowski, S., Johnson, M., Tita, G. E., Bertozzi, A. L. &
Brantingham, P. J. (2015). Randomized controlled field trials of predictive policing.
*Journal of the American Statistical Association* 110(512), 1399-1411.

Each unit ``n`` (a grid cell, or an LSOA) has its own constant background rate and excites
only itself::

    lambda_n(t) = mu_n + sum_{t_i^n < t} theta * omega * exp(-omega (t - t_i^n))

``mu_n`` is events per day in unit ``n``, ``theta`` the mean number of events one event
triggers in its own unit, and ``1 / omega`` the mean delay (days) of a triggered event.
There is no spatial kernel: where :mod:`upstream.forecast.sepp` (Mohler et al. 2011)
spreads triggering over neighbouring space, here it stays in the unit, which is what makes
the model cheap.

**Fitting.** Expectation-maximisation over the branching structure, as in the paper. The
E-step gives each event ``i`` in unit ``n`` the probabilities of being background,
``p_ii = mu_n / lambda_n(t_i)``, and of having been triggered by an earlier event ``j`` of
the same unit, ``p_ij = theta omega exp(-omega (t_i - t_j)) / lambda_n(t_i)``. The M-step::

    mu_n  = sum_{i in n} p_ii / T
    theta = sum_ij p_ij / sum_j (1 - exp(-omega (T - t_j)))
    omega = sum_ij p_ij / sum_ij p_ij (t_i - t_j)

over the window ``[0, T]`` observed. The denominator of ``theta`` is the exact edge
correction (an event near ``T`` has had little time to trigger anything), as in
:mod:`upstream.forecast.sepp`; it is taken at the current ``omega``. ``theta`` is capped at
:data:`THETA_CAP` so the fitted process stays stationary.

**Linear time.** The E-step never forms pairs. Only the per-event sums
``S_i = sum_{t_j < t_i} exp(-omega (t_i - t_j))`` and
``L_i = sum_{t_j < t_i} (t_i - t_j) exp(-omega (t_i - t_j))`` (over the same unit) are
needed, since ``sum_j p_ij = theta omega S_i / lambda_i`` and
``sum_j p_ij (t_i - t_j) = theta omega L_i / lambda_i``. With the events of a unit sorted
by time, both follow the exponential kernel's recursions::

    S_k = a_k (S_{k-1} + c_{k-1})       a_k = exp(-omega (t_k - t_{k-1}))
    L_k = a_k L_{k-1} + (t_k - t_{k-1}) S_k

where ``c_k`` is the number of events at the ``k``-th distinct time of the unit. Events at
the same time are merged into one point first, so they never trigger each other (only
strictly earlier events do). The recursions are first-order linear recurrences
``x_k = a_k x_{k-1} + b_k``; they are evaluated for every unit at once by a vectorised
doubling scan (:func:`affine_scan`): ``ceil(log2 m)`` whole-array numpy steps, ``m`` the
most distinct times in any unit, with ``a = 0`` at each unit's first point so nothing
flows from one unit to the next. Every factor is at most one, so nothing can overflow.
One EM iteration costs ``O(P log m)`` for ``P`` distinct (unit, time) points: on monthly
police.uk data ``m`` is at most the number of months.

**Forecast.** The intensity integrated over the forecast months ``[T0, T1]`` after
``until``, per unit, given the history (in closed form)::

    mu_n (T1 - T0) + theta * sum_{i in n} (exp(-omega (T0 - t_i)) - exp(-omega (T1 - t_i)))

Events that happen during the forecast months and would trigger more are not added, as in
the paper's daily forecasts. With ``target="harm"`` each event's harm weight scales what
it triggers, and the background of a unit carries the mean harm of the events the fit
attributes to it, as in :mod:`upstream.forecast.sepp`; the fit itself counts events.

**Units without events** get ``mu_n = 0`` from the EM. They are given a floor of
:data:`RATE_FLOOR` events per fitted window, a millionth of the least any unit with an event
can have (its first event is background with certainty, so ``mu_n >= 1 / T``): every score
is positive, units without history stay below every unit with history, and they tie
among themselves, broken by unit id as the metrics break every tie (as for the plain
counts).

**Times.** As for :mod:`upstream.forecast.sepp`: exact times when every event has one
(``timestamped_``), otherwise mid-month, so on police.uk data triggering can only be
learnt from one month to a later one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from upstream.forecast.base import BaseForecaster, History

__all__ = [
    "RATE_FLOOR",
    "THETA_CAP",
    "EStep",
    "GridFit",
    "GridSEPP",
    "Points",
    "affine_scan",
    "distinct_points",
    "e_step",
    "fit_em",
    "forecast_integral",
    "kernel_sums",
    "m_step",
]

THETA_CAP = 0.95
"""Upper bound of ``theta`` (offspring per event): below one, the process is stationary."""

RATE_FLOOR = 1e-6
"""Background of units without events: this many events per fitted window (see above)."""

THETA_START = 0.2
"""EM starting values: 0.2 offspring per event, as in :mod:`upstream.forecast.sepp` ..."""

OMEGA_START = 1.0 / 30.0
"""... and a mean trigger delay of 30 days (one month)."""


@dataclass(frozen=True)
class Points:
    """Events merged into distinct (unit, time) points, sorted by unit, then time.

    Attributes
    ----------
    pos
        Unit position of each point.
    t
        Time of each point (days).
    count
        Number of events at the point.
    value
        Summed value (1 per event, or its harm weight) of those events.
    gap
        Days since the unit's previous point (0 at the unit's first point).
    first
        True at each unit's first point.
    longest
        The most points in any one unit.
    """

    pos: np.ndarray
    t: np.ndarray
    count: np.ndarray
    value: np.ndarray
    gap: np.ndarray
    first: np.ndarray
    longest: int

    @property
    def n(self) -> int:
        return int(self.pos.size)


def distinct_points(pos: np.ndarray, t: np.ndarray, value: np.ndarray | None = None) -> Points:
    """Merge events at the same unit and time, and sort the points by unit, then time.

    Parameters
    ----------
    pos
        Unit position of each event (non-negative integers).
    t
        Time of each event (days).
    value
        Weight of each event (default 1).
    """
    pos = np.asarray(pos, dtype="int64")
    t = np.asarray(t, dtype="float64")
    value = np.ones(t.size) if value is None else np.asarray(value, dtype="float64")
    if pos.size == 0:
        empty = np.zeros(0)
        return Points(np.zeros(0, dtype="int64"), empty, empty, empty, empty, np.zeros(0, bool), 0)
    order = np.lexsort((t, pos))
    pos, t, value = pos[order], t[order], value[order]
    new = np.ones(pos.size, dtype=bool)
    new[1:] = (pos[1:] != pos[:-1]) | (t[1:] != t[:-1])
    starts = np.flatnonzero(new)
    p_pos, p_t = pos[starts], t[starts]
    count = np.diff(np.append(starts, pos.size)).astype("float64")
    p_value = np.add.reduceat(value, starts)
    first = np.ones(starts.size, dtype=bool)
    first[1:] = p_pos[1:] != p_pos[:-1]
    gap = np.zeros(starts.size)
    gap[1:] = p_t[1:] - p_t[:-1]
    gap[first] = 0.0
    unit_starts = np.flatnonzero(first)
    longest = int(np.diff(np.append(unit_starts, starts.size)).max())
    return Points(p_pos, p_t, count, p_value, gap, first, longest)


def affine_scan(a: np.ndarray, b: np.ndarray, longest: int | None = None) -> np.ndarray:
    """``x_k = a_k x_{k-1} + b_k`` for every ``k`` (with ``x_{-1} = 0``), vectorised.

    A doubling (Hillis-Steele) scan: after the step with offset ``d``, ``x_k`` holds the
    recurrence started ``2d`` places back and ``p_k`` the product of the ``2d`` factors
    ``a`` up to ``k``. A zero ``a_k`` cuts the recurrence, so independent sequences laid end
    to end (each starting with ``a = 0``) are solved together; ``longest`` (the longest
    such sequence) bounds the number of steps at ``ceil(log2 longest)``.

    Parameters
    ----------
    a
        Factors; non-negative and at most one here, so products cannot overflow.
    b
        Additive terms.
    longest
        Length of the longest independent run (default: the whole array).
    """
    x = np.array(b, dtype="float64", copy=True)
    p = np.array(a, dtype="float64", copy=True)
    limit = x.size if longest is None else min(int(longest), x.size)
    d = 1
    while d < limit:
        x[d:] = x[d:] + p[d:] * x[:-d]
        p[d:] = p[d:] * p[:-d]
        d *= 2
    return x


def kernel_sums(points: Points, omega: float) -> tuple[np.ndarray, np.ndarray]:
    """Per point ``k``, the sums over strictly earlier events ``j`` of the same unit.

    Returns
    -------
    S
        ``sum_j exp(-omega (t_k - t_j))``.
    L
        ``sum_j (t_k - t_j) exp(-omega (t_k - t_j))``.
    """
    if points.n == 0:
        return np.zeros(0), np.zeros(0)
    a = np.where(points.first, 0.0, np.exp(-omega * points.gap))
    upto = affine_scan(a, points.count, points.longest)  # S_k + c_k
    s = np.zeros(points.n)
    s[1:] = a[1:] * upto[:-1]  # zero at each unit's first point, since a = 0 there
    lag = affine_scan(a, points.gap * s, points.longest)
    return s, lag


@dataclass(frozen=True)
class EStep:
    """The expected branching structure under given parameters.

    Attributes
    ----------
    p_background
        Per point: the probability that an event there is background (``p_ii``).
    background
        Per unit: the expected number of background events (``sum_i p_ii``).
    triggered
        The expected number of triggered events (``sum_ij p_ij``).
    lag
        The expected total delay of triggered events (``sum_ij p_ij (t_i - t_j)``).
    """

    p_background: np.ndarray
    background: np.ndarray
    triggered: float
    lag: float


def e_step(points: Points, mu: np.ndarray, theta: float, omega: float) -> EStep:
    """Responsibilities of background and triggering, summed as the M-step needs them.

    Parameters
    ----------
    points
        From :func:`distinct_points`.
    mu
        Background rate per unit (events per day), one per unit.
    theta, omega
        Offspring per event and trigger decay (per day).
    """
    mu = np.asarray(mu, dtype="float64")
    s, lag = kernel_sums(points, omega)
    rate = theta * omega
    base = mu[points.pos]
    lam = base + rate * s
    ok = lam > 0  # zero only for a unit's first point with mu = 0: call it background
    safe = np.where(ok, lam, 1.0)
    p_back = np.where(ok, base / safe, 1.0)
    trig = np.where(ok, rate * s / safe, 0.0)
    delay = np.where(ok, rate * lag / safe, 0.0)
    background = np.bincount(points.pos, weights=points.count * p_back, minlength=mu.size)
    return EStep(
        p_background=p_back,
        background=background,
        triggered=float(np.dot(points.count, trig)),
        lag=float(np.dot(points.count, delay)),
    )


def m_step(
    points: Points, step: EStep, span: float, omega: float
) -> tuple[np.ndarray, float, float]:
    """New ``(mu, theta, omega)`` from an E-step over the window ``[0, span]`` days.

    ``theta``'s denominator, ``sum_j (1 - exp(-omega (span - t_j)))``, uses ``omega`` as
    given (the value the E-step used); ``theta`` is capped at :data:`THETA_CAP`. When
    nothing is triggered, ``theta`` is 0 and ``omega`` is kept.
    """
    mu = step.background / span
    exposure = float(np.dot(points.count, -np.expm1(-omega * (span - points.t))))
    theta = min(step.triggered / exposure, THETA_CAP) if exposure > 0 else 0.0
    new_omega = step.triggered / step.lag if step.triggered > 0 and step.lag > 0 else omega
    return mu, float(theta), float(new_omega)


@dataclass(frozen=True)
class GridFit:
    """A fitted grid SEPP: rates per unit, ``theta``, ``omega`` and how the EM ended."""

    mu: np.ndarray
    theta: float
    omega: float
    p_background: np.ndarray
    iterations: int
    converged: bool


def fit_em(
    points: Points,
    n_units: int,
    span: float,
    *,
    iterations: int = 200,
    tol: float = 1e-6,
) -> GridFit:
    """Fit ``mu`` (per unit), ``theta`` and ``omega`` by EM over ``[0, span]`` days.

    Starts from ``theta = 0.2``, ``omega = 1/30`` per day and ``mu_n`` the unit's share
    ``1 - theta`` of its events over the window; stops after ``iterations`` or when
    ``theta`` moves by less than ``tol``, ``omega`` by less than ``tol`` relatively (or
    ``theta`` itself is below ``tol``: with no triggering the decay does not matter) and no
    ``mu_n`` by more than ``tol`` times the largest. ``p_background`` is the final E-step's
    (at the returned parameters).
    """
    counts = np.bincount(points.pos, weights=points.count, minlength=n_units)
    theta, omega = THETA_START, OMEGA_START
    mu = (1.0 - theta) * counts / span
    converged = False
    done = 0
    while done < iterations:
        done += 1
        step = e_step(points, mu, theta, omega)
        new_mu, new_theta, new_omega = m_step(points, step, span, omega)
        scale = max(float(new_mu.max(initial=0.0)), 1e-300)
        # with (almost) no triggering the decay is not identified and cannot change the
        # forecast (it enters only multiplied by theta): it counts as settled
        settled = (
            abs(new_theta - theta) < tol
            and (abs(new_omega - omega) < tol * omega or new_theta < tol)
            and float(np.abs(new_mu - mu).max(initial=0.0)) < tol * scale
        )
        mu, theta, omega = new_mu, new_theta, new_omega
        if settled:
            converged = True
            break
    final = e_step(points, mu, theta, omega)
    return GridFit(mu, theta, omega, final.p_background, done, converged)


def forecast_integral(
    points: Points,
    n_units: int,
    theta: float,
    omega: float,
    start: float,
    end: float,
) -> np.ndarray:
    """Per unit: the triggered part of the intensity integrated over ``[start, end]`` days.

    ``theta * sum_i value_i (exp(-omega (start - t_i)) - exp(-omega (end - t_i)))`` over the
    unit's points (``start`` at or after every ``t_i``); add ``mu_n (end - start)`` for the
    whole forecast.
    """
    if points.n == 0:
        return np.zeros(n_units)
    mass = np.exp(-omega * (start - points.t)) * -np.expm1(-omega * (end - start))
    return theta * np.bincount(points.pos, weights=points.value * mass, minlength=n_units)


class GridSEPP(BaseForecaster):
    """Per-unit self-exciting point process (PredPol's model), fitted by linear-time EM.

    Parameters
    ----------
    iterations
        Maximum EM iterations (stops earlier when the parameters settle).
    tol
        When they have settled: ``theta`` moves by less than ``tol``, ``omega`` by less than
        ``tol`` relatively, no unit's background rate by more than ``tol`` x the largest.
    target
        ``"count"`` or ``"harm"`` (harm: each event's triggering, and each unit's
        background, carry harm weights; the fit counts events).
    """

    name = "sepp-grid"
    paper = (
        "Mohler et al. (2015), J. Am. Stat. Assoc. 110(512) 1399-1411 "
        "(grid SEPP, the model behind PredPol)"
    )

    def __init__(self, *, iterations: int = 200, tol: float = 1e-6, target: str = "count"):
        self.iterations = iterations
        self.tol = tol
        self.target = target

    def _fit(self, history: History) -> None:
        ev = history.events
        n_units = self.units_.n
        points = distinct_points(
            ev["pos"].to_numpy(dtype="int64"),
            ev["t"].to_numpy(dtype="float64"),
            ev["value"].to_numpy(dtype="float64"),
        )
        span = history.month_start_days(history.n_months)  # days observed
        fit = fit_em(points, n_units, span, iterations=self.iterations, tol=self.tol)
        # background value per unit: mu_n x the mean value of the events attributed to it
        # (exactly mu_n when counting)
        back_events = np.bincount(
            points.pos, weights=points.count * fit.p_background, minlength=n_units
        )
        back_value = np.bincount(
            points.pos, weights=points.value * fit.p_background, minlength=n_units
        )
        per_event = np.divide(back_value, back_events, out=np.zeros(n_units), where=back_events > 0)
        mean_value = float(points.value.sum() / max(points.count.sum(), 1.0))
        floor = RATE_FLOOR / span * mean_value
        background = fit.mu * per_event
        self.mu_ = fit.mu
        self.theta_ = fit.theta
        self.omega_ = fit.omega
        self.n_iter_ = fit.iterations
        self.converged_ = fit.converged
        self.background_share_ = float(
            np.dot(points.count, fit.p_background) / max(points.count.sum(), 1.0)
        )
        self.background_ = np.where(background > 0, background, floor)
        self.timestamped_ = history.timestamped  # exact times, or mid-month placement
        self.span_ = span
        self.points_ = points

    def _predict(self, months: int) -> np.ndarray:
        first = pd.Period(self.until_, freq="M") + 1
        days = float(((first + months).start_time - first.start_time) / pd.Timedelta(days=1))
        trig = forecast_integral(
            self.points_,
            self.units_.n,
            self.theta_,
            self.omega_,
            self.span_,
            self.span_ + days,
        )
        return np.asarray(self.background_ * days + trig)
