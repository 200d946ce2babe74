"""The /profile page, served by the real app to a real browser."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.web.conftest import Tab

SECTIONS = ["headline", "rates", "place", "deprivation", "time", "people", "forecast", "quality"]


@pytest.mark.browser
def test_profile_page_shows_every_section(bundled_server: str, tab: Tab) -> None:
    """Anonymous: the public version (partnership charts are notes; the signed-in version is
    tested in test_public_profile_browser.py)."""
    page = tab.page
    response = page.goto(bundled_server + "/profile?end=2024-07")
    assert response is not None and response.status == 200
    page.wait_for_selector("#fig-headline-mps .main-svg", timeout=30_000)
    page.wait_for_load_state("networkidle")
    text = re.sub(r"\s+", " ", page.inner_text("body"))
    for section in SECTIONS:
        assert page.locator(f"section#{section}").count() == 1
    assert "1.30 (0.84 to 2.01)" in text  # 40 and 52: large enough to publish
    assert "SYNTHETIC" in text and "Public version." in text
    assert page.locator("nav a[href='/profile'][aria-current='page']").count() == 1
    figures = page.locator("[data-figure]").count()
    assert figures >= 9
    assert page.locator("figure[data-source='partnership']").count() == 0
    assert page.locator("#withheld-weekday-hour").count() == 1
    assert page.locator("[data-figure].js-plotly-plot").count() == figures
    # one list of data sources (the profile's own, with licences), not two
    headings = [h.strip() for h in page.locator("h2").all_inner_texts()]
    assert [h for h in headings if h.startswith("Data sources")] == ["Data sources and licences"]
    assert page.locator("footer.site a[href='#sources']").count() == 1
    # every section says which data it uses, with months and age
    assert page.locator("section.psection p[data-periods]").count() == len(SECTIONS)
    assert "Data used: police.uk street-level crime, Apr 2016 – Dec 2017 (" in text
    assert tab.page_errors == []
    assert tab.console_errors == []
    assert tab.other_hosts() == []


def test_profile_page_rejects_a_bad_month(bundled_server: str) -> None:
    assert httpx.get(bundled_server + "/profile?end=2024-13").status_code == 422
