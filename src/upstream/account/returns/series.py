"""Series from the stored returns: totals per return, participants, ETE participation."""

from __future__ import annotations

import pandas as pd

from upstream.account.returns.schema import TOTALS
from upstream.account.returns.store import load_returns
from upstream.config import Settings

__all__ = ["ete_participation", "participants", "totals"]


def totals(returns: pd.DataFrame) -> pd.DataFrame:
    """One row per return: programme, quarter, synthetic and each total measure."""
    rows = returns[returns["measure"].isin(TOTALS)]
    wide = rows.pivot_table(
        index=["programme", "quarter"], columns="measure", values="value", aggfunc="sum"
    )
    wide = wide.reindex(columns=list(TOTALS), fill_value=0).fillna(0).astype("int64")
    flag = returns.groupby(["programme", "quarter"])["synthetic"].any()
    out = wide.join(flag).reset_index()
    out.columns.name = None
    return out


def participants(returns: pd.DataFrame, programme: str | None = None) -> pd.DataFrame:
    """Participants per quarter (programme, quarter, participants), for one or all programmes."""
    table = totals(returns)
    if programme is not None:
        table = table[table["programme"] == programme]
    return table[["programme", "quarter", "participants"]].reset_index(drop=True)


def ete_participation(settings: Settings) -> pd.DataFrame:
    """ETE starts and participants per quarter, over all programmes' returns.

    Columns ``quarter``, ``ete_starts``, ``participants`` and ``synthetic`` (true when any
    return of the quarter is synthetic); empty when no return is held. Participants are
    counted per return, so a young person in two programmes, or in two quarters, counts
    in each (returns carry no identifiers to tell).
    """
    table = totals(load_returns(settings))
    if table.empty:
        return pd.DataFrame(
            {
                "quarter": pd.Series(dtype="string"),
                "ete_starts": pd.Series(dtype="int64"),
                "participants": pd.Series(dtype="int64"),
                "synthetic": pd.Series(dtype="bool"),
            }
        )
    out = table.groupby("quarter", sort=True).agg(
        ete_starts=("ete_starts", "sum"),
        participants=("participants", "sum"),
        synthetic=("synthetic", "any"),
    )
    return out.reset_index()
