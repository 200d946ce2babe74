"""Stores for the report tests: police.uk only, and police.uk plus the synthetic borough.

``bundled_settings`` (bundled police.uk data plus the synthetic borough, as
``upstream bootstrap`` loads them) comes from the web tests' conftest, so a session that
runs both builds that store once. ``open_report`` opens a report in Chromium in a separate
process (see ``tests/report/browser.py``).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import ARTIFACTS, bundled_settings, small_partnership_settings  # noqa: F401
from upstream.area import area_from_settings
from upstream.config import Settings
from upstream.events import EventStore
from upstream.ingest import POLICE_UK_FORMATS, discover, ingest_files


@pytest.fixture(scope="session")
def police_only_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """An event store holding only the bundled real police.uk data (no partnership data)."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("police_only"))
    inputs, skipped = discover([settings.bundled_data / "police_uk"])
    ingest_files(
        inputs,
        POLICE_UK_FORMATS,
        EventStore(settings.events_dir),
        area_from_settings(settings),
        quarantine_dir=settings.quarantine_dir,
        skipped=skipped,
    )
    return settings


@pytest.fixture
def open_report() -> Callable[..., dict[str, Any]]:
    """``open_report(path, screenshot=None, pdf=False)``: what Chromium saw (a dict)."""

    def run(path: Path, screenshot: str | None = None, pdf: bool = False) -> dict[str, Any]:
        cmd = [sys.executable, "-m", "tests.report.browser", str(path)]
        if screenshot:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            cmd += ["--screenshot", str(ARTIFACTS / screenshot)]
        if pdf:
            cmd.append("--pdf")
        root = Path(__file__).resolve().parents[2]
        done = subprocess.run(cmd, capture_output=True, text=True, cwd=root, timeout=180)
        if done.returncode != 0:
            pytest.fail(f"browser run failed: {done.stderr[-2000:]}{done.stdout[-500:]}")
        result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
        return result

    return run
