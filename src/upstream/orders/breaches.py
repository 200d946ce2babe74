"""Breach detection: which incidents are candidate breaches of which conditions (pure).

A candidate is never a breach: it is a fact for the order's lead to weigh (the subject may
have been the victim, or had leave to be there). The service turns candidates into alerts
(:mod:`upstream.orders.service`); nothing here touches the database.

A condition gives a candidate when its order's subject is involved in an incident (in any
role) that happened while the condition was in force and

* **exclusion zone**: the incident's location lies inside the zone (edge rule of
  :func:`upstream.orders.zones.in_zone`); an incident without a location gives none;
* **curfew**: the incident's time falls in the window, London time
  (:meth:`upstream.orders.conditions.CurfewWindow.covers`);
* **non-association**: the named other person is involved in the same incident.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from shapely.geometry.base import BaseGeometry

from upstream.cases.localtime import london_time
from upstream.orders.conditions import CurfewWindow, in_force
from upstream.orders.vocab import AlertKind, ConditionKind
from upstream.orders.zones import in_zone

__all__ = ["Candidate", "ConditionFacts", "IncidentFacts", "candidates", "dedupe_key"]


@dataclass(frozen=True)
class ConditionFacts:
    """What detection needs of one condition: its order's subject and lead, the dates it is
    in force (London dates, inclusive; ``last`` None: open-ended) and its terms."""

    id: int
    order_id: int
    kind: ConditionKind
    subject_id: int
    first: date
    last: date | None
    zone: BaseGeometry | None = None
    curfew: CurfewWindow | None = None
    other_person_id: int | None = None
    other_pseudonym: str | None = None


@dataclass(frozen=True)
class IncidentFacts:
    """An incident: when (aware instant), where (BNG metres or None) and who (person ids)."""

    id: int
    occurred_at: datetime
    easting: float | None
    northing: float | None
    people: frozenset[int]


@dataclass(frozen=True)
class Candidate:
    """A candidate breach of ``condition_id`` (of ``order_id``) at ``incident_id``."""

    condition_id: int
    order_id: int
    incident_id: int
    kind: AlertKind
    event_at: datetime
    detail: str

    @property
    def key(self) -> str:
        """The alert's de-duplication key (one alert per condition and incident)."""
        return dedupe_key(self.condition_id, self.incident_id)


def dedupe_key(condition_id: int, incident_id: int) -> str:
    """``c12:i34``: the key a re-scan finds an existing alert by."""
    return f"c{condition_id}:i{incident_id}"


def _match(c: ConditionFacts, i: IncidentFacts) -> tuple[AlertKind, str] | None:
    if c.subject_id not in i.people or not in_force(c.first, c.last, i.occurred_at):
        return None
    when = london_time(i.occurred_at)
    if c.kind is ConditionKind.EXCLUSION_ZONE and c.zone is not None:
        if i.easting is None or i.northing is None:
            return None
        if in_zone(c.zone, i.easting, i.northing):
            return AlertKind.ZONE, f"incident {i.id} at {when} inside the exclusion zone"
    elif c.kind is ConditionKind.CURFEW and c.curfew is not None:
        if c.curfew.covers(i.occurred_at):
            return AlertKind.CURFEW, f"incident {i.id} at {when}, curfew {c.curfew.describe()}"
    elif (
        c.kind is ConditionKind.NON_ASSOCIATION
        and c.other_person_id is not None
        and c.other_person_id in i.people
        and c.other_person_id != c.subject_id
    ):
        other = c.other_pseudonym or "the named person"
        return (
            AlertKind.NON_ASSOCIATION,
            f"incident {i.id} at {when}, involved with {other}",
        )
    return None


def candidates(
    conditions: Iterable[ConditionFacts], incidents: Iterable[IncidentFacts]
) -> list[Candidate]:
    """Every candidate breach of ``conditions`` among ``incidents``, in (incident, condition)
    order. Reporting and positive requirements give none (they are reported by hand)."""
    conditions = list(conditions)
    found: list[Candidate] = []
    for incident in sorted(incidents, key=lambda i: i.id):
        for condition in conditions:
            hit = _match(condition, incident)
            if hit is not None:
                kind, detail = hit
                found.append(
                    Candidate(
                        condition.id, condition.order_id, incident.id, kind,
                        incident.occurred_at, detail,
                    )
                )  # fmt: skip
    return found
