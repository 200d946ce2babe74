"""The board pack in headless Chromium: a board member signs in, the pack draws its charts
with no script error, and it prints (two summary pages, then the detail, no navigation).

Screenshots and the printed PDF go to tests/artifacts/board-*.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from upstream.cases.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser


A4_WIDTH, A4_HEIGHT = 688, 1016
"""A4 less the pack's 14 mm margins, in CSS pixels (96 to the inch)."""


def pdf_pages(data: bytes) -> int:
    """Pages of a PDF (Chromium writes one ``/Type /Page`` object per page)."""
    return len(re.findall(rb"/Type\s*/Page(?!s)", data))


def test_a_board_member_reads_and_prints_the_pack(
    plan_server: str, chromium: Any, artifacts: Callable[[str], Path]
) -> None:
    context = chromium.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{plan_server}/board")
    assert "/login" in page.url
    page.fill("input[name=username]", "board")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.select_option("select[name=purpose]", "oversight")
    page.click("button[type=submit]")
    page.wait_for_url(f"{plan_server}/board")
    page.wait_for_selector("#outcomes .plot .main-svg")
    drawn = page.eval_on_selector_all(
        ".plot", "els => els.filter(e => e.querySelector('.main-svg')).length"
    )
    assert drawn == page.locator(".plot").count() > 0
    assert page.inner_text("h1").startswith("Board pack 20")
    assert "SYNTHETIC" in page.inner_text("#synthetic-banner")
    messages = page.eval_on_selector_all("li.message", "els => els.map(e => e.dataset.item)")
    assert messages == ["headline", "outcomes", "actions", "urgent", "people", "deployment",
                        "evaluation", "residents"]  # fmt: skip
    assert "no resident survey loaded" in page.inner_text("#residents")  # none in this store
    assert "DEMO-" in page.inner_text("#actions")  # the demo plan's exceptions are listed
    page.screenshot(path=str(artifacts("board-screen.png")), full_page=False)
    page.emulate_media(media="print")
    assert page.locator("nav.packnav").is_hidden()
    assert page.eval_on_selector("#summary-2", "e => getComputedStyle(e).breakAfter") == "page"
    assert page.eval_on_selector("#headline", "e => getComputedStyle(e).breakBefore") == "page"
    page.set_viewport_size({"width": A4_WIDTH, "height": A4_HEIGHT})
    for summary in ("#summary-1", "#summary-2"):  # each summary fits on its one page
        height = page.eval_on_selector(summary, "e => e.getBoundingClientRect().height")
        assert 0 < height <= A4_HEIGHT, (summary, height)
    pdf = page.pdf(format="A4", print_background=True)
    artifacts("board-pack.pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF-")
    assert pdf_pages(pdf) >= 2 + 8  # two summary pages, then each of the eight items
    assert errors == []
    context.close()
