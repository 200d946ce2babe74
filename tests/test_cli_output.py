"""The command line as a user meets it (issue 12, part 5): real runs, output captured.

``upstream serve`` refuses a busy port in one line and logs one line per request without
personal data; ``status`` collapses gap months into ranges; help names words, not Python
types; the partnership ingests have ``--quiet``.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from tests.web.conftest import (  # noqa: F401  (the session stores, used by name below)
    bundled_settings,
    small_partnership_settings,
)
from upstream.cli import app
from upstream.config import Settings

runner = CliRunner()


def _cli(
    *args: str, env: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """``upstream ARGS`` in a child process, its output captured (so not a terminal)."""
    return subprocess.run(
        [sys.executable, "-m", "upstream.cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


# ------------------------------------------------------------------------------ serve


def test_serve_on_a_busy_port_fails_in_one_line_before_saying_serving() -> None:
    with socket.socket() as other:  # another program holds the port
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        done = _cli("serve", "--port", str(port), timeout=60)
    assert done.returncode == 1
    assert "serving" not in done.stdout + done.stderr
    assert done.stderr.strip() == (
        f"error: port {port} is in use; choose another with --port (make run PORT=...)"
    )


def test_serve_on_an_address_not_of_this_machine_fails_in_one_line() -> None:
    done = _cli("serve", "--host", "192.0.2.1", "--port", str(_free_port()), timeout=60)
    assert done.returncode == 1
    assert "serving" not in done.stdout
    assert done.stderr.strip() == (
        "error: 192.0.2.1 is not an address of this machine; give another with --host"
    )


class Served:
    """``upstream serve`` in a child process; ``stop()`` returns what it wrote."""

    def __init__(self, data_dir: Path, *extra: str, env: dict[str, str] | None = None) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "upstream.cli", "serve", "--port", str(self.port), *extra],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "UPSTREAM_DATA_DIR": str(data_dir), **(env or {})},
        )
        deadline = time.monotonic() + 120  # a loaded 2-core machine can take over a minute
        while True:
            try:
                httpx.get(self.url + "/healthz", timeout=2)
                return
            except httpx.TransportError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"upstream serve did not start: {self.stop()}") from None
                time.sleep(0.1)

    def stop(self) -> tuple[str, str]:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        out, err = self.process.communicate(timeout=30)
        return out, err


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    server = Served(tmp_path / "var")
    try:
        yield server
    finally:
        if server.process.poll() is None:
            server.stop()


def test_the_request_log_has_one_line_per_request_and_no_personal_data(
    served: Served,
) -> None:
    pseudonym, name = "YP-1A2B3C4D", "Jane Smith"
    with httpx.Client(base_url=served.url) as client:
        client.cookies.set("upstream_session", "secret-cookie-value")
        assert client.get(f"/?person={pseudonym}&q={name}").status_code == 200
        client.get(f"/cases/people/{pseudonym}")  # redirected to the login page
        client.post("/login", data={"username": name, "password": "hunter2", "csrf_token": "x"})
        client.get(f"/no/such/page/{pseudonym}")
    out, err = served.stop()
    assert "serving on" in out
    lines = [line for line in err.splitlines() if line.strip()]
    requests = [line.split(" INFO ", 1)[1] for line in lines if " INFO " in line]
    assert [re.sub(r" \d+ ms$", "", r) for r in requests] == [
        "GET /healthz 200",
        "GET / 200",
        "GET /cases/people/{pseudonym} 303",
        "POST /login 403",
        "GET (no route) 404",
    ]
    for secret in (pseudonym, "Jane", "Smith", "hunter2", "secret-cookie-value", "person="):
        assert secret not in err, secret
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d [\d:,]+ INFO .+ \d+ ms", line) for line in lines)


def test_the_request_log_can_be_turned_off(tmp_path: Path) -> None:
    server = Served(tmp_path / "var", "--workers", "1", env={"UPSTREAM_REQUEST_LOG": "false"})
    httpx.get(server.url + "/")
    out, err = server.stop()
    assert "serving on" in out
    assert " INFO " not in err and "GET" not in err


# ------------------------------------------------------------------------------ status


def test_status_collapses_gap_months_into_ranges(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundled: Settings = request.getfixturevalue("bundled_settings")
    monkeypatch.setenv("UPSTREAM_DATA_DIR", str(bundled.data_dir))
    result = runner.invoke(app, ["status"])
    assert result.exit_code == 0, result.output
    (line,) = [x for x in result.output.splitlines() if x.startswith("police_uk_stop_search")]
    assert line.endswith(
        "gaps: 30 month(s): 2018-02 to 2018-03 (2 months), 2019-03 to 2021-05 (27 months), 2022-01"
    )
    assert "2016-06 to 2024-02 (" in line and "years old)" in line  # the age of the data
    assert "2019-04" not in result.output  # no month listed one by one


# ------------------------------------------------------------------------------ help


def _command_paths(command: object, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield prefix
    for name, sub in getattr(command, "commands", {}).items():
        yield from _command_paths(sub, (*prefix, name))


def test_help_names_words_never_python_types() -> None:
    import typer.main

    root = typer.main.get_command(app)
    paths = list(_command_paths(root))
    assert len(paths) > 20
    for path in paths:
        result = runner.invoke(app, [*path, "--help"], terminal_width=100)
        assert result.exit_code == 0, path
        types = re.findall(r"<[a-z][\w\[\], |]*>", result.output)
        assert types == [], f"upstream {' '.join(path)} --help shows {types}"
    forecast = runner.invoke(app, ["forecast", "--help"], terminal_width=100).output
    assert re.search(r"--until\s+YYYY-MM", forecast)
    assert re.search(r"--cell\s+METRES", forecast)
    assert re.search(r"--events\s+FILE", forecast)
    ingest = runner.invoke(app, ["ingest", "police-uk", "--help"], terminal_width=100).output
    assert "PATH" in ingest and "list[Path]" not in ingest


# ------------------------------------------------------------------------------ ingest


@pytest.mark.parametrize("kind", ["incidents", "a-and-e"])
def test_partnership_ingests_have_quiet(
    kind: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    small: Settings = request.getfixturevalue("small_partnership_settings")
    extract = small.data_dir / "extract"
    prefixes = ("incidents_", "involvements_") if kind == "incidents" else ("a_and_e_",)
    files = sorted(str(p) for p in extract.iterdir() if p.name.startswith(prefixes))
    assert files
    terminal = {"TTY_COMPATIBLE": "1"}  # rich treats the captured output as a terminal
    shown = _cli("ingest", kind, *files, env={**terminal, "UPSTREAM_DATA_DIR": str(tmp_path / "a")})
    assert shown.returncode == 0, shown.stderr
    assert f"ingesting {len(files)} file(s)" in shown.stderr and "rows" in shown.stderr
    quiet = _cli(
        "ingest",
        kind,
        "--quiet",
        *files,
        env={**terminal, "UPSTREAM_DATA_DIR": str(tmp_path / "b")},
    )
    assert quiet.returncode == 0, quiet.stderr
    assert "ingesting" not in quiet.stderr
    assert "Ingested" in quiet.stdout  # the summary is still printed
