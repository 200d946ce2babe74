"""people: sex and ethnic group, for disproportionality audits in aggregate

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 06:10:00

Network lists (issue 16) and court orders (issue 17) must each carry an audit of their
make-up by sex and ethnic group against the suspect base and residents. Both are held on
the person record with the other identifying details, under the same access rules, blank
when not recorded, and cleared by retention and merges like the rest of the identity.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("people", recreate="never") as batch:
        batch.add_column(sa.Column("sex", sa.String(16), nullable=True))
        batch.add_column(sa.Column("ethnic_group", sa.String(16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("people", recreate="never") as batch:
        batch.drop_column("ethnic_group")
        batch.drop_column("sex")
