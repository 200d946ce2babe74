"""The knife-retail register's tables, in the case-store database (SQLAlchemy 2 models).

They share the case store's declarative base, users, sessions and audit log.
``RetailPremises`` is one seller (``ref`` is Trading Standards' own reference, the key an
imported register is matched on; the location is stored in British National Grid metres);
``TestPurchase`` one test-purchase operation at it; ``FollowUp`` an action taken after it.
Premises are businesses: nothing here is personal data about a child. Of the volunteer only
the age band is kept; officers are named by their username.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from upstream.cases.models import Base, utcnow

__all__ = ["FollowUp", "RetailPremises", "TestPurchase"]


class RetailPremises(Base):
    """A shop, market stall or online seller delivering locally that sells knives."""

    __tablename__ = "retail_premises"

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(300))
    premises_type: Mapped[str] = mapped_column(String(16), index=True)
    easting: Mapped[float] = mapped_column(Float)
    northing: Mapped[float] = mapped_column(Float)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    purchases: Mapped[list[TestPurchase]] = relationship(
        back_populates="premises", order_by="[TestPurchase.on, TestPurchase.id]"
    )

    __mapper_args__: dict[str, Any] = {"version_id_col": version}  # noqa: RUF012


class TestPurchase(Base):
    """One test purchase: when, the volunteer's age band, the result, what was checked."""

    __tablename__ = "retail_test_purchases"
    __test__ = False  # not a pytest test class

    id: Mapped[int] = mapped_column(primary_key=True)
    premises_id: Mapped[int] = mapped_column(ForeignKey("retail_premises.id"), index=True)
    on: Mapped[date] = mapped_column(Date, index=True)
    age_band: Mapped[str] = mapped_column(String(8))
    result: Mapped[str] = mapped_column(String(8))
    asked_for_id: Mapped[bool] = mapped_column(Boolean, default=False)
    challenge25_signage: Mapped[bool] = mapped_column(Boolean, default=False)
    till_prompt: Mapped[bool] = mapped_column(Boolean, default=False)
    delivery: Mapped[str | None] = mapped_column(String(24))
    officer: Mapped[str] = mapped_column(String(64))
    demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    premises: Mapped[RetailPremises] = relationship(back_populates="purchases")
    follow_ups: Mapped[list[FollowUp]] = relationship(
        back_populates="purchase", order_by="[FollowUp.on, FollowUp.id]"
    )


class FollowUp(Base):
    """An action after a test purchase: advice, warning, fixed penalty or prosecution."""

    __tablename__ = "retail_follow_ups"

    id: Mapped[int] = mapped_column(primary_key=True)
    purchase_id: Mapped[int] = mapped_column(ForeignKey("retail_test_purchases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    on: Mapped[date] = mapped_column(Date)
    officer: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    purchase: Mapped[TestPurchase] = relationship(back_populates="follow_ups")
