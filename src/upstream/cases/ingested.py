"""Ingested incidents: what the event store holds about an incident id, for the case store.

An incident recorded with an ingested incident id (``event_ref``) takes its time, offence,
place, weapon and injury from the event store's ``incidents`` view, or has the values given
checked against it. Only those columns are read: the event store holds no names, and the
people of an ingested incident (the ``involvements`` view) are never copied into the case
store; young people are added by hand, on the incident page.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from upstream.cases.schemas import IncidentCreate, IngestedIncidentPublic
from upstream.config import Settings
from upstream.events import EventStore, view_of

__all__ = [
    "IngestedMismatch",
    "UnknownIngestedIncident",
    "find_ingested",
    "incident_values",
    "ingested_locations",
    "resolve_incident",
]

_COLUMNS = (
    "incident_id",
    "source",
    "occurred_from",
    "occurred_to",
    "offence",
    "location_type",
    "weapon",
    "injury",
    "synthetic",
    "x",
    "y",
)
_CHECKED = ("offence", "location_type", "weapon", "injury")


class UnknownIngestedIncident(ValueError):
    """No ingested incident has that id (or more than one source has it)."""


class IngestedMismatch(ValueError):
    """Values given for an incident disagree with the ingested incident it names."""


def find_ingested(settings: Settings, event_ref: str) -> IngestedIncidentPublic:
    """The ingested incident ``event_ref`` (time range in UTC, no people).

    Raises
    ------
    UnknownIngestedIncident
        When the event store has no incident with that id, or several sources have one.
    """
    store = EventStore(settings.events_dir)
    if not any(view_of(p.source) == "incidents" for p in store.partitions()):
        raise UnknownIngestedIncident(
            f"no ingested incident {event_ref!r}: the event store holds no partnership "
            "incidents (ingest them with `upstream ingest incidents`, or enter it by hand)"
        )
    frame = store.query(
        f"SELECT {', '.join(_COLUMNS)} FROM incidents WHERE incident_id = ? "
        "ORDER BY source, synthetic",
        [event_ref],
    )
    rows = [{str(k): v for k, v in r.items()} for r in frame.to_dict("records")]
    if not rows:
        raise UnknownIngestedIncident(
            f"no ingested incident {event_ref!r}: check the id, or leave it empty and enter "
            "the incident by hand"
        )
    if len(rows) > 1:
        sources = ", ".join(
            f"{r['source']}{' (synthetic)' if r['synthetic'] else ''}" for r in rows
        )
        raise UnknownIngestedIncident(
            f"ingested incident id {event_ref!r} is held by more than one source ({sources}); "
            "enter the incident by hand"
        )
    row = rows[0]
    start = row["occurred_from"].to_pydatetime()
    end = row["occurred_to"]
    return IngestedIncidentPublic(
        event_ref=event_ref,
        source=str(row["source"]),
        occurred_from=start,
        occurred_to=start if end is None or end != end else end.to_pydatetime(),
        offence=str(row["offence"]),
        location_type=row["location_type"],
        weapon=row["weapon"],
        injury=row["injury"],
        synthetic=bool(row["synthetic"]),
        easting=_coordinate(row["x"]),
        northing=_coordinate(row["y"]),
    )


def _coordinate(value: Any) -> float | None:
    """A BNG coordinate as stored by ingest (None where the incident was not placed)."""
    if value is None or value != value:
        return None
    return float(value)


def ingested_locations(settings: Settings, refs: list[str]) -> dict[str, tuple[float, float]]:
    """Ingest's BNG placement of each ingested incident id of ``refs``, in one query. Ids the
    event store does not hold, holds twice (two sources) or could not place are left out."""
    store = EventStore(settings.events_dir)
    if not refs or not any(view_of(p.source) == "incidents" for p in store.partitions()):
        return {}
    frame = store.query(
        "SELECT incident_id, min(x) AS x, min(y) AS y, count(*) AS n FROM incidents "
        "WHERE incident_id IN (SELECT unnest(?)) GROUP BY incident_id",
        [list(refs)],
    )
    out = {}
    for ref, x, y, n in frame.itertuples(index=False, name=None):
        east, north = _coordinate(x), _coordinate(y)
        if n == 1 and east is not None and north is not None:
            out[str(ref)] = (east, north)
    return out


def resolve_incident(data: IncidentCreate, ingested: IngestedIncidentPublic) -> dict[str, Any]:
    """The incident's time, offence, place, weapon and injury, checked against the store.

    A value left out is taken from the ingested incident, as is ``unknown`` (for weapon and
    injury). A time must lie within the ingested time range (to the minute, since forms
    give minutes). Any other disagreement raises :class:`IngestedMismatch` naming the fields.
    """
    problems: list[str] = []
    resolved: dict[str, Any] = {}
    for name in _CHECKED:
        given = getattr(data, name)
        held = getattr(ingested, name)
        if given is None or (given == "unknown" and name in ("weapon", "injury")):
            resolved[name] = held
        elif given != held:
            problems.append(f"{name} is {given!r} but the ingested incident has {held!r}")
        else:
            resolved[name] = given
    start, end = ingested.occurred_from, ingested.occurred_to
    if data.occurred_at is None:
        resolved["occurred_at"] = start
    elif not _within(data.occurred_at, start, end):
        problems.append(
            f"occurred_at {data.occurred_at.isoformat()} is outside the ingested incident's "
            f"time ({start.isoformat()} to {end.isoformat()}, UTC)"
        )
    else:
        resolved["occurred_at"] = data.occurred_at
    resolved["easting"], resolved["northing"] = ingested.easting, ingested.northing
    if problems:
        raise IngestedMismatch(
            f"the values given disagree with ingested incident {ingested.event_ref!r}: "
            + "; ".join(problems)
        )
    return resolved


def incident_values(settings: Settings, data: IncidentCreate) -> tuple[dict[str, Any], bool]:
    """The stored values of a new incident and whether it is synthetic.

    Its location (BNG easting and northing) is ingest's placement of the ingested incident,
    or, by hand, as given. By hand: as given, with ``other``/``unknown`` for place, weapon
    and injury left out.
    With ``event_ref``: from, or checked against, the event store (:func:`resolve_incident`).
    """
    if data.event_ref is None:
        values = {
            "occurred_at": data.occurred_at,
            "offence": data.offence,
            "location_type": data.location_type or "other",
            "weapon": data.weapon or "unknown",
            "injury": data.injury or "unknown",
            "easting": data.easting,
            "northing": data.northing,
        }
        return values, False
    ingested = find_ingested(settings, data.event_ref)
    return resolve_incident(data, ingested), ingested.synthetic


def _within(moment: datetime, start: datetime, end: datetime) -> bool:
    first = start.replace(second=0, microsecond=0)
    last = end.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return first <= moment < last
