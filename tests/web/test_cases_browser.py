"""The case pages in headless Chromium: log in, record an incident, see the board update.

Screenshots go to tests/artifacts/cases-*.png.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.cases.conftest import purpose_for
from tests.web.conftest import serve
from upstream.cases.db import case_store
from upstream.cases.demo import DEMO_PASSWORD, seed_demo
from upstream.config import Settings

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("cases-browser"))
    seed_demo(case_store(settings))
    yield from serve(settings, dispose=True)


def _login(page: Any, url: str, username: str) -> None:
    page.goto(f"{url}/cases")
    assert "/login" in page.url
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.select_option("select[name=purpose]", purpose_for(username))
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/cases")


def _total(page: Any, which: str) -> int:
    return int(page.inner_text(f"#total-{which}"))


def test_record_an_incident_and_see_the_board_update(
    demo_server: str, tab: Any, artifacts: Callable[[str], Path]
) -> None:
    page = tab.page
    page.goto(f"{demo_server}/login")
    page.screenshot(path=str(artifacts("cases-login.png")))
    _login(page, demo_server, "coordinator")
    page.screenshot(path=str(artifacts("cases-board.png")), full_page=True)
    open_before, waiting_before = _total(page, "open"), _total(page, "not-reached")

    page.click("text=Record an incident")
    page.fill("input[name=occurred_at]", "2026-11-20T17:05")
    page.select_option("select[name=weapon]", "knife_or_sharp")
    page.select_option("select[name=injury]", "serious")
    page.fill("textarea[name=summary]", "Browser test incident")
    page.click("button:has-text('Record incident')")
    page.wait_for_url("**/cases/incidents/*")
    page.select_option("select[name=role]", "victim")
    page.fill("input[name=given_name]", "Browsertest")
    page.fill("input[name=family_name]", "Person")
    page.click("button:has-text('Add young person')")
    page.wait_for_url("**/cases/people/YP-*")
    assert "Browsertest" in page.content()
    assert "Browsertest" not in page.url
    page.select_option("select[name=service]", "ae_navigator")
    page.click("button:has-text('Make an offer')")
    page.wait_for_selector("text=A&E navigator")
    page.screenshot(path=str(artifacts("cases-person.png")), full_page=True)

    page.click("nav.case-nav >> text=Board")
    assert _total(page, "open") == open_before + 1
    assert _total(page, "not-reached") == waiting_before + 1
    assert "Browsertest" not in page.content()  # lists show pseudonyms only
    page.screenshot(path=str(artifacts("cases-board-after.png")), full_page=True)
    assert tab.other_hosts() == [] and tab.page_errors == [] and tab.console_errors == []


def test_an_analyst_sees_figures_only(
    demo_server: str, tab: Any, artifacts: Callable[[str], Path]
) -> None:
    page = tab.page
    _login(page, demo_server, "analyst")
    assert page.locator("#weekly").is_visible()
    assert page.locator("a[href^='/cases/people/']").count() == 0
    page.screenshot(path=str(artifacts("cases-board-analyst.png")), full_page=True)
    response = page.goto(f"{demo_server}/cases/incidents/1")
    # a record outside one's scope is answered like an unknown one (404, "no such record")
    assert response is not None and response.status == 404
    assert "There is no such record." in page.content()


def test_the_login_page_names_the_demo_logins_in_development_only(
    demo_server: str, tab: Any
) -> None:
    page = tab.page
    page.goto(f"{demo_server}/login")
    hint = page.locator("#demo-logins")
    assert hint.is_visible()
    text = hint.inner_text()
    assert DEMO_PASSWORD in text and "coordinator" in text and "navigator" in text
    assert "one-time password" in text and "production" in text


def test_the_interactive_api_docs_work_offline_for_signed_in_users(
    demo_server: str, tab: Any
) -> None:
    page = tab.page
    page.goto(f"{demo_server}/api/docs")
    assert "/login" in page.url  # not for anyone who is not signed in
    page.fill("input[name=username]", "coordinator")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.select_option("select[name=purpose]", "coordination")
    page.click("button[type=submit]")
    page.goto(f"{demo_server}/api/docs")
    page.wait_for_selector(".opblock-summary-path", timeout=30_000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert any("/api/cases/board" in p for p in paths)
    # try one call from the page: it runs as the signed-in coordinator
    page.locator(".opblock-summary-path", has_text="/api/cases/board").first.click()
    page.click("button.try-out__btn")
    page.click("button.execute")
    status = page.locator(".live-responses-table tbody .response-col_status").first
    status.wait_for(timeout=30_000)
    assert status.inner_text().strip().startswith("200")
    assert tab.console_errors == [] and tab.page_errors == []
    hosts = {r.split("/")[2] for r in tab.requests if r.startswith("http")}
    assert hosts == {demo_server.split("/")[2]}, hosts
