"""Migration 0006 on SQLite and PostgreSQL: it makes the five append-only tables, goes back to
0005 cleanly (tables, triggers and function gone) and forward again."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy import inspect

from upstream.cases.db import _MIGRATIONS, CaseStore
from upstream.network.store.models import APPEND_ONLY_TABLES


def _run(store: CaseStore, verb: str, target: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    config.attributes["audit_key"] = store.settings.audit_key
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        getattr(command, verb)(config, target)


def test_0006_goes_down_to_0005_and_up_again(store: CaseStore) -> None:
    assert set(APPEND_ONLY_TABLES) <= set(inspect(store.engine).get_table_names())
    _run(store, "downgrade", "0005")
    assert not set(APPEND_ONLY_TABLES) & set(inspect(store.engine).get_table_names())
    _run(store, "upgrade", "head")
    assert set(APPEND_ONLY_TABLES) <= set(inspect(store.engine).get_table_names())
