"""orders retention: court_orders.anonymised_at

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 07:25:00

An order's identifying free text is cleared the retention period after it ended
(:mod:`upstream.orders.retention`); ``anonymised_at`` records when.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("court_orders") as batch:
        batch.add_column(sa.Column("anonymised_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("court_orders") as batch:
        batch.drop_column("anonymised_at")
