"""Real case stores for the tests: SQLite files and a real PostgreSQL server.

Fixtures
--------
postgres_url
    A PostgreSQL server started for the test session (``initdb`` + ``pg_ctl`` from the
    Debian ``postgresql`` package, as the ``postgres`` user when run as root) on a free
    localhost port, with fsync off; stopped and deleted at the end. Its template database has
    the case-store schema (``alembic upgrade head``). Fails, saying how to fix it, when no
    PostgreSQL is installed (``make test`` installs it via scripts/install-system-deps.sh).
sqlite_store / pg_store
    A migrated, empty :class:`~upstream.cases.db.CaseStore` per test (a fresh SQLite file, or a
    fresh PostgreSQL database copied from the template).
store
    Parametrised over both, for the tests that must hold on SQLite AND PostgreSQL.
people
    Users of every role in every agency (caseworkers: every service), as actors.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text

from tests.pgserver import TempPostgres, postgres_bin
from upstream.cases.access import Actor
from upstream.cases.auth import actor_for, hash_password
from upstream.cases.db import CaseStore, database_url
from upstream.cases.models import Incident, Involvement, LoginAttempt, Offer, Person, User, utcnow
from upstream.cases.vocab import SERVICE_AGENCY, Agency, Purpose, Role
from upstream.config import Settings

PASSWORD = "correct horse battery"


def purpose_for(username: str) -> str:
    """A purpose the test user's role may state (admins, analysts, coordinators, others)."""
    if "admin" in username:
        return "administration"
    if "analyst" in username:
        return "analysis"
    if username.startswith("board"):
        return "oversight"
    return "coordination" if username.startswith("coord") else "direct_support"


WHY = "test: the reason the rules ask for"


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """URL of a throwaway PostgreSQL server with a migrated template database."""
    if postgres_bin() is None:
        pytest.fail(
            "no PostgreSQL server for the case-store tests: run scripts/install-system-deps.sh "
            "(apt-get install postgresql) or set UPSTREAM_PG_BIN to its bin folder"
        )
    server = TempPostgres().start()
    try:
        admin = create_engine(
            database_url(Settings(database_url=server.url)), isolation_level="AUTOCOMMIT"
        )
        with admin.connect() as conn:
            conn.execute(text("CREATE DATABASE upstream_template"))
        admin.dispose()
        template = CaseStore(
            database_url(Settings(database_url=server.database("upstream_template"))), Settings()
        )
        template.migrate()
        template.dispose()
        yield server.url
    finally:
        server.stop()


_counter = itertools.count()


def with_database(url: str, name: str) -> str:
    """``url`` naming database ``name`` instead."""
    return url.rsplit("/", 1)[0] + "/" + name


def fresh_pg_url(postgres_url: str) -> str:
    """A new database copied from the migrated template; returns its URL."""
    name = f"t{os.getpid()}_{next(_counter)}"
    admin = create_engine(
        database_url(Settings(database_url=postgres_url)), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name} TEMPLATE upstream_template"))
    admin.dispose()
    return with_database(postgres_url, name)


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[CaseStore]:
    settings = Settings(data_dir=tmp_path / "var")
    store = CaseStore(database_url(settings), settings)
    store.migrate()
    yield store
    store.dispose()


@pytest.fixture
def pg_store(postgres_url: str, tmp_path: Path) -> Iterator[CaseStore]:
    settings = Settings(data_dir=tmp_path / "var", database_url=fresh_pg_url(postgres_url))
    store = CaseStore(database_url(settings), settings)
    store.migrate()
    yield store
    store.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest) -> CaseStore:
    name = "sqlite_store" if request.param == "sqlite" else "pg_store"
    value: CaseStore = request.getfixturevalue(name)
    return value


@pytest.fixture(scope="session")
def password_hash() -> str:
    return hash_password(PASSWORD)


def add_user(
    store: CaseStore,
    username: str,
    role: Role,
    agency: Agency,
    service: str | None = None,
    password_hash: str | None = None,
    purpose: str = Purpose.DIRECT_SUPPORT,
) -> Actor:
    """A user written straight to the store (fast: one shared hash); returns its actor."""
    with store.unit_of_work() as session:
        user = User(
            username=username,
            password_hash=password_hash or hash_password(PASSWORD),
            role=role,
            agency=agency,
            service=service,
            active=True,
            failed_logins=0,
        )
        session.add(user)
        session.flush()
        return actor_for(user, purpose)


class People:
    """Actors of every role: ``coordinator``, ``analyst``, ``admin`` and a caseworker of
    every service (``caseworkers[service]``), plus ``by_agency[(role, agency)]``."""

    def __init__(self, store: CaseStore, password_hash: str) -> None:
        self.coordinator = add_user(
            store, "coord", Role.COORDINATOR, Agency.COUNCIL, None, password_hash
        )
        self.analyst = add_user(store, "analyst", Role.ANALYST, Agency.POLICE, None, password_hash)
        self.admin = add_user(store, "admin", Role.ADMIN, Agency.COUNCIL, None, password_hash)
        self.caseworkers = {
            service: add_user(
                store, f"cw-{service}", Role.CASEWORKER, agency, service, password_hash
            )
            for service, agency in SERVICE_AGENCY.items()
        }
        self.by_agency: dict[tuple[str, str], Actor] = {}
        for role in (Role.COORDINATOR, Role.ANALYST, Role.ADMIN):
            for agency in Agency:
                self.by_agency[(role, agency)] = add_user(
                    store, f"{role}-{agency}", role, agency, None, password_hash
                )


@pytest.fixture
def people(sqlite_store: CaseStore, password_hash: str) -> People:
    return People(sqlite_store, password_hash)


def backdate(store: CaseStore, hours: float) -> None:
    """Move every case record's times ``hours`` into the past, as if recorded then.

    Contacts cannot be dated before their offer or in the future, so a test that needs a
    contact some hours after an offer makes the offer that much older first.
    """
    shift = timedelta(hours=hours)
    moves: list[tuple[type, list[str]]] = [
        (Incident, ["recorded_at"]),
        (Person, ["created_at"]),
        (Involvement, ["created_at"]),
        (Offer, ["created_at", "due_at"]),
    ]
    with store.unit_of_work() as session:
        for model, columns in moves:
            for row in session.scalars(select(model)):
                for column in columns:
                    value: datetime = getattr(row, column)
                    setattr(row, column, value - shift)
                session.flush()


def add_failures(
    store: CaseStore, username: str, count: int, client_addr: str = "10.9.9.9"
) -> None:
    """``count`` failed logins of ``username`` just now, as if guessed from ``client_addr``."""
    with store.unit_of_work() as session:
        session.add_all(
            LoginAttempt(at=utcnow(), username=username, client_addr=client_addr)
            for _ in range(count)
        )
