"""audit events carry their own MAC; the chain is sealed after commit

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 00:10:00

Each event gets ``mac`` (HMAC of its fields with the audit key), computed here for the events
already stored. The triggers now refuse every UPDATE but one: setting ``seq``, ``prev_hash``
and ``hash`` on an event not yet sealed, with nothing else changed (the sealing of
:mod:`upstream.cases.audit_chain`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from alembic import context, op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_KEPT = (
    "id",
    "at",
    "actor_id",
    "actor_name",
    "actor_role",
    "action",
    "record_type",
    "record_id",
    "purpose",
    "outcome",
    "detail",
    "session_id",
    "client_addr",
    "reason",
    "mac",
)
"""What sealing may not change."""


def _audit_key() -> str:
    key = context.config.attributes.get("audit_key")
    if key:
        return str(key)
    from upstream.config import get_settings

    return get_settings().audit_key


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.add_column("audit_events", sa.Column("mac", sa.String(64)))
    _drop_update_guard(dialect)
    _mac_existing_events()
    _sealing_only_update_guard(dialect)


def _mac_existing_events() -> None:
    from upstream.cases.audit import event_mac
    from upstream.cases.models import UTCDateTime

    bind = op.get_bind()
    columns = (
        "id, at, actor_id, actor_name, actor_role, action, record_type, record_id, purpose, "
        "reason, outcome, detail, session_id, client_addr"
    )
    key, at_type = _audit_key(), UTCDateTime()
    for row in bind.execute(sa.text(f"SELECT {columns} FROM audit_events ORDER BY id")).all():
        fields: dict[str, Any] = dict(row._mapping)
        at = fields["at"]
        if isinstance(at, str):  # SQLite hands back its text form
            at = datetime.fromisoformat(at)
        fields["at"] = at_type.process_result_value(at, bind.dialect)
        bind.execute(
            sa.text("UPDATE audit_events SET mac = :m WHERE id = :i"),
            {"m": event_mac(key, fields), "i": row.id},
        )


def _drop_update_guard(dialect: str) -> None:
    if dialect == "postgresql":
        op.execute("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only")
    elif dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_update")


def _sealing_only_update_guard(dialect: str) -> None:
    same = " AND ".join(f"NEW.{c} IS NOT DISTINCT FROM OLD.{c}" for c in _KEPT)
    if dialect == "postgresql":
        op.execute(
            "CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger AS $$ "
            "BEGIN "
            "IF TG_OP = 'UPDATE' THEN "
            f"IF OLD.seq IS NULL AND NEW.seq IS NOT NULL AND {same} THEN RETURN NEW; END IF; "
            "END IF; "
            "RAISE EXCEPTION 'audit_events is append-only'; "
            "END; $$ LANGUAGE plpgsql"
        )
        op.execute("ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only")
    elif dialect == "sqlite":
        kept = " AND ".join(f"NEW.{c} IS OLD.{c}" for c in _KEPT)
        op.execute(
            "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events "
            f"WHEN NOT (OLD.seq IS NULL AND NEW.seq IS NOT NULL AND {kept}) "
            "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END"
        )


def downgrade() -> None:
    op.drop_column("audit_events", "mac")
