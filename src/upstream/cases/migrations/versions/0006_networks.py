"""networks: intelligence links, relations, produced lists, their members and removals

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 06:20:00

The network tables of :mod:`upstream.network.store.models`. All five are append-only: a
list is never edited (taking a person off is a removal row; a fresh list is a new
production) and a link ends when its review date passes. Triggers refuse UPDATE and DELETE
on each (and TRUNCATE on PostgreSQL), as on ``audit_events``.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_TABLES = (
    "network_intel_links",
    "network_relations",
    "network_lists",
    "network_list_members",
    "network_list_removals",
)


def _pk(table: str) -> sa.PrimaryKeyConstraint:
    return sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}"))


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    name = target.split(".")[0]
    return sa.ForeignKeyConstraint([column], [target], name=op.f(f"fk_{table}_{column}_{name}"))


def _index(table: str, *columns: str) -> None:
    for column in columns:
        op.create_index(op.f(f"ix_{table}_{column}"), table, [column])


def _pair_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_a_id", sa.Integer(), nullable=False),
        sa.Column("person_b_id", sa.Integer(), nullable=False),
    ]


def upgrade() -> None:
    t = "network_intel_links"
    op.create_table(
        t,
        *_pair_columns(),
        sa.Column("source_agency", sa.String(32), nullable=False),
        sa.Column("source_grade", sa.String(1), nullable=False),
        sa.Column("information_grade", sa.String(1), nullable=False),
        sa.Column("handling_code", sa.String(1), nullable=False),
        sa.Column("evidence_date", sa.Date(), nullable=False),
        sa.Column("evidence_ref", sa.String(64), nullable=False),
        sa.Column("review_date", sa.Date(), nullable=False),
        sa.Column("entered_by_id", sa.Integer(), nullable=True),
        sa.Column("entered_by_name", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        _fk(t, "person_a_id", "people.id"),
        _fk(t, "person_b_id", "people.id"),
        _pk(t),
    )
    _index(t, "person_a_id", "person_b_id")

    t = "network_relations"
    op.create_table(
        t,
        *_pair_columns(),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("source_agency", sa.String(32), nullable=False),
        sa.Column("evidence_date", sa.Date(), nullable=False),
        sa.Column("evidence_ref", sa.String(64), nullable=False),
        sa.Column("review_date", sa.Date(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by_name", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        _fk(t, "person_a_id", "people.id"),
        _fk(t, "person_b_id", "people.id"),
        _pk(t),
    )
    _index(t, "person_a_id", "person_b_id")

    t = "network_lists"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("produced_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("produced_by_id", sa.Integer(), nullable=True),
        sa.Column("produced_by_name", sa.String(64), nullable=False),
        sa.Column("produced_by_role", sa.String(16), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("window_months", sa.Integer(), nullable=False),
        sa.Column("parameters", sa.Text(), nullable=False),
        sa.Column("audit_json", sa.Text(), nullable=False),
        sa.Column("warnings", sa.Integer(), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        _pk(t),
    )
    _index(t, "produced_at")

    t = "network_list_members"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("offences", sa.Integer(), nullable=False),
        sa.Column("evidence_summary", sa.Text(), nullable=False),
        sa.Column("last_evidence", sa.Date(), nullable=False),
        sa.Column("review_date", sa.Date(), nullable=False),
        _fk(t, "list_id", "network_lists.id"),
        _fk(t, "person_id", "people.id"),
        _pk(t),
    )
    _index(t, "list_id", "person_id")

    t = "network_list_removals"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("removed_by_id", sa.Integer(), nullable=True),
        sa.Column("removed_by_name", sa.String(64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        _fk(t, "list_id", "network_lists.id"),
        _fk(t, "person_id", "people.id"),
        _pk(t),
    )
    _index(t, "list_id", "person_id")
    _append_only()


def _append_only() -> None:
    """Triggers that refuse UPDATE and DELETE (and on PostgreSQL TRUNCATE) on every table."""
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(
            "CREATE FUNCTION network_append_only() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END; $$ LANGUAGE plpgsql"
        )
        for table in _TABLES:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION network_append_only()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION network_append_only()"
            )
    elif dialect == "sqlite":
        for table in _TABLES:
            for verb in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
                )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in _TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute("DROP FUNCTION IF EXISTS network_append_only()")
    for table in reversed(_TABLES):
        op.drop_table(table)
