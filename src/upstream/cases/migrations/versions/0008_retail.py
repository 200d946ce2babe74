"""knife retailers: premises register, test purchases and follow-ups

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 06:15:00

The knife-retail register lives in the case store's database so that it shares its users,
roles, sessions and audit log (:mod:`upstream.orders.retail`). The ``trading_officer`` role
and the ``trading_standards`` purpose need no schema change: roles and purposes are stored
as text. (``down_revision`` is the newest revision of this branch; re-chained at merge.)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "retail_premises",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(32), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("address", sa.String(300), nullable=False),
        sa.Column("premises_type", sa.String(16), nullable=False),
        sa.Column("easting", sa.Float(), nullable=False),
        sa.Column("northing", sa.Float(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("demo", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retail_premises")),
        sa.UniqueConstraint("ref", name=op.f("uq_retail_premises_ref")),
    )
    op.create_index(op.f("ix_retail_premises_premises_type"), "retail_premises", ["premises_type"])
    op.create_table(
        "retail_test_purchases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("premises_id", sa.Integer(), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("age_band", sa.String(8), nullable=False),
        sa.Column("result", sa.String(8), nullable=False),
        sa.Column("asked_for_id", sa.Boolean(), nullable=False),
        sa.Column("challenge25_signage", sa.Boolean(), nullable=False),
        sa.Column("till_prompt", sa.Boolean(), nullable=False),
        sa.Column("delivery", sa.String(24), nullable=True),
        sa.Column("officer", sa.String(64), nullable=False),
        sa.Column("demo", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["premises_id"],
            ["retail_premises.id"],
            name=op.f("fk_retail_test_purchases_premises_id_retail_premises"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retail_test_purchases")),
    )
    for column in ("premises_id", "on"):
        op.create_index(
            op.f(f"ix_retail_test_purchases_{column}"), "retail_test_purchases", [column]
        )
    op.create_table(
        "retail_follow_ups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("purchase_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("officer", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["purchase_id"],
            ["retail_test_purchases.id"],
            name=op.f("fk_retail_follow_ups_purchase_id_retail_test_purchases"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retail_follow_ups")),
    )
    op.create_index(op.f("ix_retail_follow_ups_purchase_id"), "retail_follow_ups", ["purchase_id"])


def downgrade() -> None:
    op.drop_table("retail_follow_ups")
    op.drop_table("retail_test_purchases")
    op.drop_table("retail_premises")
