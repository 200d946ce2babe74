"""The action plan's tables, in the case-store database (SQLAlchemy 2 models).

They share the case store's declarative base, users, sessions and audit log. ``PlanAction``
is one action of the plan (``ref`` is the partnership's own reference, the key an imported
spreadsheet is matched on); ``Milestone`` a dated step of it; ``ActionChange`` one changed
field, who changed it and when: the history every reader of the plan sees. History rows are
append-only: the ORM refuses to change or delete them and migration 0004 adds database
triggers that refuse it too. The plan holds no personal data about young people.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from upstream.cases.models import Base, User, utcnow

__all__ = ["ActionChange", "Milestone", "PlanAction"]


class PlanAction(Base):
    """One action of the plan: what, under which domain, who leads, by when, how it goes."""

    __tablename__ = "plan_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(32), unique=True)
    domain: Mapped[str] = mapped_column(String(16), index=True)
    title: Mapped[str] = mapped_column(String(200))
    commitment: Mapped[str | None] = mapped_column(Text)
    lead_agency: Mapped[str] = mapped_column(String(16))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    start: Mapped[date] = mapped_column(Date)
    due: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(16), default="not_started")
    rag: Mapped[str] = mapped_column(String(8), default="green")
    rag_note: Mapped[str | None] = mapped_column(Text)
    budget_gbp: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    outcome_ids: Mapped[str | None] = mapped_column(String(300))
    programme: Mapped[str | None] = mapped_column(String(64), index=True)
    demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    owner: Mapped[User | None] = relationship(lazy="joined")
    milestones: Mapped[list[Milestone]] = relationship(
        back_populates="action", order_by="[Milestone.due, Milestone.id]"
    )

    __mapper_args__: dict[str, Any] = {"version_id_col": version}  # noqa: RUF012


class Milestone(Base):
    """A dated step of an action; ``done_on`` once reached."""

    __tablename__ = "plan_milestones"
    __table_args__ = (UniqueConstraint("action_id", "title", name="uq_plan_milestone"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("plan_actions.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    due: Mapped[date] = mapped_column(Date)
    done_on: Mapped[date | None] = mapped_column(Date)

    action: Mapped[PlanAction] = relationship(back_populates="milestones")


class ActionChange(Base):
    """One field of an action changed: from what, to what, by whom, when (append-only)."""

    __tablename__ = "plan_action_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("plan_actions.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    by_id: Mapped[int | None] = mapped_column(Integer)
    by_name: Mapped[str] = mapped_column(String(64))
    field: Mapped[str] = mapped_column(String(64))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    via: Mapped[str] = mapped_column(String(16))


@event.listens_for(Session, "before_flush")
def _history_is_append_only(session: Session, _context: object, _instances: object) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, ActionChange):
            raise PermissionError("action plan history is append-only")
