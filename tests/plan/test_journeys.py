"""School journeys on the bundled area pack."""

from __future__ import annotations

import numpy as np
import pytest

from upstream.area import Area
from upstream.plan.journeys import school_journeys, secondary_schools


def test_every_school_has_a_journey_and_its_pupils_are_shared_among_them(area: Area) -> None:
    schools = secondary_schools(area)
    journeys = school_journeys(area)
    assert len(schools) >= 15
    assert set(journeys.lines["school"]) == set(schools["name"])
    per_school = journeys.lines.groupby("school")["weight"].sum()
    pupils = schools.set_index("name")["pupils"]
    assert np.allclose(per_school.reindex(pupils.index), pupils)
    points = journeys.points.groupby("school")["weight"].sum()
    assert np.allclose(points.reindex(pupils.index), pupils)
    within = journeys.lines[journeys.lines["length_m"] <= 2500]
    # beyond walking distance only when a school has no place within it (its nearest)
    far = journeys.lines[journeys.lines["length_m"] > 2500]
    assert far["school"].isin(within["school"]).sum() == 0


def test_points_lie_on_their_journey_every_step(area: Area) -> None:
    journeys = school_journeys(area, step_m=50)
    first = journeys.lines.iloc[0]
    points = journeys.points[journeys.points["journey"] == 0]
    assert points[["x", "y"]].iloc[0].tolist() == pytest.approx([first["x0"], first["y0"]])
    assert points[["x", "y"]].iloc[-1].tolist() == pytest.approx([first["x1"], first["y1"]])
    steps = np.hypot(np.diff(points["x"]), np.diff(points["y"]))
    assert steps.max() <= 50 + 1e-6
