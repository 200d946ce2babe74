"""Deployment safety (issue 10, items 2 and 11).

* Production refuses to start while any demo user is active; ``disable-demo`` makes it
  startable, audited; demo users cannot log in to a production server at all.
* The demo never creates an ``admin`` with a published password: its admin gets a random
  one-time password in a file only its owner can read, to be changed at first login.
* The SQLite case store and its WAL/SHM files are readable by their owner only.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from typer.testing import CliRunner

from upstream.cases.auth import LoginFailed, login
from upstream.cases.db import CaseStore, case_store, database_url, dispose_all
from upstream.cases.demo import DEMO_ADMIN_FILE, DEMO_PASSWORD, DEMO_USERS, seed_demo
from upstream.cases.deployment import UnsafeDeployment, check_production
from upstream.cases.models import AuditEvent, User
from upstream.cli import app as cli
from upstream.config import Settings
from upstream.web import create_app

PRODUCTION = {"env": "production", "secret_key": "s" * 40, "audit_key": "a" * 40}


@pytest.fixture
def demo_dir(tmp_path: Path) -> Path:
    """A data dir whose case store holds the synthetic demo."""
    settings = Settings(data_dir=tmp_path / "var")
    seed_demo(case_store(settings), max_incidents=5)
    dispose_all()
    return tmp_path / "var"


def test_the_demo_admin_has_no_published_password(demo_dir: Path) -> None:
    settings = Settings(data_dir=demo_dir)
    store = case_store(settings)
    secret_file = demo_dir / DEMO_ADMIN_FILE
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    one_time = secret_file.read_text().splitlines()[0]
    assert one_time != DEMO_PASSWORD and len(one_time) >= 20
    with pytest.raises(LoginFailed):
        login(store, "admin", DEMO_PASSWORD, "administration")
    _, view = login(store, "admin", one_time, "administration")
    assert view.must_change_password
    lines = seed_demo(store)  # a second run seeds nothing and prints no password
    assert not any(one_time in line for line in lines)
    dispose_all()


def test_production_refuses_to_start_while_demo_users_are_active(
    demo_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(data_dir=demo_dir, **PRODUCTION)  # type: ignore[arg-type]
    store = case_store(settings)
    with pytest.raises(UnsafeDeployment, match="disable-demo"):
        check_production(store)
    with pytest.raises(UnsafeDeployment), TestClient(create_app(settings)):
        pass
    dispose_all()
    for key, value in PRODUCTION.items():
        monkeypatch.setenv(f"UPSTREAM_{key.upper()}", value)
    monkeypatch.setenv("UPSTREAM_DATA_DIR", str(demo_dir))
    done = CliRunner().invoke(cli, ["cases", "disable-demo"])
    assert done.exit_code == 0 and f"disabled {len(DEMO_USERS)} demo user(s)" in done.output
    store = case_store(settings)
    check_production(store)
    with TestClient(create_app(settings)) as client:
        assert client.get("/healthz").status_code == 200
    with store.unit_of_work() as session:
        events = session.scalars(
            select(AuditEvent.detail).where(AuditEvent.actor_name == "system:disable-demo")
        ).all()
        assert events.count("demo user disabled") == len(DEMO_USERS)
        # even if one is enabled again behind the app's back, it cannot log in
        session.execute(update(User).where(User.username == "coordinator").values(active=True))
    with pytest.raises(LoginFailed, match="demo accounts"):
        login(store, "coordinator", DEMO_PASSWORD, "coordination")
    dispose_all()


def test_the_sqlite_case_store_is_private(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "var")
    path = tmp_path / "var" / "cases.sqlite"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"")
    os.chmod(path, 0o644)  # an older install left it world-readable
    store = CaseStore(database_url(settings), settings)
    store.migrate()
    seed_demo(store, max_incidents=2)
    with store.engine.connect() as connection:  # the WAL and SHM files exist while open
        connection.exec_driver_sql("SELECT count(*) FROM people").scalar()
        files = [p for p in path.parent.iterdir() if p.name.startswith("cases.sqlite")]
        assert {p.name for p in files} >= {"cases.sqlite", "cases.sqlite-wal", "cases.sqlite-shm"}
        for p in files:
            assert stat.S_IMODE(p.stat().st_mode) & 0o077 == 0, (p.name, oct(p.stat().st_mode))
    store.dispose()


def test_serve_refuses_in_production_with_one_line(
    demo_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in PRODUCTION.items():
        monkeypatch.setenv(f"UPSTREAM_{key.upper()}", value)
    monkeypatch.setenv("UPSTREAM_DATA_DIR", str(demo_dir))
    refused = CliRunner().invoke(cli, ["serve", "--port", "1"])
    assert refused.exit_code == 1
    assert "refusing to start in production" in refused.output
    assert "Traceback" not in refused.output
    dispose_all()


def test_production_login_pages_name_no_demo_login(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "var", **PRODUCTION)  # type: ignore[arg-type]
    with TestClient(create_app(settings), base_url="https://testserver") as client:
        page = client.get("/login").text
        assert 'id="demo-logins"' not in page and DEMO_PASSWORD not in page
        docs = client.get("/api/docs", follow_redirects=False)
        assert docs.status_code == 303 and docs.headers["location"].startswith("/login")
    dispose_all()
