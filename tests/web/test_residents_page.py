"""The Residents page in a real Chromium: the bootstrapped SYNTHETIC survey's estimates with
intervals, change across waves, subgroups with small ones withheld; public."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from tests.web.conftest import Tab
from upstream.account.survey import load_responses, survey_board_summary
from upstream.config import Settings
from upstream.synth.survey import DEMO_WAVES, PER_WAVE


def test_bootstrap_loads_the_synthetic_survey_once(bundled_settings: Settings) -> None:
    from upstream.bootstrap import bootstrap

    responses = load_responses(bundled_settings)
    assert responses["synthetic"].all()
    assert len(responses) == len(DEMO_WAVES) * PER_WAVE
    assert responses["area"].str.startswith("E02").all()  # the pack's MSOAs
    assert "a resident survey is already held" in list(bootstrap(bundled_settings))
    assert len(load_responses(bundled_settings)) == len(responses)
    summary = survey_board_summary(bundled_settings)
    assert summary is not None and summary["synthetic"]
    assert "agree the local police do a good job has fallen" in summary["reading"]


def test_without_a_survey_the_page_says_so(empty_server: str) -> None:
    response = httpx.get(empty_server + "/residents", timeout=120)
    assert response.status_code == 200
    assert "No resident survey is loaded." in response.text


@pytest.mark.browser
def test_residents_page_shows_estimates_with_intervals(
    bundled_server: str, tab: Tab, artifacts: Callable[[str], Path]
) -> None:
    page = tab.page
    page.set_default_timeout(120_000)
    response = page.goto(bundled_server + "/residents", timeout=120_000)  # public: no login
    assert response is not None and response.status == 200
    text = re.sub(r"\s+", " ", page.inner_text("main"))
    assert "SYNTHETIC survey." in text
    rows = page.locator("#headline-table tbody tr")
    assert rows.count() == 6
    fear = rows.nth(1).inner_text()
    assert "Share who say fear of crime strongly affects their life" in fear
    assert re.search(r"\d+% \(\d+% to \d+%\)", fear)
    assert page.locator("#trends-table tbody tr").count() == 6
    police = page.locator("#trends-table tbody tr").nth(4).inner_text()
    assert re.search(r"-\d+ \(-\d+ to -\d+\)", police)  # a fall whose interval excludes 0
    ethnic = page.locator("#groups-ethnic_group").inner_text()
    assert "not stated" in ethnic and "withheld: fewer than 30 respondents" in ethnic
    areas = page.locator("#areas-table tbody tr")
    assert areas.count() == 28  # the pack's MSOAs, named
    assert re.match(r"Waltham Forest \d{3} \(E02\d{6}\)", areas.first.inner_text())
    assert "no copy is bundled with upstream" in page.locator("#pas-note").inner_text()
    assert page.locator('nav a[href="/residents"][aria-current="page"]').count() == 1
    assert tab.console_errors == [] and tab.page_errors == []
    page.screenshot(path=str(artifacts("residents-page.png")), full_page=True)
