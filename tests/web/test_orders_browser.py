"""The orders pages in headless Chromium over the SYNTHETIC demo: the officer's queue and a
decision, the zone map drawn by plotly.js from this server, a zone drawn on the map becoming
a condition, the main navigation still fitting at 1280 px. Screenshots go to
tests/artifacts/orders-*.png."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import Tab, serve
from upstream.cases.db import case_store
from upstream.cases.demo import DEMO_PASSWORD, seed_demo
from upstream.config import Settings
from upstream.orders.demo import load_demo_orders

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def orders_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("orders-server"))
    store = case_store(settings)
    seed_demo(store)
    load_demo_orders(store)
    yield from serve(settings, dispose=True)


def _login(page: Any, url: str, username: str, purpose: str, landing: str) -> None:
    page.goto(f"{url}/orders")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.select_option("select[name=purpose]", purpose)
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}{landing}")


def test_the_officer_decides_an_alert_and_draws_a_zone(
    orders_server: str,
    tab: Tab,
    artifacts: Callable[[str], Path],
) -> None:
    page = tab.page
    _login(page, orders_server, "officer", "enforcement", "/orders")
    boxes = page.eval_on_selector_all(
        "header.site nav ul > li a, header.site nav ul > li button",
        "els => els.map(e => e.getBoundingClientRect()).map(r => [r.height, r.right])",
    )
    # the links an order officer may open (not the action plan or the board pack), Curtail
    # and Log out: no label wrapped, all on screen
    assert len(boxes) >= 10
    assert max(h for h, _ in boxes) < 1.5 * min(h for h, _ in boxes)
    assert max(right for _, right in boxes) <= 1280
    assert page.locator("#orders tbody tr[data-order]").count() == 10
    page.screenshot(path=str(artifacts("orders-register.png")), full_page=True)

    page.goto(f"{orders_server}/orders/alerts")
    rows = page.locator("#alerts tbody tr[data-alert]")
    assert rows.count() == 3
    first = rows.first
    first.locator("select[name=decision]").select_option("no_breach")
    first.locator("textarea[name=reason]").fill("He was the victim here, not breaching the order")
    first.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#alerts tbody tr[data-alert]").count() == 2
    page.screenshot(path=str(artifacts("orders-alerts.png")), full_page=True)

    page.goto(f"{orders_server}/orders/1")
    page.wait_for_selector("#zone-map .main-svg")
    # draw a closed path on the map as the drawing tool would: orders.js fills the form
    page.evaluate(
        """() => {
          const el = document.getElementById('zone-map');
          const [x0, x1] = el.layout.xaxis.range, [y0, y1] = el.layout.yaxis.range;
          const cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
          const a = cx - 200, b = cy - 200, c = cx + 200, d = cy + 200;
          const p = `M${a},${b}L${c},${b}L${c},${d}L${a},${d}Z`;
          return Plotly.relayout(el, {shapes: [{type: 'path', path: p}]});
        }"""
    )
    geojson = page.input_value("#zone_geojson")
    assert geojson.startswith('{"type":"Polygon"') and page.input_value("#kind") == "exclusion_zone"
    before = page.locator("#conditions tbody tr[data-kind=exclusion_zone]").count()
    page.click("#condition-form button[type=submit]")
    page.wait_for_selector("#conditions")
    assert page.locator("#conditions tbody tr[data-kind=exclusion_zone]").count() == before + 1
    page.screenshot(path=str(artifacts("orders-order.png")), full_page=True)
    assert tab.page_errors == [] and tab.console_errors == []
    assert tab.other_hosts() == []
