"""The public analysis pages on a phone (390 px wide) in headless Chromium: wide tables
scroll inside their own box, so the page itself never scrolls sideways and the text beside
them stays readable.

Screenshots go to tests/artifacts/narrow-*.png.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}

OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll('main table, main figure, main section')]
    .filter(e => e.getBoundingClientRect().right > width + 1)
    .map(e => e.tagName + (e.id ? '#' + e.id : '') + ' ' + (e.innerText || '').slice(0, 40));
}"""


@pytest.mark.parametrize("path", ["/profile", "/forecast", "/evaluation", "/residents"])
def test_public_pages_fit_a_phone_screen(
    path: str, bundled_server: str, chromium: Any, artifacts: Callable[[str], Path]
) -> None:
    context = chromium.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        response = page.goto(bundled_server + path, timeout=120_000)
        assert response is not None and response.status == 200
        page.wait_for_load_state("load")
        name = path.strip("/")
        page.screenshot(path=str(artifacts(f"narrow-{name}.png")), full_page=False)
        assert page.locator("main table").count() > 0  # the page has tables to fit
        page_width = page.evaluate("document.documentElement.scrollWidth")
        assert page_width <= PHONE["width"], (page_width, page.evaluate(OVERFLOWING))
        # a wide table is still all there: it scrolls inside its own box
        widest = page.eval_on_selector_all(
            "main table", "els => Math.max(...els.map(e => e.scrollWidth - e.clientWidth))"
        )
        if widest > 0:
            overflow = page.eval_on_selector_all(
                "main table",
                "els => els.filter(e => e.scrollWidth > e.clientWidth)"
                ".map(e => getComputedStyle(e).overflowX)",
            )
            assert set(overflow) == {"auto"}
    finally:
        context.close()


@pytest.mark.parametrize(
    ("path", "who", "purpose"),
    [("/plan", "analyst", "analysis"), ("/reach", "analyst", "analysis"),
     ("/board", "board", "oversight")],
)  # fmt: skip
def test_signed_in_pages_fit_a_phone_screen(
    path: str, who: str, purpose: str, bundled_server: str, chromium: Any
) -> None:
    from upstream.cases.demo import DEMO_PASSWORD

    context = chromium.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        page.goto(f"{bundled_server}{path}", timeout=120_000)
        page.fill("input[name=username]", who)
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.select_option("select[name=purpose]", purpose)
        page.click("button[type=submit]")
        page.wait_for_url(f"{bundled_server}{path}", timeout=120_000)
        page.wait_for_load_state("load")
        assert page.locator("table").count() > 0
        page_width = page.evaluate("document.documentElement.scrollWidth")
        assert page_width <= PHONE["width"], (page_width, page.evaluate(OVERFLOWING))
    finally:
        context.close()
