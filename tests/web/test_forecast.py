"""The forecast page, served by the real app to a real browser."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import httpx
import pytest

from tests.web.conftest import Tab
from upstream.forecast.registry import METHODS
from upstream.formatting import data_age


def _text(page: object) -> str:
    return re.sub(r"\s+", " ", page.inner_text("body"))  # type: ignore[attr-defined]


@pytest.mark.browser
@pytest.mark.slow
def test_forecast_page_shows_map_reading_and_evidence(
    bundled_server: str, tab: Tab, artifacts: Callable[[str], Path]
) -> None:
    page = tab.page
    page.set_default_timeout(120_000)  # the first view runs the backtest (then cached)
    response = page.goto(bundled_server + "/forecast", timeout=120_000)
    assert response is not None and response.status == 200
    page.wait_for_selector("#forecast-plot .main-svg", timeout=20_000)
    page.wait_for_load_state("networkidle")
    text = _text(page)

    assert "where serious violence is forecast next" in text
    assert re.search(
        r"For January 2018, the forecast \(upstream's LightGBM model\) expects about \d{3} "
        r"serious-violence crimes in Waltham Forest\. The 86 cells of 150 m",
        text,
    )
    assert "Tested on each of the 12 months from 2017-01 to 2017-12" in text
    assert "from police.uk street-level crime up to 2017-12 (real data)" in text
    # how old the data are, and that "next month" is the month after them, not today's
    age = data_age("2017-12", date.today())
    assert (
        f'Data used: police.uk street-level crime, Apr 2016 – Dec 2017 ({age}). So "next '
        'month" here is 2018-01, the month after the data end, not next month from today.'
    ) in text
    # the evidence: every backtested method with hit rate and PAI
    rows = page.locator("table.evidence-table").first.locator("tbody tr")
    assert rows.count() == len(METHODS)  # the ensemble included
    for i, (name, method) in enumerate(METHODS.items()):  # in words, as the profile names them
        assert rows.nth(i).locator("td").first.inner_text().startswith(f"{method.label} ({name})")
    pai_rows = page.locator("table.evidence-table").nth(1).locator("tbody td:first-child")
    assert pai_rows.all_inner_texts() == [m.label for m in METHODS.values()]
    assert "upstream's ensemble (the mean of the LightGBM model" in text
    assert page.locator("#forecast-plot .heatmaplayer image, #forecast-plot .hm image").count()
    assert page.locator('nav a[href="/forecast"][aria-current="page"]').count() == 1
    assert page.locator("table").count() == page.locator("table > caption").count()

    assert tab.page_errors == [] and tab.console_errors == []
    assert tab.other_hosts() == []
    assert any(url.endswith("/static/plotly.min.js") for url in tab.requests)
    page.screenshot(path=str(artifacts("forecast.png")), full_page=True)


def test_forecast_page_on_an_empty_store_says_how_to_load_data(empty_server: str) -> None:
    response = httpx.get(empty_server + "/forecast", timeout=30)
    assert response.status_code == 200
    assert "No street-level crime is loaded." in response.text
    assert "upstream bootstrap" in response.text
    assert "plotly.min.js" not in response.text
