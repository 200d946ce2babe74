"""``upstream network build`` and ``upstream network audit`` against a real case store
(SQLite and PostgreSQL), as a named user who proves it with their password."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from tests.cases.conftest import PASSWORD, add_user, fresh_pg_url
from upstream.cases.db import case_store, dispose_all
from upstream.cases.models import AuditEvent
from upstream.cases.vocab import Agency, Purpose, Role
from upstream.cli import app
from upstream.config import get_settings
from upstream.network.store.models import NetworkList

from .conftest import seed

runner = CliRunner()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The CLI's case store, with the small network and two users in it."""
    if request.param == "postgresql":
        monkeypatch.setenv("DATABASE_URL", fresh_pg_url(request.getfixturevalue("postgres_url")))
    store = case_store(get_settings())
    store.migrate()
    seed(store)
    add_user(store, "intel", Role.INTEL_ANALYST, Agency.POLICE, purpose=Purpose.INTELLIGENCE)
    add_user(store, "analyst", Role.ANALYST, Agency.POLICE, purpose=Purpose.ANALYSIS)
    yield request.param
    dispose_all()


def _count(model: type) -> int:
    store = case_store(get_settings())
    with store.unit_of_work() as session:
        return int(session.scalar(select(func.count(model.id))) or 0)  # type: ignore[attr-defined]


BUILD = ["network", "build", "--as-of", "2026-12-01", "--purpose", "Call-in list, December"]


def test_build_stores_a_list_and_audit_then_audit_prints_it(database: str, tmp_path: Path) -> None:
    out = tmp_path / "list"
    result = runner.invoke(
        app, [*BUILD, "--as", "intel", "--password-stdin", "--out", str(out)], input=PASSWORD + "\n"
    )
    assert result.exit_code == 0, result.output
    assert "produced list 1 (harm): 5 people" in result.output
    members = pd.read_csv(out / "list.csv")
    assert set(members["pseudonym"]) >= {"YP-0000S1", "YP-0000A1"}
    assert json.loads((out / "audit.json").read_text())["purpose"] == "Call-in list, December"
    written = tmp_path / "audit.json"
    result = runner.invoke(
        app,
        ["network", "audit", "--list", "1", "--as", "intel", "--password-stdin", "--out",
         str(written)],
        input=PASSWORD + "\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "ethnic_group: Black: 2 of 5 (40%)" in result.output
    assert json.loads(written.read_text())["table"]
    store = case_store(get_settings())
    with store.unit_of_work() as session:
        actions = list(session.scalars(select(AuditEvent.action).where(
            AuditEvent.actor_name == "intel").order_by(AuditEvent.id)))  # fmt: skip
    assert actions.count("network.list_produce") == 1
    assert actions.count("network.list_read") == 3  # the list for --out, its audit, audit


def test_build_refuses_a_role_without_the_right_and_a_wrong_password(database: str) -> None:
    result = runner.invoke(
        app, [*BUILD, "--as", "analyst", "--session-purpose", "analysis", "--password-stdin"],
        input=PASSWORD + "\n",
    )  # fmt: skip
    assert result.exit_code == 1
    assert "may not network.produce_harm" in result.output
    result = runner.invoke(app, [*BUILD, "--as", "intel", "--password-stdin"], input="wrong\n")
    assert result.exit_code == 1
    assert _count(NetworkList) == 0


def test_build_without_a_purpose_stores_nothing(database: str) -> None:
    result = runner.invoke(
        app,
        ["network", "build", "--as-of", "2026-12-01", "--purpose", "x", "--as", "intel",
         "--password-stdin"],
        input=PASSWORD + "\n",
    )  # fmt: skip
    assert result.exit_code == 1
    assert "stated purpose" in result.output and len(result.output.strip().splitlines()) == 1
    assert _count(NetworkList) == 0
