"""Unit costs and the deflator: the shipped files, uprating, and files that are wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from upstream.account.vfm import VfmError, load_deflator, load_unit_costs


def test_the_shipped_unit_costs_cite_their_table_and_price_year() -> None:
    costs = load_unit_costs()
    assert costs.price_year == "2015-16"
    assert costs.source["year"] == 2018
    assert "Table 1" in costs.source["table"]
    assert "Research Report 99" in costs.source["citation"]
    assert costs.get("violence_with_injury").pounds == 14050
    assert costs.get("homicide").pounds == 3217740
    with pytest.raises(VfmError, match="no unit cost 'knife'; known: arson, "):
        costs.get("knife")


def test_uprating_is_the_ratio_of_the_deflator(tmp_path: Path) -> None:
    path = tmp_path / "deflator.toml"
    path.write_text('[source]\nrelease = "test"\n[index]\n"2015-16" = 80.0\n"2024-25" = 108.0\n')
    series = load_deflator(path)
    assert series.latest == "2024-25"
    assert series.factor("2015-16", "2024-25") == pytest.approx(1.35)
    assert not series.approximate
    with pytest.raises(VfmError, match="no deflator for '2030-31'; the series covers 2015-16 to"):
        series.factor("2015-16", "2030-31")
    assert load_deflator().approximate  # the shipped series says it is approximate


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[index]\n"2015-16" = -1\n', r"\[index\] 2015-16: must be more than 0"),
        ('[index]\n"2015-17" = 90\n', r"\[index\] 2015-17: '2015-17' is not a financial year"),
        ('[index]\n"2015-16" = "ninety"\n', r"\[index\] 2015-16: must be a number"),
        ("[index\n", "not valid TOML"),
        ("[source]\n", r"\[index\]: no deflator values given"),
    ],
)
def test_a_bad_deflator_file_is_named(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "d.toml"
    path.write_text(text)
    with pytest.raises(VfmError, match=f"d.toml: {message}"):
        load_deflator(path)


def test_a_bad_unit_costs_file_names_key_and_field(tmp_path: Path) -> None:
    path = tmp_path / "u.toml"
    path.write_text(
        '[source]\ncitation = "x"\nprice_year = "2015-16"\n'
        '[costs.robbery]\nname = "Robbery"\npounds = 0\n'
    )
    with pytest.raises(VfmError, match=r"u.toml: \[costs.robbery\] pounds: must be more than 0"):
        load_unit_costs(path)
    path.write_text("[costs.robbery]\npounds = 10\n")
    with pytest.raises(VfmError, match=r"u.toml: \[source\]: needs citation and price_year"):
        load_unit_costs(path)
