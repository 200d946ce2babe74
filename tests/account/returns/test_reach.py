"""Reach: intervals checked against hand computation, and the comparisons on explicit frames."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from upstream.account.returns.intervals import ratio_interval, share_interval
from upstream.account.returns.reach import (
    group_reach,
    participant_groups,
    place_reach,
    victim_groups,
)

Z = 1.959963984540054


def test_share_interval_is_the_wilson_score_interval() -> None:
    # 30 of 100: centre (0.3 + z^2/200) / (1 + z^2/100) = 0.307399,
    # half-width z * sqrt(0.3*0.7/100 + z^2/40000) / (1 + z^2/100) = 0.088450
    share, low, high = share_interval(30, 100)
    assert share == 0.3
    assert low == pytest.approx(0.218949, abs=2e-6)
    assert high == pytest.approx(0.395849, abs=2e-6)
    assert all(math.isnan(v) for v in share_interval(0, 0))


def test_ratio_interval_is_katz_log() -> None:
    # (30/100) / (20/100) = 1.5; se = sqrt(1/30 - 1/100 + 1/20 - 1/100) = 0.251661
    ratio, low, high = ratio_interval(30, 100, 20, 100)
    assert ratio == pytest.approx(1.5)
    assert low == pytest.approx(1.5 * math.exp(-Z * 0.251661), rel=1e-5)
    assert high == pytest.approx(1.5 * math.exp(Z * 0.251661), rel=1e-5)
    assert (low, high) == pytest.approx((0.91595, 2.45647), abs=5e-5)
    # a zero count: half added to both counts and totals, so the interval stays finite
    ratio0, low0, high0 = ratio_interval(0, 50, 10, 100)
    assert ratio0 == pytest.approx((0.5 / 50.5) / (10.5 / 100.5))
    assert 0 < low0 < ratio0 < high0 < math.inf


def _involvements() -> pd.DataFrame:
    rows = [
        ("victim", 9, "male", "Black", None),
        ("victim", 12, "male", None, "Black"),  # officer-defined when self-defined is missing
        ("victim", 16, "female", "White", "Black"),  # self-defined wins
        ("victim", 16, "male", "not stated", "Asian"),
        ("victim", 20, "male", "Mixed", None),
        ("victim", 30, "male", "White", None),  # 25 or over: not compared
        ("victim", None, "male", "White", None),  # age unknown: not compared
        ("suspect", 17, "male", "White", None),  # not a victim
    ]
    return pd.DataFrame(
        rows, columns=["role", "age", "sex", "ethnicity_self_defined", "ethnicity_officer_defined"]
    )


def test_victim_groups_counts_victims_under_25() -> None:
    groups = victim_groups(_involvements()).set_index(["dimension", "category"])["count"]
    assert groups["age"].to_dict() == {"0-9": 1, "10-14": 1, "15-17": 2, "18-24": 1}
    assert groups["sex"].to_dict() == {"male": 4, "female": 1, "other": 0}
    assert groups["ethnicity"].to_dict() == {
        "Asian": 1, "Black": 2, "Mixed": 1, "White": 1, "Other": 0,
    }  # fmt: skip


def test_group_reach_compares_shares_and_reads_the_interval() -> None:
    returns = pd.DataFrame(
        {
            "measure": ["participants_sex"] * 3 + ["participants_age"] * 2,
            "category": ["male", "female", "unknown", "15-17", "25+"],
            "value": [60, 140, 7, 150, 50],
        }
    )
    participants = participant_groups(returns)
    victims = pd.DataFrame(
        {
            "dimension": ["sex", "sex", "sex", "age", "age", "age", "age"],
            "category": ["male", "female", "other", "0-9", "10-14", "15-17", "18-24"],
            "count": [150, 50, 0, 0, 0, 100, 0],
        }
    )
    table = group_reach(participants, victims).set_index(["dimension", "category"])
    male = table.loc[("sex", "male")]
    # unknown left out: 60 of 200 participants, 150 of 200 victims
    assert male["participant_share"] == pytest.approx(0.3)
    assert male["victim_share"] == pytest.approx(0.75)
    assert male["ratio"] == pytest.approx(0.4)
    assert male["verdict"] == "under-reached"
    female = table.loc[("sex", "female")]
    assert female["ratio"] == pytest.approx(0.7 / 0.25)
    assert female["verdict"] == "reached beyond their share of victims"
    other = table.loc[("sex", "other")]
    assert math.isnan(other["ratio"])
    assert other["verdict"] == "no victims in this group to compare with"
    # 25+ is left out of the age comparison: every compared participant is 15-17
    assert table.loc[("age", "15-17"), "participant_share"] == pytest.approx(1.0)


def test_place_reach_takes_the_highest_harm_fifth_of_lsoas() -> None:
    codes = [f"E0100000{i}" for i in range(10)]
    population = pd.Series([1000.0] * 10, index=codes)
    # harm ties between 3, 5 and 7 are broken by code: the top two are 3 and 5
    harm = pd.Series({"E01000003": 10.0, "E01000005": 10.0, "E01000007": 10.0, "E01000001": 2.0})
    areas = pd.Series(
        {"E01000003": 30, "E01000005": 10, "E01000000": 60, "outside": 5, "E05000001": 3,
         "E01099999": 2, "unknown": 1}
    )  # fmt: skip
    result = place_reach(areas, harm, population)
    assert result.top_areas == ["E01000003", "E01000005"]
    assert result.harm_share == pytest.approx(20 / 32)
    assert result.population_share == pytest.approx(0.2)
    assert (result.participants_in_top, result.participants_placed) == (40, 100)
    _share, low, high = share_interval(40, 100)
    assert result.participant_share == pytest.approx(0.4)
    assert result.ratio == pytest.approx(2.0)
    assert (result.ratio_low, result.ratio_high) == pytest.approx((low / 0.2, high / 0.2))
    assert result.ratio_low > 1
    assert "more than their population" in result.verdict
    assert result.not_placed == {
        "outside": 5, "unknown": 1, "ward": 3, "LSOA not in the area's 2011 LSOAs": 2,
    }  # fmt: skip


def test_harm_by_lsoa_from_partnership_data_or_police_uk() -> None:
    from upstream.account.returns.reach_inputs import partnership_harm, street_harm
    from upstream.definitions import load_definitions

    incidents = pd.DataFrame(
        {
            "victim_u25": [True, True, False, True],
            "local_month": ["2024-01", "2024-02", "2024-01", "2019-05"],
            "lsoa_code": ["E01000001", "E01000001", "E01000002", "E01000003"],
        }
    )
    harm, label = partnership_harm(incidents, ["2024-01", "2024-02", "2024-03"], synthetic=True)
    assert harm.to_dict() == {"E01000001": 2.0}  # not under 25, or outside the quarters
    assert label.endswith("(SYNTHETIC), in the returns' quarters")
    harm, label = partnership_harm(incidents, ["2030-01"], synthetic=False)
    assert harm.to_dict() == {"E01000001": 2.0, "E01000003": 1.0}
    assert "over all months held" in label and "SYNTHETIC" not in label

    definitions = load_definitions()
    months = [f"2016-{m:02d}" for m in range(1, 13)] + ["2017-01"]
    street = pd.DataFrame(
        {
            "month": months,
            "crime_type": ["Robbery"] * 12 + ["Violence and sexual offences"],
            "lsoa_code": ["E01000009"] + ["E01000001"] * 11 + ["E01000002"],
        }
    )
    harm, label = street_harm(street, definitions)
    robbery = definitions.harm_weight(pd.Series(["Robbery"])).iloc[0]
    violence = definitions.harm_weight(pd.Series(["Violence and sexual offences"])).iloc[0]
    # the last 12 months are 2016-02 to 2017-01: the 2016-01 robbery is left out
    assert harm.to_dict() == pytest.approx({"E01000001": 11 * robbery, "E01000002": violence})
    assert label == "harm-weighted serious violence, police.uk, 2016-02 to 2017-01"
