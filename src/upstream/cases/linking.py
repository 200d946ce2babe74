"""Linking an existing young person to another incident, and finding them first.

* :func:`link_person` links a young person, named by pseudonym, to an incident with a role.
  The access rules are those for adding a person to the incident
  (:attr:`~upstream.cases.access.Action.PERSON_ADD`), and the actor must also be allowed to
  see the young person (:attr:`~upstream.cases.access.Action.PERSON_VIEW`), so a caseworker
  cannot bring a stranger's record into their own scope by guessing a pseudonym.
* :func:`search_people` finds young people by name, for the coordinator only
  (:attr:`~upstream.cases.access.Action.PERSON_SEARCH`). The names travel in the request
  body, never in a URL; the results name people by pseudonym only; every search is audited
  with the session's purpose, the reason given and which fields were searched (never their
  values), and every young person it finds gets an audit event of their own.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, func, select

from upstream.cases.access import Action, Actor
from upstream.cases.audit import AuditKind, record
from upstream.cases.db import CaseStore
from upstream.cases.models import Involvement, Person
from upstream.cases.schemas import (
    InvolvementPublic,
    PersonLink,
    PersonMatchRow,
    PersonPublic,
    PersonSearch,
)
from upstream.cases.service import (
    Conflict,
    _incident,
    _incident_resource,
    _person,
    _person_public,
    _person_resource,
    guard,
    new_involvement,
    use_case,
)
from upstream.cases.vocab import InvolvementRole

__all__ = ["SEARCH_LIMIT", "link_person", "search_people"]

SEARCH_LIMIT = 20


@use_case
def link_person(actor: Actor, store: CaseStore, incident_id: int, data: PersonLink) -> PersonPublic:
    """Link the existing young person ``data.pseudonym`` to an incident as ``data.role``."""
    with store.unit_of_work() as session:
        incident = _incident(session, incident_id)
        guard(
            actor,
            Action.PERSON_ADD,
            _incident_resource(session, store, incident),
            "incident",
            incident_id,
        )
        person = _person(session, data.pseudonym)
        guard(
            actor,
            Action.PERSON_VIEW,
            _person_resource(session, store, person),
            "person",
            person.pseudonym,
        )
        if person.merged_into_id is not None:
            raise Conflict(f"{person.pseudonym} was merged into another record: link that one")
        if person.anonymised_at is not None:
            raise Conflict(f"{person.pseudonym} is anonymised and cannot be linked")
        if incident.closed_at is not None:
            raise Conflict(f"incident {incident_id} is closed")
        already = session.scalar(
            select(Involvement.role).where(
                Involvement.incident_id == incident.id, Involvement.person_id == person.id
            )
        )
        if already is not None:
            raise Conflict(f"{person.pseudonym} is already linked to incident {incident_id}")
        session.add(new_involvement(actor, incident.id, person.id, data.role))
        record(
            session,
            actor,
            AuditKind.PERSON_LINK,
            "person",
            person.pseudonym,
            detail=f"incident {incident.id} as {data.role}",
        )
        session.flush()
        return _person_public(session, store, actor, person)


def _conditions(data: PersonSearch) -> tuple[list[ColumnElement[bool]], list[str]]:
    where: list[ColumnElement[bool]] = []
    fields: list[str] = []
    if data.given_name:
        where.append(func.lower(Person.given_name) == data.given_name.lower())
        fields.append("given_name")
    if data.family_name:
        where.append(func.lower(Person.family_name) == data.family_name.lower())
        fields.append("family_name")
    if data.date_of_birth is not None:
        where.append(Person.date_of_birth == data.date_of_birth)
        fields.append("date_of_birth")
    return where, fields


@use_case
def search_people(actor: Actor, store: CaseStore, data: PersonSearch) -> list[PersonMatchRow]:
    """Young people whose names (and date of birth, if given) match, by pseudonym only.

    Merged and anonymised records are left out. At most :data:`SEARCH_LIMIT` are returned.
    """
    guard(actor, Action.PERSON_SEARCH, None, "person")
    where, fields = _conditions(data)
    with store.unit_of_work() as session:
        people = session.scalars(
            select(Person)
            .where(*where, Person.merged_into_id.is_(None), Person.anonymised_at.is_(None))
            .order_by(Person.created_at, Person.id)
            .limit(SEARCH_LIMIT)
        ).all()
        record(
            session,
            actor,
            AuditKind.PERSON_SEARCH,
            "person",
            None,
            detail=f"by {', '.join(fields)}: {len(people)} found",
            reason=data.reason,
        )
        out = []
        for person in people:
            rows = session.execute(
                select(Involvement.incident_id, Involvement.role)
                .where(Involvement.person_id == person.id)
                .order_by(Involvement.id)
            ).all()
            out.append(
                PersonMatchRow(
                    pseudonym=person.pseudonym,
                    created_at=person.created_at,
                    closed_at=person.closed_at,
                    involvements=[
                        InvolvementPublic(
                            pseudonym=person.pseudonym, role=InvolvementRole(r), incident_id=i
                        )
                        for i, r in rows
                    ],
                    matched_on=fields,
                )
            )
            record(
                session,
                actor,
                AuditKind.PERSON_SEARCH,
                "person",
                person.pseudonym,
                detail=f"found by {', '.join(fields)}",
                reason=data.reason,
            )
        return out
