"""action plan: actions, milestones and their append-only history

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 03:10:00

The partnership's action plan lives in the case store's database so that it shares its
users, roles, sessions and audit log (:mod:`upstream.account.actions`). ``plan_action_changes``
is the history every reader sees: triggers refuse UPDATE and DELETE on it, as on
``audit_events``. The ``board`` role (read-only on the plan) needs no schema change: roles
are stored as text.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_HISTORY = "plan_action_changes"


def upgrade() -> None:
    op.create_table(
        "plan_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(32), nullable=False),
        sa.Column("domain", sa.String(16), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("commitment", sa.Text(), nullable=True),
        sa.Column("lead_agency", sa.String(16), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("rag", sa.String(8), nullable=False),
        sa.Column("rag_note", sa.Text(), nullable=True),
        sa.Column("budget_gbp", sa.Numeric(14, 2), nullable=True),
        sa.Column("outcome_ids", sa.String(300), nullable=True),
        sa.Column("programme", sa.String(64), nullable=True),
        sa.Column("demo", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_plan_actions_owner_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_actions")),
        sa.UniqueConstraint("ref", name=op.f("uq_plan_actions_ref")),
    )
    for column in ("domain", "owner_id", "due", "programme"):
        op.create_index(op.f(f"ix_plan_actions_{column}"), "plan_actions", [column])

    op.create_table(
        "plan_milestones",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["plan_actions.id"],
            name=op.f("fk_plan_milestones_action_id_plan_actions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_milestones")),
        sa.UniqueConstraint("action_id", "title", name="uq_plan_milestone"),
    )
    op.create_index(op.f("ix_plan_milestones_action_id"), "plan_milestones", ["action_id"])

    op.create_table(
        _HISTORY,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.Column("by_name", sa.String(64), nullable=False),
        sa.Column("field", sa.String(64), nullable=False),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.Column("via", sa.String(16), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["plan_actions.id"],
            name=op.f("fk_plan_action_changes_action_id_plan_actions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_action_changes")),
    )
    op.create_index(op.f("ix_plan_action_changes_action_id"), _HISTORY, ["action_id"])
    _append_only_history()


def _append_only_history() -> None:
    """Triggers that refuse UPDATE and DELETE on the plan's history (append-only)."""
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(
            "CREATE FUNCTION plan_history_append_only() RETURNS trigger AS $$ BEGIN "
            f"RAISE EXCEPTION '{_HISTORY} is append-only'; END; $$ LANGUAGE plpgsql"
        )
        op.execute(
            f"CREATE TRIGGER plan_history_append_only BEFORE UPDATE OR DELETE ON {_HISTORY} "
            "FOR EACH ROW EXECUTE FUNCTION plan_history_append_only()"
        )
        op.execute(
            f"CREATE TRIGGER plan_history_no_truncate BEFORE TRUNCATE ON {_HISTORY} "
            "FOR EACH STATEMENT EXECUTE FUNCTION plan_history_append_only()"
        )
    elif dialect == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER plan_history_no_{verb.lower()} BEFORE {verb} ON {_HISTORY} "
                f"BEGIN SELECT RAISE(ABORT, '{_HISTORY} is append-only'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS plan_history_no_truncate ON {_HISTORY}")
        op.execute(f"DROP TRIGGER IF EXISTS plan_history_append_only ON {_HISTORY}")
        op.execute("DROP FUNCTION IF EXISTS plan_history_append_only()")
    op.drop_table(_HISTORY)
    op.drop_table("plan_milestones")
    op.drop_table("plan_actions")
