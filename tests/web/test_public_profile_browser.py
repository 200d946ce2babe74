"""The profile in Chromium: the public version shows the 'not published' notes where the
partnership charts would be; a signed-in user sees the charts drawn."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.cases.conftest import PASSWORD
from tests.web.conftest import LiveServer, Tab
from upstream.config import Settings

pytestmark = pytest.mark.browser

CHARTS = ["weekday-hour", "age-sex", "victims-ethnicity", "headline-monthly"]


@pytest.fixture(scope="module")
def small_server(small_partnership_settings: Settings) -> Iterator[str]:
    server = LiveServer(small_partnership_settings)
    server.start()
    try:
        yield server.url
    finally:
        server.stop()


def test_public_and_signed_in_profiles_in_chromium(
    small_server: str, tab: Tab, artifacts: Callable[[str], Path]
) -> None:
    page = tab.page
    page.goto(small_server + "/profile")
    page.wait_for_load_state("networkidle")
    text = re.sub(r"\s+", " ", page.inner_text("body"))
    assert "Public version." in text
    for chart in CHARTS:
        note = page.locator(f"#withheld-{chart}")
        assert note.is_visible(), chart
        assert "Not published." in note.inner_text()
        assert "counts below 10 are not published" in note.inner_text()
        assert "Sign in to upstream as a partnership user" in note.inner_text()
        assert page.locator(f"#fig-{chart}").count() == 0
    assert "[c]" in text
    page.screenshot(path=str(artifacts("profile-public.png")), full_page=True)

    page.goto(f"{small_server}/login")
    page.fill("input[name=username]", "analyst")
    page.fill("input[name=password]", PASSWORD)
    page.select_option("select[name=purpose]", "analysis")
    page.click("button[type=submit]")
    page.wait_for_url(f"{small_server}/cases")
    page.goto(small_server + "/profile")
    page.wait_for_selector("#fig-weekday-hour .main-svg", timeout=30_000)
    page.wait_for_load_state("networkidle")
    text = re.sub(r"\s+", " ", page.inner_text("body"))
    assert "Full version" in text and "Public version." not in text
    for chart in CHARTS:
        assert page.locator(f"#fig-{chart}.pfigure .js-plotly-plot").count() == 1, chart
        assert page.locator(f"#withheld-{chart}").count() == 0
    assert tab.page_errors == [] and tab.console_errors == []
    assert tab.other_hosts() == []
    page.screenshot(path=str(artifacts("profile-full.png")), full_page=True)
