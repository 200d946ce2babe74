"""Outcome sources over the case store: counts per month, never a person's record.

The queries count people and offers inside the database (``GROUP BY`` the person, with
``EXISTS`` for their offers) and return only timestamps and yes/no flags, which are turned
into monthly counts here; no identifier, name or note is selected. Months are Europe/London
calendar months. Merged (duplicate) person records are left out, as on the board.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Integer, cast, func, inspect, select

from upstream.account.outcomes.context import OutcomeContext
from upstream.account.outcomes.sources import SourceResult, SourceUnavailable
from upstream.cases.db import case_store, database_url
from upstream.cases.models import Incident, Involvement, Offer, Person, utcnow
from upstream.cases.vocab import Outcome
from upstream.events import month_range
from upstream.vocab import local_month

__all__ = ["monthly_shares", "offer_acceptance", "reached_in_time"]


def monthly_shares(at: pd.Series, hit: pd.Series, what: str) -> pd.DataFrame:
    """Per local month of ``at``: how many rows (``denominator``) and how many ``hit``.

    Every month from the first to the last is present (0 of 0 when nothing happened).
    """
    if at.empty:
        raise SourceUnavailable(f"the case store holds no {what}")
    month = local_month(at)
    months = month_range(str(month.min()), str(month.max()))
    frame = pd.DataFrame({"month": month.to_numpy(), "hit": hit.astype(bool).to_numpy()})
    grouped = frame.groupby("month")["hit"].agg(["sum", "size"]).reindex(months, fill_value=0)
    return pd.DataFrame(
        {
            "period": months,
            "numerator": grouped["sum"].astype("int64").to_numpy(),
            "denominator": grouped["size"].astype("float64").to_numpy(),
        }
    )


def _rows(context: OutcomeContext, query: Any) -> pd.DataFrame:
    url = database_url(context.settings)
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        raise SourceUnavailable("there is no case store yet (upstream cases migrate)")
    store = case_store(context.settings)
    if not inspect(store.engine).has_table(Offer.__tablename__):
        raise SourceUnavailable("the case store is not set up (upstream cases migrate)")
    with store.engine.connect() as conn:
        return pd.DataFrame(conn.execute(query).mappings().all())


def reached_in_time(context: OutcomeContext, params: Mapping[str, Any]) -> SourceResult:
    """Young people linked to incidents recorded in a month, and those of them offered
    support and reached (a contact that reached them) no later than the offer's deadline.

    Left out until known either way: someone not yet reached with an offer whose deadline
    is still ahead, and someone not yet offered support whose first incident was recorded
    less than ``params["offer_hours"]`` hours ago (so a month that has only just begun is
    not read as a fall). Someone never offered support after that counts as not reached.
    """
    offer_hours = int(params.get("offer_hours", 72))
    in_time = (
        select(Offer.id)
        .where(
            Offer.person_id == Person.id,
            Offer.reached_at.is_not(None),
            Offer.reached_at <= Offer.due_at,
        )
        .exists()
    )
    now = utcnow()
    waiting = (
        select(Offer.id)
        .where(Offer.person_id == Person.id, Offer.reached_at.is_(None), Offer.due_at > now)
        .exists()
    )
    offered = select(Offer.id).where(Offer.person_id == Person.id).exists()
    query = (
        select(
            func.min(Incident.recorded_at).label("first_recorded"),
            in_time.label("in_time"),
            waiting.label("waiting"),
            offered.label("offered"),
            func.max(cast(Person.synthetic, Integer)).label("synthetic"),
        )
        .select_from(Person)
        .join(Involvement, Involvement.person_id == Person.id)
        .join(Incident, Incident.id == Involvement.incident_id)
        .where(Person.merged_into_id.is_(None))
        .group_by(Person.id)
    )
    rows = _rows(context, query)
    if not rows.empty:  # not yet known either way: an offer's deadline or the offer to come
        recorded = pd.to_datetime(rows["first_recorded"], utc=True)
        cutoff = pd.Timestamp(now - timedelta(hours=offer_hours))  # now is aware UTC
        unoffered_yet = ~rows["offered"].astype(bool) & (recorded > cutoff)
        rows = rows[(rows["in_time"].astype(bool) | ~rows["waiting"].astype(bool)) & ~unoffered_yet]
    if rows.empty:
        raise SourceUnavailable("the case store holds no young people linked to incidents")
    at = pd.to_datetime(rows["first_recorded"], utc=True)
    frame = monthly_shares(at, rows["in_time"], "young people linked to incidents")
    return SourceResult(frame, synthetic=bool(rows["synthetic"].astype(int).any()))


def offer_acceptance(context: OutcomeContext, params: Mapping[str, Any]) -> SourceResult:
    """Offers made in a month that have an outcome, and those of them accepted."""
    query = (
        select(
            Offer.created_at.label("created_at"),
            Offer.outcome.label("outcome"),
            cast(Person.synthetic, Integer).label("synthetic"),
        )
        .join(Person, Person.id == Offer.person_id)
        .where(Offer.outcome.is_not(None), Person.merged_into_id.is_(None))
    )
    rows = _rows(context, query)
    if rows.empty:
        raise SourceUnavailable("the case store holds no offers with an outcome")
    at = pd.to_datetime(rows["created_at"], utc=True)
    frame = monthly_shares(at, rows["outcome"].eq(Outcome.ACCEPTED), "offers with an outcome")
    return SourceResult(frame, synthetic=bool(rows["synthetic"].astype(int).any()))
