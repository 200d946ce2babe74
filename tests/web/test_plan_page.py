"""The Plan page, served by the real app (bundled data, synthetic planning kit) to a real
browser: posts and rota, safe spaces, CCTV, emerging hot spots and fairness; signed-in only."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from pathlib import Path

import httpx
import numpy as np
import pytest

from tests.web.conftest import Tab
from tests.web.test_home import _login
from upstream.area import area_from_settings
from upstream.config import Settings
from upstream.plan.journeys import secondary_schools


def _text(page: object) -> str:
    return re.sub(r"\s+", " ", page.inner_text("body"))  # type: ignore[attr-defined]


def test_the_plan_is_for_signed_in_users_only(bundled_server: str) -> None:
    for path in ("/plan", "/plan/posts.csv", "/plan/rota.csv"):
        response = httpx.get(bundled_server + path, follow_redirects=False, timeout=120)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/login"), path


@pytest.mark.browser
@pytest.mark.slow
def test_plan_page_shows_every_plan_with_its_reasons(
    bundled_server: str, bundled_settings: Settings, tab: Tab, artifacts: Callable[[str], Path]
) -> None:
    page = tab.page
    page.set_default_timeout(180_000)  # the first view may compute the plans
    _login(page, bundled_server, "analyst")
    response = page.goto(bundled_server + "/plan", timeout=180_000)
    assert response is not None and response.status == 200
    assert "no-store" in response.headers["cache-control"]
    for plot in ("posts-plot", "spaces-plot", "cctv-plot", "emerging-plot", "posts-fairness-plot"):
        page.wait_for_selector(f"#{plot} .main-svg", timeout=30_000)
    page.wait_for_load_state("networkidle")
    text = _text(page)

    assert re.search(
        r"10 posts on the walks between secondary schools and the stations and town centres "
        r"pupils go to cover \d+% of the serious violence expected in 2018-01 within 250 m",
        text,
    )
    assert "police.uk" in text and "all-day risk" in text  # month-only data, said plainly
    # the validated default plans on the forecast alone (no blend with recent crimes)
    assert "Demand blends" not in text
    rows = page.locator("#posts-table tbody tr")
    assert rows.count() == 10
    assert all("pupils" in rows.nth(i).inner_text() for i in range(10))
    # the rota as a grid: a row per team (one shift a day here), a column per school day
    rota = page.locator("#rota-table tbody tr")
    assert rota.count() == 10
    # the week of 1 January 2018: New Year's Day is a bank holiday, so Tuesday to Friday
    days = page.locator("#rota-table thead th").all_inner_texts()[2:]
    assert days == ["Tuesday 02/01", "Wednesday 03/01", "Thursday 04/01", "Friday 05/01"]
    assert rota.first.locator("td").nth(1).inner_text().startswith("P01")
    # safe spaces: the demonstration list is labelled synthetic wherever it shows
    assert "These safe spaces are SYNTHETIC" in text
    assert page.locator("#proposals-table tbody tr").count() == 5
    assert page.locator("#gaps-table tbody tr").count() > 0
    # CCTV: 4 cameras x 3 periods, and the synthetic history's before/after
    assert page.locator("#cctv-table tbody tr").count() == 12
    assert "Synthetic deployment history" in text
    # where risk is changing, with its explanation
    assert page.locator("#emerging-reading").inner_text().strip()
    # fairness beside every plan, and ethnicity said to be missing
    assert page.locator(".fairness").count() == 3
    assert "ethnic" in text.lower()
    assert page.locator("table").count() == page.locator("table > caption").count()
    assert page.locator('nav a[href="/plan"][aria-current="page"]').count() == 1
    page.screenshot(path=str(artifacts("plan-page.png")), full_page=True)
    assert tab.page_errors == [] and tab.console_errors == []
    assert tab.other_hosts() == []

    # the posts CSV: the page's posts, each within 1,000 m of an open secondary school
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    posts = httpx.get(bundled_server + "/plan/posts.csv", cookies=cookies, timeout=60)
    assert posts.status_code == 200 and posts.headers["content-type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(posts.text)))
    assert [r["post_id"] for r in table] == [f"P{n:02d}" for n in range(1, 11)]
    schools = secondary_schools(area_from_settings(bundled_settings))
    for row in table:
        x, y = float(row["easting"]), float(row["northing"])
        nearest = np.hypot(schools["x"] - x, schools["y"] - y).min()
        assert nearest <= 1000.0, row
    rota_csv = httpx.get(bundled_server + "/plan/rota.csv", cookies=cookies, timeout=60)
    assert rota_csv.status_code == 200
    shifts = list(csv.DictReader(io.StringIO(rota_csv.text)))
    seen = {(r["date"], r["start"], r["team"]) for r in shifts}
    assert len(seen) == len(shifts)  # no team in two places at once
