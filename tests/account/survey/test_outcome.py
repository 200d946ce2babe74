"""The survey as an outcome-measure source: effective counts per wave, read by the outcome tools."""

from __future__ import annotations

import pytest

from upstream.account.outcomes import SOURCES, compute_measure, load_measures
from upstream.account.outcomes.context import OutcomeContext
from upstream.account.survey import estimate_table, ingest_survey, load_responses
from upstream.config import Settings
from upstream.ingest import discover
from upstream.synth.survey import DEMO_WAVES, write_demo_survey


def _measure(ident: str):  # type: ignore[no-untyped-def]
    return next(m for m in load_measures() if m.id == ident)


def test_without_a_survey_the_measure_says_so(settings: Settings) -> None:
    result = compute_measure(OutcomeContext(settings), _measure("resident_fear_strongly"))
    assert not result.available
    assert "no resident survey is loaded" in result.reading


def test_survey_measures_on_the_synthetic_survey(settings: Settings) -> None:
    areas = [(f"E02{900 + i:06d}", 180_000.0 + 400 * i) for i in range(20)]
    inputs, _ = discover(write_demo_survey(settings.data_dir / "s", areas), police_uk=False)
    ingest_survey(inputs, settings.data_dir, quarantine_dir=settings.quarantine_dir)
    spec = SOURCES["survey_proportion"]
    assert (spec.frequency, spec.unit, spec.audience) == ("quarter", "proportion", "signed_in")
    context = OutcomeContext(settings)
    police = compute_measure(context, _measure("resident_confidence_police"))
    assert police.available and police.synthetic
    assert police.table is not None
    assert police.table["period"].tolist() == list(DEMO_WAVES)
    expected = estimate_table(load_responses(settings), ["confidence_police"])
    assert police.table["denominator"].tolist() == pytest.approx(expected["n_eff"].tolist())
    assert (police.table["numerator"] / police.table["denominator"]).tolist() == pytest.approx(
        expected["estimate"].tolist()
    )
    assert police.verdict == "worse than baseline"  # trust falls across the synthetic waves
    fear = compute_measure(context, _measure("resident_fear_strongly"))
    assert fear.available and fear.verdict == "not distinguishable from chance"
