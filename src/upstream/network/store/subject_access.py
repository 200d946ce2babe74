"""The network's part of a subject access export: lists a person is or was on, and the
intelligence links and relations about them.

Another person on a link is given by pseudonym only. What is given of each list is what the
person is entitled to know: its id, kind, stated purpose, when and as of when it was
produced, their rank, the evidence ids and dates behind them, and any removal (when and why).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from upstream.cases.models import Person
from upstream.network.store.models import (
    IntelLink,
    ListMember,
    ListRemoval,
    NetworkList,
    PersonRelation,
)

__all__ = ["network_subject_access"]


def _pseudonyms(session: Session, ids: set[int]) -> dict[int, str]:
    rows = session.execute(select(Person.id, Person.pseudonym).where(Person.id.in_(ids or {-1})))
    return {int(i): str(p) for i, p in rows.all()}


def network_subject_access(session: Session, person_id: int) -> dict[str, Any]:
    """``network_lists``, ``intelligence_links`` and ``relations`` about ``person_id``."""
    lists = []
    for member, plist in session.execute(
        select(ListMember, NetworkList)
        .join(NetworkList, ListMember.list_id == NetworkList.id)
        .where(ListMember.person_id == person_id)
        .order_by(NetworkList.id)
    ):
        removal = session.scalars(
            select(ListRemoval).where(
                ListRemoval.list_id == plist.id, ListRemoval.person_id == person_id
            )
        ).first()
        lists.append(
            {
                "list_id": plist.id,
                "kind": plist.kind,
                "purpose": plist.purpose,
                "produced_at": plist.produced_at.isoformat(),
                "as_of": plist.as_of.isoformat(),
                "rank": member.rank,
                "evidence": member.evidence_summary,
                "last_evidence": member.last_evidence.isoformat(),
                "review_date": member.review_date.isoformat(),
                "removed": None
                if removal is None
                else {"at": removal.at.isoformat(), "reason": removal.reason},
            }
        )
    pair = (IntelLink.person_a_id == person_id) | (IntelLink.person_b_id == person_id)
    intel = list(session.scalars(select(IntelLink).where(pair).order_by(IntelLink.id)))
    rel_pair = or_(PersonRelation.person_a_id == person_id, PersonRelation.person_b_id == person_id)
    relations = list(session.scalars(select(PersonRelation).where(rel_pair)))
    pairs: list[IntelLink | PersonRelation] = [*intel, *relations]
    others = {x.person_b_id if x.person_a_id == person_id else x.person_a_id for x in pairs}
    names = _pseudonyms(session, others)

    def other(x: IntelLink | PersonRelation) -> str:
        return names.get(x.person_b_id if x.person_a_id == person_id else x.person_a_id, "-")

    return {
        "network_lists": lists,
        "intelligence_links": [
            {
                "id": x.id,
                "other_person": other(x),
                "source_agency": x.source_agency,
                "grading": x.grading,
                "evidence_date": x.evidence_date.isoformat(),
                "evidence_ref": x.evidence_ref,
                "review_date": x.review_date.isoformat(),
                "entered_at": x.created_at.isoformat(),
            }
            for x in intel
        ],
        "relations": [
            {
                "id": x.id,
                "kind": x.kind,
                "other_person": other(x),
                "evidence_date": x.evidence_date.isoformat(),
                "review_date": x.review_date.isoformat(),
            }
            for x in relations
        ],
    }
