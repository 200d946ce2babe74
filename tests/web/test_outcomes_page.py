"""The Outcomes page, served by the real app (bundled real data, the SYNTHETIC partnership
borough and demo case store) to a real browser: public visitors see the open-data measures
only; signed-in users see every measure with its control chart and reading."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import httpx
import pandas as pd
import pytest

from tests.web.conftest import Tab
from tests.web.test_home import _login

OPEN = ("stop_search_disparity", "mps_knife_injury_victims_u25", "police_uk_serious_violence",
        "police_uk_weapons")  # fmt: skip
SURVEY = ("resident_fear_strongly", "resident_worry_knife_crime", "resident_confidence_police")
PARTNERSHIP = ("knife_injury_u25", "knife_injury_u18", "repeat_victimisation_young",
               "reached_in_time", "offer_acceptance", "ete_participation")  # fmt: skip


def _text(page: object) -> str:
    return re.sub(r"\s+", " ", page.inner_text("body"))  # type: ignore[attr-defined]


def test_a_bad_end_month_is_refused(bundled_server: str) -> None:
    response = httpx.get(bundled_server + "/outcomes?end=2024-13", timeout=60)
    assert response.status_code == 422


def test_the_public_version_holds_no_partnership_measure(bundled_server: str) -> None:
    response = httpx.get(bundled_server + "/outcomes", timeout=180)
    assert response.status_code == 200
    assert response.headers["x-upstream-version"] == "public"
    html = response.text
    for ident in OPEN:
        assert f'id="measure-{ident}"' in html
    for ident in PARTNERSHIP:
        assert f'id="measure-{ident}"' not in html
    for ident in SURVEY:  # the resident survey's microdata are the partnership's too
        assert f'id="measure-{ident}"' not in html
    assert "9 measures built from partnership records" in html
    assert "SYNTHETIC" not in html.split("<main", 1)[1]


@pytest.mark.browser
def test_signed_in_users_see_every_measure_with_its_chart(
    bundled_server: str, tab: Tab, artifacts: Callable[[str], Path]
) -> None:
    page = tab.page
    page.set_default_timeout(180_000)
    _login(page, bundled_server, "analyst")
    response = page.goto(bundled_server + "/outcomes?end=2024-07", timeout=180_000)
    assert response is not None and response.status == 200
    assert "no-store" in response.headers["cache-control"]
    for ident in OPEN + PARTNERSHIP[:3]:
        page.wait_for_selector(f"#plot-{ident} .main-svg", timeout=60_000)
    page.wait_for_load_state("networkidle")
    text = _text(page)
    u18 = page.locator("#measure-knife_injury_u18")
    assert "SYNTHETIC data" in u18.inner_text()
    # the strategy's headline: 11 -> 30 under-18s, 2.73 (1.33 to 6.03)
    assert u18.locator(".verdict").get_attribute("data-verdict") == "worse than baseline"
    reading = u18.locator(".reading").inner_text()
    assert "30 in 2023-08 to 2024-07" in reading and "against 11 in the baseline" in reading
    u25 = page.locator("#measure-knife_injury_u25 .reading").inner_text()
    assert "52 in 2023-08 to 2024-07" in u25 and "against 40 in the baseline" in u25
    # the demo case store began weeks ago, long after 2024-07: said plainly, no chart
    reached = page.locator("#measure-reached_in_time")
    assert "not available" in reached.inner_text() and reached.locator(".plot").count() == 0
    # ETE participation from the demo's programme returns: quarterly, labelled synthetic
    ete = page.locator("#measure-ete_participation")
    assert "SYNTHETIC data" in ete.inner_text() and ete.locator(".plot").count() == 1
    # each chart has the limits, the centre line and the values
    names = page.locator("#plot-knife_injury_u25 .legendtext").evaluate_all(
        "els => els.map(e => e.textContent)"
    )
    assert {"Upper limit", "Lower limit", "Baseline centre", "Value (95% interval)"} <= set(names)
    assert "Stop and search" in text and "ASSUMED" in text
    assert page.locator("nav a[href='/outcomes'][aria-current='page']").count() == 1
    assert tab.console_errors == [] and tab.page_errors == []
    assert tab.other_hosts() == []
    page.screenshot(path=str(artifacts("outcomes.png")), full_page=True)
    # without an end month the case-store measures of the demo are charted
    page.goto(bundled_server + "/outcomes", timeout=180_000)
    for ident in ("reached_in_time", "offer_acceptance"):
        page.wait_for_selector(f"#plot-{ident} .main-svg", timeout=60_000)
        assert "SYNTHETIC data" in page.locator(f"#measure-{ident}").inner_text()
    assert tab.page_errors == []


def test_the_stop_search_chart_shows_its_missing_months_on_a_date_axis(
    bundled_server: str,
) -> None:
    # police.uk stop and search in the bundled data: Jun 2016 to Feb 2024 with 30 months
    # missing (2018-02 to 2018-03, 2019-03 to 2021-05, 2022-01), which a category axis hid
    html = httpx.get(bundled_server + "/outcomes", timeout=180).text
    section = html.split('id="measure-stop_search_disparity"', 1)[1].split("</section>", 1)[0]
    reading = re.search(r'<p class="reading">(.*?)</p>', section, re.S)
    assert reading is not None
    assert (
        "The data have 30 months missing: Feb 2018 to Mar 2018 (2 months), Mar 2019 to May "
        "2021 (27 months) and Jan 2022. The chart leaves them empty and does not join the line "
        "across a gap." in re.sub(r"\s+", " ", reading.group(1))
    )
    data = re.search(r'<script type="application/json" id="data-stop_search_disparity">(.*?)'
                     r"</script>", section, re.S)  # fmt: skip
    assert data is not None
    figure = json.loads(data.group(1))
    assert figure["layout"]["xaxis"]["type"] == "date"
    gap = ["2018-02", "2018-03", *[str(m) for m in pd.period_range("2019-03", "2021-05", freq="M")],
           "2022-01"]  # fmt: skip
    for trace in figure["data"]:
        assert trace.get("connectgaps") is not True
        # a point on every month from first to last; the missing ones empty (no line there)
        points = dict(zip(trace["x"], trace["y"], strict=True))
        assert len(points) == 93 and points["2016-06-01"] is not None
        assert all(points[f"{m}-01"] is None for m in gap)
    value = dict(zip(figure["data"][-1]["x"], figure["data"][-1]["y"], strict=True))
    assert [d[:7] for d, y in value.items() if y is None] == gap


def test_a_series_without_gaps_says_none_and_keeps_every_point(bundled_server: str) -> None:
    html = httpx.get(bundled_server + "/outcomes", timeout=180).text
    section = html.split('id="measure-police_uk_weapons"', 1)[1].split("</section>", 1)[0]
    assert "missing" not in section.split("<script", 1)[0]
    data = re.search(r'id="data-police_uk_weapons">(.*?)</script>', section, re.S)
    assert data is not None
    figure = json.loads(data.group(1))
    assert figure["layout"]["xaxis"]["type"] == "date"
    value = figure["data"][-1]
    assert len(value["x"]) == 21 and None not in value["y"]  # Apr 2016 to Dec 2017
