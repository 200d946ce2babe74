"""The public open-data page and `upstream publish` on the bundled demo data (real police.uk,
synthetic partnership incidents), in a real Chromium for the page."""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
import pandas as pd
import pytest
from typer.testing import CliRunner

from tests.account.publish.attack import attack
from tests.account.publish.test_export import contract_breaches
from tests.web.conftest import Tab
from upstream.cli import app
from upstream.config import Settings


@pytest.fixture(scope="module")
def demo_publish(bundled_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("open_data")
    runner = CliRunner()
    result = runner.invoke(
        app,
        ["publish", "--out", str(out)],
        env={"UPSTREAM_DATA_DIR": str(bundled_settings.data_dir)},
    )
    assert result.exit_code == 0, result.output
    return out


def test_publish_on_the_demo_keeps_the_contract(demo_publish: Path) -> None:
    manifest = json.loads((demo_publish / "manifest.json").read_text())
    by_file = {e["file"]: e for e in manifest["files"]}
    assert set(by_file) == {
        "incidents_by_msoa_quarter.csv",
        "incidents_by_offence_quarter.csv",
        "police_uk_street_by_msoa_month.csv",
    }
    assert by_file["police_uk_street_by_msoa_month.csv"]["published_as_is"] is True
    assert by_file["incidents_by_msoa_quarter.csv"]["published_as_is"] is False
    assert manifest["synthetic"] is True
    assert contract_breaches(demo_publish) == []
    msoa = pd.read_csv(demo_publish / "incidents_by_msoa_quarter.csv", dtype=str)
    assert msoa["msoa_code"].nunique() == 29  # 28 MSOAs and ALL
    assert (msoa["incidents"] == "[c]").any()
    street = pd.read_csv(demo_publish / "police_uk_street_by_msoa_month.csv")
    assert (street["crimes"] < 10).any()  # open data, as published: small counts stay


def test_the_attack_recovers_nothing_from_the_demo(demo_publish: Path) -> None:
    manifest = json.loads((demo_publish / "manifest.json").read_text())
    frames = {
        e["file"].removesuffix(".csv"): pd.read_csv(demo_publish / e["file"], dtype=str)
        for e in manifest["files"]
        if not e["published_as_is"]
    }
    bounds = attack(frames, base=5)
    assert bounds and [b for b in bounds if b.recovered] == []


def test_the_page_is_public_and_serves_the_same_files(
    bundled_server: str, demo_publish: Path
) -> None:
    page = httpx.get(bundled_server + "/open-data", timeout=120)
    assert page.status_code == 200 and "Log in" in page.text
    for name in ("incidents_by_msoa_quarter.csv", "incidents_by_offence_quarter.csv"):
        served = httpx.get(f"{bundled_server}/open-data/files/{name}", timeout=60)
        assert served.status_code == 200 and served.headers["content-type"].startswith("text/csv")
        assert served.text == (demo_publish / name).read_text(encoding="utf-8")
    manifest = httpx.get(bundled_server + "/open-data/manifest.json", timeout=60).json()
    assert [e["count_columns"] for e in manifest["files"]] == [["incidents"]] * 2 + [["crimes"]]
    assert httpx.get(bundled_server + "/open-data/files/..%2Fcases.sqlite").status_code == 404
    assert httpx.get(bundled_server + "/open-data/files/nothing.csv").status_code == 404


@pytest.mark.browser
def test_the_page_shows_tables_map_downloads_and_policy(bundled_server: str, tab: Tab) -> None:
    page = tab.page
    page.set_default_timeout(120_000)
    response = page.goto(bundled_server + "/open-data", timeout=120_000)
    assert response is not None and response.status == 200
    text = re.sub(r"\s+", " ", page.inner_text("body"))
    assert "SYNTHETIC demo data" in text
    policy = page.locator("#policy li")
    assert policy.count() == 6
    assert "between 1 and 9" in policy.nth(0).inner_text()
    assert "nearest 5" in policy.nth(2).inner_text()
    assert page.locator("#msoa-map svg path").count() == 28
    assert page.locator("#downloads a").count() == 4
    cells = page.locator("table td.num").all_inner_texts()
    assert cells and all(
        c == "[c]" or c == "0" or (int(c) >= 10 and int(c) % 5 == 0) for c in cells
    )
    assert "[c]" in cells
    assert page.locator("table").count() == page.locator("table > caption").count() == 2
    assert page.locator('nav a[href="/open-data"][aria-current="page"]').count() == 1
    with page.expect_download() as info:
        page.locator('#downloads a[href$="incidents_by_offence_quarter.csv"]').click()
    assert info.value.suggested_filename == "incidents_by_offence_quarter.csv"
    assert tab.page_errors == [] and tab.console_errors == []
    assert tab.other_hosts() == []
