"""The synthetic borough: calibration targets, labelling, geography, determinism, timestamps."""

from __future__ import annotations

import re
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from upstream.area import CalendarError, bank_holidays, to_bng
from upstream.synth import (
    SyntheticBorough,
    calibration_report,
    default_calendar,
    generate,
    write,
)

SEEDS = (1, 2, 3)
PSEUDONYM = re.compile(r"^P-[0-9A-F]{8}$")
ALLOWED = {
    "source": {"police", "a_and_e", "ambulance", "council"},
    "offence": {"Violence and sexual offences", "Robbery", "Possession of weapons"},
    "location_type": {"street", "school", "transport", "park", "shop", "residential", "other"},
    "weapon": {"knife_or_sharp", "firearm", "blunt", "other", "none", "unknown"},
    "injury": {"none", "minor", "serious", "fatal", "unknown"},
    "role": {"victim", "suspect", "witness"},
    "sex": {"male", "female", "other", "unknown"},
    "ethnicity_self_defined": {"Asian", "Black", "Mixed", "White", "Other", "not stated", ""},
    "ethnicity_officer_defined": {"Asian", "Black", "Mixed", "White", "Other", "not stated", ""},
    "weapon_or_means": {"knife_or_sharp", "firearm", "blunt", "body_part", "other", "unknown"},
    "relationship_to_assailant": {
        "stranger", "acquaintance", "partner_or_ex", "family", "other", "unknown",
    },
}  # fmt: skip


@pytest.fixture(scope="module")
def boroughs() -> dict[int, SyntheticBorough]:
    out = {}
    for seed in SEEDS:
        started = time.perf_counter()
        out[seed] = generate(seed)
        assert time.perf_counter() - started < 30.0
    return out


@pytest.fixture(scope="module")
def reports(boroughs) -> dict[int, dict]:
    return {seed: calibration_report(b) for seed, b in boroughs.items()}


@pytest.fixture(scope="module")
def written(boroughs, tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("synth") / "seed1"


@pytest.fixture(scope="module")
def files(boroughs, written) -> list[Path]:
    return write(boroughs[1], written)


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


# --- calibration targets ----------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_headline_counts_are_exact(reports, seed):
    headline = reports[seed]["headline"]
    assert headline["2022-08"] == {"under_25": 40, "under_18": 11}
    assert headline["2023-08"] == {"under_25": 52, "under_18": 30}


@pytest.mark.parametrize("seed", SEEDS)
def test_knife_victims_mostly_male_and_disproportionately_black(reports, seed):
    knife = reports[seed]["knife_victims"]
    assert 0.85 <= knife["male_share_under_25"] <= 0.95
    assert knife["under_18_black_share"] > 0.5
    assert knife["black_disproportionality"] > 2.0


@pytest.mark.parametrize("seed", SEEDS)
def test_under_18_timing_follows_the_school_day(reports, seed):
    timing = reports[seed]["under_18_timing"]
    assert timing["incidents"] > 1000
    assert timing["after_school_ratio"] >= 2.0
    assert timing["school_day_ratio"] > 1.2


@pytest.mark.parametrize("seed", SEEDS)
def test_under_18_incidents_concentrate_near_schools_and_town_centres(reports, seed):
    places = reports[seed]["under_18_places"]
    assert places["area_share"] < 0.4
    assert places["incident_share"] > 2.0 * places["area_share"]


@pytest.mark.parametrize("seed", SEEDS)
def test_knife_injuries_repeat_near_in_space_and_time(reports, seed):
    assert reports[seed]["near_repeat"]["knox_ratio_14d_400m"] > 1.2


@pytest.mark.parametrize("seed", SEEDS)
def test_co_offending_groups(reports, seed):
    sizes = reports[seed]["co_offending"]["group_sizes"]
    assert 4 <= len(sizes) <= 6
    assert all(5 <= s <= 12 for s in sizes)


@pytest.mark.parametrize("seed", SEEDS)
def test_background_is_realistic(reports, seed):
    volumes = reports[seed]["volumes"]
    assert 3000 <= volumes["incidents_per_year"] <= 5000
    assert 0.25 <= volumes["domestic_share_of_violence"] <= 0.45
    assert volumes["domestic_victim_female_share"] > 0.65
    assert volumes["domestic_residential_share"] > 0.75
    assert volumes["robbery_victim_median_age"] < 30
    assert volumes["possession_incidents_with_victims"] == 0
    assert 0.5 < volumes["exact_time_share"] < 0.95
    ae = reports[seed]["a_and_e"]
    assert ae["attendances_per_year"] > 500
    assert 0.15 < ae["not_matched_to_police_share"] < 0.6


# --- labelling, pseudonyms, values --------------------------------------------------------


def test_every_file_and_row_is_labelled_synthetic(files):
    data = [p for p in files if p.suffix == ".csv"]
    assert len(data) == 15  # 5 periods x 3 tables
    assert all("synthetic" in p.name for p in data)
    for path in data:
        frame = _read(path)
        assert len(frame) > 0
        assert set(frame["synthetic"]) == {"true"}
    notice = files[-1].read_text(encoding="utf-8")
    assert files[-1].name == "SYNTHETIC.txt" and "SYNTHETIC DATA" in notice


def test_period_file_names(files):
    names = {p.name for p in files}
    assert "incidents_synthetic_2021-09_2021-12.csv" in names
    assert "involvements_synthetic_2023.csv" in names
    assert "a_and_e_synthetic_2025-01_2025-08.csv" in names


@pytest.mark.parametrize("seed", SEEDS)
def test_person_refs_are_pseudonyms(boroughs, seed):
    refs = boroughs[seed].involvements["person_ref"]
    assert refs.map(lambda r: bool(PSEUDONYM.match(r))).all()
    assert not refs.str.contains(r"\s").any()


@pytest.mark.parametrize("seed", SEEDS)
def test_values_are_in_the_schema(boroughs, seed):
    b = boroughs[seed]
    for frame in (b.incidents, b.involvements, b.a_and_e):
        for column, allowed in ALLOWED.items():
            if column in frame:
                assert set(frame[column].dropna()) <= allowed, column
    assert b.incidents["incident_id"].is_unique
    assert b.involvements["incident_id"].isin(b.incidents["incident_id"]).all()
    assert b.a_and_e["attendance_id"].is_unique
    ages = b.involvements["age"].dropna()
    assert ages.between(0, 120).all()


# --- geography ----------------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_points_inside_the_real_boundary(boroughs, seed):
    b = boroughs[seed]
    for frame in (b.incidents, b.a_and_e.dropna(subset=["easting"])):
        x = frame["easting"].to_numpy("float64")
        y = frame["northing"].to_numpy("float64")
        assert b.places.inside(x, y).all()
        assert (x % 10 == 0).all() and (y % 10 == 0).all()
        bx, by = to_bng(
            frame["longitude"].to_numpy("float64"), frame["latitude"].to_numpy("float64")
        )
        assert np.abs(bx - x).max() < 1.0 and np.abs(by - y).max() < 1.0


# --- determinism --------------------------------------------------------------------------


def test_same_seed_gives_identical_bytes(boroughs, files, tmp_path):
    again = write(generate(1), tmp_path / "again")
    assert [p.name for p in again] == [p.name for p in files]
    for a, b in zip(files, again, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_different_seed_gives_different_data(boroughs, files, tmp_path):
    other = write(boroughs[2], tmp_path / "other")
    assert files[0].read_bytes() != other[0].read_bytes()


# --- timestamps ---------------------------------------------------------------------------


def _instants(text: pd.Series) -> pd.Series:
    return pd.to_datetime(text, format="%Y-%m-%dT%H:%M:%S%z", utc=True)


def test_timestamps_are_ordered_and_carry_the_right_offset(files):
    for path in (p for p in files if p.name.startswith("incidents_")):
        frame = _read(path)
        start, end, reported = (
            _instants(frame[c]) for c in ("occurred_from", "occurred_to", "reported_at")
        )
        assert (start <= end).all() and (end < reported).all()
        local = start.dt.tz_convert("Europe/London")
        offsets = local.dt.strftime("%z").str[:3] + ":" + local.dt.strftime("%z").str[3:]
        assert (frame["occurred_from"].str[-6:] == offsets).all()
    incidents = _read(next(p for p in files if p.name == "incidents_synthetic_2023.csv"))
    january = incidents["occurred_from"].str.startswith("2023-01-15")
    july = incidents["occurred_from"].str.startswith("2023-07-15")
    assert incidents.loc[january, "occurred_from"].str.endswith("+00:00").all()
    assert incidents.loc[july, "occurred_from"].str.endswith("+01:00").all()


def test_hospital_attendance_after_the_assault(files):
    for path in (p for p in files if p.name.startswith("a_and_e_")):
        frame = _read(path)
        attended = _instants(frame["attended_at"]).dt.tz_convert("Europe/London")
        local = attended.dt.tz_localize(None)
        time_ = frame["assault_time"].where(frame["assault_time"] != "", "00:00")
        assault = pd.to_datetime(frame["assault_date"] + " " + time_)
        assert (assault < local + pd.Timedelta(hours=1)).all()  # +1h: clock-change nights
        assert (pd.to_datetime(frame["assault_date"]) <= local.dt.normalize()).all()


# --- school calendar ----------------------------------------------------------------------


def test_calendar_bank_holidays_and_weekends():
    cal = default_calendar()
    assert date(2023, 5, 8) in bank_holidays(date(2023, 1, 1), date(2023, 12, 31))
    days = [date(2023, 5, 8), date(2023, 5, 9), date(2023, 5, 13), date(2023, 5, 30)]
    assert cal.is_school_day(days).tolist() == [False, True, False, False]
    assert not cal.is_school_day([date(2023, 12, 25), date(2023, 8, 1)]).any()
    aware = pd.Series(pd.to_datetime(["2023-05-08T10:00+01:00", "2023-05-09T23:30+01:00"]))
    assert cal.is_school_day(aware).tolist() == [False, True]
    assert cal.after_school_window == (15 * 60 + 15, 17 * 60 + 15)


def test_calendar_refuses_dates_it_does_not_cover():
    with pytest.raises(CalendarError):
        default_calendar().day_table(date(2019, 1, 1), date(2019, 2, 1))
    with pytest.raises(CalendarError):
        generate(1, months=12, end="2019-12")
