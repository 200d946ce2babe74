"""The counts the open data are built from, read from a real event store."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from upstream.account.publish.tables import partnership_counts, quarter_of
from upstream.area.model import Area
from upstream.area.placement import place_xy
from upstream.config import Settings
from upstream.events import EventStore
from upstream.vocab import local_month


def test_counts_are_the_placed_incidents_of_whole_quarters(
    small_store: Path, settings: Settings, area: Area
) -> None:
    snapshot = EventStore(settings.events_dir).snapshot()
    counts = partnership_counts(snapshot, area)
    assert counts.synthetic and counts.quarters == ("2024Q1", "2024Q2")
    assert len(counts.msoas) == 28 and set(counts.frame["msoa"]) <= set(counts.msoas)
    con = snapshot.connect()
    rows = con.execute("SELECT occurred_from, x, y FROM incidents WHERE source = 'police'").df()
    con.close()
    where = place_xy(area, rows["x"], rows["y"])
    months = local_month(rows["occurred_from"]).astype("string")
    keep = where.inside & ~where.unplaced & quarter_of(months).isin(counts.quarters).to_numpy()
    assert int(counts.frame["n"].sum()) == int(np.sum(keep))  # every placed incident, once
    per_quarter = counts.frame.groupby("quarter")["n"].sum()
    expected = quarter_of(months[keep]).value_counts()
    assert per_quarter.to_dict() == expected.reindex(per_quarter.index).to_dict()


def test_quarters_are_named_by_calendar_quarter() -> None:
    import pandas as pd

    months = pd.Series(["2024-01", "2024-03", "2024-04", "2024-12"], dtype="string")
    assert quarter_of(months).tolist() == ["2024Q1", "2024Q1", "2024Q2", "2024Q4"]
