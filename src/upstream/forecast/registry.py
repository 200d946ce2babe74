"""The single list of forecasting methods, read by the CLI, the backtest, the web app and tests.

Each entry names a class; it runs with the class's default hyper-parameters, which are the
settings chosen here (one place: the constructor). They were chosen by principle or on a
*validation window* of the bundled police.uk data (origins 2016-06 to 2016-11, predicting
2016-07 to 2016-12; serious violence; 150 m grid; PAI at 5%), never on the last 12 months
that ``benchmarks/forecast.py`` reports:

* ``naive``: 12 months, by definition (the issue's "plain 12-month counts").
* ``prospective``: bandwidth and window from {400 m/2 months (the paper), 200 m/3,
  200 m/12, 100 m/3, 100 m/6, 100 m/12, 400 m/6, 400 m/12}: 100 m (a cell and its four
  edge neighbours on the 150 m grid) over 6 months was best.
* ``kde``: bandwidth from {150, 200, 300, 400} m: 150 m was best; 12 months of events.
* ``sepp``: background bandwidth 300 m (150 m no better), trigger distance floor 25 m
  (50 m worse), cut-offs 120 days and 500 m by principle (triggering beyond them is
  negligible at the fitted decay).
* ``sepp-grid``: nothing tuned. The model (Mohler et al. 2015) has no smoothing settings;
  the EM's limits are by principle: at most 200 iterations, stopping when ``theta`` moves
  by less than 1e-6 (``omega`` and the background rates likewise, relatively). On the
  validation origins it settled in 11-27 iterations on the grid and on LSOAs, so the limits
  do not bind. It finds almost no triggering within a cell there (``theta`` below 1e-5 at
  mid-month times), so it ranks almost as the all-history counts, ties broken by recency.
* ``lgbm``: from {7, 15, 31} leaves, {300, 600} trees, learning rate {0.03, 0.05}, 12 or
  24 training months, with or without context: 31 leaves (50 rows per leaf), 300 trees,
  0.03, 12 months, with context.
* ``ensemble``: members by principle: one learned model, the count, the point process.

The differences on the validation window were small against the month-to-month spread,
so these are reasonable settings, not finely tuned ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from upstream.forecast.base import BaseForecaster
from upstream.forecast.ensemble import Ensemble
from upstream.forecast.kde import KDE
from upstream.forecast.lgbm import LightGBMPoisson
from upstream.forecast.naive import Naive
from upstream.forecast.prospective import Prospective
from upstream.forecast.retrospective import Retrospective
from upstream.forecast.sepp import SEPP
from upstream.forecast.sepp_grid import GridSEPP

__all__ = ["BASELINES", "DEFAULT_METHOD", "METHODS", "Method", "make"]


@dataclass(frozen=True)
class Method:
    """A registered method: its class and what it is (its settings are the class defaults)."""

    name: str
    cls: type[BaseForecaster]
    summary: str = ""
    baseline: bool = True
    label: str = ""
    """A short plain name for sentences ("kernel density")."""

    @property
    def paper(self) -> str:
        return self.cls.paper

    @property
    def params(self) -> dict[str, Any]:
        """The hyper-parameters it runs with: the class defaults (``target`` aside)."""
        defaults = self.cls().get_params()
        defaults.pop("target", None)
        return defaults


METHODS: dict[str, Method] = {
    m.name: m
    for m in (
        Method(
            "naive",
            Naive,
            "Counts over the last 12 months.",
            label="12-month counts",
        ),
        Method(
            "retrospective",
            Retrospective,
            "Counts over all months of history.",
            label="all-history counts",
        ),
        Method(
            "prospective",
            Prospective,
            "Prospective hot-spotting: recent events, weighted by closeness in space and time.",
            label="prospective hot-spotting",
        ),
        Method(
            "kde",
            KDE,
            "Quartic kernel density (150 m bandwidth) of the last 12 months of events.",
            label="kernel density",
        ),
        Method(
            "sepp",
            SEPP,
            "Self-exciting point process: background density plus near-repeat triggering.",
            label="self-exciting point process",
        ),
        Method(
            "sepp-grid",
            GridSEPP,
            "PredPol's self-exciting point process: each cell's own steady rate, raised for a "
            "while after each event there.",
            label="grid self-exciting point process",
        ),
        Method(
            "lgbm",
            LightGBMPoisson,
            "LightGBM Poisson model on lagged counts at several scales and fixed covariates.",
            label="upstream's LightGBM model",
            baseline=False,
        ),
        Method(
            "ensemble",
            Ensemble,
            "Mean of the LightGBM model, the 12-month counts and the point process.",
            label="upstream's ensemble",
            baseline=False,
        ),
    )
}
"""Every method, by name, in the order tables list them."""

BASELINES: tuple[str, ...] = tuple(n for n, m in METHODS.items() if m.baseline)
"""The field's standard methods our own must beat."""

DEFAULT_METHOD = "lgbm"
"""What ``upstream forecast`` uses without ``--method``: our best method on the validation
window (origins 2016-06..2016-11), which ``benchmarks/forecast.py`` checks on the test window."""


def make(name: str, **overrides: Any) -> BaseForecaster:
    """A new forecaster of the registered method ``name`` (``overrides`` win)."""
    try:
        method = METHODS[name]
    except KeyError:
        raise ValueError(f"unknown method {name!r}; choose from {', '.join(METHODS)}") from None
    return method.cls(**overrides)
