"""The board pack's resident-insight item and the Residents page's data, on the synthetic survey."""

from __future__ import annotations

import pytest

from upstream.account.survey import (
    estimate_table,
    load_responses,
    survey_board_summary,
    survey_page,
)
from upstream.account.survey.schema import QUESTIONS
from upstream.config import Settings
from upstream.ingest import discover
from upstream.synth.survey import DEMO_WAVES, write_demo_survey

AREAS = [(f"E02{900 + i:06d}", 180_000.0 + 400 * i) for i in range(20)]


@pytest.fixture
def loaded(settings: Settings) -> Settings:
    from upstream.account.survey import ingest_survey

    paths = write_demo_survey(settings.data_dir / "synthetic" / "survey", AREAS)
    inputs, _ = discover(paths, police_uk=False)
    ingest_survey(inputs, settings.data_dir, quarantine_dir=settings.quarantine_dir)
    return settings


def test_no_survey_means_no_summary(settings: Settings) -> None:
    assert survey_board_summary(settings) is None
    assert survey_page(settings) == {"available": False}


def test_board_summary_shape_and_values(loaded: Settings) -> None:
    summary = survey_board_summary(loaded)
    assert summary is not None
    assert summary["synthetic"] is True
    assert summary["wave"] == DEMO_WAVES[-1]
    assert summary["waves"] == list(DEMO_WAVES)
    assert [h["question"] for h in summary["headline"]] == list(QUESTIONS)
    expected = estimate_table(load_responses(loaded), ["fear_affects_life"], waves=["2025Q2"])
    fear = summary["headline"][1]
    assert set(fear) >= {"question", "estimate", "ci_low", "ci_high", "n", "n_eff", "wave"}
    assert fear["estimate"] == pytest.approx(expected.loc[0, "estimate"])
    assert fear["ci_low"] < fear["estimate"] < fear["ci_high"]
    assert fear["n"] == 600 and fear["n_eff"] < 600
    reading = summary["reading"]
    assert reading.startswith("SYNTHETIC survey")
    assert "fear of crime strongly affects their life" in reading
    assert "The share who agree the local police do a good job has fallen by" in reading


def test_page_withholds_small_subgroups(loaded: Settings) -> None:
    page = survey_page(loaded)
    assert page["available"] and page["synthetic"]
    ethnic = [g for g in page["groups"]["ethnic_group"] if g["question"] == "fear_affects_life"]
    withheld = [g for g in ethnic if g["withheld"]]
    assert [g["group"] for g in withheld] == ["not stated"]
    assert all(g["estimate"] is None and g["n"] < 30 for g in withheld)
    shown = [g for g in ethnic if not g["withheld"]]
    assert all(g["estimate"] is not None and g["n_eff"] >= 30 for g in shown)
    areas = [a for a in page["areas"] if a["question"] == "fear_affects_life"]
    assert len(areas) == 20 and {a["waves"] for a in areas} == {"2024Q3 to 2025Q2"}
    assert len(page["series"]) == len(QUESTIONS) * len(DEMO_WAVES)
