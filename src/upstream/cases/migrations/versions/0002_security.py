"""security: audit hash chain, session and client on events, throttle, approvals, scope

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 21:30:00

* users: forced password change, who created and who approved them.
* login_sessions: the client address at login. login_attempts: failed logins for the throttle.
* involvements: who added the young person (scope comes from one's own service's involvement;
  existing links are left without an adder, so they give no caseworker scope by themselves).
* offers: whether the first contact was entered after the deadline; contacts: when entered.
* audit_events: session id, client address, reason, and the hash chain (seq, prev_hash,
  hash); record ids up to 64 characters. Existing events are linked here, in id order, with
  the configured audit key. TRUNCATE is refused on PostgreSQL; the chain head cannot be
  deleted.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from alembic import context, op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_FALSE = sa.false()


def _audit_key() -> str:
    key = context.config.attributes.get("audit_key")
    if key:
        return str(key)
    from upstream.config import get_settings

    return get_settings().audit_key


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    with op.batch_alter_table("users", recreate="never") as t:
        t.add_column(
            sa.Column("must_change_password", sa.Boolean(), nullable=False, server_default=_FALSE)
        )
        t.add_column(sa.Column("password_changed_at", sa.DateTime(timezone=True)))
        t.add_column(sa.Column("created_by_id", sa.Integer()))
        t.add_column(
            sa.Column("approval", sa.String(16), nullable=False, server_default="approved")
        )
        t.add_column(sa.Column("approved_by_id", sa.Integer()))
        t.add_column(sa.Column("approved_at", sa.DateTime(timezone=True)))
    op.add_column("login_sessions", sa.Column("client_addr", sa.String(64)))
    op.create_table(
        "login_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("client_addr", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_attempts")),
    )
    for column in ("at", "username", "client_addr"):
        op.create_index(f"ix_login_attempts_{column}", "login_attempts", [column])
    op.add_column("involvements", sa.Column("added_by_id", sa.Integer()))
    op.add_column("involvements", sa.Column("added_by_service", sa.String(32)))
    op.add_column(
        "offers", sa.Column("late_entry", sa.Boolean(), nullable=False, server_default=_FALSE)
    )
    op.add_column("contacts", sa.Column("recorded_at", sa.DateTime(timezone=True)))

    for name, kind in (
        ("session_id", sa.Integer()),
        ("client_addr", sa.String(64)),
        ("reason", sa.String(300)),
        ("seq", sa.BigInteger()),
        ("prev_hash", sa.String(64)),
        ("hash", sa.String(64)),
    ):
        op.add_column("audit_events", sa.Column(name, kind))
    if dialect == "postgresql":
        op.alter_column(
            "audit_events", "record_id", type_=sa.String(64), existing_type=sa.String(32)
        )
    op.create_index("uq_audit_events_seq", "audit_events", ["seq"], unique=True)
    op.create_table(
        "audit_chain",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_chain")),
    )
    _link_existing_events(dialect)
    _guard_the_chain(dialect)


def _link_existing_events(dialect: str) -> None:
    from upstream.cases.audit import GENESIS, event_hash
    from upstream.cases.models import UTCDateTime

    bind = op.get_bind()
    columns = (
        "id, at, actor_id, actor_name, actor_role, action, record_type, record_id, purpose, "
        "reason, outcome, detail, session_id, client_addr"
    )
    rows = bind.execute(sa.text(f"SELECT {columns} FROM audit_events ORDER BY id")).all()
    key, prev, seq = _audit_key(), GENESIS, 0
    at_type = UTCDateTime()
    if rows:
        _triggers_off(dialect)
        for row in rows:
            seq += 1
            fields: dict[str, Any] = dict(row._mapping)
            at = fields["at"]
            if isinstance(at, str):  # SQLite hands back its text form
                at = datetime.fromisoformat(at)
            fields["at"] = at_type.process_result_value(at, bind.dialect)
            fields["seq"] = seq
            digest = event_hash(key, prev, fields)
            bind.execute(
                sa.text("UPDATE audit_events SET seq=:s, prev_hash=:p, hash=:h WHERE id=:i"),
                {"s": seq, "p": prev, "h": digest, "i": row.id},
            )
            prev = digest
        _triggers_on(dialect)
    bind.execute(
        sa.text("INSERT INTO audit_chain (id, seq, hash) VALUES (1, :s, :h)"),
        {"s": seq, "h": prev},
    )


def _triggers_off(dialect: str) -> None:
    if dialect == "postgresql":
        op.execute("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only")
    elif dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_update")


def _triggers_on(dialect: str) -> None:
    if dialect == "postgresql":
        op.execute("ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only")
    elif dialect == "sqlite":
        op.execute(
            "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events "
            "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END"
        )


def _guard_the_chain(dialect: str) -> None:
    if dialect == "postgresql":
        op.execute(
            "CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()"
        )
        op.execute(
            "CREATE FUNCTION audit_chain_kept() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION 'audit_chain cannot be deleted'; END; $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER audit_chain_kept BEFORE DELETE OR TRUNCATE ON audit_chain "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_chain_kept()"
        )
    elif dialect == "sqlite":
        op.execute(
            "CREATE TRIGGER audit_chain_no_delete BEFORE DELETE ON audit_chain "
            "BEGIN SELECT RAISE(ABORT, 'audit_chain cannot be deleted'); END"
        )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_chain_kept ON audit_chain")
        op.execute("DROP FUNCTION IF EXISTS audit_chain_kept()")
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events")
    op.drop_table("audit_chain")
    op.drop_index("uq_audit_events_seq", table_name="audit_events")
    op.drop_table("login_attempts")
