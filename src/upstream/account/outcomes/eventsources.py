"""Outcome sources over the event store (DuckDB) and the bundled MPS series.

Each function takes the :class:`~upstream.account.outcomes.context.OutcomeContext` and the
measure's checked filter settings and returns a
:class:`~upstream.account.outcomes.sources.SourceResult` of counts per month. Months with no
event count 0 within the months the store holds; months it does not hold are left out.
Rows placed outside the area are left out; rows without a place count (as in the profile).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from upstream.account.outcomes.context import OutcomeContext
from upstream.account.outcomes.sources import SourceResult, SourceUnavailable
from upstream.analysis.disparity import ASSUMED_SHARES, stop_search_group
from upstream.area.placement import place_xy
from upstream.vocab import is_knife_injury, local_month, month_index

__all__ = [
    "mps_borough",
    "partnership_incidents",
    "police_uk_street",
    "repeat_victims",
    "stop_search_disparity",
]

MPS_FILE = ("london", "mps_borough_monthly.parquet")


def _query(context: OutcomeContext, sql: str, params: list[Any] | None = None) -> pd.DataFrame:
    con = context.snapshot.connect()
    try:
        return con.execute(sql, params or []).df()
    finally:
        con.close()


def _inside(context: OutcomeContext, frame: pd.DataFrame) -> pd.DataFrame:
    where = place_xy(context.area, frame["x"], frame["y"])
    return frame[where.inside | where.unplaced].reset_index(drop=True)


def _counts(values: pd.Series, months: list[str]) -> pd.DataFrame:
    counts = values.value_counts().reindex(months, fill_value=0).astype("int64")
    return pd.DataFrame({"period": months, "numerator": counts.to_numpy(), "denominator": 1.0})


def _police_sources(context: OutcomeContext) -> tuple[str, bool, list[str]]:
    """The police incident source to read (real if any, else synthetic) and its months."""
    parts = context.snapshot.partitions()
    real = sorted({p.month for p in parts if p.source == "incidents_police"})
    if real:
        return "false", False, real
    fake = sorted({p.month for p in parts if p.source == "incidents_police_synthetic"})
    if fake:
        return "true", True, fake
    raise SourceUnavailable(
        "no partnership police incidents are loaded (upstream ingest incidents)"
    )


def _victims(context: OutcomeContext, flag: str) -> pd.DataFrame:
    return _query(
        context,
        "SELECT incident_id, person_ref, age FROM involvements "
        f"WHERE source = 'police' AND role = 'victim' AND synthetic = {flag}",
    )


def partnership_incidents(context: OutcomeContext, params: Mapping[str, Any]) -> SourceResult:
    """Police incidents per local month of the offence, filtered as the measure says."""
    flag, synthetic, months = _police_sources(context)
    incidents = _query(
        context,
        "SELECT incident_id, offence, occurred_from, weapon, injury, domestic_abuse, x, y "
        f"FROM incidents WHERE source = 'police' AND synthetic = {flag}",
    )
    incidents = _inside(context, incidents)
    keep = pd.Series(True, index=incidents.index)
    if params["knife_injury"]:
        keep &= is_knife_injury(incidents["weapon"], incidents["injury"])
    if params["exclude_domestic_abuse"]:
        keep &= ~incidents["domestic_abuse"].fillna(False).astype(bool)
    if params["offences"] is not None:
        keep &= incidents["offence"].isin(params["offences"])
    if params["victim_max_age"] is not None:
        victims = _victims(context, flag)
        young = victims.loc[victims["age"].le(params["victim_max_age"]).fillna(False)]
        keep &= incidents["incident_id"].isin(set(young["incident_id"]))
    chosen = incidents[keep]
    return SourceResult(_counts(local_month(chosen["occurred_from"]), months), synthetic)


def repeat_victims(context: OutcomeContext, params: Mapping[str, Any]) -> SourceResult:
    """Per month, young victims and those of them who were victims before.

    A victim (by person reference, aged at most ``victim_max_age`` at the incident) counts in
    the month of each incident; they are a *repeat* victim that month if they were the victim
    of an earlier incident whose month is at most ``lookback_months`` before. Months whose
    look-back reaches before the data begin are left out (their history is incomplete).
    """
    flag, synthetic, months = _police_sources(context)
    lookback = int(params["lookback_months"])
    incidents = _inside(
        context,
        _query(
            context,
            "SELECT incident_id, occurred_from, x, y FROM incidents "
            f"WHERE source = 'police' AND synthetic = {flag}",
        ),
    )
    victims = _victims(context, flag).dropna(subset=["person_ref"])
    victims = victims.merge(incidents[["incident_id", "occurred_from"]], on="incident_id")
    victims["month"] = local_month(victims["occurred_from"])
    victims["index"] = victims["month"].map(month_index)
    young = victims[victims["age"].le(params["victim_max_age"]).fillna(False)]
    history = victims[["person_ref", "occurred_from", "index"]].rename(
        columns={"occurred_from": "earlier_at", "index": "earlier_index"}
    )
    pairs = young.merge(history, on="person_ref")
    pairs = pairs[
        (pairs["earlier_at"] < pairs["occurred_from"])
        & (pairs["index"] - pairs["earlier_index"] <= lookback)
    ]
    repeat = pairs.groupby("month")["person_ref"].nunique()
    people = young.groupby("month")["person_ref"].nunique()
    first = month_index(months[0]) + lookback
    kept = [m for m in months if month_index(m) >= first]
    if not kept:
        raise SourceUnavailable(
            f"the partnership data cover fewer than {lookback + 1} months, so no month has a "
            f"complete {lookback}-month history"
        )
    frame = pd.DataFrame(
        {
            "period": kept,
            "numerator": repeat.reindex(kept, fill_value=0).astype("int64").to_numpy(),
            "denominator": people.reindex(kept, fill_value=0).astype("float64").to_numpy(),
        }
    )
    return SourceResult(frame, synthetic)


def _months_of(context: OutcomeContext, source: str, what: str) -> list[str]:
    months = sorted({p.month for p in context.snapshot.partitions(source)})
    if not months:
        raise SourceUnavailable(f"no {what} is loaded (upstream ingest)")
    return months


def police_uk_street(context: OutcomeContext, params: Mapping[str, Any]) -> SourceResult:
    """police.uk street-level crimes of the chosen types inside the area, per month."""
    months = _months_of(context, "police_uk_street", "police.uk street-level crime")
    if params["crime_types"] is None:
        from upstream.area import definitions_from_settings

        types = list(definitions_from_settings(context.settings).serious_violence)
    else:
        types = list(params["crime_types"])
    rows = _query(
        context,
        "SELECT month, x, y FROM street WHERE crime_type IN (SELECT unnest($1::VARCHAR[]))",
        [types],
    )
    return SourceResult(_counts(_inside(context, rows)["month"], months))


def mps_borough(context: OutcomeContext, params: Mapping[str, Any]) -> SourceResult:
    """One MPS borough series (real, bundled) for the area pack's London borough."""
    borough = context.area.mps_borough
    path = context.settings.bundled_data.joinpath(*MPS_FILE)
    if borough is None:
        raise SourceUnavailable(f"the area pack for {context.area.name} names no London borough")
    if not path.exists():
        raise SourceUnavailable(f"the MPS borough series ({path.name}) is not bundled")
    london = pd.read_parquet(path)
    series = london[london["series"] == params["series"]]
    if series.empty:
        raise SourceUnavailable(f"the MPS data have no series {params['series']!r}")
    months = sorted(series["month"].astype(str).unique())
    counts = series[series["borough"] == borough].groupby("month")["count"].sum()
    frame = pd.DataFrame(
        {
            "period": months,
            "numerator": counts.reindex(months, fill_value=0).astype("int64").to_numpy(),
            "denominator": 1.0,
        }
    )
    return SourceResult(frame)


def stop_search_disparity(context: OutcomeContext, params: Mapping[str, Any]) -> SourceResult:
    """Searches of ``group`` and of ``reference`` per month (officer-defined ethnicity).

    The ratio of rates per resident is ``numerator / denominator * scale`` with ``scale`` the
    reference group's share of residents over the group's (:data:`ASSUMED_SHARES`, all ages,
    unless the partnership supplies its own: an assumption, said so in the notes).
    """
    months = _months_of(context, "police_uk_stop_search", "police.uk stop and search")
    rows = _inside(
        context, _query(context, "SELECT month, officer_defined_ethnicity, x, y FROM stop_search")
    )
    group = stop_search_group(rows["officer_defined_ethnicity"])
    shares = ASSUMED_SHARES["all_ages"]
    g, ref = params["group"], params["reference"]
    frame = pd.DataFrame(
        {
            "period": months,
            "numerator": _counts(rows.loc[group.eq(g).fillna(False), "month"], months)[
                "numerator"
            ].to_numpy(),
            "denominator": _counts(rows.loc[group.eq(ref).fillna(False), "month"], months)[
                "numerator"
            ]
            .astype("float64")
            .to_numpy(),
        }
    )
    scale = float(shares.shares[ref] / shares.shares[g])
    note = (
        f"Residents by ethnic group: {g} {shares.shares[g]:.0%}, {ref} {shares.shares[ref]:.0%} "
        f"of all ages ({shares.source})"
    )
    if not np.isfinite(scale):  # pragma: no cover - the shares are positive
        raise SourceUnavailable(f"no resident share for {g}")
    return SourceResult(frame, scale=scale, notes=(note,))
