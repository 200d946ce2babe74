"""Possible duplicate people: flagged for a human to decide, never merged silently.

A new or changed record is compared with every live record (not merged, not anonymised):
the same date of birth and the same family name, or the same date of birth and the same
given name, or the same full name when a date of birth is missing on either side. Names are
compared without regard to case, spaces, hyphens and apostrophes. A coordinator then merges
the two records or marks them distinct (:func:`resolve_duplicate`).
"""

from __future__ import annotations

import re

from sqlalchemy import ColumnElement, func, or_, select, update
from sqlalchemy.orm import Session

from upstream.cases.models import DuplicateFlag, Involvement, Offer, Person, utcnow
from upstream.cases.vocab import IDENTITY_FIELDS
from upstream.orders.merging import MovedOrder, move_orders

__all__ = ["flag_possible_duplicates", "merge_people", "open_flags_for"]


def _norm(value: str | None) -> str:
    return re.sub(r"[\s'’-]+", "", value or "").casefold()


def _reason(a: Person, b: Person) -> str | None:
    same_dob = a.date_of_birth is not None and a.date_of_birth == b.date_of_birth
    given = bool(_norm(a.given_name)) and _norm(a.given_name) == _norm(b.given_name)
    family = bool(_norm(a.family_name)) and _norm(a.family_name) == _norm(b.family_name)
    if same_dob and family:
        return "same date of birth and family name"
    if same_dob and given:
        return "same date of birth and given name"
    if given and family and (a.date_of_birth is None or b.date_of_birth is None):
        return "same full name, date of birth missing"
    return None


def flag_possible_duplicates(session: Session, person: Person) -> list[str]:
    """Flag live records that may be ``person``; returns their pseudonyms."""
    if not (person.date_of_birth or (person.given_name and person.family_name)):
        return []
    conditions: list[ColumnElement[bool]] = []
    if person.date_of_birth is not None:
        conditions.append(Person.date_of_birth == person.date_of_birth)
    if person.family_name:
        conditions.append(func.lower(Person.family_name) == person.family_name.lower())
    candidates = session.scalars(
        select(Person).where(
            Person.id != person.id,
            Person.merged_into_id.is_(None),
            Person.anonymised_at.is_(None),
            or_(*conditions),
        )
    ).all()
    flagged = []
    for other in candidates:
        reason = _reason(person, other)
        if reason is None:
            continue
        low, high = sorted((person.id, other.id))
        exists = session.scalar(
            select(DuplicateFlag.id).where(
                DuplicateFlag.person_id == low, DuplicateFlag.other_id == high
            )
        )
        if exists is None:
            session.add(DuplicateFlag(person_id=low, other_id=high, reason=reason))
            flagged.append(other.pseudonym)
    return flagged


def open_flags_for(session: Session, person_id: int) -> list[Person]:
    """Records flagged as possibly the same person and not yet decided."""
    rows = session.execute(
        select(DuplicateFlag.person_id, DuplicateFlag.other_id).where(
            DuplicateFlag.resolution.is_(None),
            or_(DuplicateFlag.person_id == person_id, DuplicateFlag.other_id == person_id),
        )
    ).all()
    ids = [b if a == person_id else a for a, b in rows]
    if not ids:
        return []
    return list(session.scalars(select(Person).where(Person.id.in_(ids)).order_by(Person.id)))


def merge_people(session: Session, keep: Person, other: Person) -> list[MovedOrder]:
    """Move ``other``'s involvements, offers and court orders to ``keep``, fill ``keep``'s
    missing details from ``other``, and leave ``other`` as an empty pointer to ``keep``.

    Returns the court orders changed (:func:`upstream.orders.merging.move_orders`), for the
    caller to audit. The network tables are append-only and are not changed: the network
    frames resolve ``other`` to ``keep`` through ``merged_into_id``.
    """
    for name in IDENTITY_FIELDS:
        if getattr(keep, name) is None and getattr(other, name) is not None:
            setattr(keep, name, getattr(other, name))
    if other.health_notes:
        keep.health_notes = "\n".join(n for n in (keep.health_notes, other.health_notes) if n)
    shared = set(
        session.scalars(select(Involvement.incident_id).where(Involvement.person_id == keep.id))
    )
    for involvement in session.scalars(
        select(Involvement).where(Involvement.person_id == other.id)
    ).all():
        if involvement.incident_id in shared:
            session.delete(involvement)
        else:
            involvement.person_id = keep.id
    session.execute(update(Offer).where(Offer.person_id == other.id).values(person_id=keep.id))
    moved = move_orders(session, keep, other)
    for name in (*IDENTITY_FIELDS, "health_notes"):
        setattr(other, name, None)
    other.merged_into_id = keep.id
    other.closed_at = other.closed_at or utcnow()
    return moved
