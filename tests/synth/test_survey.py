"""The synthetic resident survey: ingested like real microdata, it tells the strategy's story."""

from __future__ import annotations

import pandas as pd
import pytest

from upstream.account.survey import estimate_table, ingest_survey, load_responses, question_trends
from upstream.account.survey.schema import QUESTIONS
from upstream.ingest import discover
from upstream.synth.survey import DEMO_WAVES, PER_WAVE, write_demo_survey

AREAS = [(f"E02{900 + i:06d}", 180_000.0 + 400 * i) for i in range(20)]
SOUTH = {code for code, north in AREAS[:10]}


@pytest.fixture(scope="module")
def responses(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    root = tmp_path_factory.mktemp("survey")
    inputs, _ = discover(write_demo_survey(root / "files", AREAS), police_uk=False)
    result = ingest_survey(inputs, root / "data", quarantine_dir=root / "q")
    assert all(f.quarantined == 0 for f in result.files)
    return load_responses(root / "data")


def _pooled(frame: pd.DataFrame, name: str, by: str | None = None) -> pd.DataFrame:
    return estimate_table(frame.assign(wave="all"), [name], by=by).set_index("group")


def test_every_row_is_synthetic_and_every_wave_is_there(responses: pd.DataFrame) -> None:
    assert responses["synthetic"].all()
    assert responses["respondent_id"].str.startswith("SYN-").all()
    assert responses.groupby("wave").size().to_dict() == dict.fromkeys(DEMO_WAVES, PER_WAVE)


def test_the_headline_figures_match_the_strategy(responses: pd.DataFrame) -> None:
    fear = _pooled(responses, "fear_affects_life").loc["all"]
    assert fear["ci_low"] <= 0.19 <= fear["ci_high"]  # nearly one in five
    assert 0.15 < fear["estimate"] < 0.21
    risen = _pooled(responses, "crime_increased").loc["all"]
    assert risen["ci_low"] <= 0.40 <= risen["ci_high"]  # two in five
    worry = _pooled(responses, "worry_knife_crime").loc["all"]
    concerns = [
        _pooled(responses, q).loc["all", "estimate"]
        for q in ("fear_affects_life", "crime_increased")
    ]
    assert worry["estimate"] > max(concerns)  # knife crime the top worry


@pytest.mark.parametrize(
    ("by", "higher", "lower"),
    [("parent_dependent_children", "yes", "no"), ("tenure", "social_rent", "owner")],
)
def test_fear_is_higher_among_parents_and_social_renters(
    responses: pd.DataFrame, by: str, higher: str, lower: str
) -> None:
    table = _pooled(responses, "fear_affects_life", by)
    assert table.loc[higher, "ci_low"] > table.loc[lower, "ci_high"]


def test_fear_is_higher_in_the_south(responses: pd.DataFrame) -> None:
    frame = responses.assign(
        area=responses["area"].map(lambda a: "south" if a in SOUTH else "north")
    )
    table = _pooled(frame, "fear_affects_life", "area")
    assert table.loc["south", "estimate"] > table.loc["north", "estimate"] + 0.04


def test_trust_in_the_police_falls_across_the_waves(responses: pd.DataFrame) -> None:
    trends = question_trends(responses, list(QUESTIONS)).set_index("question")
    police = trends.loc["confidence_police"]
    assert police["slope_high"] < 0 and police["p_trend"] < 0.001
    assert police["change_first"] < -0.05
