"""The one place for the time zone, months, vocabularies and the knife-injury definition."""

from __future__ import annotations

import pandas as pd
import pytest

from upstream import vocab
from upstream.ingest.incidents import parse_timestamps
from upstream.synth.timing import localise as synth_localise


def test_months() -> None:
    assert vocab.is_month("2024-02") and not vocab.is_month("2024-13")
    assert not vocab.is_month("2024-2") and not vocab.is_month(202402)
    assert vocab.month_index("2024-01") - vocab.month_index("2023-12") == 1
    assert vocab.month_label(vocab.month_index("0999-12")) == "0999-12"
    with pytest.raises(ValueError, match="YYYY-MM"):
        vocab.month_index("2024-00")
    stamps = pd.Series(pd.to_datetime(["2024-03-31T23:30Z", "2024-10-31T23:30Z"]))
    assert vocab.local_month(stamps).tolist() == ["2024-04", "2024-10"]  # BST, then GMT


def test_local_wall_clock_times_one_rule_for_ingest_and_synthetic_data() -> None:
    naive = pd.Series(pd.to_datetime(["2023-10-29 01:30", "2023-03-26 01:30", "2023-07-01 12:00"]))
    utc = vocab.localise(naive).dt.tz_convert("UTC").dt.strftime("%Y-%m-%dT%H:%M").tolist()
    # the repeated autumn hour: its first (BST) instant; the skipped spring hour: moved on
    assert utc == ["2023-10-29T00:30", "2023-03-26T01:30", "2023-07-01T11:00"]
    read = parse_timestamps(pd.Series(["2023-10-29T01:30", "2023-03-26T01:30", "2023-07-01 12:00"]))
    assert read.dt.strftime("%Y-%m-%dT%H:%M").tolist() == utc
    made = synth_localise(naive.to_numpy()).tz_convert("UTC").strftime("%Y-%m-%dT%H:%M")
    assert list(made) == utc


def test_the_knife_injury_definition() -> None:
    weapon = pd.Series(["knife_or_sharp"] * 5 + ["blunt", None])
    injury = pd.Series(["none", "minor", "serious", "fatal", "unknown", "serious", "fatal"])
    assert vocab.is_knife_injury(weapon, injury).tolist() == [
        False, True, True, True, False, False, False,
    ]  # fmt: skip
    assert set(vocab.INJURED) < set(vocab.INJURIES) and vocab.KNIFE in vocab.WEAPONS


def test_identity_fields_are_recognised_whatever_their_spelling() -> None:
    for name in ("name", "First_Name", "surname", "DOB", "date_of_birth", "home_address",
                 "postcode", "phone", "nhs_number", "pnc_id", "upn"):  # fmt: skip
        assert vocab.IDENTIFYING_COLUMNS.search(name), name
    for name in ("person_ref", "incident_id", "weapon", "location_type", "age"):
        assert not vocab.IDENTIFYING_COLUMNS.search(name), name
