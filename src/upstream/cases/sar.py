"""Subject access: everything the case store holds about one young person, as JSON.

The export covers the person record (identifying and health details included), every
incident they are linked to (with its summary), every offer and contact attempt, possible
duplicate flags, the network lists they are or were on and the intelligence links and
relations about them (:mod:`upstream.network.store.subject_access`), their court orders
with conditions, reviews, breach alerts and decisions (:func:`upstream.orders.sar.orders_of`),
and the audit events about them. Only admins may run it, and it is audited.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import or_, select

from upstream.cases.access import Action, Actor
from upstream.cases.audit import AuditKind, read_events, record
from upstream.cases.db import CaseStore
from upstream.cases.models import DuplicateFlag, Incident, Involvement, Person
from upstream.cases.service import guard, not_found, use_case
from upstream.network.store.subject_access import network_subject_access
from upstream.orders.sar import orders_of

__all__ = ["subject_access_export"]


def _plain(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _columns(obj: object, names: list[str]) -> dict[str, Any]:
    return {name: _plain(getattr(obj, name)) for name in names}


@use_case
def subject_access_export(
    actor: Actor, store: CaseStore, pseudonym: str, reason: str
) -> dict[str, Any]:
    """Everything held about the young person ``pseudonym`` (admins only, with a reason, such
    as the request's reference; audited)."""
    guard(actor, Action.SUBJECT_ACCESS, None, "person", pseudonym)
    with store.unit_of_work() as session:
        person = session.scalars(select(Person).where(Person.pseudonym == pseudonym)).one_or_none()
        if person is None:
            raise not_found("person", pseudonym)
        merged = session.scalars(select(Person).where(Person.merged_into_id == person.id)).all()
        incidents = []
        for involvement in session.scalars(
            select(Involvement).where(Involvement.person_id == person.id).order_by(Involvement.id)
        ):
            incident = session.get_one(Incident, involvement.incident_id)
            incidents.append(
                {
                    "role": involvement.role,
                    **_columns(
                        incident,
                        [
                            "id",
                            "event_ref",
                            "occurred_at",
                            "recorded_at",
                            "offence",
                            "location_type",
                            "weapon",
                            "injury",
                            "summary",
                            "closed_at",
                            "synthetic",
                        ],
                    ),
                }
            )
        offers = [
            {
                **_columns(
                    offer,
                    [
                        "id",
                        "service",
                        "incident_id",
                        "created_at",
                        "due_at",
                        "attempts",
                        "first_attempt_at",
                        "reached_at",
                        "outcome",
                        "closed_at",
                    ],
                ),
                "contacts": [
                    _columns(c, ["id", "at", "recorded_at", "method", "reached", "notes"])
                    for c in offer.contacts
                ],
            }
            for offer in person.offers
        ]
        flags = [
            _columns(f, ["id", "reason", "created_at", "resolution", "resolved_at"])
            for f in session.scalars(
                select(DuplicateFlag).where(
                    or_(DuplicateFlag.person_id == person.id, DuplicateFlag.other_id == person.id)
                )
            )
        ]
        audit = [
            {k: _plain(v) for k, v in e.__dict__.items()}
            for e in read_events(session, record_type="person", record_id=pseudonym)
        ]
        court_orders = orders_of(session, person.id)
        record(session, actor, AuditKind.SUBJECT_ACCESS, "person", pseudonym, reason=reason)
        return {
            "notice": "Subject access export from the upstream case store."
            + (" SYNTHETIC demo record." if person.synthetic else ""),
            "person": _columns(
                person,
                [
                    "pseudonym",
                    "given_name",
                    "family_name",
                    "date_of_birth",
                    "address",
                    "school",
                    "sex",
                    "ethnic_group",
                    "health_notes",
                    "created_at",
                    "closed_at",
                    "anonymised_at",
                    "synthetic",
                ],
            ),
            "merged_records": [m.pseudonym for m in merged],
            "incidents": incidents,
            "offers": offers,
            "possible_duplicates": flags,
            **network_subject_access(session, person.id),
            "court_orders": court_orders["orders"],
            "named_in_non_association": court_orders["named_in_non_association"],
            "audit_events": audit,
        }
