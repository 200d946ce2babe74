"""The network's tables, in the case-store database (SQLAlchemy 2 models).

They share the case store's declarative base, people, users and audit log.

``IntelLink``
    Two people linked by intelligence: source agency, the 3x5x2 grading (source 1-3,
    intelligence A-E, handling code P or C), evidence date and reference, review date, who
    entered it and when.
``PersonRelation``
    A relation the case tool records between two young people (``sibling``, ``friend``),
    with its evidence date, reference and review date.
``NetworkList``
    A produced list: who produced it, when, for what stated purpose, its kind, the date it
    was made as of, its parameters and its disproportionality audit (JSON).
``ListMember``
    A person on a list: rank, score, the evidence behind them, last evidence, review date.
``ListRemoval``
    A person taken off a list: reason, by whom, when.

Every one of them is append-only: a list is never edited (a removal is a new row, a new list
is a new production); the ORM refuses to change or delete them and migration 0006 adds
database triggers that refuse it too. An intelligence link or relation ends by its review
date passing, not by being edited.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, Float, ForeignKey, Integer, String, Text, event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from upstream.cases.models import Base, utcnow

__all__ = [
    "APPEND_ONLY_TABLES",
    "IntelLink",
    "ListMember",
    "ListRemoval",
    "NetworkList",
    "PersonRelation",
]


class IntelLink(Base):
    """Two young people linked by graded intelligence (append-only)."""

    __tablename__ = "network_intel_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_a_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    person_b_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    source_agency: Mapped[str] = mapped_column(String(32))
    source_grade: Mapped[str] = mapped_column(String(1))
    information_grade: Mapped[str] = mapped_column(String(1))
    handling_code: Mapped[str] = mapped_column(String(1))
    evidence_date: Mapped[date] = mapped_column(Date)
    evidence_ref: Mapped[str] = mapped_column(String(64))
    review_date: Mapped[date] = mapped_column(Date)
    entered_by_id: Mapped[int | None] = mapped_column(Integer)
    entered_by_name: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)

    @property
    def grading(self) -> str:
        """The grading as one code, e.g. ``2BP``."""
        return f"{self.source_grade}{self.information_grade}{self.handling_code}"


class PersonRelation(Base):
    """A sibling or friend relation between two young people (append-only)."""

    __tablename__ = "network_relations"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_a_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    person_b_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    source_agency: Mapped[str] = mapped_column(String(32))
    evidence_date: Mapped[date] = mapped_column(Date)
    evidence_ref: Mapped[str] = mapped_column(String(64))
    review_date: Mapped[date] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(Integer)
    recorded_by_name: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)


class NetworkList(Base):
    """A produced list of people and its audit (append-only)."""

    __tablename__ = "network_lists"

    id: Mapped[int] = mapped_column(primary_key=True)
    produced_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    produced_by_id: Mapped[int | None] = mapped_column(Integer)
    produced_by_name: Mapped[str] = mapped_column(String(64))
    produced_by_role: Mapped[str] = mapped_column(String(16))
    purpose: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))
    as_of: Mapped[date] = mapped_column(Date)
    window_months: Mapped[int] = mapped_column(Integer)
    parameters: Mapped[str] = mapped_column(Text)
    audit_json: Mapped[str] = mapped_column(Text)
    warnings: Mapped[int] = mapped_column(Integer, default=0)
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)

    members: Mapped[list[ListMember]] = relationship(order_by="ListMember.rank")
    removals: Mapped[list[ListRemoval]] = relationship(order_by="ListRemoval.id")


class ListMember(Base):
    """One person on a produced list, with the evidence behind them (append-only)."""

    __tablename__ = "network_list_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("network_lists.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    rank: Mapped[int] = mapped_column(Integer)
    score: Mapped[float] = mapped_column(Float)
    offences: Mapped[int] = mapped_column(Integer)
    evidence_summary: Mapped[str] = mapped_column(Text)
    last_evidence: Mapped[date] = mapped_column(Date)
    review_date: Mapped[date] = mapped_column(Date)


class ListRemoval(Base):
    """A person taken off a list, why, by whom and when (append-only)."""

    __tablename__ = "network_list_removals"

    id: Mapped[int] = mapped_column(primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("network_lists.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    removed_by_id: Mapped[int | None] = mapped_column(Integer)
    removed_by_name: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(default=utcnow)


APPEND_ONLY_TABLES = (
    IntelLink.__tablename__,
    PersonRelation.__tablename__,
    NetworkList.__tablename__,
    ListMember.__tablename__,
    ListRemoval.__tablename__,
)
"""The tables the ORM and the database triggers keep append-only."""

_APPEND_ONLY = (IntelLink, PersonRelation, NetworkList, ListMember, ListRemoval)


@event.listens_for(Session, "before_flush")
def _network_is_append_only(session: Session, _context: object, _instances: object) -> None:
    changed = [o for o in session.dirty if session.is_modified(o)] + list(session.deleted)
    if any(isinstance(obj, _APPEND_ONLY) for obj in changed):
        raise PermissionError("network links and lists are append-only")
