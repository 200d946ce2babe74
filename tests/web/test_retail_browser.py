"""The retail pages in headless Chromium: the officer signs in, sees the priority map and the
compliance chart drawn (plotly.js from this server), records a test purchase, and the
history shows it; the main navigation still fits one 1280-px-wide header.

Screenshots go to tests/artifacts/retail-*.png.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import serve
from upstream.area import area_from_settings
from upstream.cases.db import case_store
from upstream.cases.demo import DEMO_PASSWORD, seed_demo
from upstream.config import Settings
from upstream.orders.retail.demo import load_demo_retail

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def retail_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A live app over the demo case store and the demo register (SYNTHETIC)."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("retail-server"))
    store = case_store(settings)
    seed_demo(store, max_incidents=20)
    load_demo_retail(store, area_from_settings(settings))
    yield from serve(settings, dispose=True)


def test_the_officer_reads_the_map_and_records_a_test_purchase(
    retail_server: str,
    chromium: Any,
    artifacts: Callable[[str], Path],
) -> None:
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{retail_server}/retail")
    assert "/login" in page.url
    page.fill("input[name=username]", "trading")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.select_option("select[name=purpose]", "trading_standards")
    page.click("button[type=submit]")
    page.wait_for_url(f"{retail_server}/retail")
    page.wait_for_selector("#plot-priority .main-svg")
    page.wait_for_selector("#plot-compliance .main-svg")
    points = page.eval_on_selector_all("#plot-priority .scatterlayer .point", "p => p.length")
    assert points >= 40  # every premises drawn (plus the reference layers' points)
    nav = page.eval_on_selector(
        "header.site nav ul",
        "ul => ({scroll: ul.scrollWidth, client: ul.clientWidth,"
        " right: Math.max(...[...ul.children].map(li => li.getBoundingClientRect().right)),"
        " lines: new Set([...ul.querySelectorAll('a, button')].map("
        "   e => Math.round(e.getBoundingClientRect().bottom / 10))).size})",
    )
    header = {"x": 0, "y": 0, "width": 1280, "height": 160}
    page.screenshot(path=str(artifacts("retail-nav.png")), clip=header)
    assert nav["scroll"] <= nav["client"] and nav["right"] <= 1280
    assert nav["lines"] == 1  # every link and the Log out button on one line
    assert page.is_visible("header.site nav a[href='/retail']")
    page.screenshot(path=str(artifacts("retail-register.png")), full_page=True)

    page.click("#register a[href='/retail/DEMO-R05']")
    page.wait_for_url("**/retail/DEMO-R05")
    assert page.inner_text("#history").strip().endswith("Never tested.")
    page.select_option("select[name=age_band]", "13_15")
    page.select_option("select[name=result]", "sold")
    page.check("input[name=challenge25_signage]")
    page.click("button:has-text('Record test purchase')")
    page.wait_for_selector("#history tr.result-sold")
    row = page.inner_text("#history tr.result-sold")
    assert "Sold" in row and "aged 13-15" in row and "Challenge 25 signage" in row
    assert "trading" in row
    page.screenshot(path=str(artifacts("retail-premises.png")), full_page=True)
    assert errors == []
    context.close()
