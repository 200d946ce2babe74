"""The Evaluation page in a real Chromium: the worked lockdown example with its chart and
three verdicts, and the minimum-detectable-effect table, public (open data only)."""

from __future__ import annotations

import html as html_module
import re
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from tests.web.conftest import Tab
from upstream.account.evaluation.power import minimum_detectable_effect


def _text(page: object) -> str:
    return re.sub(r"\s+", " ", page.inner_text("body"))  # type: ignore[attr-defined]


@pytest.mark.browser
def test_evaluation_page_shows_the_lockdown_and_the_mde_table(empty_server: str, tab: Tab) -> None:
    page = tab.page
    page.set_default_timeout(120_000)
    response = page.goto(empty_server + "/evaluation", timeout=120_000)
    assert response is not None and response.status == 200
    page.wait_for_selector("#evaluation-plot .main-svg", timeout=20_000)
    page.wait_for_load_state("networkidle")
    text = _text(page)

    assert "A worked example: the first lockdown, April 2020" in text
    its = page.locator("#verdict-its").inner_text()
    assert re.search(r"robbery in Waltham Forest was about 5\d% lower than expected", its)
    assert "chance alone is unlikely" in its
    assert "cannot be credited to anything local" in its  # London-wide, not local
    assert (
        "Relative to the comparison areas: the data cannot tell"
        in page.locator("#verdict-did").inner_text()
    )
    assert "Synthetic control" in page.locator("#verdict-synth").inner_text()
    assert page.locator("#evaluation-plot .scatterlayer .trace").count() == 3

    rows = page.locator("table.mde-table tbody tr")
    assert rows.count() == 4
    fifty_two = minimum_detectable_effect(52, pre_months=36, post_months=24)
    assert f"{fifty_two.fall_percent:.0f}%" in rows.nth(1).inner_text()
    assert "no fall detectable" in rows.nth(2).inner_text()  # 11 a year, trend estimated
    assert "With about 40 offences a year, a 24-month evaluation" in text
    # no police.uk data in this store: the example on the area's own data says what it needs
    assert (
        "at least 18 months of police.uk street-level crime"
        in page.locator("#police-missing").inner_text()
    )
    assert page.locator('nav a[href="/evaluation"][aria-current="page"]').count() == 1
    assert page.locator("table").count() == page.locator("table > caption").count()
    assert tab.page_errors == [] and tab.console_errors == []
    assert tab.other_hosts() == []


def test_evaluation_page_is_public(empty_server: str) -> None:
    """No login needed: the page holds only open data."""
    response = httpx.get(empty_server + "/evaluation", timeout=120, follow_redirects=False)
    assert response.status_code == 200
    assert "Evaluating what works" in response.text


def test_the_power_tables_counts_say_they_are_the_strategys(empty_server: str) -> None:
    """The offences a year are the strategy's stated figures, not counts of the loaded data
    (the profile's latest 12 months differ), and each row and a note say so."""
    html = httpx.get(empty_server + "/evaluation", timeout=120).text
    table = html.split('class="mde-table"')[1].split("</table>")[0]
    labels = [html_module.unescape(x) for x in re.findall(r"<tr><td>([^<]+)</td>", table)]
    assert len(labels) == 4
    assert all("the strategy's baseline" in x or "the strategy's latest figure" in x
               for x in labels), labels  # fmt: skip
    assert not any("latest about" in x for x in labels)
    note = re.sub(r"\s+", " ", html.split('id="mde-source">')[1].split("</p>")[0])
    assert "figures the Serious Violence Strategy gives" in note
    assert "not counted from the data loaded here" in note


@pytest.mark.browser
@pytest.mark.slow
def test_evaluation_page_example_on_the_areas_police_uk_data(
    bundled_server: str, tab: Tab, artifacts: Callable[[str], Path]
) -> None:
    """With the bundled police.uk data: serious violence near schools from an invented start
    (2017-07, six months before the data end) is evaluated, and the honest answer is that
    nothing can be told from it."""
    page = tab.page
    page.set_default_timeout(120_000)
    response = page.goto(bundled_server + "/evaluation", timeout=120_000)
    assert response is not None and response.status == 200
    page.wait_for_selector("#evaluation-plot .main-svg", timeout=20_000)
    text = _text(page)
    assert "as if a Safer Routes scheme had started in 2017-07" in text
    its = page.locator("#police-its").inner_text()
    assert "The data cannot tell" in its
    assert "Too few months before the start for a placebo check in time" in its
    assert "comparison areas, where this intervention did not happen" in its
    did = page.locator("#police-did").inner_text()
    assert re.search(r"against the \d+ LSOAs further from the schools", did)
    mde = page.locator("#police-mde").inner_text()
    assert re.search(r"a 6-month evaluation \(against 15 months before\) detects only a fall of "
                     r"\d+% or more", mde)  # fmt: skip
    assert tab.page_errors == [] and tab.console_errors == []
    page.screenshot(path=str(artifacts("evaluation.png")), full_page=True)
