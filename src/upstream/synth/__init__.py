"""Calibrated synthetic partnership data for Waltham Forest, always labelled synthetic.

The synthetic borough places invented incidents on the real geography of the bundled
Waltham Forest area pack (ONS boundary and LSOAs, DfE schools, TfL stations, town centres)
following the canonical partnership schema in ``docs/data-formats.md``. Its headline series
(knife-injury offences against victims under 25) is planted to match the partnership's
published counts; the other targets are listed in :mod:`upstream.synth.targets` and
measured by :func:`calibration_report`.

Examples
--------
>>> from upstream.synth import generate, write, calibration_report
>>> borough = generate(seed=1)                       # doctest: +SKIP
>>> paths = write(borough, Path("out"))              # doctest: +SKIP
>>> calibration_report(borough)["headline"]          # doctest: +SKIP
"""

from upstream.synth.calibration import calibration_report
from upstream.synth.generator import SyntheticBorough, generate
from upstream.synth.places import Places, default_calendar, load_places
from upstream.synth.targets import PUBLISHED_HEADLINE, Targets
from upstream.synth.writer import write

__all__ = [
    "PUBLISHED_HEADLINE",
    "Places",
    "SyntheticBorough",
    "Targets",
    "calibration_report",
    "default_calendar",
    "generate",
    "load_places",
    "write",
]
