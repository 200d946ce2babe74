"""Resident insight: survey microdata, weighted estimates with intervals, and trends.

* :mod:`.schema` documents the columns and answer codes;
* :mod:`.validate` and :mod:`.ingest` import CSV/XLSX microdata (quarantining bad rows);
* :mod:`.store` keeps responses as Parquet under the data folder;
* :mod:`.estimates` gives weighted shares with Kish effective-sample intervals;
* :mod:`.trends` tests change across waves;
* :mod:`.summary` feeds the board pack and the ``/residents`` page.
"""

from upstream.account.survey.estimates import MIN_BASE, estimate_table, weighted_proportion
from upstream.account.survey.ingest import ingest_survey
from upstream.account.survey.store import load_responses, responses_path
from upstream.account.survey.summary import survey_board_summary, survey_page
from upstream.account.survey.trends import question_trends

__all__ = [
    "MIN_BASE",
    "estimate_table",
    "ingest_survey",
    "load_responses",
    "question_trends",
    "responses_path",
    "survey_board_summary",
    "survey_page",
    "weighted_proportion",
]
