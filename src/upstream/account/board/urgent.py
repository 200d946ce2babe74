"""The urgent-response figures of a quarter from the case store: counts and a median only.

The query groups by person inside the database and returns, per young person, only
timestamps and yes/no flags (first incident recorded in the quarter, record created, offered,
reached within the deadline, first reached); no identifier, name, date of birth or note is
selected, and only the totals leave this module. Definitions follow the coordinator's board
(:mod:`upstream.cases.board`): reached = a contact attempt for an offer reached them; hours
to first contact run from the person's record being created. Merged duplicates are left out.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from sqlalchemy import Integer, cast, func, inspect, select

from upstream.account.board.quarter import Quarter
from upstream.cases.db import case_store, database_url
from upstream.cases.models import Incident, Involvement, Offer, Person
from upstream.config import Settings

__all__ = ["UrgentFigures", "UrgentUnavailable", "urgent_figures"]


class UrgentUnavailable(RuntimeError):
    """There is no case store, or it holds nothing for the quarter (the reason in words)."""


@dataclass(frozen=True)
class UrgentFigures:
    """Young people linked to incidents recorded in the quarter and what happened next."""

    linked: int
    offered: int
    reached: int
    reached_in_time: int
    median_hours: float | None
    synthetic: bool


def _frame(settings: Settings, quarter: Quarter) -> pd.DataFrame:
    url = database_url(settings)
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        raise UrgentUnavailable("there is no case store yet (upstream cases migrate)")
    store = case_store(settings)
    if not inspect(store.engine).has_table(Offer.__tablename__):
        raise UrgentUnavailable("the case store is not set up (upstream cases migrate)")
    start, end = quarter.bounds()
    offered = select(Offer.id).where(Offer.person_id == Person.id).exists()
    in_time = (
        select(Offer.id)
        .where(
            Offer.person_id == Person.id,
            Offer.reached_at.is_not(None),
            Offer.reached_at <= Offer.due_at,
        )
        .exists()
    )
    first_reached = (
        select(func.min(Offer.reached_at)).where(Offer.person_id == Person.id).scalar_subquery()
    )
    query = (
        select(
            func.min(Person.created_at).label("created_at"),
            offered.label("offered"),
            in_time.label("in_time"),
            first_reached.label("first_reached"),
            func.max(cast(Person.synthetic, Integer)).label("synthetic"),
        )
        .select_from(Person)
        .join(Involvement, Involvement.person_id == Person.id)
        .join(Incident, Incident.id == Involvement.incident_id)
        .where(
            Person.merged_into_id.is_(None),
            Incident.recorded_at >= start,
            Incident.recorded_at < end,
        )
        .group_by(Person.id)
    )
    with store.engine.connect() as conn:
        return pd.DataFrame(
            conn.execute(query).mappings().all(),
            columns=["created_at", "offered", "in_time", "first_reached", "synthetic"],
        )


def urgent_figures(settings: Settings, quarter: Quarter) -> UrgentFigures:
    """The quarter's totals; :class:`UrgentUnavailable` when nobody was linked in it."""
    rows = _frame(settings, quarter)
    if rows.empty:
        raise UrgentUnavailable(
            f"the case store holds no young people linked to incidents recorded in {quarter.label}"
        )
    reached = rows["first_reached"].notna()
    hours = [
        max(0.0, (pd.Timestamp(r) - pd.Timestamp(c)).total_seconds() / 3600)
        for r, c in zip(
            rows.loc[reached, "first_reached"], rows.loc[reached, "created_at"], strict=True
        )
    ]
    return UrgentFigures(
        linked=len(rows),
        offered=int(rows["offered"].astype(bool).sum()),
        reached=int(reached.sum()),
        reached_in_time=int(rows["in_time"].astype(bool).sum()),
        median_hours=round(statistics.median(hours), 1) if hours else None,
        synthetic=bool(rows["synthetic"].astype(int).any()),
    )
