"""Local definitions: bundled defaults, user overrides and refusals."""

from __future__ import annotations

import pandas as pd
import pytest

from upstream.definitions import POLICE_UK_CRIME_TYPES, DefinitionsError, load_definitions


def test_bundled_defaults():
    d = load_definitions()
    assert d.serious_violence == (
        "Violence and sexual offences",
        "Robbery",
        "Possession of weapons",
    )
    assert set(d.harm_weights) == set(POLICE_UK_CRIME_TYPES)
    assert d.harm_weights["Robbery"] > d.harm_weights["Burglary"] > d.harm_weights["Shoplifting"]
    assert "not published values" in d.harm_source


def test_override_merges_key_by_key(tmp_path):
    path = tmp_path / "ours.toml"
    path.write_text('[harm.weights]\n"Robbery" = 120.0\n')
    d = load_definitions(path)
    assert d.harm_weights["Robbery"] == 120.0
    assert d.harm_weights["Burglary"] == load_definitions().harm_weights["Burglary"]
    assert d.serious_violence == load_definitions().serious_violence
    weights = d.harm_weight(pd.Series(["Robbery", "Drugs", "Unknown type"]))
    assert weights.tolist() == [120.0, d.harm_weights["Drugs"], d.harm_default]


def test_override_of_serious_violence(tmp_path):
    path = tmp_path / "ours.toml"
    path.write_text('[serious_violence]\ncrime_types = ["Robbery"]\n')
    d = load_definitions(path)
    assert d.is_serious_violence(pd.Series(["Robbery", "Drugs"])).tolist() == [True, False]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[serious_violence]\ncrime_types = ["Knife crime"]\n', "unknown police.uk crime type"),
        ('[harm.weights]\n"Robbery" = -1\n', "must not be negative"),
        ("[harm\n", "not valid TOML"),
    ],
)
def test_bad_overrides_are_refused_naming_the_file(tmp_path, text, message):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(DefinitionsError, match=message) as info:
        load_definitions(path)
    assert str(path) in str(info.value)


def test_missing_override_file(tmp_path):
    with pytest.raises(DefinitionsError, match="not found"):
        load_definitions(tmp_path / "none.toml")
