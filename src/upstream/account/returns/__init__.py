"""Programme returns: what providers of Strengthen and Support programmes report each quarter.

:mod:`~upstream.account.returns.schema` is the format, :mod:`~upstream.account.returns.ingest`
imports and validates it, :mod:`~upstream.account.returns.store` keeps it (Parquet under the
data folder), :mod:`~upstream.account.returns.series` gives the ETE participation series and
:mod:`~upstream.account.returns.reach` compares who and where programmes reach with who and
where violence harms. Returns are aggregates: no person is ever identified in them.
"""

from upstream.account.returns.ingest import ReturnFile, ReturnsResult, ingest_returns
from upstream.account.returns.series import ete_participation, participants
from upstream.account.returns.store import load_returns, returns_path

__all__ = [
    "ReturnFile",
    "ReturnsResult",
    "ete_participation",
    "ingest_returns",
    "load_returns",
    "participants",
    "returns_path",
]
