"""The orders register's tables, in the case-store database (SQLAlchemy 2 models).

They share the case store's declarative base, users, people, offers, incidents and audit
log. ``CourtOrder`` is one order about one young person (a case-store :class:`Person`,
named everywhere else by pseudonym); ``OrderCondition`` one condition of it, as data (an
exclusion zone's polygon in British National Grid metres as WKT, a curfew window in London
wall-clock time, a non-associate, a requirement); ``OrderReview`` a review date;
``BreachAlert`` a candidate breach for the order's lead to decide, with the decision and
its reason. ``dedupe_key`` makes a re-scan add nothing: one alert per condition and
incident.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, Time
from sqlalchemy.orm import Mapped, mapped_column, relationship

from upstream.cases.models import Base, Person, User, utcnow

__all__ = ["BreachAlert", "CourtOrder", "OrderCondition", "OrderReview"]


class CourtOrder(Base):
    """An order or injunction about one young person, its court, dates and lead officer."""

    __tablename__ = "court_orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_type: Mapped[str] = mapped_column(String(24), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    court: Mapped[str] = mapped_column(String(120))
    made_on: Mapped[date] = mapped_column(Date)
    served_on: Mapped[date | None] = mapped_column(Date)
    expires_on: Mapped[date | None] = mapped_column(Date, index=True)
    discharged_on: Mapped[date | None] = mapped_column(Date)
    lead_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    agency: Mapped[str] = mapped_column(String(16))
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(Integer)
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    anonymised_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(Integer, default=1)

    person: Mapped[Person] = relationship(lazy="joined")
    lead: Mapped[User] = relationship(lazy="joined")
    conditions: Mapped[list[OrderCondition]] = relationship(
        back_populates="order", order_by="OrderCondition.id"
    )
    reviews: Mapped[list[OrderReview]] = relationship(
        back_populates="order", order_by="OrderReview.due_on"
    )

    __mapper_args__: dict[str, Any] = {"version_id_col": version}  # noqa: RUF012


class OrderCondition(Base):
    """One condition of an order. Which columns are filled depends on ``kind``:

    * ``exclusion_zone``: ``zone_wkt`` (BNG polygon), ``zone_source``, ``zone_areas``
      (the ward or LSOA codes chosen, comma-separated);
    * ``curfew``: ``curfew_start``, ``curfew_end`` (London wall clock), ``curfew_days``
      (the days a window *starts*, e.g. ``fri,sat``), ``overnight`` (ends the next day);
    * ``non_association``: ``other_person_id``;
    * ``reporting`` and ``positive``: ``detail``; a positive requirement may name the
      ``offer_id`` of the support it is met through, and ``taken_up`` records attendance.

    ``starts_on``/``ends_on`` narrow when it is in force (default: the order's own dates).
    """

    __tablename__ = "order_conditions"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("court_orders.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    zone_wkt: Mapped[str | None] = mapped_column(Text)
    zone_source: Mapped[str | None] = mapped_column(String(8))
    zone_areas: Mapped[str | None] = mapped_column(String(300))
    curfew_start: Mapped[time | None] = mapped_column(Time)
    curfew_end: Mapped[time | None] = mapped_column(Time)
    curfew_days: Mapped[str | None] = mapped_column(String(32))
    overnight: Mapped[bool] = mapped_column(Boolean, default=False)
    other_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    detail: Mapped[str | None] = mapped_column(String(300))
    offer_id: Mapped[int | None] = mapped_column(ForeignKey("offers.id"))
    taken_up: Mapped[bool | None] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    order: Mapped[CourtOrder] = relationship(back_populates="conditions")
    other_person: Mapped[Person | None] = relationship(lazy="joined")


class OrderReview(Base):
    """A review date of an order: ``statutory`` (computed when the order is recorded) or
    ``set`` by a user; ``done_on`` once held."""

    __tablename__ = "order_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("court_orders.id"), index=True)
    due_on: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(12), default="set")
    done_on: Mapped[date | None] = mapped_column(Date)

    order: Mapped[CourtOrder] = relationship(back_populates="reviews")


class BreachAlert(Base):
    """A candidate breach for the order's lead: what was found, when it happened, by when
    it must be decided, and the decision (by a person, with a reason). ``event_at`` is the
    incident's time (or the reported time of a manual report)."""

    __tablename__ = "breach_alerts"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("court_orders.id"), index=True)
    condition_id: Mapped[int | None] = mapped_column(ForeignKey("order_conditions.id"))
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    dedupe_key: Mapped[str] = mapped_column(String(64), unique=True)
    event_at: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    due_at: Mapped[datetime] = mapped_column(index=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    detail: Mapped[str | None] = mapped_column(String(300))
    reported_by_id: Mapped[int | None] = mapped_column(Integer)
    decision: Mapped[str | None] = mapped_column(String(24))
    reason: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(Integer)
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)

    order: Mapped[CourtOrder] = relationship(lazy="joined")

    __mapper_args__: dict[str, Any] = {"version_id_col": version}  # noqa: RUF012
