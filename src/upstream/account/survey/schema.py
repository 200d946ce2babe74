"""The resident survey's microdata format: its columns, answer codes and stored schema.

One row per respondent of one wave::

    respondent_id,weight,wave_date,area,age_band,sex,ethnic_group,tenure,
    parent_dependent_children,worry_knife_crime,fear_affects_life,crime_increased,
    safe_after_dark,confidence_police,young_safe_school_journey
    W3-00017,1.12,2025-07-14,E02000895,25-34,female,Black,social_rent,yes,
    very_worried,strongly,a_lot_more,a_bit_unsafe,disagree,fairly_safe,

* ``respondent_id``: the survey's own pseudonymous id (1-64 letters, digits, ``_ . : / -``),
  unique within a wave; never a name. A column that looks like a name, date of birth,
  address or contact detail (:data:`upstream.vocab.IDENTIFYING_COLUMNS`) refuses the file.
* ``weight``: the respondent's survey weight, a positive number (required).
* ``wave_date``: the interview date (``YYYY-MM-DD``); the *wave* is its quarter (``YYYYQn``).
* ``area``: a ward (``E05``/``W05``) or MSOA (``E02``/``W02``) GSS code, or ``unknown``.
* ``age_band``, ``sex``, ``ethnic_group``, ``tenure``, ``parent_dependent_children``: the
  codes of :data:`GROUPS`.
* the six questions of :data:`QUESTIONS`: one of the question's codes, or empty when the
  respondent was not asked or gave no answer (left out of that question's base).
  ``dont_know`` is an answer and stays in the base.

Codes are read case-insensitively; spaces and hyphens count as ``_`` and apostrophes are
dropped, so ``Don't know`` is ``dont_know``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from upstream.vocab import ETHNICITIES, SEXES

__all__ = [
    "AREA_CODE",
    "GROUPS",
    "OPTIONAL",
    "QUESTIONS",
    "SURVEY_COLUMNS",
    "SURVEY_SCHEMA",
    "Question",
    "question",
]

AREA_CODE = r"^(E05|W05|E02|W02)\d{6}$|^unknown$"
"""A ward (E05/W05) or MSOA (E02/W02) GSS code, or ``unknown``."""

AGE_BANDS = ("16-24", "25-34", "35-44", "45-54", "55-64", "65+", "unknown")
TENURES = ("owner", "social_rent", "private_rent", "other", "unknown")
YES_NO = ("yes", "no", "unknown")

GROUPS: dict[str, tuple[str, ...]] = {
    "age_band": AGE_BANDS,
    "sex": SEXES,
    "ethnic_group": ETHNICITIES,
    "tenure": TENURES,
    "parent_dependent_children": YES_NO,
}
"""Respondent characteristics (subgroups for estimates) and their codes."""


@dataclass(frozen=True)
class Question:
    """One survey question: its wording, answer codes and the answers counted as the measure."""

    name: str
    wording: str
    topic: str
    """The measure in a sentence after "the share who", e.g. ``are worried about knife crime``."""
    codes: tuple[str, ...]
    measure: str
    """What the estimate is the share of, e.g. ``worried``."""
    counted: tuple[str, ...]
    """The answers that make up ``measure`` (the Likert collapse)."""
    higher_is_better: bool = False

    def label(self) -> str:
        """``'Share who are worried about knife crime'``: the measure, for tables."""
        return f"Share who {self.topic}"


_SAFE = ("very_safe", "fairly_safe", "a_bit_unsafe", "very_unsafe", "dont_know")
_AGREE = ("strongly_agree", "agree", "neither", "disagree", "strongly_disagree", "dont_know")

QUESTIONS: dict[str, Question] = {
    q.name: q
    for q in (
        Question(
            "worry_knife_crime",
            "How worried are you about knife crime in your area?",
            "are worried about knife crime",
            (
                "very_worried",
                "fairly_worried",
                "not_very_worried",
                "not_at_all_worried",
                "dont_know",
            ),
            "worried",
            ("very_worried", "fairly_worried"),
        ),
        Question(
            "fear_affects_life",
            "How much does fear of crime affect your quality of life?",
            "say fear of crime strongly affects their life",
            ("strongly", "moderately", "a_little", "not_at_all", "dont_know"),
            "strongly_affected",
            ("strongly",),
        ),
        Question(
            "crime_increased",
            "Over the past two years, has crime in your area gone up or down?",
            "think crime has gone up locally",
            (
                "a_lot_more",
                "a_little_more",
                "about_the_same",
                "a_little_less",
                "a_lot_less",
                "dont_know",
            ),
            "think_increased",
            ("a_lot_more", "a_little_more"),
        ),
        Question(
            "safe_after_dark",
            "How safe do you feel walking alone in your area after dark?",
            "feel safe after dark",
            _SAFE,
            "feel_safe",
            ("very_safe", "fairly_safe"),
            higher_is_better=True,
        ),
        Question(
            "confidence_police",
            "Taking everything into account, the police in this area do a good job.",
            "agree the local police do a good job",
            _AGREE,
            "agree",
            ("strongly_agree", "agree"),
            higher_is_better=True,
        ),
        Question(
            "young_safe_school_journey",
            "Young people in your area feel safe on the way to and from school.",
            "agree young people feel safe on the school journey",
            _AGREE,
            "agree",
            ("strongly_agree", "agree"),
            higher_is_better=True,
        ),
    )
}
"""The survey's questions, in the order they are shown."""


def question(name: str) -> Question:
    """The question called ``name`` (KeyError naming the known questions otherwise)."""
    try:
        return QUESTIONS[name]
    except KeyError:
        raise KeyError(f"unknown survey question {name!r}; known: {', '.join(QUESTIONS)}") from None


SURVEY_COLUMNS = {
    name: name
    for name in (
        "respondent_id",
        "weight",
        "wave_date",
        "area",
        *GROUPS,
        *QUESTIONS,
        "synthetic",
    )
}
"""Canonical column -> header (the same: the format is ours)."""
OPTIONAL = frozenset({"area", *GROUPS, *QUESTIONS, "synthetic"})
"""Columns a file may leave out (then all empty, or ``unknown`` for characteristics)."""

SURVEY_SCHEMA = pa.schema(
    [
        ("respondent_id", pa.string()),
        ("weight", pa.float64()),
        ("wave_date", pa.date32()),
        ("wave", pa.string()),
        ("area", pa.string()),
        *[(g, pa.string()) for g in GROUPS],
        *[(q, pa.string()) for q in QUESTIONS],
        ("synthetic", pa.bool_()),
        ("source_file", pa.string()),
        ("ingested_at", pa.timestamp("us", tz="UTC")),
    ]
)
"""The stored table (``<data dir>/survey/responses.parquet``); empty answers are null."""
