"""The coordinator's review of possible duplicates: the list, a side-by-side comparison of
two records, and the decision (merge, or different people).

Nothing is merged without that decision; every record shown is audited (and the identities
compared side by side as identity reads, with the review as their reason).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from upstream.cases.access import Action, Actor
from upstream.cases.audit import AuditKind, record
from upstream.cases.db import CaseStore
from upstream.cases.duplicates import merge_people
from upstream.cases.localtime import age_on, london
from upstream.cases.models import DuplicateFlag, Involvement, Offer, Person, utcnow
from upstream.cases.schemas import (
    DuplicateComparison,
    DuplicatePublic,
    DuplicateResolve,
    DuplicateSide,
    InvolvementPublic,
    PersonIdentity,
)
from upstream.cases.service import Conflict, guard, not_found, use_case
from upstream.cases.vocab import IDENTITY_FIELDS, InvolvementRole

__all__ = ["compare_duplicate", "list_duplicates", "resolve_duplicate"]

REVIEW = "review of a possible duplicate"


def _side(session: Session, person: Person) -> DuplicateSide:
    links = session.execute(
        select(Involvement.incident_id, Involvement.role)
        .where(Involvement.person_id == person.id)
        .order_by(Involvement.id)
    ).all()
    services = session.scalars(
        select(Offer.service).where(Offer.person_id == person.id).order_by(Offer.id)
    ).all()
    return DuplicateSide(
        pseudonym=person.pseudonym,
        synthetic=person.synthetic,
        created_at=person.created_at,
        closed_at=person.closed_at,
        identity=PersonIdentity(**{f: getattr(person, f) for f in IDENTITY_FIELDS}),
        age=age_on(person.date_of_birth, london(utcnow()).date()),
        involvements=[
            InvolvementPublic(pseudonym=person.pseudonym, role=InvolvementRole(r), incident_id=i)
            for i, r in links
        ],
        services=list(dict.fromkeys(services)),
    )


def _public(flag: DuplicateFlag, keep: Person, other: Person) -> DuplicatePublic:
    return DuplicatePublic(
        id=flag.id,
        pseudonym=keep.pseudonym,
        other_pseudonym=other.pseudonym,
        reason=flag.reason,
        created_at=flag.created_at,
        resolution=flag.resolution,
    )


@use_case
def list_duplicates(actor: Actor, store: CaseStore) -> list[DuplicatePublic]:
    """Possible duplicates still awaiting a decision (coordinator)."""
    guard(actor, Action.DUPLICATE_REVIEW, None, "person")
    with store.unit_of_work() as session:
        flags = session.scalars(
            select(DuplicateFlag)
            .where(DuplicateFlag.resolution.is_(None))
            .order_by(DuplicateFlag.id)
        ).all()
        out = []
        for flag in flags:
            a, b = session.get_one(Person, flag.person_id), session.get_one(Person, flag.other_id)
            out.append(_public(flag, a, b))
            record(session, actor, AuditKind.DUPLICATE_LIST, "person", a.pseudonym)
            record(session, actor, AuditKind.DUPLICATE_LIST, "person", b.pseudonym)
        return out


@use_case
def compare_duplicate(actor: Actor, store: CaseStore, flag_id: int) -> DuplicateComparison:
    """Both records of a possible duplicate side by side, identities included (coordinator;
    each identity read is audited with the review as its reason)."""
    guard(actor, Action.DUPLICATE_REVIEW, None, "duplicate", flag_id)
    with store.unit_of_work() as session:
        flag = session.get(DuplicateFlag, flag_id)
        if flag is None:
            raise not_found("duplicate", flag_id)
        keep = session.get_one(Person, flag.person_id)
        other = session.get_one(Person, flag.other_id)
        for person in (keep, other):
            record(
                session,
                actor,
                AuditKind.PERSON_READ_IDENTITY,
                "person",
                person.pseudonym,
                detail=f"duplicate review {flag_id}",
                reason=REVIEW,
            )
        return DuplicateComparison(
            flag=_public(flag, keep, other), keep=_side(session, keep), other=_side(session, other)
        )


@use_case
def resolve_duplicate(
    actor: Actor, store: CaseStore, flag_id: int, data: DuplicateResolve
) -> DuplicatePublic:
    """A coordinator's decision: merge the later record into the earlier, or keep both."""
    guard(actor, Action.DUPLICATE_REVIEW, None, "duplicate", flag_id)
    with store.unit_of_work() as session:
        flag = session.get(DuplicateFlag, flag_id)
        if flag is None:
            raise not_found("duplicate", flag_id)
        if flag.resolution is not None:
            raise Conflict("this possible duplicate has already been decided")
        keep, other = (
            session.get_one(Person, flag.person_id),
            session.get_one(Person, flag.other_id),
        )
        if data.resolution == "merge":
            moved = merge_people(session, keep, other)
            for p in (keep, other):
                record(
                    session,
                    actor,
                    AuditKind.PERSON_MERGE,
                    "person",
                    p.pseudonym,
                    detail=f"{other.pseudonym} merged into {keep.pseudonym}",
                )
            for change in moved:
                record(
                    session,
                    actor,
                    AuditKind.ORDER_UPDATE,
                    "order",
                    change.order_id,
                    detail=f"merge: {change.detail}",
                )
        flag.resolution = "merged" if data.resolution == "merge" else "distinct"
        flag.resolved_at = utcnow()
        flag.resolved_by_id = actor.user_id
        record(
            session,
            actor,
            AuditKind.DUPLICATE_RESOLVE,
            "duplicate",
            flag_id,
            detail=f"{keep.pseudonym}/{other.pseudonym}: {flag.resolution}",
        )
        return _public(flag, keep, other)
