"""The posts map: risk surface, journeys, posts with their radius, labelled reference places."""

from __future__ import annotations

import json

import numpy as np

from upstream.area import Area
from upstream.plan.figures import posts_map_figure
from upstream.plan.posts import PostPlan
from upstream.plotting import figure_json


def test_the_map_draws_posts_radius_journeys_risk_and_reference_places(
    count_plan: PostPlan, area: Area
) -> None:
    fig = posts_map_figure(
        count_plan.posts, area, risk=count_plan.risk.cells, journeys=count_plan.journeys.lines
    )
    names = [trace.name for trace in fig.data]
    for wanted in ("Posts", "Posts' 250 m radius", "School journeys (straight lines)",
                   "Stations", "Town centres", "Secondary schools"):  # fmt: skip
        assert wanted in names
    posts = fig.data[names.index("Posts")]
    assert list(posts.text) == count_plan.posts["post_id"].tolist()
    assert posts.customdata[0] == count_plan.posts["reason"].iloc[0]
    circle = fig.data[names.index("Posts' 250 m radius")]
    ring = np.array(circle.x[:48], dtype=float), np.array(circle.y[:48], dtype=float)
    first = count_plan.posts.iloc[0]
    radii = np.hypot(ring[0] - first["easting"], ring[1] - first["northing"])
    assert np.allclose(radii, 250, atol=0.2)
    assert fig.data[0].type == "heatmap"
    payload = json.loads(figure_json(fig))  # embeddable, nothing fetched from elsewhere
    assert "http" not in json.dumps(payload["data"])


def test_the_map_draws_without_a_risk_surface(count_plan: PostPlan, area: Area) -> None:
    fig = posts_map_figure(count_plan.posts[["post_id", "easting", "northing"]], area)
    assert "heatmap" not in {trace.type for trace in fig.data}
    assert fig.data[-1].customdata[0] == "P01"
