"""The action plan in headless Chromium: an owner reports progress, the board sees it first.

Screenshots go to tests/artifacts/actions-*.png.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from upstream.cases.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser


def _login(page: Any, url: str, username: str, purpose: str) -> None:
    page.goto(f"{url}/actions")
    assert "/login" in page.url
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.select_option("select[name=purpose]", purpose)
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/actions")


def _rows(page: Any) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = page.eval_on_selector_all(
        "#plan tbody tr[data-ref]",
        "rows => rows.map(r => ({ref: r.dataset.ref, cls: r.className}))",
    )
    return rows


def test_an_owner_reports_progress_and_the_board_sees_red_first(
    plan_server: str, chromium: Any, artifacts: Callable[[str], Path]
) -> None:
    owner = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = owner.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    _login(page, plan_server, "mentor", "direct_support")
    page.click("#show-mine")
    assert [r["ref"] for r in _rows(page)] == ["DEMO-TR2"]
    page.click("text=DEMO-TR2")
    page.wait_for_url("**/actions/DEMO-TR2")
    page.select_option("select[name=rag]", "red")
    page.click("button:has-text('Save progress')")
    page.wait_for_selector("#errors")
    assert "needs a note" in page.inner_text("#errors")
    page.select_option("select[name=rag]", "red")
    page.fill("textarea[name=rag_note]", "Two mentors left; custody cover only on weekdays now.")
    page.click("button:has-text('Save progress')")
    page.wait_for_selector("#rag-note")
    assert page.inner_text("#rag") == "RED"
    history = page.inner_text("#history")
    assert "mentor" in history and "Two mentors left" in history
    page.screenshot(path=str(artifacts("actions-owner.png")), full_page=True)
    owner.close()

    board = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = board.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    _login(page, plan_server, "board", "oversight")
    rows = _rows(page)
    attention = [r for r in rows if "overdue" in r["cls"] or "rag-red" in r["cls"]]
    assert rows[: len(attention)] == attention  # overdue and red before everything else
    assert "DEMO-TR2" in [r["ref"] for r in attention]
    assert page.is_visible("#demo-notice")
    page.click("text=DEMO-TR2")
    assert not page.is_visible("text=Report progress")
    assert "Two mentors left" in page.inner_text("#history")
    page.screenshot(path=str(artifacts("actions-board.png")), full_page=True)
    board.close()
    assert errors == []
