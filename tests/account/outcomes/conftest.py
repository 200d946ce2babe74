"""Real stores for the outcome measures.

demo_settings
    What ``make run`` loads (:func:`upstream.bootstrap.bootstrap`): the bundled real police.uk
    data, the SYNTHETIC partnership borough (seed 1) in the event store, and the SYNTHETIC demo
    case store (SQLite).
small_extract_settings
    An event store holding only a small hand-made partnership extract (ingested through the
    CLI like any extract), so monthly counts and repeat victims can be worked out by hand.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.cases.conftest import fresh_pg_url, postgres_url  # noqa: F401 (a fixture)
from tests.ingest.test_partnership import (
    INCIDENT_HEADER,
    INVOLVEMENT_HEADER,
    incident,
    person,
    write,
)
from upstream.bootstrap import bootstrap
from upstream.cli import app
from upstream.config import Settings


@pytest.fixture(scope="session")
def demo_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    settings = Settings(data_dir=tmp_path_factory.mktemp("outcomes_demo"))
    list(bootstrap(settings))
    return settings


# incident id, when (UTC unless stated), victim ref, age, overrides
SMALL = [
    ("A1", "2023-01-10T12:00:00+00:00", "P-0001", "16", {}),
    ("A2", "2023-02-10T12:00:00+00:00", "P-0001", "16", {}),
    ("A3", "2023-02-15T12:00:00+00:00", "P-0002", "20", {}),
    ("A4", "2023-03-05T12:00:00+00:00", "P-0003", "30", {}),
    ("A9", "2023-03-06T12:00:00+00:00", "P-0005", "10", {"domestic_abuse": "true"}),
    ("A11", "2023-03-31T23:30:00+00:00", "P-0007", "19", {}),  # 00:30 on 1 April, London time
    ("A5", "2023-04-01T12:00:00+01:00", "P-0002", "20", {}),
    ("A6", "2023-04-20T12:00:00+01:00", "P-0004", "17", {}),
    ("A10", "2023-05-01T12:00:00+01:00", "P-0006", "22", {"weapon": "none"}),
    ("A7", "2023-06-10T12:00:00+01:00", "P-0004", "17", {}),
    ("A8", "2023-06-11T12:00:00+01:00", "P-0001", "17", {}),
]


@pytest.fixture
def small_extract_settings(tmp_path: Path, settings: Settings) -> Settings:
    incidents = [incident(i, when, **kw) for i, when, _, _, kw in SMALL]
    victims = [person(i, "victim", ref, age=age) for i, _, ref, age, _ in SMALL]
    files = [
        write(tmp_path / "x" / "incidents_2023.csv", INCIDENT_HEADER, incidents),
        write(tmp_path / "x" / "involvements_2023.csv", INVOLVEMENT_HEADER, victims),
    ]
    result = CliRunner().invoke(app, ["ingest", "incidents", *map(str, files)])
    assert result.exit_code == 0, result.output
    return settings


@pytest.fixture(scope="session")
def pg_demo_settings(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Settings]:
    """The SYNTHETIC demo case store on a real PostgreSQL server (no event store)."""
    from upstream.cases.db import case_store
    from upstream.cases.demo import seed_demo

    server: str = request.getfixturevalue("postgres_url")
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("outcomes_pg"), database_url=fresh_pg_url(server)
    )
    store = case_store(settings)
    store.migrate()
    seed_demo(store, max_incidents=60)
    yield settings
