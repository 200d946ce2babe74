"""The Reach page, served by the real app (bundled data, synthetic returns) to a real
browser: what the programmes report, reach by group and by place; signed-in only."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import httpx
import pytest

from tests.web.conftest import Tab
from tests.web.test_home import _login
from upstream.account.returns.section import reach_section
from upstream.config import Settings
from upstream.synth.returns import DEMO_PROGRAMMES


def test_the_reach_page_is_for_signed_in_users_only(bundled_server: str) -> None:
    response = httpx.get(bundled_server + "/reach", follow_redirects=False, timeout=120)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")


@pytest.mark.browser
def test_reach_page_shows_returns_groups_and_places(
    bundled_server: str, tab: Tab, artifacts: Callable[[str], Path]
) -> None:
    page = tab.page
    page.set_default_timeout(120_000)
    _login(page, bundled_server, "analyst")
    response = page.goto(bundled_server + "/reach", timeout=120_000)
    assert response is not None and response.status == 200
    assert "no-store" in response.headers["cache-control"]
    text = re.sub(r"\s+", " ", page.inner_text("main"))
    assert "SYNTHETIC returns." in text
    assert page.locator("#programmes-table tbody tr").count() == len(DEMO_PROGRAMMES)
    assert "streetbase (synthetic)" in page.locator("#programmes-table").inner_text()
    # one row per compared group: 4 age bands, 3 sexes, 5 ethnic groups
    assert page.locator("#groups-table tbody tr").count() == 12
    assert "victims under 25 in the partnership data (SYNTHETIC)" in text
    readings = page.locator("#group-readings").inner_text()
    assert "under-reached" in readings
    places = re.sub(r"\s+", " ", page.locator("#places-reading").inner_text())
    assert re.search(
        r"The 29 highest-harm of the area's 144 LSOAs .* hold \d+% of that harm", places
    )
    assert re.search(
        r"a ratio of \d\.\d\d \(\d\.\d\d to \d\.\d\d\) to their share of residents", places
    )
    assert "counted per return" in text
    assert page.locator('nav a[href="/reach"][aria-current="page"]').count() == 1
    assert tab.console_errors == [] and tab.page_errors == []
    page.screenshot(path=str(artifacts("reach-page.png")), full_page=True)


def test_reach_page_shows_cost_per_young_person_from_the_plan(
    bundled_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pandas as pd
    from fastapi.testclient import TestClient

    from tests.cases.test_flow import api_login
    from upstream.cases.demo import DEMO_PASSWORD
    from upstream.web.app import create_app
    from upstream.web.routes import reach as reach_route

    costs = pd.DataFrame(
        {
            "programme": ["streetbase"],
            "action_id": ["A7"],
            "title": ["Streetbase outreach"],
            "budget_gbp": [300_000.0],
            "start": [date(2023, 7, 1)],
            "due": [date(2025, 6, 30)],
        }
    )
    monkeypatch.setattr(reach_route, "_plan_costs", lambda settings: costs)
    with TestClient(create_app(bundled_settings)) as client:
        api_login(client, "analyst", DEMO_PASSWORD)
        page = client.get("/reach")
    assert page.status_code == 200
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.text))
    section = reach_section(bundled_settings, costs)
    row = next(p for p in section["programmes"] if p["programme"] == "streetbase")
    low, high = row["per_young_person"]
    assert low == pytest.approx(300_000 / row["participants"])
    assert high == pytest.approx(300_000 / row["busiest"])
    assert f"£300,000 £{low:,.0f} to £{high:,.0f}" in text
    assert "not in the plan" in text  # the other demo programmes have no cost here
