"""Evaluating what works: did an intervention change the count, and could we tell?

* :mod:`~upstream.account.evaluation.series` reads and checks a monthly counts file;
* :mod:`~upstream.account.evaluation.its` interrupted time series (segmented Poisson GLM);
* :mod:`~upstream.account.evaluation.placebo` placebo tests in time and in space;
* :mod:`~upstream.account.evaluation.power` power and minimum detectable effect;
* :mod:`~upstream.account.evaluation.verdict` the plain-English conclusion.
"""

from upstream.account.evaluation.its import ItsResult, fit_its
from upstream.account.evaluation.placebo import PlaceboResult, placebo_in_space, placebo_in_time
from upstream.account.evaluation.power import Mde, analytic_power, minimum_detectable_effect
from upstream.account.evaluation.series import CountSeries, SeriesError, check_start, read_counts
from upstream.account.evaluation.verdict import verdict

__all__ = [
    "CountSeries",
    "ItsResult",
    "Mde",
    "PlaceboResult",
    "SeriesError",
    "analytic_power",
    "check_start",
    "fit_its",
    "minimum_detectable_effect",
    "placebo_in_space",
    "placebo_in_time",
    "read_counts",
    "verdict",
]
