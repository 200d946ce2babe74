"""The home page, served by the real app to a real browser."""

from __future__ import annotations

import re
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import httpx
import pytest

from tests.web.conftest import Tab

OGL = "Contains public sector information licensed under the Open Government Licence v3.0."
ONS_OS = (
    "Contains National Statistics data © Crown copyright and database right 2022. "
    "Contains OS data © Crown copyright and database right 2022."
)


def _text(page: object) -> str:
    return re.sub(r"\s+", " ", page.inner_text("body"))  # type: ignore[attr-defined]


def _assert_clean(tab: Tab) -> None:
    assert tab.page_errors == []
    assert tab.console_errors == []
    assert tab.other_hosts() == [], "the page must not fetch anything from another host"


@pytest.mark.browser
def test_home_page_shows_coverage_and_map(
    bundled_server: str, tab: Tab, artifacts: Callable[[str], Path]
) -> None:
    page = tab.page
    response = page.goto(bundled_server + "/")
    assert response is not None and response.status == 200
    page.wait_for_selector("#map-plot .main-svg", timeout=15_000)
    page.wait_for_selector("#monthly-plot .main-svg", timeout=15_000)
    page.wait_for_load_state("networkidle")
    text = _text(page)

    # coverage of both sources, as in the bundled data
    assert "Street-level crime" in text and "Stop and search" in text
    assert "21 (2016-04 to 2017-12)" in text
    assert "48,216" in text
    assert "63 (2016-06 to 2024-02)" in text
    assert "25,005" in text
    assert "30 months: 2018-02 to 2018-03, 2019-03 to 2021-05, 2022-01" in text
    assert "10,799" in text  # Violence and sexual offences rows
    assert "Controlled drugs" in text

    # the concentration map and its reading
    assert "Where serious violence concentrates" in text
    assert "Between 2016-04 and 2017-12, 12,288 serious-violence crimes were recorded" in text
    assert re.search(r"busiest 5% of 250 m cells \(\d+ of \d+\) held \d+\.\d% ", text)
    assert page.locator("#map-plot .heatmaplayer image, #map-plot .hm image").count() >= 1
    assert page.locator("#map-plot").get_attribute("aria-label")
    assert page.locator("#monthly-plot .scatterlayer .trace").count() == 1

    # attributions, plain structure, plotly.js from this server
    assert OGL in text and ONS_OS in text
    assert page.locator("h1").count() == 1
    assert page.locator("table").count() == page.locator("table > caption").count()
    assert any(url.endswith("/static/plotly.min.js") for url in tab.requests)
    _assert_clean(tab)

    page.screenshot(path=str(artifacts("home.png")), full_page=True)


@pytest.mark.browser
def test_empty_store_says_how_to_load_data(
    empty_server: str, tab: Tab, artifacts: Callable[[str], Path]
) -> None:
    page = tab.page
    page.goto(empty_server + "/")
    page.wait_for_load_state("networkidle")
    text = _text(page)
    assert "The event store is empty." in text
    assert "upstream ingest police-uk PATH" in text
    assert "upstream bootstrap" in text
    assert "No street-level crime is loaded" in text
    assert OGL in text
    assert not any("plotly" in url for url in tab.requests)  # nothing to draw, nothing loaded
    _assert_clean(tab)
    page.screenshot(path=str(artifacts("home-empty.png")), full_page=True)


def test_healthz(bundled_server: str) -> None:
    response = httpx.get(bundled_server + "/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_api_coverage(bundled_server: str, empty_server: str) -> None:
    report = httpx.get(bundled_server + "/api/coverage").json()
    street = report["sources"]["police_uk_street"]
    assert (street["first"], street["last"], street["rows"]) == ("2016-04", "2017-12", 48_216)
    assert street["gaps"] == []
    assert ["Violence and sexual offences", 10_799] in street["by_type"]
    stops = report["sources"]["police_uk_stop_search"]
    assert (stops["first"], stops["last"], stops["rows"]) == ("2016-06", "2024-02", 25_005)
    assert len(stops["gaps"]) == 30 and "2018-02" in stops["gaps"]
    assert httpx.get(empty_server + "/api/coverage").json()["sources"] == {}


def test_plotly_js_is_served_from_the_plotly_package(bundled_server: str) -> None:
    response = httpx.get(bundled_server + "/static/plotly.min.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    bundled = resources.files("plotly").joinpath("package_data", "plotly.min.js").read_bytes()
    assert response.content == bundled


def test_page_names_no_other_host_for_scripts_or_styles(bundled_server: str) -> None:
    response = httpx.get(bundled_server + "/")
    html = response.text
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=\"(https?:)?//", html)
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    # the interactive API docs load their assets from a CDN, so they are switched off
    assert httpx.get(bundled_server + "/docs").status_code == 404
