"""The network page in headless Chromium over the demo case store and the SYNTHETIC network.

An intelligence analyst sees the graph (plotly.js from this server), the group panel, the
demo list with its audit panel beside it, a person's panel with the evidence behind each
link, and takes a person off with a reason; a coordinator produces a safeguarding list; an
analyst sees groups only, never a pseudonym, and is refused a list. Screenshots go to
tests/artifacts/network-*.png.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.web.conftest import serve
from upstream.cases.demo import DEMO_PASSWORD
from upstream.config import Settings

pytestmark = pytest.mark.browser

PSEUDONYM = re.compile(r"\b(?:P|YP)-[0-9A-F]{6,8}\b")


@pytest.fixture(scope="module")
def network_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A live app over the demo case store with the SYNTHETIC network loaded."""
    from upstream.cases.db import case_store
    from upstream.cases.demo import seed_demo
    from upstream.cases.localtime import london
    from upstream.cases.models import utcnow
    from upstream.network.store.demo import load_network_demo

    settings = Settings(data_dir=tmp_path_factory.mktemp("network-server"))
    store = case_store(settings)
    seed_demo(store)
    load_network_demo(store, london(utcnow()).date())
    yield from serve(settings, dispose=True)


def _login(page: Any, url: str, username: str, purpose: str) -> None:
    page.goto(f"{url}/network")
    assert "/login" in page.url
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.select_option("select[name=purpose]", purpose)
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/network")


def test_an_intelligence_analyst_reads_the_network_a_list_its_audit_and_a_person(
    network_server: str, chromium: Any, artifacts: Callable[[str], Path]
) -> None:
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    hosts: set[str] = set()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("request", lambda r: hosts.add(r.url.split("/")[2]))
    _login(page, network_server, "intel", "intelligence")
    page.wait_for_selector("#network-plot .main-svg")
    assert page.locator("#synthetic-notice").is_visible()
    assert page.locator("#groups tbody tr").count() >= 3
    legend = page.locator("#network-plot .legend").text_content() or ""
    assert "co-suspects" in legend and "friends" in legend
    assert "Each dot is a person" in page.inner_text("figcaption.explain")
    page.screenshot(path=str(artifacts("network-page.png")), full_page=True)
    nav = page.locator("header nav ul").bounding_box()
    assert nav is not None and nav["x"] + nav["width"] <= 1280  # the nav fits at 1280 px

    page.click("#lists a:has-text('List 1')")
    page.wait_for_url("**/network/lists/1")
    members = page.locator("#members").bounding_box()
    audit = page.locator("#audit-panel").bounding_box()
    # at 1280 px the audit comes first, above its list, and nothing overlaps it
    assert members and audit and audit["y"] + audit["height"] <= members["y"]
    assert page.locator("#audit tbody tr").count() >= 5
    warnings = page.locator(".audit-warning")
    assert warnings.count() > 0 or page.locator("#audit-no-warning").is_visible()
    if warnings.count():
        assert "over-represents" in warnings.first.inner_text()
    page.screenshot(path=str(artifacts("network-list.png")), full_page=True)

    first = page.locator("#members tbody tr").first
    person = first.locator("td a").inner_text()
    last = page.locator("#members tbody tr").last.locator("td a").inner_text()
    first.locator("input[name=reason]").fill("Reviewed: evidence does not support listing")
    first.locator("button").click()
    page.wait_for_selector("#removals")
    assert person in page.inner_text("#removals")
    assert person not in page.inner_text("#members")

    page.goto(f"{network_server}/network/people/{person}")
    page.wait_for_selector("#person-links")
    text = page.inner_text("#person-links")
    assert "NETDEMO" not in text and re.search(r"INC-\d+", text)
    assert "Reviewed: evidence does not support listing" in page.inner_text("#person-lists")
    assert page.locator("#add-link-form").count() == 1
    assert page.locator("main #add-link-form, #main #add-link-form").count() == 1
    page.fill("#link-other", last)
    page.fill("#link-grading", "E9")
    page.fill("#link-date", "2026-11-20")
    page.fill("#link-ref", "INTEL-2026-0777")
    page.fill("#link-review", "2027-11-20")
    page.click("#link-submit")
    assert "grading: 3x5x2" in page.inner_text("p.error")
    page.fill("#link-other", last)
    page.fill("#link-grading", "2bp")
    page.fill("#link-date", "2026-11-20")
    page.fill("#link-ref", "INTEL-2026-0777")
    page.fill("#link-review", "2027-11-20")
    page.click("#link-submit")
    page.wait_for_url(f"**/network/people/{person}")
    row = page.locator("#person-links tr", has_text=last).filter(has_text="intelligence")
    assert "2BP" in row.inner_text() and "INT-" in row.inner_text()
    page.screenshot(path=str(artifacts("network-person.png")), full_page=True)
    assert errors == []
    assert hosts == {network_server.split("/")[2]}
    context.close()


def test_a_coordinator_produces_a_safeguarding_list_only(
    network_server: str, chromium: Any
) -> None:
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    _login(page, network_server, "coordinator", "safeguarding")
    options = page.locator("#produce-kind option").all_inner_texts()
    assert options == ["safeguarding"]
    page.fill("#produce-purpose", "Safeguarding panel: who to reach first")
    page.click("#produce-submit")
    page.wait_for_url(re.compile(r".*/network/lists/\d+$"))
    assert page.inner_text("#list-purpose") == "Safeguarding panel: who to reach first"
    assert page.locator("#audit-panel").is_visible()
    assert "shows no offences" in page.inner_text(".list-members .explain")
    page.goto(f"{network_server}/network")
    assert "List 1" not in page.inner_text("#lists")  # the harm list is not the coordinator's
    context.close()


def test_an_analyst_sees_groups_only_and_no_pseudonym(network_server: str, chromium: Any) -> None:
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    _login(page, network_server, "analyst", "analysis")
    page.wait_for_selector("#network-plot .main-svg")
    again = page.goto(f"{network_server}/network")
    assert again is not None and again.headers["cache-control"] == "no-store"
    html = page.content()
    assert PSEUDONYM.search(html) is None
    assert page.locator("#lists").count() == 0 and page.locator("#produce-form").count() == 0
    response = page.goto(f"{network_server}/network/lists/1")
    assert response is not None and response.status == 403
    response = page.goto(f"{network_server}/network/people/P-00000000")
    assert response is not None and response.status == 403
    context.close()


def test_the_board_downloads_group_figures_only(network_server: str, chromium: Any) -> None:
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    _login(page, network_server, "board", "oversight")
    assert page.locator("#network-plot").count() == 0  # the page itself is refused
    response = page.request.get(f"{network_server}/network/groups.csv")
    assert response.status == 200 and response.headers["cache-control"] == "no-store"
    text = response.text()
    assert text.startswith("group,groups_pooled,people,offenders") and "yes" in text
    assert PSEUDONYM.search(text) is None
    assert len(text.strip().splitlines()) >= 4
    # the board's disclosure control: no count from 1 to 4 is shown
    rows = list(csv.DictReader(io.StringIO(text.split("\r\n\r\n")[0])))
    counts = [r[c] for r in rows for c in ("people", "offenders", "exploitation_flags")]
    assert "[c]" in counts and not {"1", "2", "3", "4"} & set(counts)
    context.close()


def test_the_pages_need_a_login(network_server: str) -> None:
    response = httpx.get(f"{network_server}/network", follow_redirects=False)
    assert response.status_code == 303 and "/login" in response.headers["location"]
