"""Real stores, a real server and a real browser for the web tests.

Fixtures
--------
bundled_settings / empty_settings
    Settings for an event store in a temporary folder: loaded with the bundled
    police.uk data by :func:`upstream.bootstrap.bootstrap`, or left empty.
small_partnership_settings
    Settings for an event store holding only a small SYNTHETIC partnership extract (one in
    twenty of a synthetic borough's incidents and seven A&E attendances, so many counts of
    1 to 9) and no police.uk data; its case store has the user ``analyst`` (password
    ``tests.cases.conftest.PASSWORD``).
bundled_server / empty_server
    The app from ``create_app(settings)`` served by uvicorn in a background thread on a
    free localhost port; the fixture value is the base URL, e.g. ``http://127.0.0.1:41234``.
chromium
    Headless Chromium driven by Playwright (the system Chromium at ``/usr/bin/chromium``,
    or the one named by ``UPSTREAM_CHROMIUM``). Fails, saying how to fix it, if there is none.
tab
    A fresh browser page (``tab.page``) that records console errors, page errors and every
    request it makes (``tab.console_errors``, ``tab.page_errors``, ``tab.requests``).
artifacts
    ``artifacts("home.png")`` is a path under ``tests/artifacts`` (created on demand).
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import uvicorn

from upstream.bootstrap import bootstrap
from upstream.config import Settings
from upstream.web import create_app

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
"""Screenshots for people to look at: ``tests/artifacts`` (not committed)."""


@pytest.fixture(scope="session")
def bundled_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings for an event store loaded with the bundled Waltham Forest police.uk data."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("bundled"))
    list(bootstrap(settings))
    return settings


@pytest.fixture(scope="session")
def small_partnership_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Only a small synthetic partnership extract: counts of 1 to 9 everywhere."""
    from dataclasses import replace

    from tests.cases.conftest import add_user
    from upstream.area import area_from_settings
    from upstream.cases.db import case_store
    from upstream.cases.vocab import Agency, Role
    from upstream.events import EventStore
    from upstream.ingest import discover
    from upstream.ingest.partnership import ingest_partnership
    from upstream.synth import generate, write

    settings = Settings(data_dir=tmp_path_factory.mktemp("small_partnership"))
    borough = generate(seed=5, months=36, end="2024-12")
    incidents = borough.incidents.sample(frac=0.05, random_state=5).sort_values("incident_id")
    small = replace(
        borough,
        incidents=incidents,
        involvements=borough.involvements[
            borough.involvements["incident_id"].isin(incidents["incident_id"])
        ],
        a_and_e=borough.a_and_e.head(7),
    )
    files = write(small, settings.data_dir / "extract", by="all")
    store = EventStore(settings.events_dir)
    area = area_from_settings(settings)
    for kinds, prefixes in (
        (["incidents", "involvements"], ("incidents_", "involvements_")),
        (["a_and_e"], ("a_and_e_",)),
    ):
        inputs, _ = discover([p for p in files if p.name.startswith(prefixes)])
        ingest_partnership(inputs, kinds, store, area, quarantine_dir=settings.quarantine_dir)
    cases = case_store(settings)
    cases.migrate()
    add_user(cases, "analyst", Role.ANALYST, Agency.POLICE)
    return settings


@pytest.fixture(scope="session")
def empty_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings for an event store with nothing in it."""
    return Settings(data_dir=tmp_path_factory.mktemp("empty"))


class LiveServer:
    """uvicorn serving one app on a free localhost port, in a daemon thread."""

    def __init__(self, settings: Settings) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        host, port = self.sock.getsockname()
        self.url = f"http://{host}:{port}"
        config = uvicorn.Config(create_app(settings), log_level="warning", lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True
        )

    def start(self, timeout: float = 20.0) -> None:
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the test server at {self.url} did not start")
            time.sleep(0.02)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()


def serve(settings: Settings, *, dispose: bool = False) -> Iterator[str]:
    """Serve ``settings`` on a free port for the ``yield from`` of a fixture; yields the base
    URL, then stops the server (and with ``dispose``, closes every case store's engine)."""
    server = LiveServer(settings)
    server.start()
    try:
        yield server.url
    finally:
        server.stop()
        if dispose:
            from upstream.cases.db import dispose_all

            dispose_all()


@pytest.fixture(scope="session")
def bundled_server(bundled_settings: Settings) -> Iterator[str]:
    """Base URL of the app serving the bundled data."""
    yield from serve(bundled_settings)


@pytest.fixture(scope="session")
def empty_server(empty_settings: Settings) -> Iterator[str]:
    """Base URL of the app serving an empty event store."""
    yield from serve(empty_settings)


def _chromium_path() -> str | None:
    wanted = os.environ.get("UPSTREAM_CHROMIUM", "/usr/bin/chromium")
    return wanted if Path(wanted).is_file() else shutil.which(wanted)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """Headless Chromium through Playwright (a ``playwright.sync_api.Browser``).

    A missing Chromium fails the browser tests rather than skipping them, so they cannot
    silently stop running; deselect them with ``-m "not browser"`` where there is none.
    """
    from playwright.sync_api import sync_playwright

    executable = _chromium_path()
    if executable is None:
        pytest.fail(
            "no Chromium for the browser tests: install it (apt-get install chromium), set "
            'UPSTREAM_CHROMIUM to its path, or deselect them with -m "not browser"'
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class Tab:
    """A browser page and what it did: console errors, page errors, every request URL."""

    page: Any
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def other_hosts(self) -> list[str]:
        """Requested URLs that are not on this machine (data: and blob: URLs are local)."""
        out = []
        for url in self.requests:
            parts = urlsplit(url)
            if parts.scheme in ("data", "blob", "about"):
                continue
            if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
                out.append(url)
        return out


@pytest.fixture
def tab(chromium: Any) -> Iterator[Tab]:
    """A fresh 1280x900 page in its own browser context, recording what it does."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    record = Tab(page)

    def on_console(message: Any) -> None:
        if message.type == "error":
            record.console_errors.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda exc: record.page_errors.append(str(exc)))
    page.on("request", lambda request: record.requests.append(request.url))
    try:
        yield record
    finally:
        context.close()


@pytest.fixture
def artifacts() -> Callable[[str], Path]:
    """Path for a named artifact under ``tests/artifacts`` (the folder is created)."""

    def path(name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        return ARTIFACTS / name

    return path


@pytest.fixture(scope="module")
def plan_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A live app over the demo case store (SYNTHETIC) and the DEMO action plan."""
    from upstream.account.actions.demo import load_demo_plan
    from upstream.cases.db import case_store
    from upstream.cases.demo import seed_demo

    settings = Settings(data_dir=tmp_path_factory.mktemp("plan-server"))
    store = case_store(settings)
    seed_demo(store)
    load_demo_plan(store)
    yield from serve(settings, dispose=True)
