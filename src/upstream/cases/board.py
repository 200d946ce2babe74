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
from math import ceil

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from upstream.cases.access import Action, Actor, is_allowed
from upstream.cases.audit import AuditKind, record
from upstream.cases.board_lists import (
    LISTS,
    SORTS,
    Window,
    late_entries,
    not_reached,
    open_incidents,
    overdue,
)
from upstream.cases.db import CaseStore
from upstream.cases.localtime import LONDON
from upstream.cases.models import Incident, Involvement, Offer, Person, utcnow
from upstream.cases.schemas import BoardList, BoardPublic, WeekSummary
from upstream.cases.service import guard, use_case
from upstream.cases.vocab import Outcome, Role, Service

__all__ = ["LIST_LIMIT", "PAGE_SIZE", "WEEKS", "board", "board_list"]

WEEKS = 8
LIST_LIMIT = 10
"""Rows of each list shown on the board itself; the rest page by page (:func:`board_list`)."""
PAGE_SIZE = 50


def _service_people(service: str) -> Select[int]:
    return select(Offer.person_id).where(Offer.service == service)


def _week_start(moment: datetime) -> date:
    local = moment.astimezone(LONDON).date()
    return local - timedelta(days=local.weekday())


def _weekly(session: Session, service: str | None, now: datetime) -> list[WeekSummary]:
    first_week = _week_start(now) - timedelta(weeks=WEEKS - 1)
    since = datetime(first_week.year, first_week.month, first_week.day, tzinfo=LONDON)
    query = (
        select(Incident.recorded_at, Person.id, Person.created_at, Person.synthetic)
        .join(Involvement, Involvement.incident_id == Incident.id)
        .join(Person, Person.id == Involvement.person_id)
        .where(Incident.recorded_at >= since, Person.merged_into_id.is_(None))
    )
    if service is not None:
        query = query.where(Person.id.in_(_service_people(service)))
    weeks: dict[date, dict[int, datetime]] = defaultdict(dict)
    synthetic: set[date] = set()
    for recorded_at, person_id, created_at, invented in session.execute(query):
        weeks[_week_start(recorded_at)].setdefault(person_id, created_at)
        if invented:
            synthetic.add(_week_start(recorded_at))
    offers: dict[int, list[tuple[datetime | None, str | None]]] = defaultdict(list)
    if weeks:  # the same people, selected in the database rather than as a list of ids
        offer_query = select(Offer.person_id, Offer.reached_at, Offer.outcome).where(
            Offer.person_id.in_(query.with_only_columns(Person.id))
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
                synthetic=week in synthetic,
                in_progress=week == _week_start(now),
            )
        )
    return summaries


def _service_of(actor: Actor, wanted: str | None) -> str | None:
    """A caseworker's own service always; the coordinator's chosen one (or all)."""
    if actor.role == Role.CASEWORKER:
        return actor.service
    return Service(wanted).value if wanted else None


@use_case
def board(actor: Actor, store: CaseStore, now: datetime | None = None) -> BoardPublic:
    """The board as ``actor`` may see it (figures for analysts; lists for case roles).

    Each list holds its first :data:`LIST_LIMIT` rows; :func:`board_list` pages through it.
    """
    guard(actor, Action.BOARD_FIGURES, None, "board")
    now = now or utcnow()
    lists = is_allowed(actor, Action.BOARD_LISTS)
    service = _service_of(actor, None)
    top = Window(0, LIST_LIMIT)
    with store.unit_of_work() as session:
        open_total, incidents = open_incidents(session, actor, service, top)
        waiting_total, waiting = not_reached(session, service, now, top)
        overdue_total, late_offers = overdue(session, service, now, top)
        late_total, late = late_entries(session, service, top)
        weekly = _weekly(session, service, now)
        synthetic = any(w.synthetic for w in weekly)
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
        synthetic=synthetic,
        open_incidents=incidents if lists else [],
        not_reached=waiting if lists else [],
        overdue=late_offers if lists else [],
        late_entries=late if lists else [],
        weekly=weekly,
        totals={
            "open_incidents": open_total,
            "not_reached": waiting_total,
            "overdue": overdue_total,
            "late_entries": late_total,
        },
    )


@use_case
def board_list(
    actor: Actor,
    store: CaseStore,
    name: str,
    *,
    page: int = 1,
    sort: str | None = None,
    service: str | None = None,
    now: datetime | None = None,
) -> BoardList:
    """One of the board's lists (``LISTS``), :data:`PAGE_SIZE` rows a page, sorted by one
    of ``SORTS[name]``; the coordinator may filter it to one ``service``."""
    guard(actor, Action.BOARD_LISTS, None, "board")
    if name not in LISTS:
        raise ValueError(f"list: one of {', '.join(LISTS)}")
    if sort is not None and sort not in SORTS[name]:
        raise ValueError(f"sort: one of {', '.join(SORTS[name])}")
    now = now or utcnow()
    chosen = _service_of(actor, service)
    window = Window((max(page, 1) - 1) * PAGE_SIZE, PAGE_SIZE, sort)
    out = BoardList(
        name=name,
        page=max(page, 1),
        sort=sort or SORTS[name][0],
        sorts=list(SORTS[name]),
        service=Service(chosen) if chosen else None,
        total=0,
        pages=1,
    )
    with store.unit_of_work() as session:
        if name == "overdue":
            out.total, out.offers = overdue(session, chosen, now, window)
        elif name == "late_entries":
            out.total, out.offers = late_entries(session, chosen, window)
        elif name == "not_reached":
            out.total, out.people = not_reached(session, chosen, now, window)
        else:
            out.total, out.incidents = open_incidents(session, actor, chosen, window)
        record(
            session,
            actor,
            AuditKind.BOARD_VIEW,
            "board",
            chosen or "all",
            detail=f"list {name}, page {out.page}: {out.total} in all",
        )
    out.pages = max(1, ceil(out.total / PAGE_SIZE))
    return out
