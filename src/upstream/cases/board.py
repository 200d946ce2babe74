"""The coordinator's board: open incidents, young people not yet reached, overdue offers,
and the weekly measure of "every young person reached".

Definitions
-----------
* A young person is **reached** when a contact attempt for any of their offers reached them.
* An offer is **overdue** when it is open, nobody has reached the young person through it,
  and its deadline (offer time + the service's hours to first contact) has passed.
* The **weekly summary** takes the young people linked to incidents recorded in each week
  (Monday to Sunday, Europe/London): how many have an offer (offered), were reached, and
  accepted an offer, and the median hours from their being recorded to the first contact
  that reached them. A caseworker's board counts only young people with an offer of their
  service; analysts see the figures and none of the lists.
* A **late entry** is an offer whose first contact was entered after its deadline had
  passed but dated before it: the offer no longer shows as overdue, so the board lists and
  counts these separately (:mod:`upstream.cases.times` refuses contacts dated before the
  offer or more than ``contact_backdate_hours`` back).
* Closed cases leave caseloads: a young person whose case is closed is in no list, and a
  caseworker's open incidents are those of young people with an open offer of their service
  (or that they recorded).
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from upstream.cases.access import Action, Actor, is_allowed
from upstream.cases.audit import AuditKind, record
from upstream.cases.db import CaseStore
from upstream.cases.localtime import LONDON
from upstream.cases.models import Incident, Involvement, Offer, Person, utcnow
from upstream.cases.schemas import BoardPublic, IncidentRow, OfferRow, PersonRow, WeekSummary
from upstream.cases.service import guard, offer_row, use_case
from upstream.cases.vocab import InvolvementRole, Outcome, Role, Service

__all__ = ["LIST_LIMIT", "WEEKS", "board"]

WEEKS = 8
LIST_LIMIT = 50


def _reached_people() -> Select[int]:
    return select(Offer.person_id).where(Offer.reached_at.is_not(None))


def _service_people(service: str) -> Select[int]:
    return select(Offer.person_id).where(Offer.service == service)


def _caseload(service: str) -> Select[int]:
    """Young people with an open offer of ``service`` whose case is open."""
    return (
        select(Offer.person_id)
        .join(Person, Person.id == Offer.person_id)
        .where(Offer.service == service, Offer.closed_at.is_(None), Person.closed_at.is_(None))
    )


def _live_people() -> list[ColumnElement[bool]]:
    return [
        Person.closed_at.is_(None),
        Person.merged_into_id.is_(None),
        Person.anonymised_at.is_(None),
    ]


def _open_incidents(
    session: Session, actor: Actor, service: str | None
) -> tuple[int, list[IncidentRow]]:
    query = select(Incident).where(Incident.closed_at.is_(None))
    if service is not None:
        in_scope = select(Involvement.incident_id).where(
            Involvement.person_id.in_(_caseload(service))
        )
        query = query.where(Incident.id.in_(in_scope) | (Incident.recorded_by_id == actor.user_id))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    incidents = session.scalars(
        query.order_by(Incident.occurred_at.desc(), Incident.id.desc()).limit(LIST_LIMIT)
    ).all()
    people: dict[int, list[bool]] = defaultdict(list)
    if incidents:
        reached = set(session.scalars(_reached_people().distinct()))
        for incident_id, person_id in session.execute(
            select(Involvement.incident_id, Involvement.person_id).where(
                Involvement.incident_id.in_([i.id for i in incidents])
            )
        ):
            people[incident_id].append(person_id in reached)
    rows = [
        IncidentRow(
            id=i.id,
            occurred_at=i.occurred_at,
            offence=i.offence,
            weapon=i.weapon,
            injury=i.injury,
            people=len(people[i.id]),
            not_reached=sum(not r for r in people[i.id]),
            synthetic=i.synthetic,
        )
        for i in incidents
    ]
    return int(total), rows


def _not_reached(
    session: Session, service: str | None, now: datetime
) -> tuple[int, list[PersonRow]]:
    query = select(Person.id, Person.pseudonym, Person.created_at).where(
        *_live_people(), Person.id.not_in(_reached_people())
    )
    if service is not None:
        query = query.where(
            Person.id.in_(_service_people(service).where(Offer.closed_at.is_(None)))
        )
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    people = session.execute(query.order_by(Person.created_at, Person.id).limit(LIST_LIMIT)).all()
    ids = [p.id for p in people]
    first: dict[int, tuple[int, str]] = {}
    services: dict[int, list[Service]] = defaultdict(list)
    if ids:
        for person_id, incident_id, role in session.execute(
            select(Involvement.person_id, Involvement.incident_id, Involvement.role)
            .where(Involvement.person_id.in_(ids))
            .order_by(Involvement.id)
        ):
            first.setdefault(person_id, (incident_id, role))
        for person_id, offered in session.execute(
            select(Offer.person_id, Offer.service).where(
                Offer.person_id.in_(ids), Offer.closed_at.is_(None)
            )
        ):
            services[person_id].append(Service(offered))
    rows = [
        PersonRow(
            pseudonym=p.pseudonym,
            incident_id=first[p.id][0],
            role=InvolvementRole(first[p.id][1]),
            services=sorted(set(services[p.id])),
            waiting_hours=round((now - p.created_at).total_seconds() / 3600, 1),
        )
        for p in people
        if p.id in first
    ]
    return int(total), rows


def _offers(
    session: Session, service: str | None, *where: ColumnElement[bool]
) -> tuple[int, list[OfferRow]]:
    query = (
        select(Offer, Person.pseudonym)
        .join(Person, Person.id == Offer.person_id)
        .where(*where, *_live_people())
    )
    if service is not None:
        query = query.where(Offer.service == service)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.execute(query.order_by(Offer.due_at, Offer.id).limit(LIST_LIMIT)).all()
    return int(total), [offer_row(offer, pseudonym) for offer, pseudonym in rows]


def _overdue(session: Session, service: str | None, now: datetime) -> tuple[int, list[OfferRow]]:
    return _offers(
        session,
        service,
        Offer.closed_at.is_(None),
        Offer.reached_at.is_(None),
        Offer.due_at < now,
    )


def _late_entries(session: Session, service: str | None) -> tuple[int, list[OfferRow]]:
    return _offers(session, service, Offer.late_entry.is_(True), Offer.closed_at.is_(None))


def _week_start(moment: datetime) -> date:
    local = moment.astimezone(LONDON).date()
    return local - timedelta(days=local.weekday())


def _weekly(session: Session, service: str | None, now: datetime) -> list[WeekSummary]:
    first_week = _week_start(now) - timedelta(weeks=WEEKS - 1)
    since = datetime(first_week.year, first_week.month, first_week.day, tzinfo=LONDON)
    query = (
        select(Incident.recorded_at, Person.id, Person.created_at)
        .join(Involvement, Involvement.incident_id == Incident.id)
        .join(Person, Person.id == Involvement.person_id)
        .where(Incident.recorded_at >= since, Person.merged_into_id.is_(None))
    )
    if service is not None:
        query = query.where(Person.id.in_(_service_people(service)))
    weeks: dict[date, dict[int, datetime]] = defaultdict(dict)
    for recorded_at, person_id, created_at in session.execute(query):
        weeks[_week_start(recorded_at)].setdefault(person_id, created_at)
    ids = {p for people in weeks.values() for p in people}
    offers: dict[int, list[tuple[datetime | None, str | None]]] = defaultdict(list)
    if ids:
        offer_query = select(Offer.person_id, Offer.reached_at, Offer.outcome).where(
            Offer.person_id.in_(ids)
        )
        if service is not None:
            offer_query = offer_query.where(Offer.service == service)
        for person_id, reached_at, outcome in session.execute(offer_query):
            offers[person_id].append((reached_at, outcome))
    summaries = []
    for n in range(WEEKS):
        week = first_week + timedelta(weeks=n)
        people = weeks.get(week, {})
        offered = reached = accepted = 0
        hours: list[float] = []
        for person_id, created_at in people.items():
            held = offers.get(person_id, [])
            offered += bool(held)
            times = [r for r, _ in held if r is not None]
            if times:
                reached += 1
                hours.append(max(0.0, (min(times) - created_at).total_seconds() / 3600))
            accepted += any(o == Outcome.ACCEPTED for _, o in held)
        count = len(people)
        summaries.append(
            WeekSummary(
                week_start=week,
                people=count,
                offered=offered,
                reached=reached,
                accepted=accepted,
                offered_pct=round(100 * offered / count, 1) if count else None,
                reached_pct=round(100 * reached / count, 1) if count else None,
                accepted_pct=round(100 * accepted / count, 1) if count else None,
                median_hours_to_first_contact=round(statistics.median(hours), 1) if hours else None,
            )
        )
    return summaries


@use_case
def board(actor: Actor, store: CaseStore, now: datetime | None = None) -> BoardPublic:
    """The board as ``actor`` may see it (figures for analysts; lists for case roles)."""
    guard(actor, Action.BOARD_FIGURES, None, "board")
    now = now or utcnow()
    lists = is_allowed(actor, Action.BOARD_LISTS)
    service = actor.service if actor.role == Role.CASEWORKER else None
    with store.unit_of_work() as session:
        open_total, incidents = _open_incidents(session, actor, service)
        waiting_total, waiting = _not_reached(session, service, now)
        overdue_total, overdue = _overdue(session, service, now)
        late_total, late = _late_entries(session, service)
        weekly = _weekly(session, service, now)
        record(
            session,
            actor,
            AuditKind.BOARD_VIEW,
            "board",
            service or "all",
            detail=f"lists={'yes' if lists else 'no'}; not_reached={waiting_total}",
        )
    return BoardPublic(
        generated_at=now,
        service=Service(service) if service else None,
        lists_visible=lists,
        open_incidents=incidents if lists else [],
        not_reached=waiting if lists else [],
        overdue=overdue if lists else [],
        late_entries=late if lists else [],
        weekly=weekly,
        totals={
            "open_incidents": open_total,
            "not_reached": waiting_total,
            "overdue": overdue_total,
            "late_entries": late_total,
        },
    )
