"""The signed-in pages on a phone (390 px wide) in headless Chromium, over the SYNTHETIC demo.

Nothing may push the page sideways: the login form's fields, the case pages' navigation (it
wraps), wide tables (they scroll inside themselves) and the network list's hidden labels all
fit the screen. Screenshots go to tests/artifacts/phone-*.png."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import Tab, serve
from upstream.area import area_from_settings
from upstream.cases.db import case_store
from upstream.cases.demo import DEMO_PASSWORD, seed_demo
from upstream.cases.localtime import london
from upstream.cases.models import utcnow
from upstream.config import Settings
from upstream.network.store.demo import load_network_demo
from upstream.orders.demo import load_demo_orders
from upstream.orders.retail.demo import load_demo_retail

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("phone-server"))
    store = case_store(settings)
    seed_demo(store, max_incidents=20)
    load_demo_orders(store)
    load_demo_retail(store, area_from_settings(settings))
    load_network_demo(store, london(utcnow()).date())
    yield from serve(settings, dispose=True)


def _login(page: Any, url: str, username: str, purpose: str) -> None:
    page.goto(f"{url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.select_option("select[name=purpose]", purpose)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def _too_wide(page: Any, url: str, path: str, shot: Path) -> int:
    page.goto(f"{url}{path}")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(shot), full_page=True)
    width: int = page.evaluate("document.documentElement.scrollWidth")
    return width - PHONE["width"]


def test_the_login_form_fits_a_phone(
    demo_server: str, tab: Tab, artifacts: Callable[[str], Path]
) -> None:
    page = tab.page
    page.set_viewport_size(PHONE)
    assert _too_wide(page, demo_server, "/login", artifacts("phone-login.png")) <= 0
    select = page.locator("select[name=purpose]").bounding_box()
    assert select is not None and select["x"] + select["width"] <= PHONE["width"]


@pytest.mark.parametrize(
    ("username", "purpose", "paths"),
    [
        (
            "coordinator",
            "coordination",
            ["/cases", "/cases/duplicates", "/orders", "/orders/alerts",
             "/orders/proportionality", "/retail", "/network"],
        ),
        ("officer", "enforcement", ["/orders", "/orders/1", "/orders/alerts"]),
        ("intel", "intelligence", ["/network", "/network/lists/1"]),
        ("trading", "trading_standards", ["/retail"]),
    ],
)  # fmt: skip
def test_signed_in_pages_fit_a_phone(
    demo_server: str,
    tab: Tab,
    artifacts: Callable[[str], Path],
    username: str,
    purpose: str,
    paths: list[str],
) -> None:
    page = tab.page
    page.set_viewport_size(PHONE)
    _login(page, demo_server, username, purpose)
    wide = {}
    for path in paths:
        name = f"phone-{username}{path.replace('/', '-')}.png"
        extra = _too_wide(page, demo_server, path, artifacts(name))
        if extra > 0:
            wide[path] = extra
    assert wide == {}, f"pages wider than a phone (extra px): {wide}"
    # the case navigation wraps onto lines of whole links
    heights = page.eval_on_selector_all(
        "nav.case-nav li a", "els => els.map(e => e.getClientRects().length)"
    )
    assert heights and max(heights) == 1, "a navigation link broken over two lines"
    assert tab.page_errors == []
