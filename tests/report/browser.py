"""Open an offline report in headless Chromium in a separate process and say what happened.

Run as ``python -m tests.report.browser FILE [--screenshot PNG] [--pdf]``; prints JSON with
the page's console errors, page errors, every request URL, the number of figures drawn, the
section ids present and the page text. A separate process keeps its Playwright instance
apart from the web tests' session-wide browser (Playwright's sync API allows one per thread).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from tests.web.conftest import CHROMIUM_ARGS, _chromium_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("file", type=Path)
    parser.add_argument("--screenshot", type=Path)
    parser.add_argument("--pdf", action="store_true")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    executable = _chromium_path()
    if executable is None:
        print(json.dumps({"error": "no Chromium (apt-get install chromium)"}))
        return 2
    out: dict[str, object] = {"console_errors": [], "page_errors": [], "requests": []}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        page.on(
            "console",
            lambda m: out["console_errors"].append(m.text) if m.type == "error" else None,  # type: ignore[attr-defined]
        )
        page.on("pageerror", lambda e: out["page_errors"].append(str(e)))  # type: ignore[attr-defined]
        page.on("request", lambda r: out["requests"].append(r.url))  # type: ignore[attr-defined]
        page.goto(args.file.resolve().as_uri())
        page.wait_for_selector("html[data-plots-drawn]", timeout=30_000)
        page.wait_for_load_state("load")
        out["plots_drawn"] = int(page.get_attribute("html", "data-plots-drawn") or 0)
        out["svgs"] = page.locator(".plot .main-svg").count()
        out["sections"] = page.eval_on_selector_all(
            "section[data-section]", "els => els.map(e => e.id)"
        )
        out["text"] = re.sub(r"\s+", " ", page.inner_text("body"))
        if args.screenshot is not None:
            args.screenshot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(args.screenshot), full_page=True)
        if args.pdf:
            out["pdf_bytes"] = len(page.pdf(format="A4"))
        browser.close()
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
