"""The counts the open data are built from: the event store's partnership incidents, aggregated.

Only the event store is read (DuckDB over its Parquet), never the case store: the event store
holds no names, and these functions reduce it at once to counts per MSOA, offence group and
quarter (:class:`Counts`), the finest grain any published table uses. Disclosure control
(:mod:`upstream.account.publish.suppress`) works on those counts alone.

* Partnership incidents are the police incident extracts (``source = 'police'``): real ones
  if any are loaded, else the synthetic demo's (and the output says so).
* Only whole quarters are published (all three months in the store), so a quarter's figure
  never silently covers part of it.
* Incidents inside the area with a place are counted in their 2021 MSOA (the area pack's
  ``msoa21`` layer); those without a place, or outside the area, are left out of every
  table (so the MSOA rows add up to the borough row).
* data.police.uk street crime is open data and is counted per MSOA and month as published.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from upstream.area.model import Area
from upstream.area.placement import place_xy
from upstream.events import Snapshot
from upstream.vocab import local_month

__all__ = ["Counts", "NoData", "partnership_counts", "quarter_of", "street_counts"]


class NoData(LookupError):
    """The store holds nothing a table can be built from."""


@dataclass(frozen=True)
class Counts:
    """Incident counts per (msoa, offence, quarter): the finest grain published tables use.

    ``frame`` has columns ``msoa``, ``offence``, ``quarter`` and ``n`` (non-zero rows only);
    ``msoas`` maps every MSOA code of the area to its name (rows with no incident count 0).
    """

    frame: pd.DataFrame
    msoas: dict[str, str]
    offences: tuple[str, ...]
    quarters: tuple[str, ...]
    synthetic: bool = False


def quarter_of(months: pd.Series) -> pd.Series:
    """``YYYY-MM`` months as ``YYYYQn`` quarters."""
    year = months.str.slice(0, 4)
    q = (months.str.slice(5, 7).astype(int) - 1) // 3 + 1
    return year + "Q" + q.astype(str)


def _whole_quarters(months: list[str]) -> tuple[str, ...]:
    series = pd.Series(sorted(set(months)), dtype="string")
    counts = quarter_of(series).value_counts()
    return tuple(sorted(counts.index[counts == 3]))


def _msoas(area: Area) -> gpd.GeoDataFrame:
    if area.msoas_2021 is None or area.msoas_2021.empty:
        raise NoData(f"the area pack for {area.name} has no MSOA layer (msoa21)")
    return area.msoas_2021[["msoa_code", "msoa_name", "geometry"]]


def _in_msoa(area: Area, frame: pd.DataFrame) -> pd.DataFrame:
    """The rows inside the area with a place, with the code of the MSOA they fall in."""
    where = place_xy(area, frame["x"], frame["y"])
    placed = frame[where.inside & ~where.unplaced].reset_index(drop=True)
    msoas = _msoas(area)
    points = gpd.GeoDataFrame(
        placed, geometry=gpd.points_from_xy(placed["x"], placed["y"]), crs=msoas.crs
    )
    joined = gpd.sjoin(points, msoas, how="inner", predicate="within")
    joined = joined[~joined.index.duplicated()]  # a point on a shared edge counts once
    return pd.DataFrame(joined.drop(columns=["geometry", "index_right"]))


def _police_source(snapshot: Snapshot) -> tuple[bool, list[str]]:
    parts = snapshot.partitions()
    for synthetic, source in ((False, "incidents_police"), (True, "incidents_police_synthetic")):
        months = sorted({p.month for p in parts if p.source == source})
        if months:
            return synthetic, months
    raise NoData("no partnership police incidents are loaded (upstream ingest incidents)")


def partnership_counts(snapshot: Snapshot, area: Area) -> Counts:
    """Police partnership incidents per MSOA, offence group and whole quarter."""
    synthetic, months = _police_source(snapshot)
    quarters = _whole_quarters(months)
    if not quarters:
        raise NoData("the partnership incidents cover no whole quarter")
    con = snapshot.connect()
    try:
        rows = con.execute(
            "SELECT offence, occurred_from, x, y FROM incidents "
            "WHERE source = 'police' AND synthetic = $1",
            [synthetic],
        ).df()
    finally:
        con.close()
    rows = _in_msoa(area, rows)
    rows["quarter"] = quarter_of(local_month(rows["occurred_from"]).astype("string"))
    rows = rows[rows["quarter"].isin(quarters)]
    frame = (
        rows.groupby(["msoa_code", "offence", "quarter"]).size().rename("n").reset_index()
    ).rename(columns={"msoa_code": "msoa"})
    msoas = _msoas(area).sort_values("msoa_code")
    return Counts(
        frame=frame.astype({"n": "int64"}),
        msoas=dict(zip(msoas["msoa_code"], msoas["msoa_name"], strict=True)),
        offences=tuple(sorted(frame["offence"].unique())),
        quarters=quarters,
        synthetic=synthetic,
    )


def street_counts(snapshot: Snapshot, area: Area) -> pd.DataFrame:
    """data.police.uk street crimes per MSOA, month and crime type (open data, as published).

    Columns ``msoa_code``, ``msoa_name``, ``month``, ``crime_type``, ``crimes``.
    """
    if not snapshot.partitions("police_uk_street"):
        raise NoData("no police.uk street-level crime is loaded")
    con = snapshot.connect()
    try:
        rows = con.execute("SELECT month, crime_type, x, y FROM street").df()
    finally:
        con.close()
    rows = _in_msoa(area, rows)
    out = (
        rows.groupby(["msoa_code", "msoa_name", "month", "crime_type"])
        .size()
        .rename("crimes")
        .reset_index()
    )
    out["crimes"] = out["crimes"].astype(np.int64)
    return out.sort_values(["msoa_code", "month", "crime_type"]).reset_index(drop=True)
