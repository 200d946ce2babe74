"""The profile's numbers as a reader sees them: p-values, signed changes, per-section data
periods, the data-quality guide and age bands drawn as rates (issue 12, part 5)."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

import duckdb
import pandas as pd
import pytest

from upstream.analysis.quality import SourceQuality, quality_reading
from upstream.analysis.trends import compare_periods, ratio_reading
from upstream.config import Settings
from upstream.formatting import data_age
from upstream.report.headline import comparison_row
from upstream.report.model import Figure, Profile, Section, Table, Text
from upstream.report.people import AGE_LABELS, age_band_rates
from upstream.report.periods import source_period
from upstream.report.profile import build_profile, render_html


def _monthly(old: int, new: int) -> pd.Series:
    """24 months to 2025-08: ``old`` crimes in the first 12, ``new`` in the last 12."""
    months = [str(m) for m in pd.period_range("2023-09", "2025-08", freq="M")]
    per = [old // 12 + (i < old % 12) for i in range(12)] + [
        new // 12 + (i < new % 12) for i in range(12)
    ]
    return pd.Series(per, index=months)


def test_a_change_that_rounds_to_zero_has_no_sign() -> None:
    # Violence against the person in Waltham Forest, MPS: 6,208 then 6,198 (printed "-0%")
    cmp = compare_periods(_monthly(6208, 6198), "2025-08")
    assert cmp is not None
    row = comparison_row("Violence against the person", cmp)
    assert row[3] == "0%"
    assert row[5] == "0.936"  # exact conditional test, two-sided
    reading = ratio_reading(cmp, "crimes")
    assert "a fall of less than 1%" in reading and "-0%" not in reading


def test_a_tiny_p_value_is_written_as_below_one_in_a_thousand() -> None:
    # all London: 243,427 then 238,233 (printed "p 0.000")
    cmp = compare_periods(_monthly(243_427, 238_233), "2025-08")
    assert cmp is not None
    row = comparison_row("Violence against the person: all London", cmp)
    assert row[3] == "-2%"
    assert row[5] == "< 0.001"
    reading = ratio_reading(cmp, "crimes")
    assert "(exact test p < 0.001)" in reading
    assert not re.search(r"p = 0\.0+\b", reading)


def test_a_rise_keeps_its_plus_sign() -> None:
    cmp = compare_periods(_monthly(5576, 6274), "2025-08")
    assert cmp is not None
    assert comparison_row("Possession of weapons", cmp)[3] == "+13%"


def test_source_period_names_months_gaps_and_age() -> None:
    today = date(2026, 12, 1)
    months = [str(m) for m in pd.period_range("2016-04", "2017-12", freq="M")]
    assert source_period("police.uk street-level crime", months, today) == (
        "police.uk street-level crime, Apr 2016 – Dec 2017 (nine years old)"
    )
    holes = [m for m in months if m not in ("2016-06", "2016-07")]
    assert source_period("stop and search", holes, today) == (
        "stop and search, Apr 2016 – Dec 2017, 2 months missing (nine years old)"
    )


def test_age_bands_are_drawn_as_rates_per_resident() -> None:
    counts = pd.DataFrame(
        {"Victims: male": [0, 5, 6, 14, 20, 30, 15, 4]},
        index=AGE_LABELS,
    )
    census = pd.DataFrame(
        {
            "age_0_15": [1000, 600],  # two LSOAs: 1,600 aged 0-15
            "age_16_24": [500, 400],  # 900 aged 16-24
            "age_25_34": [1000, 1000],
            "age_35_49": [1500, 1500],
            "age_50_64": [750, 750],
            "age_65_plus": [500, 500],
            "total_usual_residents": [0, 0],  # not an age band: ignored
        }
    )
    rates, axis, what = age_band_rates(counts, census, years=2.0)
    # residents by hand: 0-9 1,000; 10-14 500; 15-17 100 + 200; 18-24 700; 25-34 2,000;
    # 35-49 3,000; 50-64 1,500; 65+ 1,000; rate = count / residents x 1,000 / 2 years
    expected = [0.0, 5.0, 10.0, 10.0, 5.0, 5.0, 5.0, 2.0]
    assert rates["Victims: male"].tolist() == pytest.approx(expected)
    assert axis == "Per 1,000 residents a year"
    assert "not counts" in what and "Census 2021" in what

    per_year, axis, what = age_band_rates(counts, None, years=2.0)
    # no population: people per year of age (0-9 is 10 years, 15-17 three, 65+ taken as 25)
    assert per_year["Victims: male"].tolist() == pytest.approx(
        [0.0, 1.0, 2.0, 2.0, 2.0, 2.0, 1.0, 4 / 25]
    )
    assert axis == "People per year of age" and "65+ is taken as 25 years" in what


def _all_sections(profile: Profile) -> dict[str, Section]:
    return {s.id: s for s in profile.sections}


def test_each_section_names_the_data_it_uses_and_their_age(bundled_settings: Settings) -> None:
    profile = build_profile(bundled_settings)
    today = date.today()
    street = f"police.uk street-level crime, Apr 2016 – Dec 2017 ({data_age('2017-12', today)})"
    partnership = (
        "partnership police incidents (SYNTHETIC), Sep 2021 – Aug 2025 "
        f"({data_age('2025-08', today)})"
    )
    london = f"MPS London borough counts, Jan 2016 – Aug 2025 ({data_age('2025-08', today)})"
    stop = (
        "police.uk stop and search, Jun 2016 – Feb 2024, 30 months missing "
        f"({data_age('2024-02', today)})"
    )
    sections = _all_sections(profile)
    assert sections["headline"].periods == [partnership, london, street]
    assert sections["rates"].periods == [street, london]
    assert sections["place"].periods == [street]  # police.uk street crime when loaded
    assert sections["deprivation"].periods == [street]
    assert sections["time"].periods == [partnership]
    assert sections["people"].periods == [partnership, stop]
    assert sections["forecast"].periods == [street]
    assert sections["quality"].periods[:3] == [street, stop, partnership]
    # the summary at the top warns that the two kinds of data are years apart
    assert any(
        "ends in Dec 2017, the partnership incidents in Aug 2025" in s for s in profile.summary
    )
    html = render_html(profile)
    assert html.count("data-periods") == len(profile.sections)
    assert "Data used:</strong> " + street in html


def _cells(profile: Profile) -> list[str]:
    return [
        cell
        for s in profile.sections
        for b in s.blocks
        if isinstance(b, Table)
        for row in b.rows
        for cell in row
    ]


@pytest.mark.parametrize("public", [False, True])
def test_no_p_of_zero_and_no_minus_zero_anywhere(bundled_settings: Settings, public: bool) -> None:
    profile = build_profile(bundled_settings, public=public)
    cells = _cells(profile)
    assert "< 0.001" in cells  # the all-London comparisons
    assert "0.000" not in cells
    assert not [c for c in cells if re.fullmatch(r"-0(\.0+)?%", c)]
    texts = [
        t
        for s in profile.sections
        for b in s.blocks
        for t in ([b.text] if isinstance(b, Text) else [b.reading] if isinstance(b, Figure) else [])
    ]
    assert not [t for t in texts if re.search(r"p = 0\.0+\b|-0%", t)]


def test_the_quality_section_explains_its_table_instead_of_repeating_it(
    bundled_settings: Settings,
) -> None:
    quality = _all_sections(build_profile(bundled_settings))["quality"]
    (table,) = [b for b in quality.blocks if isinstance(b, Table)]
    reading = next(b.text for b in quality.blocks if isinstance(b, Text) and b.kind == "reading")
    assert reading.startswith("How to read the table: ")
    # what the numbers mean, not the numbers again
    assert "police.uk stop and search has 30 months missing" in reading
    assert "no trend or 12-month comparison is drawn across a gap" in reading
    # A&E rows without a location are stored: none lost (the reading said "lost 29%")
    assert "No source lost 1% or more of its records at ingest" in reading
    for row in table.rows:
        assert row[5] not in reading  # no row count repeated
    assert [row[2] for row in table.rows][-1] == "Apr\u00a02016"  # a month on one line


def test_the_age_figure_draws_rates(bundled_settings: Settings) -> None:
    people = _all_sections(build_profile(bundled_settings))["people"]
    (figure,) = [b for b in people.blocks if isinstance(b, Figure) and b.id == "age-sex"]
    assert figure.figure.layout.yaxis.title.text == "Per 1,000 residents a year"
    assert "Bars are rates, not counts" in figure.caption
    assert "For its size, the band with the most victims is" in figure.reading


def _quality(profile: Profile) -> tuple[Table, str]:
    quality = _all_sections(profile)["quality"]
    (table,) = [b for b in quality.blocks if isinstance(b, Table)]
    reading = next(b.text for b in quality.blocks if isinstance(b, Text) and b.kind == "reading")
    return table, reading


@pytest.mark.parametrize("public", [False, True])
def test_the_quality_reading_says_what_happened_to_rows_without_a_place(
    bundled_settings: Settings, public: bool
) -> None:
    # hand count on the demo store: A&E rows, and those of them without a location
    files = str(bundled_settings.events_dir / "incidents_a_and_e_synthetic" / "*" / "*.parquet")
    con = duckdb.connect()
    total, no_place = con.execute(
        f"SELECT count(*), count(*) FILTER (WHERE x IS NULL) FROM read_parquet('{files}')"
    ).fetchone()
    con.close()
    assert 0 < no_place < total
    profile = build_profile(bundled_settings, public=public)
    table, reading = _quality(profile)
    (row,) = [r for r in table.rows if r[0] == "incidents (A&E) SYNTHETIC"]
    # the table's Rows hold the rows without a location; Unplaced is a part of them
    assert (row[5], row[7]) == (f"{total:,}", f"{no_place:,}")
    # ... and every one of them is counted in the summary's number of attendances
    assert any(
        f"{total:,} A&E (Cardiff Model) attendances are loaded" in s for s in profile.summary
    )
    assert (
        "incidents (A&E) SYNTHETIC: its rows without a location are stored (they are in Rows) "
        "and counted in the summary's number of A&E attendances" in reading
    )
    assert "no map, LSOA rate or other figure by place uses them" in reading
    # not lost, and not "used nowhere here"
    assert "A&E) SYNTHETIC lost" not in reading
    assert "Unplaced are records without a location: police.uk ones are not stored" in reading
    if public:
        assert "No police.uk source lost 1% or more" in reading


def test_police_uk_rows_without_a_place_are_lost_and_partnership_ones_are_not() -> None:
    street = SourceQuality("police_uk_street", False, 12, "2024-01", "2024-12", [], 900, 0, 100, 0)
    a_and_e = replace(street, source="incidents_a_and_e", unplaced_stored=True)
    labels = {"police_uk_street": "street", "incidents_a_and_e": "A&E"}
    assert (street.lost, a_and_e.lost) == (100, 0)
    reading = quality_reading([a_and_e, street], labels, used_in={"incidents_a_and_e": "X"})
    assert "street lost 10% of its records at ingest" in reading
    assert "A&E lost" not in reading
    assert "street: its rows without a location were counted at ingest and not stored" in reading
    assert "A&E: its rows without a location are stored (they are in Rows) and counted in X" in (
        reading
    )
    part = quality_reading([a_and_e], labels, used_in={"incidents_a_and_e": "X"}, whole_area=False)
    assert "profile is for part of the area, where they cannot be placed" in part
    assert "counted in X" not in part
