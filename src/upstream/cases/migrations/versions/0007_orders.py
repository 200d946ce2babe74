"""orders register: court orders, conditions, reviews, breach alerts; incidents' location

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 06:20:00

Court orders and injunctions about young people, their conditions as data (exclusion zones
as BNG WKT, curfew windows, non-association, requirements), review dates and the breach
alerts raised for each order's lead (:mod:`upstream.orders`). Incidents get a nullable
location in British National Grid metres (``easting``, ``northing``): ingest's placement for
an ingested incident, or entered by hand, so breach monitoring can test exclusion zones.
The ``order_officer`` role needs no schema change: roles are stored as text.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def _when(name: str, nullable: bool = False) -> sa.Column[Any]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    with op.batch_alter_table("incidents", recreate="never") as batch:
        batch.add_column(sa.Column("easting", sa.Float(), nullable=True))
        batch.add_column(sa.Column("northing", sa.Float(), nullable=True))

    op.create_table(
        "court_orders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_type", sa.String(24), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("court", sa.String(120), nullable=False),
        sa.Column("made_on", sa.Date(), nullable=False),
        sa.Column("served_on", sa.Date(), nullable=True),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("discharged_on", sa.Date(), nullable=True),
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.Column("agency", sa.String(16), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        _when("created_at"),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _fk("court_orders", "person_id", "people"),
        _fk("court_orders", "lead_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_court_orders")),
    )
    for column in ("order_type", "person_id", "expires_on", "lead_id"):
        op.create_index(op.f(f"ix_court_orders_{column}"), "court_orders", [column])

    op.create_table(
        "order_conditions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("zone_wkt", sa.Text(), nullable=True),
        sa.Column("zone_source", sa.String(8), nullable=True),
        sa.Column("zone_areas", sa.String(300), nullable=True),
        sa.Column("curfew_start", sa.Time(), nullable=True),
        sa.Column("curfew_end", sa.Time(), nullable=True),
        sa.Column("curfew_days", sa.String(32), nullable=True),
        sa.Column("overnight", sa.Boolean(), nullable=False),
        sa.Column("other_person_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.String(300), nullable=True),
        sa.Column("offer_id", sa.Integer(), nullable=True),
        sa.Column("taken_up", sa.Boolean(), nullable=True),
        _when("created_at"),
        _fk("order_conditions", "order_id", "court_orders"),
        _fk("order_conditions", "other_person_id", "people"),
        _fk("order_conditions", "offer_id", "offers"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_conditions")),
    )
    for column in ("order_id", "other_person_id"):
        op.create_index(op.f(f"ix_order_conditions_{column}"), "order_conditions", [column])

    op.create_table(
        "order_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        _fk("order_reviews", "order_id", "court_orders"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_reviews")),
    )
    op.create_index(op.f("ix_order_reviews_order_id"), "order_reviews", ["order_id"])

    op.create_table(
        "breach_alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("condition_id", sa.Integer(), nullable=True),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("dedupe_key", sa.String(64), nullable=False),
        _when("event_at"),
        _when("created_at"),
        _when("due_at"),
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.Column("detail", sa.String(300), nullable=True),
        sa.Column("reported_by_id", sa.Integer(), nullable=True),
        sa.Column("decision", sa.String(24), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        _when("decided_at", nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _fk("breach_alerts", "order_id", "court_orders"),
        _fk("breach_alerts", "condition_id", "order_conditions"),
        _fk("breach_alerts", "incident_id", "incidents"),
        _fk("breach_alerts", "lead_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_breach_alerts")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_breach_alerts_dedupe_key")),
    )
    for column in ("order_id", "incident_id", "due_at", "lead_id"):
        op.create_index(op.f(f"ix_breach_alerts_{column}"), "breach_alerts", [column])


def downgrade() -> None:
    for table in ("breach_alerts", "order_reviews", "order_conditions", "court_orders"):
        op.drop_table(table)
    with op.batch_alter_table("incidents", recreate="never") as batch:
        batch.drop_column("northing")
        batch.drop_column("easting")
