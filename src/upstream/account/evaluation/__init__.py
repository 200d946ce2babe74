"""Evaluating what works: did an intervention change the count, and could we tell?

* :mod:`~upstream.account.evaluation.series` reads and checks a monthly counts file;
* :mod:`~upstream.account.evaluation.its` interrupted time series (segmented Poisson GLM);
* :mod:`~upstream.account.evaluation.placebo` placebo tests in time and in space;
* :mod:`~upstream.account.evaluation.power` power and minimum detectable effect;
* :mod:`~upstream.account.evaluation.did` difference-in-differences with matched comparisons;
* :mod:`~upstream.account.evaluation.synthcontrol` synthetic control;
* :mod:`~upstream.account.evaluation.compare` every method on one intervention;
* :mod:`~upstream.account.evaluation.region` an intervention's region and monthly counts;
* :mod:`~upstream.account.evaluation.areas` the London borough comparison pool;
* :mod:`~upstream.account.evaluation.panel` reading comparison-area files;
* :mod:`~upstream.account.evaluation.verdict` the plain-English conclusion;
* :mod:`~upstream.account.evaluation.page` the ``/evaluation`` page's content.
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
