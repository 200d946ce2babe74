"""Retention: anonymise case records closed more than ``retention_months`` ago.

Anonymising a young person clears their name, date of birth, address, school, health notes
and the notes of their contact attempts, and keeps the pseudonym, roles, offers, dates and
outcomes, so the board's figures stay true. An incident closed that long ago loses its
free-text summary. A young person who is the subject of a court order in force, or of one
that ended less than the retention period ago, is kept (``kept_for_orders``) even with their
case closed, and so is a young person that such an order's non-association condition names
(``kept_as_non_associates``); an order that ended longer ago loses its identifying free
text (:mod:`upstream.orders.retention`). ``upstream cases retain --dry-run`` reports what
would change (and who is kept for orders, and why) and changes nothing; both are audited.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select, update

from upstream.cases.access import Action, Actor
from upstream.cases.audit import AuditKind, record
from upstream.cases.db import CaseStore
from upstream.cases.models import Contact, Incident, Offer, Person, utcnow
from upstream.cases.service import guard, use_case
from upstream.orders.retention import (
    anonymise_order,
    expired_orders,
    held_non_associates,
    held_subjects,
)

__all__ = ["RetentionReport", "months_before", "retain"]


@dataclass
class RetentionReport:
    """What a retention run anonymised (or, in a dry run, would anonymise)."""

    cutoff: datetime
    dry_run: bool
    people: list[str] = field(default_factory=list)
    incidents: list[int] = field(default_factory=list)
    orders: list[int] = field(default_factory=list)
    kept_for_orders: list[str] = field(default_factory=list)
    """Subjects of an order in force or ended within the period."""
    kept_as_non_associates: list[str] = field(default_factory=list)
    """Named in a non-association condition of such an order (not its subject)."""


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time ``months`` calendar months earlier (clamped to month end)."""
    total = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(total, 12)
    month += 1
    for day in (moment.day, 30, 29, 28):
        try:
            return moment.replace(year=year, month=month, day=min(day, moment.day))
        except ValueError:
            continue
    raise AssertionError("unreachable")


@use_case
def retain(
    actor: Actor,
    store: CaseStore,
    *,
    dry_run: bool,
    months: int | None = None,
    now: datetime | None = None,
) -> RetentionReport:
    """Anonymise people and incidents closed, and court orders ended, before ``months``
    (default: the setting) ago; people with an order in force or ended since, or named in
    a non-association condition of one, are kept."""
    guard(actor, Action.RETENTION_RUN, None, "retention")
    months = months if months is not None else store.settings.retention_months
    if months < 1:
        raise ValueError("retention must be at least one month")
    now = now or utcnow()
    cutoff = months_before(now, months)
    report = RetentionReport(cutoff=cutoff, dry_run=dry_run)
    with store.unit_of_work() as session:
        closed = session.scalars(
            select(Person)
            .where(
                Person.closed_at.is_not(None),
                Person.closed_at < cutoff,
                Person.anonymised_at.is_(None),
            )
            .order_by(Person.id)
        ).all()
        held = held_subjects(session, cutoff.date())
        named = held_non_associates(session, cutoff.date()) - held
        people = [p for p in closed if p.id not in held and p.id not in named]
        orders = expired_orders(session, cutoff.date())
        incidents = session.scalars(
            select(Incident).where(
                Incident.closed_at.is_not(None),
                Incident.closed_at < cutoff,
                Incident.anonymised_at.is_(None),
            )
        ).all()
        report.people = [p.pseudonym for p in people]
        report.incidents = [i.id for i in incidents]
        report.orders = [o.id for o in orders]
        report.kept_for_orders = [p.pseudonym for p in closed if p.id in held]
        report.kept_as_non_associates = [p.pseudonym for p in closed if p.id in named]
        if dry_run:
            record(
                session,
                actor,
                AuditKind.RETENTION_REPORT,
                "retention",
                None,
                detail=f"dry run: {len(people)} people, {len(incidents)} incidents, "
                f"{len(orders)} orders before {cutoff.date()}; "
                f"{len(report.kept_for_orders)} people kept for their court orders; "
                f"{len(report.kept_as_non_associates)} people kept as named in another's "
                "non-association condition",
            )
            return report
        for person in people:
            for name in (
                "given_name",
                "family_name",
                "date_of_birth",
                "address",
                "school",
                "sex",
                "ethnic_group",
                "health_notes",
            ):
                setattr(person, name, None)
            person.anonymised_at = now
            session.execute(
                update(Contact)
                .where(Contact.offer_id.in_(select(Offer.id).where(Offer.person_id == person.id)))
                .values(notes=None)
            )
            record(session, actor, AuditKind.RETENTION_ANONYMISE, "person", person.pseudonym)
        for incident in incidents:
            incident.summary = None
            incident.anonymised_at = now
            record(session, actor, AuditKind.RETENTION_ANONYMISE, "incident", incident.id)
        for order in orders:
            anonymise_order(session, order, now)
            record(session, actor, AuditKind.RETENTION_ANONYMISE, "order", order.id)
    return report
