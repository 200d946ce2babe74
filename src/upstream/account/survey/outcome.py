"""The survey as an outcome-measure source: one question's weighted share per wave.

A proportion measure reads ``numerator / denominator`` per period. For a weighted survey
the source gives the *effective* counts: ``denominator = n_eff`` (Kish) and
``numerator = p * n_eff``, so the outcome tools' binomial intervals, control limits and
window-against-baseline tests carry the precision the weights leave, not the raw number of
respondents. The period is the wave (``YYYYQn``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

from upstream.account.survey.estimates import estimate_table
from upstream.account.survey.store import load_responses

if TYPE_CHECKING:
    from upstream.account.outcomes.context import OutcomeContext
    from upstream.account.outcomes.sources import SourceResult

__all__ = ["survey_series", "survey_source"]


def survey_series(responses: pd.DataFrame, name: str) -> pd.DataFrame:
    """``period``, ``numerator``, ``denominator`` (effective counts) per wave of ``name``."""
    table = estimate_table(responses, [name])
    return pd.DataFrame(
        {
            "period": table["wave"].astype(str),
            "numerator": (table["estimate"] * table["n_eff"]).astype("float64"),
            "denominator": table["n_eff"].astype("float64"),
        }
    ).sort_values("period", ignore_index=True)


def survey_source(context: OutcomeContext, params: Mapping[str, Any]) -> SourceResult:
    """The ``survey_proportion`` source: the question in ``params['question']`` per wave."""
    from upstream.account.outcomes.sources import SourceResult, SourceUnavailable

    responses = load_responses(context.settings)
    if responses.empty:
        raise SourceUnavailable("no resident survey is loaded (upstream survey import)")
    frame = survey_series(responses, str(params["question"]))
    if frame.empty:
        raise SourceUnavailable(f"no respondent of the survey held answered {params['question']}")
    notes = ("Survey shares: numerator and denominator are Kish effective counts.",)
    return SourceResult(frame, bool(responses["synthetic"].any()), notes=notes)
