"""The Outcomes page, served by the real app (bundled real data, the SYNTHETIC partnership
borough and demo case store) to a real browser: public visitors see the open-data measures
only; signed-in users see every measure with its control chart and reading."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import httpx
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
