"""Pages that need no login (issue 10, items 13 and 18): no server paths, security headers,
the API description behind login outside development, and partnership data only after
disclosure control for anyone who has not signed in."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from tests.cases.conftest import PASSWORD, add_user
from tests.cases.test_flow import api_login
from tests.web.published import exposed, figures, small_counts, tables, withheld
from upstream.cases.db import case_store
from upstream.cases.demo import DEMO_PASSWORD
from upstream.cases.vocab import Agency, Role
from upstream.cli import app as cli
from upstream.config import Settings
from upstream.web import create_app
from upstream.web.app import STRICT_TRANSPORT_SECURITY

PARTNERSHIP_FIGURES = {"headline-monthly", "weekday-hour", "age-sex", "victims-ethnicity"}


@pytest.fixture(scope="module")
def small(small_partnership_settings: Settings) -> Iterator[TestClient]:
    """The app on the small partnership store (anonymous unless a test logs in)."""
    with TestClient(create_app(small_partnership_settings)) as client:
        yield client


def _paths(settings: Settings) -> list[str]:
    return [str(settings.data_dir), str(settings.events_dir), str(settings.data_dir.resolve())]


# ---------------------------------------------------------------- item 13: no server paths


@pytest.mark.parametrize("fixture", ["bundled_settings", "empty_settings"])
def test_coverage_and_home_name_no_server_path(
    fixture: str, request: pytest.FixtureRequest
) -> None:
    settings: Settings = request.getfixturevalue(fixture)
    with TestClient(create_app(settings)) as client:
        anonymous = [client.get("/api/coverage"), client.get("/")]
        if fixture == "bundled_settings":
            api_login(client, "analyst", DEMO_PASSWORD)
            signed_in = [client.get("/api/coverage"), client.get("/")]
            assert signed_in[0].headers["x-upstream-version"] == "full"
        else:
            signed_in = []
    for response in anonymous + signed_in:
        assert response.status_code == 200
        for path in _paths(settings):
            assert path not in response.text, f"{response.url} names {path}"
    assert "store" not in anonymous[0].json()


def test_status_json_keeps_the_path_for_the_command_line(
    bundled_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("UPSTREAM_DATA_DIR", str(bundled_settings.data_dir))
    result = CliRunner().invoke(cli, ["status", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["store"] == str(bundled_settings.events_dir)
    assert report["sources"]["police_uk_street"]["rows"] == 48_216


# ---------------------------------------------------------------- item 13: headers and docs


def _production(tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path / "var", env="production", secret_key="s" * 40, audit_key="a" * 40
    )


def test_hsts_is_sent_in_production_only(tmp_path: Path) -> None:
    with TestClient(create_app(_production(tmp_path)), base_url="https://testserver") as c:
        for path in ("/healthz", "/", "/login"):
            assert c.get(path).headers["strict-transport-security"] == (
                "max-age=63072000; includeSubDomains"
            )
    assert STRICT_TRANSPORT_SECURITY == "max-age=63072000; includeSubDomains"
    dev = Settings(data_dir=tmp_path / "dev")
    with TestClient(create_app(dev)) as client:
        assert "strict-transport-security" not in client.get("/healthz").headers


def test_openapi_is_open_in_development_only(tmp_path: Path) -> None:
    with TestClient(create_app(Settings(data_dir=tmp_path / "dev"))) as client:
        assert client.get("/openapi.json").json()["info"]["title"] == "upstream"
    for env in ("production", "test"):
        settings = (
            _production(tmp_path)
            if env == "production"
            else Settings(data_dir=tmp_path / env, env="test")
        )
        store = case_store(settings)
        store.migrate()
        add_user(store, f"analyst-{env}", Role.ANALYST, Agency.POLICE)
        with TestClient(create_app(settings), base_url="https://testserver") as client:
            anonymous = client.get("/openapi.json")
            assert anonymous.status_code == 401, env
            assert anonymous.json() == {"detail": "log in first"}
            assert anonymous.headers["content-type"] == "application/json"
            api_login(client, f"analyst-{env}", PASSWORD)
            signed_in = client.get("/openapi.json")
            assert signed_in.status_code == 200, env
            assert "/api/cases/board" in signed_in.json()["paths"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.mark.parametrize("workers", [1, 2])
def test_upstream_serve_sends_no_server_header(workers: int, tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "UPSTREAM_DATA_DIR": str(tmp_path / "var")}
    upstream = Path(sys.executable).with_name("upstream")
    process = subprocess.Popen(
        [str(upstream), "serve", "--port", str(port), "--workers", str(workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    if process.poll() is None:  # still starting: stop it, or its stderr never ends
                        os.killpg(process.pid, signal.SIGKILL)
                    _, stderr = process.communicate()
                    pytest.fail(f"upstream serve did not start: {stderr.decode()[-2000:]}")
                time.sleep(0.2)
        assert response.status_code == 200
        assert "server" not in response.headers, response.headers
        assert "server" not in httpx.get(f"http://127.0.0.1:{port}/nowhere").headers
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # the session this test started
            process.wait()


# ---------------------------------------------------------------- item 18: public pages


def test_anonymous_coverage_hides_small_partnership_counts(
    small: TestClient, small_partnership_settings: Settings
) -> None:
    client = TestClient(small.app)  # no cookies
    public = client.get("/api/coverage")
    assert public.headers["x-upstream-version"] == "public"
    assert "Cookie" in public.headers["vary"]
    report = public.json()
    ae = report["sources"]["incidents_a_and_e_synthetic"]
    assert ae["rows"] is None and ae["by_type"] == [["Violence and sexual offences", None]]
    police = report["sources"]["incidents_police_synthetic"]
    assert police["rows"] == 635
    assert all(n is None or n == 0 or n >= 10 for n in police["rows_by_month"].values())
    assert report["sources"]["involvements_a_and_e_synthetic"]["rows"] is None
    for info in report["sources"].values():
        for value in [info["rows"], *(n for _, n in info["by_type"])]:
            assert value is None or value == 0 or value >= 10
    home = client.get("/")
    assert "[c]" in home.text and 'data-version="public"' in home.text

    api_login(small, "analyst", PASSWORD)
    full = small.get("/api/coverage")
    assert full.headers["cache-control"] == "private, no-store"
    assert full.json()["sources"]["incidents_a_and_e_synthetic"]["rows"] == 7
    assert 'data-version="full"' in small.get("/").text


def _profile(client: TestClient) -> str:
    response = client.get("/profile")
    assert response.status_code == 200
    return response.text


def test_anonymous_profile_publishes_no_small_partnership_count(small: TestClient) -> None:
    client = TestClient(small.app)
    response = client.get("/profile")
    assert response.headers["x-upstream-version"] == "public"
    html = response.text
    assert 'data-version="public"' in html and "Public version." in html
    partnership = [t for t in tables(html) if t.source == "partnership"]
    assert len(partnership) >= 8
    for table in partnership:
        assert small_counts(table) == [], table.caption
        assert exposed(table) == [], table.caption
    assert any(t.total_row and t.total_column for t in partnership)
    assert sum("[c]" in str(t.counts()) for t in partnership) >= 5
    shown = figures(html)
    assert {k for k, v in shown.items() if v["source"] == "partnership"} == set()
    assert set(withheld(html)) >= PARTNERSHIP_FIGURES
    assert "counts below 10 are not published" in html


def test_signed_in_profile_is_the_full_version(small: TestClient) -> None:
    api_login(small, "analyst", PASSWORD)
    response = small.get("/profile")
    assert response.headers["x-upstream-version"] == "full"
    assert response.headers["cache-control"] == "private, no-store"
    html = response.text
    assert 'data-version="full"' in html and "Full version" in html
    shown = figures(html)
    assert {k for k, v in shown.items() if v["source"] == "partnership"} >= PARTNERSHIP_FIGURES
    assert withheld(html) == []
    # the full version has the small counts the public one hides (so the checks above bite)
    z = [v for row in shown["weekday-hour"]["figure"]["data"][0]["z"] for v in row]
    assert any(0 < v < 10 for v in z)
    assert any(small_counts(t) for t in tables(html) if t.source == "partnership")


def test_the_cache_never_serves_the_full_profile_to_an_anonymous_visitor(
    small_partnership_settings: Settings,
) -> None:
    app = create_app(small_partnership_settings)
    with TestClient(app) as signed_in, TestClient(app) as anonymous:
        api_login(signed_in, "analyst", PASSWORD)
        assert 'data-version="full"' in _profile(signed_in)  # built and cached first
        html = _profile(anonymous)
        assert 'data-version="public"' in html and "data-withheld" in html
        assert figures(html).get("weekday-hour") is None
        assert 'data-version="full"' in _profile(signed_in)  # and the other way round
        assert 'data-version="public"' in _profile(anonymous)
