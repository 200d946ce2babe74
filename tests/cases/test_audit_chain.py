"""Tamper evidence of the audit log (issue 10, items 6 and 7), on SQLite and PostgreSQL.

* Every event is a link of a keyed hash chain; ``verify-audit`` names the first broken link
  when an event is changed, forged, removed, or the newest events are cut off.
* PostgreSQL refuses TRUNCATE, UPDATE and DELETE of audit events; an app role granted only
  what ``upstream cases db-grants`` prints cannot change the schema or drop the triggers.
* Events made before the chain existed are linked by the migration.
* The CSV export neutralises cells a spreadsheet would run as formulas.
"""

from __future__ import annotations

import csv
import io
import itertools
import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from upstream.cases import service
from upstream.cases.admin import export_audit
from upstream.cases.audit_chain import seal
from upstream.cases.audit_verify import verify_chain
from upstream.cases.db import _MIGRATIONS, CaseStore, database_url, dispose_all
from upstream.cases.dbroles import grant_statements
from upstream.cases.models import AuditEvent
from upstream.cases.schemas import IncidentCreate, PersonCreate
from upstream.cases.vocab import Agency, Role
from upstream.cli import app as cli
from upstream.config import Settings

from .conftest import WHY, add_user, fresh_pg_url


def _some_events(store: CaseStore, n: int = 4) -> None:
    coordinator = add_user(store, "coord", Role.COORDINATOR, Agency.COUNCIL)
    for _ in range(n):
        incident = service.create_incident(
            coordinator, store, IncidentCreate(occurred_at="2026-11-01T10:00:00Z", offence="Drugs")
        )
        service.add_person(coordinator, store, incident.id, PersonCreate(role="suspect"))
    store.seal_audit()  # what the background sealer does moments later


def _unsealed(store: CaseStore) -> int:
    with store.engine.connect() as connection:
        return int(
            connection.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.seq.is_(None)))
            or 0
        )


def _raw(store: CaseStore, sql: str) -> None:
    """Change the database behind the app's back, as someone with write access could."""
    with store.engine.begin() as connection:
        if store.engine.dialect.name == "postgresql":
            connection.execute(text("SET session_replication_role = replica"))  # no triggers
        else:
            connection.execute(text("DROP TRIGGER IF EXISTS audit_events_no_update"))
            connection.execute(text("DROP TRIGGER IF EXISTS audit_events_no_delete"))
        connection.execute(text(sql))


def test_an_intact_chain_verifies(store: CaseStore) -> None:
    _some_events(store)
    report = verify_chain(store)
    assert report.ok and report.events == report.head_seq >= 8
    with store.unit_of_work() as session:
        events = session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(events))


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ("UPDATE audit_events SET detail = 'nothing to see' WHERE seq = 3", "content"),
        ("DELETE FROM audit_events WHERE seq = 3", "missing"),
        (
            "INSERT INTO audit_events (at, actor_name, actor_role, action, record_type, purpose,"
            " outcome, seq, prev_hash, hash) SELECT at, 'forger', 'admin', 'auth.login', 'user',"
            " 'administration', 'ok', 3, prev_hash, hash FROM audit_events WHERE seq = 2",
            "",
        ),
    ],
)
def test_a_changed_removed_or_forged_event_is_named(
    store: CaseStore, change: str, problem: str
) -> None:
    _some_events(store)
    if change.startswith("INSERT"):  # a forged event slipped into place 3
        _raw(store, "UPDATE audit_events SET seq = seq + 100 WHERE seq >= 3")
        _raw(store, change)
        _raw(store, "UPDATE audit_events SET seq = seq - 99 WHERE seq >= 103")
    else:
        _raw(store, change)
    report = verify_chain(store)
    assert not report.ok and report.broken_seq == 3, report
    assert problem in (report.problem or "")
    assert "BROKEN at event seq 3" in report.message()


def test_cutting_off_the_newest_events_is_seen(store: CaseStore) -> None:
    _some_events(store)
    head = verify_chain(store).head_seq
    _raw(store, f"DELETE FROM audit_events WHERE seq > {head - 2}")
    report = verify_chain(store)
    assert not report.ok and "newest events were removed" in (report.problem or "")


def test_the_command_names_the_first_broken_link(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("UPSTREAM_DATA_DIR", str(tmp_path / "var"))
    store = CaseStore(database_url(Settings()), Settings())
    store.migrate()
    _some_events(store)
    runner = CliRunner()
    good = runner.invoke(cli, ["cases", "verify-audit"])
    assert good.exit_code == 0 and "audit log intact" in good.output
    _raw(store, "UPDATE audit_events SET actor_name = 'someone else' WHERE seq = 5")
    bad = runner.invoke(cli, ["cases", "verify-audit"])
    assert bad.exit_code == 1 and "BROKEN at event seq 5" in bad.output
    store.dispose()
    dispose_all()


def test_postgresql_refuses_truncate_update_and_delete(pg_store: CaseStore) -> None:
    _some_events(pg_store)
    for sql in (
        "TRUNCATE audit_events",
        "UPDATE audit_events SET detail = 'x'",
        "DELETE FROM audit_events",
        "DELETE FROM audit_chain",
        "TRUNCATE audit_chain",
    ):
        with pytest.raises(DBAPIError), pg_store.engine.begin() as connection:
            connection.execute(text(sql))
    assert verify_chain(pg_store).ok


def test_sqlite_refuses_update_and_delete(sqlite_store: CaseStore) -> None:
    _some_events(sqlite_store)
    for sql in ("UPDATE audit_events SET detail = 'x'", "DELETE FROM audit_events"):
        with pytest.raises(DBAPIError), sqlite_store.engine.begin() as connection:
            connection.execute(text(sql))


def test_an_app_role_without_schema_rights_runs_the_app_but_cannot_tamper(
    postgres_url: str, tmp_path: Path
) -> None:
    owner_url = fresh_pg_url(postgres_url)
    owner = create_engine(database_url(Settings(database_url=owner_url)))
    with owner.begin() as connection:
        connection.execute(text("CREATE ROLE upstream_app LOGIN PASSWORD 'app-secret-pw'"))
        for statement in grant_statements("upstream_app"):
            connection.execute(text(statement))
    owner.dispose()
    app_url = owner_url.replace("//", "//upstream_app:app-secret-pw@", 1)
    if "@" in owner_url.split("//", 1)[1]:  # the URL names a user already: replace it
        rest = owner_url.split("//", 1)[1].split("@", 1)[1]
        app_url = f"postgresql://upstream_app:app-secret-pw@{rest}"
    settings = Settings(data_dir=tmp_path / "var", database_url=app_url)
    store = CaseStore(database_url(settings), settings)
    store.migrate()  # already at head: nothing to change, nothing refused
    _some_events(store)
    assert verify_chain(store).ok
    for sql in (
        "TRUNCATE audit_events",
        "UPDATE audit_events SET detail = 'x'",
        "DELETE FROM audit_events",
        "DROP TRIGGER audit_events_append_only ON audit_events",
        "ALTER TABLE audit_events DISABLE TRIGGER ALL",
        "ALTER TABLE people ADD COLUMN note text",
        "DROP TABLE contacts",
    ):
        with pytest.raises(DBAPIError) as refused, store.engine.begin() as connection:
            connection.execute(text(sql))
        assert "permission denied" in str(refused.value) or "must be owner" in str(refused.value)
    store.dispose()
    with pytest.raises(ValueError, match="role"):
        grant_statements("app; DROP TABLE users")


def test_events_made_before_the_chain_are_linked_by_the_migration(
    store: CaseStore, tmp_path: Path
) -> None:
    url = (
        f"sqlite:///{tmp_path / 'old.sqlite'}"
        if store.engine.dialect.name == "sqlite"
        else store.url.rsplit("/", 1)[0] + "/" + store.url.rsplit("/", 1)[1] + "_old"
    )
    if not url.startswith("sqlite"):
        admin = create_engine(
            store.url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT"
        )
        with admin.connect() as connection:
            connection.execute(text(f"CREATE DATABASE {url.rsplit('/', 1)[1]}"))
        admin.dispose()
    engine = create_engine(url)
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
        for n in range(3):
            connection.execute(
                text(
                    "INSERT INTO audit_events (at, actor_name, actor_role, action, record_type,"
                    " record_id, purpose, outcome) VALUES (:at, 'old', 'coordinator',"
                    " 'person.read', 'person', :rid, 'coordination', 'ok')"
                ),
                {"at": f"2026-11-0{n + 1} 10:00:00", "rid": f"YP-0000000{n}"},
            )
    engine.dispose()
    upgraded = CaseStore(url, store.settings)
    upgraded.migrate()
    _some_events(upgraded, 1)
    report = verify_chain(upgraded)
    assert report.ok and report.events >= 5, report
    with upgraded.unit_of_work() as session:
        first = session.scalars(select(AuditEvent).order_by(AuditEvent.seq).limit(1)).one()
    assert (first.actor_name, first.record_id, first.seq) == ("old", "YP-00000000", 1)
    upgraded.dispose()


def test_the_csv_export_neutralises_formulas(store: CaseStore) -> None:
    admin = add_user(store, "admin", Role.ADMIN, Agency.COUNCIL)
    coordinator = add_user(store, "coord", Role.COORDINATOR, Agency.COUNCIL)
    with pytest.raises(service.NotFound):
        service.get_person(coordinator, store, '=HYPERLINK("http://evil.example","click")')
    text_csv = export_audit(admin, store, "=1+2 export for the board, ref 7")
    rows = list(csv.DictReader(io.StringIO(text_csv)))
    assert all(not v.startswith(("=", "+", "@")) for row in rows for v in row.values() if v)
    assert any(r["record_id"] == "(invalid id)" for r in rows)
    events = export_audit(admin, store, WHY)
    exported = [r for r in csv.DictReader(io.StringIO(events)) if r["action"] == "audit.export"]
    assert exported[0]["reason"] == "'=1+2 export for the board, ref 7"


def test_events_are_sealed_after_commit_and_a_forged_unsealed_one_is_named(
    store: CaseStore,
) -> None:
    coordinator = add_user(store, "coord", Role.COORDINATOR, Agency.COUNCIL)
    for _ in range(3):
        service.create_incident(
            coordinator, store, IncidentCreate(occurred_at="2026-11-01T10:00:00Z", offence="Drugs")
        )
    deadline = time.monotonic() + 5  # the background sealer, unasked, within moments
    while _unsealed(store) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert _unsealed(store) == 0
    # someone with write access adds an event of their own: it cannot carry a valid MAC
    with store.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO audit_events (at, actor_name, actor_role, action, record_type, "
                "purpose, outcome, mac) VALUES (:at, 'forger', 'admin', 'auth.login', 'user', "
                "'administration', 'ok', :mac)"
            ),
            {"at": datetime(2026, 11, 30, 9, 0), "mac": "0" * 64},
        )
    assert seal(store.engine, store.settings.audit_key) == 0  # never sealed
    report = verify_chain(store)
    assert not report.ok and "its MAC does not match" in (report.problem or "")


def test_the_database_allows_only_the_sealing_of_an_unsealed_event(store: CaseStore) -> None:
    _some_events(store, 1)
    with store.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO audit_events (at, actor_name, actor_role, action, record_type, "
                "purpose, outcome, mac) VALUES (:at, 'x', 'admin', 'auth.login', 'user', "
                "'administration', 'ok', 'm')"
            ),
            {"at": datetime(2026, 11, 30, 9, 0)},
        )
    for sql in (
        "UPDATE audit_events SET actor_name = 'y' WHERE seq IS NULL",  # content, unsealed
        "UPDATE audit_events SET seq = 999, actor_name = 'y' WHERE seq IS NULL",
        "UPDATE audit_events SET seq = seq + 1000 WHERE seq = 1",  # a sealed event
        "UPDATE audit_events SET hash = 'z' WHERE seq = 1",
    ):
        with pytest.raises(DBAPIError), store.engine.begin() as connection:
            connection.execute(text(sql))
    with store.engine.begin() as connection:  # what sealing does is allowed
        connection.execute(
            text("UPDATE audit_events SET seq = 999, prev_hash = 'p', hash = 'h' WHERE seq IS NULL")
        )


def test_concurrent_writers_and_sealers_keep_one_unbroken_chain(pg_store: CaseStore) -> None:
    coordinator = add_user(pg_store, "coord", Role.COORDINATOR, Agency.COUNCIL)

    def work(n: int) -> None:
        for _ in range(n):
            incident = service.create_incident(
                coordinator,
                pg_store,
                IncidentCreate(occurred_at="2026-11-01T10:00:00Z", offence="Drugs"),
            )
            service.get_incident(coordinator, pg_store, incident.id)

    threads = [threading.Thread(target=work, args=(15,)) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    report = verify_chain(pg_store)
    assert report.ok, report
    assert report.events >= 6 * 15 * 2


def test_a_process_that_exits_before_the_sealer_wakes_leaves_nothing_unsealed(
    tmp_path: Path,
) -> None:
    """A command-line run is over in moments: its events are sealed as the process exits."""
    settings = Settings(data_dir=tmp_path / "var", audit_seal_ms=5000)
    store = CaseStore(database_url(settings), settings)
    add_user(store, "coord", Role.COORDINATOR, Agency.COUNCIL)
    store.dispose()
    program = """
import sys
from pathlib import Path
from sqlalchemy import select
from upstream.cases import service
from upstream.cases.auth import actor_for
from upstream.cases.db import CaseStore, database_url
from upstream.cases.models import User
from upstream.cases.schemas import IncidentCreate
from upstream.config import Settings
settings = Settings(data_dir=Path(sys.argv[1]), audit_seal_ms=5000)
store = CaseStore(database_url(settings), settings)
with store.unit_of_work() as session:
    actor = actor_for(session.scalars(select(User)).one(), "direct_support")
new = IncidentCreate(occurred_at="2026-11-01T10:00:00Z", offence="Drugs")
for _ in range(3):
    service.create_incident(actor, store, new)
"""
    subprocess.run([sys.executable, "-c", program, str(tmp_path / "var")], check=True)
    assert _unsealed(store) == 0
    report = verify_chain(store)
    assert report.ok and report.events >= 3
