"""The measures file: the bundled one loads; every bad field is named with file and measure."""

from __future__ import annotations

import pytest

from upstream.account.outcomes.definitions import MeasureError, load_measures, parse_measures

GOOD = """
[[measure]]
id = "knife_u25"
name = "Knife"
source = "partnership_incidents"
unit = "count"
direction = "lower"
baseline = { start = "2022-08", end = "2023-07" }
[measure.filter]
victim_max_age = 24
"""


def test_bundled_measures_are_the_strategys():
    measures = {m.id: m for m in load_measures()}
    assert {
        "knife_injury_u25",
        "knife_injury_u18",
        "repeat_victimisation_young",
        "reached_in_time",
        "offer_acceptance",
        "ete_participation",
        "stop_search_disparity",
    } <= set(measures)
    u18 = measures["knife_injury_u18"]
    assert u18.filter == {
        "knife_injury": True,
        "exclude_domestic_abuse": True,
        "victim_max_age": 17,
        "offences": None,
    }
    assert u18.baseline == ("2022-08", "2023-07") and u18.window == 12
    assert measures["reached_in_time"].spec.audience == "signed_in"
    assert measures["stop_search_disparity"].spec.audience == "public"


def test_defaults():
    (m,) = parse_measures(GOOD, "m.toml")
    assert (m.window, m.interval, m.target) == (12, "exact", None)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('unit = "count"', 'unit = "counts"', "measure 1 (knife_u25): unit: 'counts' is not one"),
        ('unit = "count"', 'unit = "proportion"', "unit: source 'partnership_incidents' gives a"),
        ('direction = "lower"', 'direction = "down"', "direction: 'down' is not one of"),
        ('source = "partnership_incidents"', 'source = "nope"', "source: 'nope' is not one of"),
        ('end = "2023-07"', 'end = "2023-13"', "baseline.end: '2023-13' is not a YYYY-MM"),
        ('start = "2022-08"', 'start = "2024-08"', "baseline: start 2024-08 is after its end"),
        ("victim_max_age = 24", "victim_max_age = -1", "filter.victim_max_age: must be a whole"),
        ("victim_max_age = 24", "victim_age = 24", "filter.victim_age: not a setting of source"),
        ('id = "knife_u25"', 'id = "Knife U25"', "measure 1: id: 'Knife U25' must be lower-case"),
        ('name = "Knife"\n', "", "measure 1 (knife_u25): name: missing"),
        ('unit = "count"', 'unit = "count"\nwindow = 0', "window: must be a whole number"),
        ('unit = "count"', 'unit = "count"\ncolour = "red"', "colour: unknown field"),
        ('unit = "count"', 'unit = "count"\ntarget = "low"', "target: must be a number"),
    ],
)
def test_bad_fields_are_named(old, new, message):
    assert old in GOOD
    with pytest.raises(MeasureError) as info:
        parse_measures(GOOD.replace(old, new), "m.toml")
    text = str(info.value)
    assert text.startswith("m.toml: ") and message in text and "\n" not in text


def test_a_share_target_above_one_is_refused():
    toml = GOOD.replace('source = "partnership_incidents"', 'source = "repeat_victims"')
    toml = toml.replace('unit = "count"', 'unit = "proportion"\ntarget = 1.5')
    with pytest.raises(MeasureError, match="target: a share is from 0 to 1"):
        parse_measures(toml, "m.toml")


def test_duplicate_ids_and_broken_toml():
    with pytest.raises(MeasureError, match=r"m.toml: measure 2 \(knife_u25\): id: used twice"):
        parse_measures(GOOD + GOOD, "m.toml")
    with pytest.raises(MeasureError, match=r"m\.toml: not valid TOML"):
        parse_measures("[[measure]\nid=", "m.toml")
    with pytest.raises(MeasureError, match="no \\[\\[measure\\]\\] tables"):
        parse_measures("", "m.toml")


def test_quarterly_sources_take_quarters():
    toml = """
[[measure]]
id = "ete"
name = "ETE"
source = "returns_ete"
unit = "proportion"
direction = "higher"
baseline = { start = "2024Q1", end = "2024-06" }
"""
    with pytest.raises(MeasureError, match=r"baseline\.end: '2024-06' is not a YYYYQn"):
        parse_measures(toml, "m.toml")
    (m,) = parse_measures(toml.replace("2024-06", "2024Q4"), "m.toml")
    assert m.window == 4 and m.frequency == "quarter"


def test_missing_file(tmp_path):
    with pytest.raises(MeasureError, match="measures file not found"):
        load_measures(tmp_path / "none.toml")
