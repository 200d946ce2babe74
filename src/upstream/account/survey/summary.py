"""The survey as the board pack and the Residents page read it: data plus plain English.

:func:`survey_board_summary` is the board pack's resident-insight item (None when no survey
is loaded). :func:`survey_page` is everything the ``/residents`` page shows. Both read the
stored responses only; estimates for subgroups with fewer than
:data:`~upstream.account.survey.estimates.MIN_BASE` respondents (or effective respondents)
are withheld from the page and flagged in the pack. Area estimates pool the latest
:data:`AREA_WAVES` waves.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from upstream.account.survey.estimates import BY, estimate_table
from upstream.account.survey.schema import QUESTIONS, question
from upstream.account.survey.store import load_responses
from upstream.account.survey.trends import quarter_index, question_trends
from upstream.config import Settings

__all__ = ["AREA_WAVES", "latest_wave", "survey_board_summary", "survey_page"]

AREA_WAVES = 4
"""Area (ward or MSOA) estimates pool the latest this many waves (a rolling year), as
single waves hold too few respondents per area to read."""


def _num(x: Any) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def latest_wave(responses: pd.DataFrame) -> str:
    """The most recent wave held."""
    return max(responses["wave"].unique(), key=quarter_index)


def _pct(x: float) -> str:
    return f"{x:.0%}"


def _headline(responses: pd.DataFrame, wave: str) -> list[dict[str, Any]]:
    table = estimate_table(responses, list(QUESTIONS), waves=[wave])
    return [
        {
            "question": r["question"],
            "label": question(r["question"]).label(),
            "estimate": _num(r["estimate"]),
            "ci_low": _num(r["ci_low"]),
            "ci_high": _num(r["ci_high"]),
            "n": int(r["n"]),
            "n_eff": round(float(r["n_eff"]), 1),
            "wave": r["wave"],
            "small": bool(r["small"]),
        }
        for r in table.to_dict("records")
    ]


def _change_sentence(row: pd.Series) -> str | None:
    """A sentence on a question's change from the first wave, when the test finds one."""
    if not row["p_first"] < 0.05:
        return None
    q = question(str(row["question"]))
    direction = "risen" if row["change_first"] > 0 else "fallen"
    p = "p < 0.001" if row["p_first"] < 0.001 else f"p = {row['p_first']:.3f}"
    return (
        f"The share who {q.topic} has {direction} by {abs(row['change_first']) * 100:.0f} "
        f"points from {row['first']} to {row['latest']} (95% interval "
        f"{row['change_first_low'] * 100:+.0f} to {row['change_first_high'] * 100:+.0f} "
        f"points; {p}), to {row['estimate']:.0%}."
    )


def _reading(headline: list[dict[str, Any]], trends: pd.DataFrame, synthetic: bool) -> str:
    by_q = {h["question"]: h for h in headline}
    parts = []
    if synthetic:
        parts.append("SYNTHETIC survey (demonstration data, not residents' answers).")
    wave = headline[0]["wave"]
    fear, worry = by_q.get("fear_affects_life"), by_q.get("worry_knife_crime")
    if fear and fear["estimate"] is not None:
        parts.append(
            f"In {wave}, {_pct(fear['estimate'])} of residents said fear of crime strongly "
            f"affects their life (95% interval {_pct(fear['ci_low'])} to "
            f"{_pct(fear['ci_high'])}, {fear['n']} respondents)."
        )
    if worry and worry["estimate"] is not None:
        parts.append(f"{_pct(worry['estimate'])} were worried about knife crime.")
    for row in trends.to_dict("records") if len(trends) else []:
        sentence = _change_sentence(pd.Series(row))
        if sentence:
            parts.append(sentence)
    if len(trends) and not (trends["p_first"] < 0.05).any():
        parts.append("No question shows a clear change across the waves held.")
    return " ".join(parts)


def survey_board_summary(settings: Settings) -> dict[str, Any] | None:
    """The resident-insight item of the board pack, or None when no survey is loaded.

    Returns
    -------
    dict or None
        ``wave`` (latest), ``waves`` (all held), ``headline``: one row per question with
        ``question``, ``label``, ``estimate``, ``ci_low``, ``ci_high``, ``n``, ``n_eff``,
        ``wave``, ``small``; ``trends``: per question the change since the first wave and
        the trend per year with p-values; ``reading``: plain English; ``synthetic``.
    """
    responses = load_responses(settings)
    if responses.empty:
        return None
    wave = latest_wave(responses)
    synthetic = bool(responses["synthetic"].any())
    headline = _headline(responses, wave)
    trends = question_trends(responses, list(QUESTIONS))
    trend_rows = [
        {k: (_num(v) if isinstance(v, float) else v) for k, v in row.items()}
        for row in trends.to_dict("records")
    ]
    return {
        "wave": wave,
        "waves": sorted(responses["wave"].unique(), key=quarter_index),
        "headline": headline,
        "trends": trend_rows,
        "reading": _reading(headline, trends, synthetic),
        "synthetic": synthetic,
    }


def _groups(responses: pd.DataFrame, waves: list[str], by: str) -> list[dict[str, Any]]:
    """Subgroup estimates over ``waves`` pooled (one wave, or a rolling year for areas)."""
    label = waves[0] if len(waves) == 1 else f"{waves[0]} to {waves[-1]}"
    pooled = responses[responses["wave"].isin(waves)].assign(wave=label)
    table = estimate_table(pooled, list(QUESTIONS), by=by)
    rows = []
    for r in table.to_dict("records"):
        if r["group"] == "unknown":
            continue
        shown = not r["small"]
        rows.append(
            {
                "question": r["question"],
                "group": r["group"],
                "waves": label,
                "n": int(r["n"]),
                "n_eff": round(float(r["n_eff"]), 1),
                "estimate": _num(r["estimate"]) if shown else None,
                "ci_low": _num(r["ci_low"]) if shown else None,
                "ci_high": _num(r["ci_high"]) if shown else None,
                "withheld": not shown,
            }
        )
    return rows


def survey_page(settings: Settings) -> dict[str, Any]:
    """What ``/residents`` shows: the board summary, per-wave series and subgroup tables."""
    summary = survey_board_summary(settings)
    if summary is None:
        return {"available": False}
    responses = load_responses(settings)
    series = estimate_table(responses, list(QUESTIONS))
    return summary | {
        "available": True,
        "questions": [{"name": q.name, "label": q.label()} for q in QUESTIONS.values()],
        "series": [
            {
                "question": r["question"],
                "wave": r["wave"],
                "estimate": _num(r["estimate"]),
                "ci_low": _num(r["ci_low"]),
                "ci_high": _num(r["ci_high"]),
                "n": int(r["n"]),
            }
            for r in series.to_dict("records")
        ],
        "groups": {by: _groups(responses, [summary["wave"]], by) for by in BY if by != "area"},
        "areas": _groups(responses, summary["waves"][-AREA_WAVES:], "area"),
    }
