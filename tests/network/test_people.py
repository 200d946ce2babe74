"""The person frame: validation naming line and field, offences with harm weights."""

from __future__ import annotations

from datetime import date

import pytest

from tests.network.helpers import frame, person
from upstream.definitions import load_definitions
from upstream.network import NetworkInputError
from upstream.network.people import age_band, ages, offences_long, validate_people


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"age": "twelve"}, "line 3, age"),
        ({"age": "130"}, "line 3, age"),
        ({"sex": "male"}, "line 3, sex"),
        ({"ethnic_group": "Purple"}, "line 3, ethnic_group"),
        ({"harmed_dates": "2025-13-01"}, "line 3, harmed_dates"),
        ({"offences": "2025-01-01|Robbery"}, "line 3, offences"),
        ({"id": "P1"}, "line 3, id"),  # the same person twice
    ],
)
def test_bad_people_are_named_by_line_and_field(change: dict[str, str], where: str) -> None:
    with pytest.raises(NetworkInputError, match=f"^{where}:"):
        validate_people(frame([person("P1"), person("P2") | change]))


def test_offences_carry_harm_weights_and_the_serious_violence_definition() -> None:
    people = validate_people(frame([
        person("P1", offences="2025-01-02|Robbery|INC-1; 2025-02-03|Drugs|INC-2"),
        person("P2", age=15, eth="", sex=""),
    ]))  # fmt: skip
    off = offences_long(people, load_definitions())
    assert off.to_dict("records") == [
        {"person": "P1", "date": date(2025, 1, 2), "crime_type": "Robbery",
         "evidence_id": "INC-1", "harm": 100.0, "serious_violence": True},
        {"person": "P1", "date": date(2025, 2, 3), "crime_type": "Drugs",
         "evidence_id": "INC-2", "harm": 8.0, "serious_violence": False},
    ]  # fmt: skip
    assert list(people["ethnic_group"]) == ["White", "not stated"]
    assert list(people["sex"]) == ["M", "not known"]
    assert list(age_band(ages(people))) == ["18-24", "10-17"]
