"""Event-store sources on real stores: a hand-made extract worked out by hand, and the
synthetic borough's planted headline (40 -> 52 and 11 -> 30)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from upstream.account.outcomes import SOURCES, compute_measure, load_measures
from upstream.account.outcomes.compute import dispersion, evaluate_series
from upstream.account.outcomes.context import OutcomeContext
from upstream.account.outcomes.definitions import parse_measures
from upstream.account.outcomes.sources import SourceResult
from upstream.config import Settings

SMALL_TOML = """
[[measure]]
id = "knife_u25"
name = "knife u25"
source = "partnership_incidents"
unit = "count"
direction = "lower"
baseline = { start = "2023-01", end = "2023-03" }
window = 3
[measure.filter]
knife_injury = true
exclude_domestic_abuse = true
victim_max_age = 24

[[measure]]
id = "knife_u18"
name = "knife u18"
source = "partnership_incidents"
unit = "count"
direction = "lower"
baseline = { start = "2023-01", end = "2023-03" }
window = 3
[measure.filter]
knife_injury = true
exclude_domestic_abuse = true
victim_max_age = 17

[[measure]]
id = "repeat"
name = "repeat"
source = "repeat_victims"
unit = "proportion"
direction = "lower"
baseline = { periods = 2 }
window = 2
[measure.filter]
victim_max_age = 24
lookback_months = 2
"""


def _series(settings: Settings, end: str | None = None) -> dict[str, pd.DataFrame]:
    context = OutcomeContext(settings)
    out = {}
    for m in parse_measures(SMALL_TOML, "small.toml"):
        result = compute_measure(context, m, end)
        assert result.available, result.reading
        out[m.id] = result.table.set_index("period")
    return out


def test_knife_injury_counts_by_local_month_worked_by_hand(small_extract_settings):
    series = _series(small_extract_settings)
    # Jan: A1. Feb: A2, A3. Mar: A4 is 30, A9 is domestic abuse, A11 is 1 April in London.
    # Apr: A11, A5, A6. May: A10 has no knife. Jun: A7, A8.
    assert series["knife_u25"]["numerator"].to_dict() == {
        "2023-01": 1, "2023-02": 2, "2023-03": 0, "2023-04": 3, "2023-05": 0, "2023-06": 2,
    }  # fmt: skip
    assert series["knife_u18"]["numerator"].tolist() == [1, 1, 0, 1, 0, 2]


def test_repeat_victims_worked_by_hand(small_extract_settings):
    repeat = _series(small_extract_settings)["repeat"]
    # Look-back 2 months: months before 2023-03 have an incomplete history and are left out.
    # Mar: P5 (P3 is 30). Apr: P7, P2 (victim in Feb), P4. May: P6. Jun: P4 (Apr), P1 (Feb is
    # more than 2 months back).
    assert repeat.index.tolist() == ["2023-03", "2023-04", "2023-05", "2023-06"]
    assert repeat["denominator"].tolist() == [1, 3, 1, 2]
    assert repeat["numerator"].tolist() == [0, 1, 0, 1]
    assert repeat.loc["2023-04", "value"] == pytest.approx(1 / 3)


def test_end_cuts_the_series(small_extract_settings):
    series = _series(small_extract_settings, end="2023-05")
    assert series["knife_u25"].index[-1] == "2023-05"


def test_without_police_uk_data_the_open_measures_say_why(small_extract_settings):
    context = OutcomeContext(small_extract_settings)
    weapons = next(m for m in load_measures() if m.id == "police_uk_weapons")
    result = compute_measure(context, weapons)
    assert not result.available
    assert "no police.uk street-level crime is loaded" in result.reading


def _headline(demo_settings: Settings, ident: str, end: str):
    measure = next(m for m in load_measures() if m.id == ident)
    return compute_measure(OutcomeContext(demo_settings), measure, end)


@pytest.mark.parametrize(
    ("ident", "old", "new"), [("knife_injury_u25", 40, 52), ("knife_injury_u18", 11, 30)]
)
def test_the_strategy_headline_from_the_synthetic_partnership_data(demo_settings, ident, old, new):
    result = _headline(demo_settings, ident, "2024-07")
    c = result.comparison
    assert result.synthetic
    assert c is not None and c.counts == (old, new)
    assert result.baseline == ("2022-08", "2023-07") and result.latest == ("2023-08", "2024-07")
    # The exact interval for the rate ratio, from scipy's Clopper-Pearson interval for the
    # binomial share new / (old + new) (R: poisson.test(c(new, old))).
    ci = stats.binomtest(new, old + new).proportion_ci(confidence_level=0.95, method="exact")
    assert c.effect == pytest.approx(new / old)
    assert c.lower == pytest.approx(ci.low / (1 - ci.low), rel=1e-6)
    assert c.upper == pytest.approx(ci.high / (1 - ci.high), rel=1e-6)
    assert f"{new} in 2023-08 to 2024-07" in result.reading
    assert f"against {old} in the baseline 2022-08 to 2023-07" in result.reading


def test_headline_verdicts(demo_settings):
    u25 = _headline(demo_settings, "knife_injury_u25", "2024-07")
    u18 = _headline(demo_settings, "knife_injury_u18", "2024-07")
    assert u25.verdict == "not distinguishable from chance"  # 1.30 (0.84 to 2.01)
    assert u18.verdict == "worse than baseline"  # 2.73 (1.33 to 6.03)


def test_police_uk_series_counts_what_the_store_holds(demo_settings, street_rows):
    measure = next(m for m in load_measures() if m.id == "police_uk_weapons")
    result = compute_measure(OutcomeContext(demo_settings), measure)
    table = result.table.set_index("period")
    raw = street_rows[street_rows["crime_type"] == "Possession of weapons"]
    by_month = raw.groupby("month").size()
    # Every bundled row lies in the borough, so the counts match the published file's.
    assert table["numerator"].to_dict() == by_month.to_dict()
    assert not result.synthetic and result.audience == "public"


def test_stop_search_disparity_per_month(demo_settings, stop_search_rows):
    measure = next(m for m in load_measures() if m.id == "stop_search_disparity")
    result = compute_measure(OutcomeContext(demo_settings), measure)
    table = result.table.set_index("period")
    rows = stop_search_rows[stop_search_rows["month"] == "2023-06"]
    black = int((rows["officer_defined_ethnicity"] == "Black").sum())
    white = int((rows["officer_defined_ethnicity"] == "White").sum())
    assert (table.loc["2023-06", "numerator"], table.loc["2023-06", "denominator"]) == (
        black,
        white,
    )
    # the ratio of rates per resident: Black 15% and White 53% of residents (assumed shares)
    assert table.loc["2023-06", "value"] == pytest.approx(black / 0.15 / (white / 0.53))
    assert any("ASSUMED" in note for note in result.notes)


def test_returns_source_is_quarterly_and_wired():
    assert SOURCES["returns_ete"].function is not None  # test_returns_hook runs it on returns
    assert SOURCES["returns_ete"].frequency == "quarter"


@pytest.mark.parametrize(
    ("counts", "flagged"), [([3, 4, 3, 2, 4, 3, 3, 4], False), ([0, 9, 1, 12, 0, 8, 2, 10], True)]
)
def test_overdispersed_baselines_are_flagged_for_exact_intervals(counts, flagged):
    months = [f"2023-{i:02d}" for i in range(1, 9)]
    source = SourceResult(pd.DataFrame({"period": months, "numerator": counts, "denominator": 1.0}))
    base = counts[:6]
    mean = sum(base) / 6
    by_hand = sum((c - mean) ** 2 for c in base) / 5 / mean  # variance (n - 1) over mean
    assert dispersion(pd.Series(base)) == pytest.approx(by_hand)
    assert np.isnan(dispersion(pd.Series(base[:5])))  # too few months to tell
    (measure,) = parse_measures(SMALL_TOML.split("\n\n[[measure]]")[0], "m.toml")
    measure = replace(measure, baseline=("2023-01", "2023-06"), window=2)
    notes = evaluate_series(measure, source).notes
    assert any("over-dispersion" in n for n in notes) is flagged
    boot = replace(measure, interval="bootstrap")
    assert not any("over-dispersion" in n for n in evaluate_series(boot, source).notes)
