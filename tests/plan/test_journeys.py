"""School journeys on the bundled area pack."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from upstream.area import Area, load_area
from upstream.config import BUNDLED_AREA
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


def test_a_school_the_pack_lists_as_closed_gets_no_journeys(tmp_path: Path) -> None:
    pack = Path(shutil.copytree(BUNDLED_AREA, tmp_path / "pack"))
    schools = pack / "waltham_forest_schools.csv"
    frame = pd.read_csv(schools, dtype=str, keep_default_na=False)
    target = "Walthamstow Academy"
    assert (frame["name"] == target).sum() == 1 and set(frame["status"]) == {"Open"}
    frame.loc[frame["name"] == target, "status"] = "Closed"
    frame.to_csv(schools, index=False)
    closed = load_area(pack)
    assert not closed.schools.loc[closed.schools["name"] == target, "open"].item()
    names = set(secondary_schools(closed)["name"])
    assert target not in names and len(names) == 16
    assert target not in set(school_journeys(closed).lines["school"])
    # without a status column every school counts as open
    frame.drop(columns="status").to_csv(schools, index=False)
    assert len(secondary_schools(load_area(pack))) == 17
