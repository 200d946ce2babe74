"""The page cache: one build per key, and a long build never holds up another page."""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from upstream.config import BUNDLED_AREA, Settings
from upstream.web import create_app
from upstream.web.cache import PageCache


def test_a_long_build_does_not_hold_up_other_pages() -> None:
    """Regression: the cache once built under its one lock, so while the profile built (17 s
    cold) every other page waited for it."""
    cache = PageCache()
    started, release = threading.Event(), threading.Event()

    def slow_profile() -> str:
        started.set()
        release.wait(20)
        return "profile"

    builder = threading.Thread(target=lambda: cache.get("profile", "v1", slow_profile))
    builder.start()
    assert started.wait(5)
    got: list[str] = []
    other = threading.Thread(target=lambda: got.append(cache.get("home", "v1", lambda: "home")))
    t0 = time.monotonic()
    other.start()
    other.join(5)
    waited = time.monotonic() - t0
    release.set()
    builder.join(5)
    other.join(20)
    assert got == ["home"] and waited < 2.0, f"the home page waited {waited:.1f} s"
    assert cache.get("profile", "v1", lambda: "rebuilt") == "profile"  # kept once built


def test_requests_arriving_together_build_once() -> None:
    cache = PageCache()
    calls = []

    def build() -> str:
        calls.append(1)
        time.sleep(0.3)
        return "page"

    results: list[str] = []
    threads = [
        threading.Thread(target=lambda: results.append(cache.get("p", "v", build)))
        for _ in range(6)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert results == ["page"] * 6 and len(calls) == 1


def test_a_failed_build_is_not_kept_and_the_next_request_tries_again() -> None:
    cache = PageCache()

    def broken() -> str:
        raise RuntimeError("store unreadable")

    with pytest.raises(RuntimeError):
        cache.get("p", "v", broken)
    assert cache.get("p", "v", lambda: "fine") == "fine"


def test_a_new_version_is_built_and_old_ones_fall_out() -> None:
    cache = PageCache(maxsize=2)
    assert cache.get("p", "v1", lambda: 1) == 1
    assert cache.get("p", "v2", lambda: 2) == 2
    assert cache.get("p", "v3", lambda: 3) == 3
    assert cache.get("p", "v1", lambda: 10) == 10  # evicted: built again


def test_pages_follow_the_area_pack_without_a_restart(tmp_path: Path) -> None:
    """The page cache keys on the store version, which covers the pack's content: edit the
    pack and the next page shows it."""
    pack = Path(shutil.copytree(BUNDLED_AREA, tmp_path / "pack"))
    settings = Settings(data_dir=tmp_path / "var", area_dir=pack)
    with TestClient(create_app(settings)) as client:
        first = client.get("/")
        assert first.status_code == 200 and "Forest Vale" not in first.text
        manifest = pack / "area.toml"
        manifest.write_text(
            manifest.read_text().replace('name = "Waltham Forest"', 'name = "Forest Vale"')
        )
        second = client.get("/")
        assert second.status_code == 200 and "Forest Vale" in second.text
        assert "Forest Vale" in client.get("/forecast").text
