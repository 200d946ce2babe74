"""Pure analysis functions: frames in, tables and plain-English readings out.

Modules: :mod:`~upstream.analysis.trends` (monthly series, exact Poisson ratio test),
:mod:`~upstream.analysis.rates` (exact rates per 1,000), :mod:`~upstream.analysis.concentration`
(busiest places, Lorenz curve, Gini), :mod:`~upstream.analysis.hotspots` (Getis-Ord Gi* with
false-discovery-rate control), :mod:`~upstream.analysis.proximity` (distance to schools and
town centres against a background), :mod:`~upstream.analysis.deprivation` (rates by IMD decile),
:mod:`~upstream.analysis.timing` (weekday by hour, school days, after school),
:mod:`~upstream.analysis.nearrepeat` (Knox test), :mod:`~upstream.analysis.disparity` (relative
rates by ethnicity) and :mod:`~upstream.analysis.quality` (data coverage).

Nothing here reads the case store or knows about the web.
"""
