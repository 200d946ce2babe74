"""Safe-space coverage, gaps and the best additional sites, on hand cases and real data."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd
import pytest

from tests.conftest import STREET_PARQUET
from upstream.area import Area
from upstream.definitions import load_definitions
from upstream.forecast.data import read_events_file
from upstream.forecast.service import forecast_cells
from upstream.plan.coverage import PlanError
from upstream.plan.journeys import school_journeys
from upstream.plan.spaces import (
    Demand,
    best_sites,
    default_candidates,
    plan_spaces,
    spaces_table,
)
from upstream.plan.spaces_file import read_spaces_file
from upstream.plan.spaces_gaps import journey_stretches
from upstream.synth.kit import demo_safe_spaces


def _blended_cover(
    demand: Demand, sx: np.ndarray, sy: np.ndarray, walk: float, blend: float
) -> float:
    d = np.hypot(demand.x[:, None] - sx[None, :], demand.y[:, None] - sy[None, :])
    return float(demand.blended(blend)[(d <= walk).any(axis=1)].sum())


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_best_sites_match_brute_force_with_fixed_sites(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 60
    demand = Demand(
        x=rng.uniform(0, 2000, n),
        y=rng.uniform(0, 2000, n),
        risk=np.where(np.arange(n) < 40, rng.gamma(1.0, 2.0, n), 0.0),
        journey=np.where(np.arange(n) >= 40, rng.uniform(10, 100, n), 0.0),
    )
    fixed = (rng.uniform(0, 2000, 2), rng.uniform(0, 2000, 2))
    cand = (rng.uniform(0, 2000, 9), rng.uniform(0, 2000, 9))
    walk, blend, k = 400.0, 0.4, 3
    chosen = best_sites(demand, fixed, cand, k, walk, blend)
    assert len(chosen) == k and chosen.attrs["optimal"]
    best = max(
        _blended_cover(
            demand,
            np.concatenate([fixed[0], cand[0][list(c)]]),
            np.concatenate([fixed[1], cand[1][list(c)]]),
            walk,
            blend,
        )
        for c in combinations(range(9), k)
    )
    picked = chosen["candidate"].to_numpy()
    got = _blended_cover(
        demand,
        np.concatenate([fixed[0], cand[0][picked]]),
        np.concatenate([fixed[1], cand[1][picked]]),
        walk,
        blend,
    )
    assert got == pytest.approx(best)
    # the marginal gains add up to what the added sites cover beyond the fixed ones
    base = _blended_cover(demand, fixed[0], fixed[1], walk, blend)
    assert chosen["gain_blend"].sum() == pytest.approx(got - base)
    assert list(chosen["gain_blend"]) == sorted(chosen["gain_blend"], reverse=True)


def test_marginal_gains_in_both_units_hand_case() -> None:
    # risk at (0,0) weight 3 and (1000,0) weight 1; a journey point at (2000,0) weight 10
    demand = Demand(
        x=np.array([0.0, 1000.0, 2000.0]),
        y=np.zeros(3),
        risk=np.array([3.0, 1.0, 0.0]),
        journey=np.array([0.0, 0.0, 10.0]),
    )
    # the fixed space already covers (0,0); candidates at each of the other two
    chosen = best_sites(demand, (np.array([0.0]), np.array([0.0])),
                        (np.array([1000.0, 2000.0]), np.zeros(2)), 2, 100.0, 0.5)  # fmt: skip
    # blended: risk share 1/4 * 0.5 = 0.125 for (1000,0); journey share 1 * 0.5 for (2000,0)
    assert chosen["candidate"].tolist() == [1, 0]
    assert chosen["gain_blend"].tolist() == pytest.approx([0.5, 0.125])
    assert chosen["gain_risk"].tolist() == pytest.approx([0.0, 1.0])
    assert chosen["gain_journey_share"].tolist() == pytest.approx([1.0, 0.0])
    with pytest.raises(PlanError, match="between 0 and 1"):
        best_sites(demand, (np.zeros(1), np.zeros(1)), (np.zeros(1), np.zeros(1)), 1, 100.0, 2.0)
    with pytest.raises(PlanError, match="only 2 candidate"):
        best_sites(demand, (np.zeros(1), np.zeros(1)), (np.zeros(2), np.zeros(2)), 3, 100.0)


def test_journey_stretches_are_runs_of_uncovered_points() -> None:
    points = pd.DataFrame(
        {
            "journey": [0] * 6 + [1] * 3,
            "school": ["A"] * 6 + ["B"] * 3,
            "x": [0, 50, 100, 150, 200, 250, 0, 50, 100],
            "y": [0.0] * 9,
            "weight": [1.0] * 6 + [2.0] * 3,
        }
    )
    covered = np.array([True, False, False, True, False, False, False, True, True])
    out = journey_stretches(points, covered)
    assert out[["journey", "x0", "x1", "points", "weight"]].to_numpy().tolist() == [
        [0, 50, 100, 2, 2.0],
        [0, 200, 250, 2, 2.0],
        [1, 0, 0, 1, 2.0],
    ]


@pytest.fixture(scope="module")
def real(area: Area) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    events = read_events_file(STREET_PARQUET, area, load_definitions(), location=True).events
    cells = forecast_cells(events, area, "2017-12")
    return events, cells, school_journeys(area).points


@pytest.fixture(scope="module")
def demo_spaces(area: Area, tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    folder = tmp_path_factory.mktemp("spaces")
    path = folder / "spaces.csv"
    demo_safe_spaces(area).to_csv(path, index=False)
    return read_spaces_file(path, area, quarantine_dir=folder / "q").spaces


def test_real_coverage_counts_only_open_spaces_within_the_walk(
    area: Area, real: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame], demo_spaces: pd.DataFrame
) -> None:
    events, cells, points = real
    plan = plan_spaces(demo_spaces, area, cells, points, described=events)
    assert plan.synthetic
    is_open = plan.spaces["open_after_school"].to_numpy(bool)
    assert 0 < is_open.sum() < len(is_open)  # the demo has spaces that close early
    cx = cells["x_min"].to_numpy() + 75
    cy = cells["y_min"].to_numpy() + 75
    ox, oy = plan.spaces["x"].to_numpy()[is_open], plan.spaces["y"].to_numpy()[is_open]
    near = (np.hypot(cx[:, None] - ox, cy[:, None] - oy) <= 400).any(axis=1)
    assert plan.risk_covered == pytest.approx(cells["score"].to_numpy()[near].sum())
    assert plan.risk_total == pytest.approx(cells["score"].sum())
    jn = (np.hypot(points["x"].to_numpy()[:, None] - ox, points["y"].to_numpy()[:, None] - oy)
          <= 400).any(axis=1)  # fmt: skip
    assert plan.journey_share == pytest.approx(
        points["weight"].to_numpy()[jn].sum() / points["weight"].sum()
    )
    # a space closed after school, put on the worst uncovered cell, changes nothing
    worst = plan.gaps[plan.gaps["kind"] == "risk cell"].iloc[0]
    closed = pd.concat(
        [
            demo_spaces,
            demo_spaces.iloc[[0]].assign(
                x=worst["x"], y=worst["y"], opening_hours="closed", site_id="space-closed"
            ),
        ],
        ignore_index=True,
    )
    again = plan_spaces(closed, area, cells, points)
    assert again.risk_covered == pytest.approx(plan.risk_covered)
    # ...and open, it covers that gap
    opened = closed.assign(
        opening_hours=closed["opening_hours"].where(
            closed["site_id"] != "space-closed", "Mon-Fri 15:00-18:00"
        )
    )
    assert (
        plan_spaces(opened, area, cells, points).risk_covered
        >= plan.risk_covered + worst["expected"] - 1e-9
    )


def test_real_gaps_are_largest_uncovered_and_named(
    area: Area, real: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame], demo_spaces: pd.DataFrame
) -> None:
    events, cells, points = real
    plan = plan_spaces(demo_spaces, area, cells, points, described=events, gaps=5)
    risk = plan.gaps[plan.gaps["kind"] == "risk cell"]
    assert len(risk) == 5
    assert list(risk["expected"]) == sorted(risk["expected"], reverse=True)
    ox = plan.spaces.loc[plan.spaces["open_after_school"], "x"].to_numpy()
    oy = plan.spaces.loc[plan.spaces["open_after_school"], "y"].to_numpy()
    for gap in risk.itertuples():
        assert np.hypot(ox - gap.x, oy - gap.y).min() > 400
    assert risk["street"].notna().all()  # police.uk locations name the streets
    assert risk["description"].str.contains(" m from ").all()  # and the nearest school
    stretches = plan.gaps[plan.gaps["kind"] == "journey stretch"]
    assert len(stretches) and (stretches["journey_share"] > 0).all()
    assert stretches["description"].str.contains("of the journey from").all()


def test_real_proposals_fix_the_open_spaces_and_report_gains(
    area: Area, real: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame], demo_spaces: pd.DataFrame
) -> None:
    events, cells, points = real
    plan = plan_spaces(demo_spaces, area, cells, points, add=4, described=events)
    p = plan.proposals
    assert p["rank"].tolist() == [1, 2, 3, 4]
    assert (p["gain_risk"] + p["gain_journey_share"] > 0).all()
    assert p["reason"].str.contains("expected serious-violence crimes a month").all()
    assert plan.optimal
    # adding the proposals as open spaces covers exactly the gains more risk
    extra = p.assign(opening_hours="Mon-Fri 08:00-20:00", synthetic=True)[
        ["site_id", "name", "x", "y", "opening_hours", "synthetic"]
    ]
    after = plan_spaces(pd.concat([demo_spaces, extra], ignore_index=True), area, cells, points)
    assert after.risk_covered == pytest.approx(plan.risk_covered + p["gain_risk"].sum(), abs=1e-2)
    assert after.journey_share == pytest.approx(
        plan.journey_share + p["gain_journey_share"].sum(), abs=1e-3
    )
    table = spaces_table(plan)
    assert set(table["role"]) >= {"open", "not open", "proposed", "gap: risk cell"}


def test_default_candidates_lie_inside_and_name_stations(area: Area, real: tuple) -> None:
    _, _, points = real
    cand = default_candidates(area, points)
    assert area.contains(cand["x"].to_numpy(), cand["y"].to_numpy()).all()
    assert {"town centre", "station", "school journey"} <= set(cand["source"])
    assert cand["site_id"].is_unique
