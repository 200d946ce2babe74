"""Fixtures for the plan tests: the bundled real police.uk events and a plan made from them."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import STREET_PARQUET
from tests.web.conftest import bundled_settings  # noqa: F401  (the demo store, for the CLI)
from upstream.area import Area, definitions_from_settings
from upstream.config import Settings
from upstream.forecast.data import read_events_file
from upstream.plan.posts import PostPlan, plan_posts
from upstream.plan.risk import risk_surface

UNTIL = "2017-11"


@pytest.fixture(scope="session")
def street_events(area: Area) -> pd.DataFrame:
    """The bundled real police.uk rows as events, with their location descriptions."""
    definitions = definitions_from_settings(Settings(data_dir=Path(os.devnull)))
    return read_events_file(STREET_PARQUET, area, definitions, location=True).events


@pytest.fixture(scope="session")
def count_plan(street_events: pd.DataFrame, area: Area) -> PostPlan:
    """Ten posts planned from the real data up to 2017-11 (counts)."""
    risk = risk_surface(street_events, area, UNTIL)
    return plan_posts(street_events, risk, area, 10)
