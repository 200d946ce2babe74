"""The case store's tables (SQLAlchemy 2 declarative models).

Identifying details of a young person (name, date of birth, address, school) and health
details live only on :class:`Person`; every other table refers to a person by id, and pages,
lists and logs use the random pseudonym ``Person.pseudonym``. ``AuditEvent`` rows are
append-only: the ORM refuses to change or delete them and the migration adds database
triggers that refuse it too.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

__all__ = [
    "AuditChainHead",
    "AuditEvent",
    "Base",
    "Contact",
    "DuplicateFlag",
    "Incident",
    "Involvement",
    "LoginAttempt",
    "LoginSession",
    "Offer",
    "Person",
    "User",
    "utcnow",
]


def utcnow() -> datetime:
    """The current instant, timezone-aware UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC instants on every database (SQLite stores them naive, in UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the case store; use timezone-aware UTC")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with a stable constraint naming convention (for migrations)."""

    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime()}  # noqa: RUF012


class User(Base):
    """A person who logs in: a role in an agency (and, for caseworkers, a service).

    ``approval`` is ``approved``, ``pending`` (made by an admin while another admin exists:
    cannot log in until a different admin approves) or ``unreviewed`` (made by the only
    admin: can log in, and stays an alert on the admin page until another admin approves).
    ``failed_logins``/``locked_until`` mirror the account's login throttle for the admin page.
    """

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    agency: Mapped[str] = mapped_column(String(16))
    service: Mapped[str | None] = mapped_column(String(32))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    demo: Mapped[bool] = mapped_column(Boolean, default=False)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    password_changed_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(Integer)
    approval: Mapped[str] = mapped_column(String(16), default="approved")
    approved_by_id: Mapped[int | None] = mapped_column(Integer)
    approved_at: Mapped[datetime | None]


class LoginSession(Base):
    """A logged-in session; the cookie holds a random token, the table only its SHA-256."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    purpose: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    client_addr: Mapped[str | None] = mapped_column(String(64))

    user: Mapped[User] = relationship(lazy="joined")


class LoginAttempt(Base):
    """A failed login, kept for the throttle (by account and by client address)."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    client_addr: Mapped[str] = mapped_column(String(64), index=True)


class Incident(Base):
    """Something that happened, entered by hand or linked to an ingested incident id."""

    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_ref: Mapped[str | None] = mapped_column(String(64), index=True)
    occurred_at: Mapped[datetime]
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    offence: Mapped[str] = mapped_column(String(64))
    location_type: Mapped[str] = mapped_column(String(16), default="other")
    weapon: Mapped[str] = mapped_column(String(16), default="unknown")
    injury: Mapped[str] = mapped_column(String(16), default="unknown")
    summary: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_by_agency: Mapped[str] = mapped_column(String(16))
    recorded_by_service: Mapped[str | None] = mapped_column(String(32))
    closed_at: Mapped[datetime | None] = mapped_column(index=True)
    anonymised_at: Mapped[datetime | None]
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    easting: Mapped[float | None] = mapped_column(Float)
    northing: Mapped[float | None] = mapped_column(Float)
    """Where it happened, British National Grid metres (migration 0007): from the event
    store for an ingested incident, or entered by hand; used by breach monitoring."""

    involvements: Mapped[list[Involvement]] = relationship(back_populates="incident")


class Person(Base):
    """A young person. Identifying and health details are only ever read through the service."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    pseudonym: Mapped[str] = mapped_column(String(16), unique=True)
    given_name: Mapped[str | None] = mapped_column(String(100))
    family_name: Mapped[str | None] = mapped_column(String(100))
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    address: Mapped[str | None] = mapped_column(String(300))
    school: Mapped[str | None] = mapped_column(String(200))
    sex: Mapped[str | None] = mapped_column(String(16))
    ethnic_group: Mapped[str | None] = mapped_column(String(16))
    health_notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(index=True)
    anonymised_at: Mapped[datetime | None]
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)

    involvements: Mapped[list[Involvement]] = relationship(back_populates="person")
    offers: Mapped[list[Offer]] = relationship(back_populates="person", order_by="Offer.id")

    __mapper_args__: dict[str, Any] = {"version_id_col": version}  # noqa: RUF012


class Involvement(Base):
    """A young person's connection to an incident."""

    __tablename__ = "involvements"
    __table_args__ = (UniqueConstraint("incident_id", "person_id", name="uq_involvement"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    added_by_id: Mapped[int | None] = mapped_column(Integer)
    added_by_service: Mapped[str | None] = mapped_column(String(32))

    incident: Mapped[Incident] = relationship(back_populates="involvements")
    person: Mapped[Person] = relationship(back_populates="involvements")


class Offer(Base):
    """An offer of support by one service to one young person, with its deadline and outcome."""

    __tablename__ = "offers"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"), index=True)
    service: Mapped[str] = mapped_column(String(32), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    due_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    first_attempt_at: Mapped[datetime | None]
    reached_at: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(String(24))
    closed_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    late_entry: Mapped[bool] = mapped_column(Boolean, default=False)

    person: Mapped[Person] = relationship(back_populates="offers")
    contacts: Mapped[list[Contact]] = relationship(back_populates="offer", order_by="Contact.at")

    __mapper_args__: dict[str, Any] = {"version_id_col": version}  # noqa: RUF012


class Contact(Base):
    """One attempt to contact a young person about an offer."""

    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id"), index=True)
    at: Mapped[datetime]
    method: Mapped[str] = mapped_column(String(16))
    reached: Mapped[bool] = mapped_column(Boolean)
    notes: Mapped[str | None] = mapped_column(Text)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime | None]

    offer: Mapped[Offer] = relationship(back_populates="contacts")


class DuplicateFlag(Base):
    """Two person records that may be the same young person, for a human to decide."""

    __tablename__ = "duplicate_flags"
    __table_args__ = (UniqueConstraint("person_id", "other_id", name="uq_duplicate_pair"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    other_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    reason: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolution: Mapped[str | None] = mapped_column(String(16))
    resolved_at: Mapped[datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class AuditEvent(Base):
    """Who did what to which record, when, for what stated purpose and reason, from which
    session and client address. Append-only: written with ``mac``, a keyed hash of its
    fields; then sealed into a chain (``seq``, ``prev_hash``, ``hash``), the only change ever
    made to it (:mod:`upstream.cases.audit`, :mod:`upstream.cases.audit_chain`)."""

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_record", "record_type", "record_id"),
        Index("uq_audit_events_seq", "seq", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(Integer)
    actor_name: Mapped[str] = mapped_column(String(64))
    actor_role: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(32))
    record_type: Mapped[str] = mapped_column(String(16))
    record_id: Mapped[str | None] = mapped_column(String(64))
    purpose: Mapped[str] = mapped_column(String(32))
    outcome: Mapped[str] = mapped_column(String(8), default="ok")
    detail: Mapped[str | None] = mapped_column(String(300))
    session_id: Mapped[int | None] = mapped_column(Integer)
    client_addr: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str | None] = mapped_column(String(300))
    seq: Mapped[int | None] = mapped_column(BigInteger)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))
    mac: Mapped[str | None] = mapped_column(String(64))


class AuditChainHead(Base):
    """The newest link of the audit chain (one row): its ``seq`` and ``hash``. Only the
    sealer moves it, one sealing at a time (:mod:`upstream.cases.audit_chain`)."""

    __tablename__ = "audit_chain"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, default=0)
    hash: Mapped[str] = mapped_column(String(64))


@event.listens_for(Session, "before_flush")
def _audit_is_append_only(session: Session, _context: object, _instances: object) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEvent):
            raise PermissionError("audit events are append-only")
