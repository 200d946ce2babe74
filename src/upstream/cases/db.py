"""The case store's database: engine and sessions from settings, migrations, units of work.

SQLite under the data dir (``<data dir>/cases.sqlite``) by default; PostgreSQL (or any
database SQLAlchemy supports) when ``DATABASE_URL`` is set. ``postgresql://`` URLs use psycopg 3.

* The SQLite file and its ``-wal``/``-shm`` companions are readable by their owner only (0600).
* Bound parameters never appear in error messages or logs (``hide_parameters``): they can be
  contact notes or names.
* Every session writes its audit events with their MACs; after its unit of work commits, a
  background sealer seals them into the hash chain moments later
  (:mod:`upstream.cases.audit_sealer`, :mod:`upstream.cases.audit_chain`).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.orm import Session, sessionmaker

from upstream.cases.audit import AUDITED, install_chain
from upstream.cases.audit_chain import seal
from upstream.cases.audit_sealer import AuditSealer
from upstream.config import Settings

__all__ = [
    "CaseStore",
    "case_store",
    "database_url",
    "dispose_all",
    "private_sqlite_file",
    "session_settings",
]

_SETTINGS = "upstream.settings"
"""The key of a store's settings in the ``info`` of each of its sessions."""

_MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def database_url(settings: Settings) -> str:
    """The SQLAlchemy URL of the case store for ``settings``."""
    url = settings.database_url
    if not url:
        return f"sqlite:///{settings.data_dir / 'cases.sqlite'}"
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def session_settings(session: Session) -> Settings:
    """The settings of the store ``session`` belongs to, for code that has a session only
    (a flush hook, say): the same object as ``store.settings``."""
    settings = session.info.get(_SETTINGS)
    if not isinstance(settings, Settings):
        raise RuntimeError("this session was not opened by a case store")
    return settings


def private_sqlite_file(path: Path) -> None:
    """Create the SQLite file (and fix it and its companions) readable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    for item in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if item.exists() and item.stat().st_mode & 0o077:
            item.chmod(0o600)


def _sqlite_pragmas(dbapi_connection: Any, _record: object) -> None:
    dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself (below)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin_immediate(connection: Any) -> None:
    # Take the write lock at the start: every unit of work writes (at least an audit
    # event), and a read-then-write transaction in SQLite fails rather than waits.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


class CaseStore:
    """One case-store database: its engine, a session factory and its migrations."""

    def __init__(self, url: str, settings: Settings) -> None:
        self.url = url
        self.settings = settings
        if url.startswith("sqlite"):
            path = url.removeprefix("sqlite:///")
            if url.startswith("sqlite:///") and path not in ("", ":memory:"):
                private_sqlite_file(Path(path))
            self.engine: Engine = create_engine(
                url,
                connect_args={"check_same_thread": False, "timeout": 10},
                hide_parameters=True,
            )
            event.listen(self.engine, "connect", _sqlite_pragmas)
            event.listen(self.engine, "begin", _sqlite_begin_immediate)
        else:
            self.engine = create_engine(
                url, pool_size=20, max_overflow=20, pool_pre_ping=True, hide_parameters=True
            )
        self.sessions = sessionmaker(
            self.engine, expire_on_commit=False, info={_SETTINGS: settings}
        )
        install_chain(self.sessions, settings.audit_key)
        self._migrated = False
        self._lock = threading.Lock()
        self._sealer = AuditSealer(self._seal_once, settings.audit_seal_ms / 1000)

    def migrate(self) -> None:
        """Bring the schema to the newest migration (``alembic upgrade head``)."""
        with self._lock:
            if self._migrated:
                return
            config = Config()
            config.set_main_option("script_location", str(_MIGRATIONS))
            config.attributes["audit_key"] = self.settings.audit_key
            with self.engine.begin() as connection:
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
            self._migrated = True

    def is_migrated(self) -> bool:
        """Whether the case-store tables exist."""
        return "people" in inspect(self.engine).get_table_names()

    @contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        """A session whose changes are committed only if the block ends normally; audit
        events it recorded are then sealed into the chain in the background."""
        self.migrate()
        session = self.sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            audited = session.info.pop(AUDITED, False)
            session.close()
        if audited:
            self._sealer.request()

    def seal_audit(self) -> int:
        """Seal every audit event waiting now, before returning (never raises: the work
        is committed); returns how many."""
        return self._sealer.flush()

    def _seal_once(self) -> int | None:
        return seal(self.engine, self.settings.audit_key)

    def dispose(self) -> None:
        """Seal what is waiting, stop the sealer and close every pooled connection."""
        self._sealer.stop()
        self.engine.dispose()


_stores: dict[str, CaseStore] = {}
_stores_lock = threading.Lock()


def case_store(settings: Settings) -> CaseStore:
    """The (shared, per-URL) case store for ``settings``."""
    url = database_url(settings)
    with _stores_lock:
        store = _stores.get(url)
        if store is None:
            store = _stores[url] = CaseStore(url, settings)
        else:
            store.settings = settings
        return store


def dispose_all() -> None:
    """Dispose every engine opened by :func:`case_store` (for tests and shutdown)."""
    with _stores_lock:
        for store in _stores.values():
            store.dispose()
        _stores.clear()
