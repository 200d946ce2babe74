"""Self-exciting point process (SEPP / ETAS) hot-spotting (Mohler et al. 2011).

Mohler, G. O., Short, M. B., Brantingham, P. J., Schoenberg, F. P. & Tita, G. E. (2011).
Self-exciting point process modeling of crime. *Journal of the American Statistical
Association* 106(493), 100-108.

The conditional intensity is a stationary background plus a trigger from every past event::

    lambda(t, x, y) = mu(x, y) + sum_{t_i < t} theta * omega * exp(-omega (t - t_i))
                                              * N(x - x_i, y - y_i; sigma^2)

fitted by expectation-maximisation over the branching structure (the deterministic,
expected-value form of the paper's stochastic declustering): each event's probability of
being background (``p_jj``) or triggered by event ``i`` (``p_ij``) is estimated from the
current model, then ``theta`` (mean offspring per event), ``omega`` (decay, per day),
``sigma`` (trigger distance) and the background weights are re-estimated from them. The
paper estimates ``g`` and ``mu`` non-parametrically; here ``g`` takes the parametric form
above (exponential in time, Gaussian in space, as in the paper's simulation model and
Mohler 2014) and ``mu`` is a fixed-bandwidth Gaussian kernel density of the
background-weighted events. The forecast for a month is the intensity integrated over
that month and over each unit.

**Times.** With timestamped data (partnership incidents, ``occurred``) the exact times are
used (``timestamped_`` says which). police.uk data give only the month, so each event is
placed at the middle of its month: the model is then fitted to the monthly-binned
process, can only learn triggering from one month to a later one, and says nothing about
within-month timing. Treat SEPP results on police.uk data with that in mind.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.polynomial.hermite_e import hermegauss
from scipy.sparse import csr_matrix
from scipy.spatial import cKDTree
from scipy.special import ndtr

from upstream.forecast.base import BaseForecaster, History
from upstream.forecast.data import Units

__all__ = ["SEPP", "gaussian_mass"]


def gaussian_mass(
    units: Units, px: np.ndarray, py: np.ndarray, w: np.ndarray, sigma: float
) -> np.ndarray:
    """Per unit: sum over points of ``w`` x the mass of N(point, sigma^2) inside the unit.

    Exact for grid squares (products of normal CDFs; points further than ``4 sigma`` plus
    half a cell diagonal are ignored). For LSOAs, a 5 x 5 Gauss-Hermite quadrature of the
    kernel: each point's weight is shared among the units holding the 25 nodes.
    """
    out = np.zeros(units.n)
    if len(px) == 0:
        return out
    if units.kind != "grid":
        nodes, node_w = hermegauss(5)
        node_w = node_w / node_w.sum()
        ox, oy = np.meshgrid(nodes * sigma, nodes * sigma, indexing="ij")
        ow = np.outer(node_w, node_w).ravel()
        qx = (px[:, None] + ox.ravel()[None, :]).ravel()
        qy = (py[:, None] + oy.ravel()[None, :]).ravel()
        qw = (w[:, None] * ow[None, :]).ravel()
        pos = units.locate(qx, qy)
        ok = pos >= 0
        return np.bincount(pos[ok], weights=qw[ok], minlength=units.n)
    half = units.cell_size / 2
    reach = 4 * sigma + half * np.sqrt(2)
    tree_u = cKDTree(np.column_stack([units.x, units.y]))
    tree_p = cKDTree(np.column_stack([px, py]))
    pairs = tree_u.sparse_distance_matrix(tree_p, reach, output_type="ndarray")
    rows, cols = pairs["i"], pairs["j"]  # every pair within reach, distance 0 included
    dx = units.x[rows] - px[cols]
    dy = units.y[rows] - py[cols]
    mx = ndtr((dx + half) / sigma) - ndtr((dx - half) / sigma)
    my = ndtr((dy + half) / sigma) - ndtr((dy - half) / sigma)
    return out + np.bincount(rows, weights=w[cols] * mx * my, minlength=units.n)


class SEPP(BaseForecaster):
    """Self-exciting point process fitted by EM.

    Parameters
    ----------
    background_bandwidth
        Standard deviation (metres) of the Gaussian kernel of the background density.
    time_cutoff
        Days: an event cannot be triggered by one further back than this.
    space_cutoff
        Metres: nor by one further away than this.
    min_sigma
        Lower bound (metres) of the trigger distance; police.uk snaps locations to shared
        points, so exact repeats would otherwise shrink it towards zero.
    iterations
        Maximum EM iterations (stops earlier when the parameters settle).
    target
        ``"count"`` or ``"harm"`` (harm: each event's contributions are weighted by its harm).
    """

    name = "sepp"
    paper = "Mohler et al. (2011), J. Am. Stat. Assoc. 106(493) 100-108 (SEPP, EM fit)"

    def __init__(
        self,
        *,
        background_bandwidth: float = 300.0,
        time_cutoff: float = 120.0,
        space_cutoff: float = 500.0,
        min_sigma: float = 25.0,
        iterations: int = 40,
        target: str = "count",
    ) -> None:
        self.background_bandwidth = background_bandwidth
        self.time_cutoff = time_cutoff
        self.space_cutoff = space_cutoff
        self.min_sigma = min_sigma
        self.iterations = iterations
        self.target = target

    # ---- fitting ----------------------------------------------------------------------
    def _pairs(self, t: np.ndarray, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, ...]:
        """Candidate (parent i, child j) pairs: t_i < t_j within the cut-offs."""
        tree = cKDTree(np.column_stack([x, y]))
        pairs = tree.query_pairs(self.space_cutoff, output_type="ndarray")
        a, b = pairs[:, 0], pairs[:, 1]
        # pairs at the same snapped point are included (distance 0 <= r)
        parent = np.where(t[a] < t[b], a, b)
        child = np.where(t[a] < t[b], b, a)
        dt = t[child] - t[parent]
        ok = (dt > 0) & (dt <= self.time_cutoff)
        parent, child, dt = parent[ok], child[ok], dt[ok]
        r2 = (x[child] - x[parent]) ** 2 + (y[child] - y[parent]) ** 2
        return parent, child, dt, r2

    def _fit(self, history: History) -> None:
        ev = history.events
        t = ev["t"].to_numpy(dtype="float64")
        x = ev["x"].to_numpy(dtype="float64")
        y = ev["y"].to_numpy(dtype="float64")
        n = len(ev)
        span = history.month_start_days(history.n_months)  # days observed
        parent, child, dt, r2 = self._pairs(t, x, y)

        # background density at each event from distinct locations (snapped points repeat)
        loc = pd.DataFrame({"x": x, "y": y})
        codes, uniq = pd.factorize(pd.MultiIndex.from_frame(loc))
        ux = uniq.get_level_values(0).to_numpy(dtype="float64")
        uy = uniq.get_level_values(1).to_numpy(dtype="float64")
        h = self.background_bandwidth
        tree = cKDTree(np.column_stack([ux, uy]))
        near = tree.sparse_distance_matrix(tree, 4 * h, output_type="ndarray")
        krow, kcol = near["i"], near["j"]  # each location with itself included
        kval = np.exp(-(near["v"] ** 2) / (2 * h * h))
        kernel = csr_matrix((kval / (2 * np.pi * h * h), (krow, kcol)), shape=(len(ux), len(ux)))

        theta, omega, sigma = 0.2, 1.0 / 30.0, max(100.0, self.min_sigma)
        p_back = np.full(n, 0.8)
        p_trig = np.zeros(parent.size)
        for _ in range(self.iterations):
            wsum = np.bincount(codes, weights=p_back, minlength=len(ux))
            mu_u = kernel @ wsum
            mu = mu_u[codes] / span  # events per day per m^2
            g = (
                theta
                * omega
                * np.exp(-omega * dt)
                * np.exp(-r2 / (2 * sigma * sigma))
                / (2 * np.pi * sigma * sigma)
            )
            lam = mu + np.bincount(child, weights=g, minlength=n)
            lam = np.where(lam > 0, lam, 1e-300)
            p_back = mu / lam
            p_trig = g / lam[child]
            total = p_trig.sum()
            old = (theta, omega, sigma)
            exposure = np.sum(1.0 - np.exp(-omega * np.minimum(span - t, self.time_cutoff)))
            theta = float(min(total / max(exposure, 1e-12), 0.95))
            if total > 0:
                omega = float(total / max(float((p_trig * dt).sum()), 1e-12))
                sigma = float(max(np.sqrt((p_trig * r2).sum() / (2 * total)), self.min_sigma))
            change = max(
                abs(a - b) / max(abs(b), 1e-12)
                for a, b in zip((theta, omega, sigma), old, strict=False)
            )
            if change < 1e-5:
                break
        self.theta_ = theta
        self.omega_ = omega
        self.sigma_ = sigma
        self.background_share_ = float(p_back.mean())
        self.timestamped_ = history.timestamped  # exact times, or mid-month placement
        self._store(history, p_back, codes, ux, uy)

    def _store(
        self,
        history: History,
        p_back: np.ndarray,
        codes: np.ndarray,
        ux: np.ndarray,
        uy: np.ndarray,
    ) -> None:
        ev = history.events
        value = ev["value"].to_numpy(dtype="float64")
        span = history.month_start_days(history.n_months)
        weights = np.bincount(codes, weights=p_back * value, minlength=len(ux))
        self.background_ = (
            gaussian_mass(self.units_, ux, uy, weights, self.background_bandwidth) / span
        )
        self.span_ = span
        recent = ev["t"].to_numpy() >= span - self.time_cutoff - 366
        self.recent_t_ = ev["t"].to_numpy(dtype="float64")[recent]
        self.recent_x_ = ev["x"].to_numpy(dtype="float64")[recent]
        self.recent_y_ = ev["y"].to_numpy(dtype="float64")[recent]
        self.recent_value_ = value[recent]

    def _predict(self, months: int) -> np.ndarray:
        start = self.span_
        first = pd.Period(self.until_, freq="M") + 1
        end_period = first + months
        days = float((end_period.start_time - first.start_time) / pd.Timedelta(days=1))
        age0 = start - self.recent_t_
        weight = (
            self.theta_
            * (np.exp(-self.omega_ * age0) - np.exp(-self.omega_ * (age0 + days)))
            * self.recent_value_
        )
        keep = weight > 1e-12
        trig = gaussian_mass(
            self.units_,
            self.recent_x_[keep],
            self.recent_y_[keep],
            weight[keep],
            self.sigma_,
        )
        return np.asarray(self.background_ * days + trig)
