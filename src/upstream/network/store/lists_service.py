"""Lists of people from the stored network: produce, read, take a person off, audit.

The safeguards of :mod:`upstream.network.lists` hold (a stated purpose, evidence and dates
for every person, harm ranked by offences only, the disproportionality audit) and this layer
adds the store's: only the roles the policy names produce or read each kind of list, the
list, its members, its audit and its parameters are stored append-only, and every
production, read and removal writes one audit event carrying the session's purpose (the
list's own stated purpose is the event's reason).

Expiry is applied **when a list is read**: a member whose review date has passed, or whose
last evidence is older than the list's window on the day it is read, is not shown (and is
counted as expired); a fresh production leaves them off anyway, because their links have
aged out. Removals are kept beside the list, never deleted.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from upstream.area import definitions_from_settings
from upstream.cases.access import Actor
from upstream.cases.audit import AuditKind, record
from upstream.cases.db import CaseStore
from upstream.cases.models import Person
from upstream.cases.service import not_found, use_case
from upstream.network.links import months_before
from upstream.network.lists import PersonList, build_list
from upstream.network.store.access import (
    NetworkAccessDenied,
    ensure_network_allowed,
    network_allowed,
    produce_permission,
    read_permission,
    remove_permission,
)
from upstream.network.store.links_from_cases import merged_into
from upstream.network.store.models import ListMember, ListRemoval, NetworkList
from upstream.network.store.schemas import (
    MIN_REASON,
    ListMemberView,
    ListSummary,
    ListView,
    NetworkInputError,
)
from upstream.network.store.service import analyse

__all__ = [
    "audit_document",
    "list_index",
    "produce_list",
    "read_audit",
    "read_list",
    "remove_from_list",
]


def audit_document(plist: PersonList, extra: Mapping[str, Any]) -> dict[str, Any]:
    """The list's audit as stored (JSON): its warnings first, level, alpha and the table."""
    return {
        "warnings": list(plist.audit.warnings),
        **extra,
        "level": plist.audit.level,
        "alpha": plist.audit.alpha,
        "table": json.loads(plist.audit.table.to_json(orient="records")),
    }


def _summary(plist: NetworkList, members: int) -> ListSummary:
    return ListSummary(
        plist.id,
        plist.kind,
        plist.purpose,
        plist.produced_at,
        plist.produced_by_name,
        plist.as_of,
        members,
        plist.warnings,
        plist.synthetic,
    )


@use_case
def produce_list(
    actor: Actor,
    store: CaseStore,
    *,
    purpose: str,
    kind: str,
    as_of: date,
    window_months: int = 24,
    limit: int | None = None,
    residents: Mapping[str, Mapping[str, int]] | None = None,
) -> ListSummary:
    """Produce and store a ``kind`` list for ``purpose`` as on ``as_of``, with its audit.

    Raises
    ------
    upstream.network.lists.SafeguardError
        No stated purpose, an unknown kind, or a person without evidence: nothing stored.
    """
    if kind not in ("harm", "safeguarding"):
        raise NetworkInputError("kind: harm or safeguarding")
    ensure_network_allowed(actor, produce_permission(kind), "network_list")
    definitions = definitions_from_settings(store.settings)
    with store.unit_of_work() as session:
        done = analyse(session, as_of, window_months)
        plist = build_list(
            done.frames.people,
            done.graph,
            definitions,
            purpose=purpose,
            as_of=as_of,
            kind=kind,
            window_months=window_months,
            residents=residents,
            limit=limit,
        )
        parameters = {
            "window_months": window_months,
            "limit": limit,
            "residents_base": residents is not None,
            "people": len(done.frames.people),
            "links_active": len(done.active),
        }
        document = audit_document(
            plist,
            {"purpose": plist.purpose, "list": kind, "as_of": as_of.isoformat(),
             "listed": len(plist.entries), "synthetic": done.frames.synthetic},
        )  # fmt: skip
        row = NetworkList(
            produced_by_id=actor.user_id,
            produced_by_name=actor.username[:64],
            produced_by_role=actor.role[:16],
            purpose=plist.purpose,
            kind=kind,
            as_of=as_of,
            window_months=window_months,
            parameters=json.dumps(parameters),
            audit_json=json.dumps(document, default=str),
            warnings=len(plist.audit.warnings),
            synthetic=done.frames.synthetic,
        )
        session.add(row)
        session.flush()
        for e in plist.entries.to_dict("records"):
            session.add(
                ListMember(
                    list_id=row.id,
                    person_id=done.frames.person_ids[str(e["person"])],
                    rank=int(e["rank"]),
                    score=float(e["score"]),
                    offences=int(e["offences"]),
                    evidence_summary=str(e["evidence_ids"]),
                    last_evidence=e["last_evidence"],
                    review_date=e["review_date"],
                )
            )
        record(
            session,
            actor,
            AuditKind.NETWORK_LIST_PRODUCE,
            "network_list",
            row.id,
            detail=f"{kind} list of {len(plist.entries)} as of {as_of.isoformat()}; "
            f"{len(plist.audit.warnings)} audit warning(s)",
            reason=plist.purpose,
        )
        return _summary(row, len(plist.entries))


def _load(session: Session, actor: Actor, list_id: int, why: str) -> NetworkList:
    plist = session.get(NetworkList, list_id)
    if plist is None:
        raise not_found("network_list", list_id)
    need = read_permission(plist.kind) if why == "read" else remove_permission(plist.kind)
    if not network_allowed(actor, need):
        raise NetworkAccessDenied(actor, need, "network_list", list_id)
    return plist


@use_case
def list_index(actor: Actor, store: CaseStore) -> list[ListSummary]:
    """The lists the actor may read, newest first (purposes and counts, no person)."""
    ensure_network_allowed(actor, read_permission("safeguarding"), "network_list")
    with store.unit_of_work() as session:
        out = []
        for plist in session.scalars(select(NetworkList).order_by(NetworkList.id.desc())):
            if network_allowed(actor, read_permission(plist.kind)):
                out.append(_summary(plist, len(plist.members) - len(plist.removals)))
        return out


@use_case
def read_list(actor: Actor, store: CaseStore, list_id: int, today: date) -> ListView:
    """A stored list as on ``today`` (expired and removed members left out) with its audit."""
    with store.unit_of_work() as session:
        plist = _load(session, actor, list_id, "read")
        # a merged record's membership is shown under the record it was merged into
        kept = merged_into(session)
        now = {m.person_id: kept.get(m.person_id, m.person_id) for m in plist.members}
        now |= {r.person_id: kept.get(r.person_id, r.person_id) for r in plist.removals}
        removed_ids = {now[r.person_id] for r in plist.removals}
        names = dict(
            session.execute(
                select(Person.id, Person.pseudonym).where(Person.id.in_(set(now.values()) or {-1}))
            ).all()
        )
        oldest = months_before(today, plist.window_months)
        shown, seen, lapsed = [], set(), set()
        for m in plist.members:
            person = now[m.person_id]
            if person in removed_ids or person in seen:
                continue  # taken off, or already shown by a better rank of the same person
            if m.review_date < today or m.last_evidence < oldest:
                lapsed.add(person)
                continue
            seen.add(person)
            shown.append(
                ListMemberView(
                    m.rank,
                    names[person],
                    m.score,
                    m.offences,
                    m.evidence_summary,
                    m.last_evidence,
                    m.review_date,
                )
            )
        expired = len(lapsed - seen)
        removed = [
            (names[now[r.person_id]], r.reason, r.removed_by_name, r.at) for r in plist.removals
        ]
        record(
            session,
            actor,
            AuditKind.NETWORK_LIST_READ,
            "network_list",
            list_id,
            detail=f"{len(shown)} shown, {expired} expired, {len(removed)} removed",
        )
        return ListView(
            _summary(plist, len(shown)),
            plist.window_months,
            shown,
            expired,
            removed,
            json.loads(plist.audit_json),
            json.loads(plist.parameters),
            today,
        )


@use_case
def read_audit(actor: Actor, store: CaseStore, list_id: int) -> tuple[ListSummary, dict[str, Any]]:
    """A stored list's disproportionality audit (no person in it), audited as a read."""
    with store.unit_of_work() as session:
        plist = _load(session, actor, list_id, "read")
        record(
            session,
            actor,
            AuditKind.NETWORK_LIST_READ,
            "network_list",
            list_id,
            detail="the disproportionality audit only",
        )
        members = len(plist.members) - len(plist.removals)
        return _summary(plist, members), json.loads(plist.audit_json)


@use_case
def remove_from_list(
    actor: Actor, store: CaseStore, list_id: int, pseudonym: str, reason: str
) -> None:
    """Take ``pseudonym`` off a list, with a reason of at least :data:`MIN_REASON`
    characters (stored beside the list and audited)."""
    reason = " ".join(reason.split())
    with store.unit_of_work() as session:
        plist = _load(session, actor, list_id, "remove")
        if len(reason) < MIN_REASON:
            raise NetworkInputError(f"reason: at least {MIN_REASON} characters")
        kept = merged_into(session)
        person = session.scalar(select(Person).where(Person.pseudonym == pseudonym))
        person_id = None if person is None else kept.get(person.id, person.id)
        if person_id is None or person_id not in {
            kept.get(m.person_id, m.person_id) for m in plist.members
        }:
            raise NetworkInputError(f"person: {pseudonym} is not on list {list_id}")
        if person_id in {kept.get(r.person_id, r.person_id) for r in plist.removals}:
            raise NetworkInputError(f"person: {pseudonym} was already taken off list {list_id}")
        session.add(
            ListRemoval(
                list_id=list_id,
                person_id=person_id,
                reason=reason,
                removed_by_id=actor.user_id,
                removed_by_name=actor.username[:64],
            )
        )
        record(
            session,
            actor,
            AuditKind.NETWORK_LIST_REMOVE,
            "network_list",
            list_id,
            detail=f"{pseudonym} taken off",
            reason=reason,
        )
