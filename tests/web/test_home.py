"""The home page, served by the real app to a real browser."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from importlib import resources
from pathlib import Path

import httpx
import pytest

from tests.cases.conftest import purpose_for
from tests.web.conftest import Tab
from upstream.cases.demo import DEMO_PASSWORD
from upstream.formatting import data_age

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
    for summary in page.locator("details.source > summary").all():
        summary.click()  # the rows per crime type are folded away until asked for
    text = _text(page)

    # coverage of both sources, as in the bundled data, with the age of each
    assert "Street-level crime" in text and "Stop and search" in text
    assert f"Apr 2016 – Dec 2017 (21) {data_age('2017-12', date.today())}" in text
    assert "48,216" in text
    assert f"Jun 2016 – Feb 2024 (63) {data_age('2024-02', date.today())}" in text
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
    # the monthly chart's own reading: 12,288 over 21 months, and why no 12-month comparison
    monthly = page.locator("#monthly-reading").inner_text()
    assert monthly.startswith("On average 585 serious-violence crimes a month over the 21 ")
    assert "Fewer than 24 months" in monthly

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


def _headings(page: object) -> list[str]:
    return [h.strip() for h in page.locator("main h2").all_inner_texts()]  # type: ignore[attr-defined]


@pytest.mark.browser
def test_home_page_leads_with_purpose_then_findings_then_coverage(
    bundled_server: str, tab: Tab, artifacts: Callable[[str], Path]
) -> None:
    page = tab.page
    page.goto(bundled_server + "/")
    page.wait_for_load_state("networkidle")
    # what upstream is, in the first screen, before any inventory
    intro = page.locator("p.intro")
    assert "upstream is open-source software" in intro.inner_text()
    box = intro.bounding_box()
    assert box is not None and box["y"] + box["height"] < 900
    assert _headings(page) == [
        "What you can do here",
        "Key findings",
        "Where serious violence concentrates",
        "Data coverage",
    ]
    # the things a partnership does here, each a link with one line
    tasks = page.locator("ul.tasks > li")
    assert tasks.count() == 8
    links = [tasks.nth(i).locator("a").first.get_attribute("href") for i in range(8)]
    assert links == ["/profile", "/forecast", "/plan", "/cases", "/orders", "/outcomes",
                     "/open-data", "#coverage-heading"]  # fmt: skip
    assert [t.split(":")[0] for t in page.locator("ul.tasks > li > a").all_inner_texts()] == [
        "Understand",
        "Predict",
        "Target",
        "Respond",
        "Curtail",
        "Account",
        "Publish",
        "Check",
    ]
    assert page.locator("ul.tasks a[href='/login']").count() == 1  # sign in, for staff
    assert page.locator("a[href='/api/docs']").count() == 0  # for signed-in users only
    # key findings: numbers with readings, saying how old the data are
    findings = [re.sub(r"\s+", " ", f) for f in page.locator("ul.findings > li").all_inner_texts()]
    age = data_age("2017-12", date.today())
    assert findings[0].startswith("12,288")
    assert "Apr 2016 – Dec 2017" in findings[0] and age in findings[0]
    assert re.match(r"24% of them happened in the busiest 5% of the area \(32 of 626", findings[1])
    assert findings[2].startswith("176 in the busiest 250 m cell around Hoe Street")
    text = _text(page)
    assert f"Data used: police.uk street-level crime, Apr 2016 – Dec 2017 ({age})." in text
    # the inventory is one table; rows per type fold away
    assert page.locator("table.coverage tbody tr").count() == 6
    assert page.locator("details.source[open]").count() == 0
    _assert_clean(tab)
    page.screenshot(path=str(artifacts("home-first-screen.png")))


def _login(page: object, url: str, username: str) -> None:
    page.goto(f"{url}/login")  # type: ignore[attr-defined]
    page.fill("input[name=username]", username)  # type: ignore[attr-defined]
    page.fill("input[name=password]", DEMO_PASSWORD)  # type: ignore[attr-defined]
    page.select_option("select[name=purpose]", purpose_for(username))  # type: ignore[attr-defined]
    page.click("button[type=submit]")  # type: ignore[attr-defined]
    page.wait_for_url(f"{url}/cases")  # type: ignore[attr-defined]


@pytest.mark.browser
def test_signed_in_users_see_log_out_on_every_page(bundled_server: str, tab: Tab) -> None:
    page = tab.page
    _login(page, bundled_server, "analyst")
    for path in ("/", "/profile", "/forecast"):
        page.goto(bundled_server + path)
        nav = page.locator("header.site nav")
        assert nav.locator("button", has_text="Log out").count() == 1, path
        assert nav.locator("a[href='/login']").count() == 0, path
    page.goto(bundled_server + "/")
    assert "You are signed in." in page.locator("ul.tasks").inner_text()
    assert page.locator("ul.tasks a[href='/api/docs']").count() == 1
    # the Log out button works from the home page (its CSRF token is the session's)
    page.locator("header.site nav button", has_text="Log out").click()
    page.wait_for_load_state("networkidle")
    page.goto(bundled_server + "/")
    assert page.locator("header.site nav a[href='/login']").count() == 1
