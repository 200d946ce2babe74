"""Outcome measures: defined in TOML, computed every month with intervals, control charts and
a plain-English verdict against the baseline.

* :mod:`~upstream.account.outcomes.definitions`: the measures file (``outcomes.toml``);
* :mod:`~upstream.account.outcomes.sources`: the registry of sources a measure may name
  (event store, open data, case store, programme returns);
* :mod:`~upstream.account.outcomes.intervals`, :mod:`~upstream.account.outcomes.spc`,
  :mod:`~upstream.account.outcomes.verdict`: the statistics, as pure functions;
* :mod:`~upstream.account.outcomes.compute`: every measure, every period;
* :mod:`~upstream.account.outcomes.output`: the files ``upstream outcomes`` writes.
"""

from upstream.account.outcomes.compute import MeasureResult, compute_all, compute_measure
from upstream.account.outcomes.definitions import Measure, MeasureError, load_measures
from upstream.account.outcomes.sources import (
    SOURCES,
    SourceResult,
    SourceUnavailable,
    ete_source_from,
    register_source,
)

__all__ = [
    "SOURCES",
    "Measure",
    "MeasureError",
    "MeasureResult",
    "SourceResult",
    "SourceUnavailable",
    "compute_all",
    "compute_measure",
    "ete_source_from",
    "load_measures",
    "register_source",
]
