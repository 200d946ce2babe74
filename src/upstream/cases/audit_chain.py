"""Sealing audit events into the hash chain, after the transactions that wrote them.

Every event is written with its own MAC (:func:`upstream.cases.audit.event_mac`), which takes
no lock. Sealing gives the events not yet in the chain, in id order, the next ``seq``, the
``prev_hash`` of the event before and their ``hash``, and moves the chain head. It runs in a
short transaction of its own after any unit of work that recorded events
(:meth:`upstream.cases.db.CaseStore.unit_of_work`), under a lock that nobody waits for: on
PostgreSQL a transaction-level advisory lock taken with ``pg_try_advisory_xact_lock`` (if
another process is sealing, this one skips, and the next sealing picks its events up); on
SQLite the database's own write lock (``BEGIN IMMEDIATE``). An event whose MAC does not match
its content is never sealed: :func:`upstream.cases.audit_verify.verify_chain` names it.

The database lets nothing change an event but this: its triggers refuse any UPDATE except
setting ``seq``, ``prev_hash`` and ``hash`` on an unsealed event, and the app's PostgreSQL role
may update only those three columns (:mod:`upstream.cases.dbroles`).
"""

from __future__ import annotations

import logging
from datetime import UTC
from typing import Any

from sqlalchemy import Engine, Table, bindparam, select, text, update

from upstream.cases.audit import event_hash, event_mac, hashed_fields, mac_fields
from upstream.cases.models import AuditChainHead, AuditEvent

__all__ = ["BATCH", "LOCK_KEY", "seal"]

BATCH = 2000
"""Events sealed per transaction at most (the rest on the next sealing)."""

LOCK_KEY = 7_315_027_001
"""The PostgreSQL advisory lock that lets one sealing run at a time."""

_LOG = logging.getLogger("upstream.cases")
_EVENTS: Table = AuditEvent.__table__  # type: ignore[assignment]
_CHAIN: Table = AuditChainHead.__table__  # type: ignore[assignment]


def seal(engine: Engine, key: str, *, limit: int = BATCH) -> int | None:
    """Seal events not yet in the chain; returns how many (``None`` when another
    connection is sealing: it takes every event committed before it started)."""
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            got = connection.execute(
                text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": LOCK_KEY}
            ).scalar()
            if not got:
                return None
        head = connection.execute(
            select(AuditChainHead.seq, AuditChainHead.hash).where(AuditChainHead.id == 1)
        ).one()
        rows = connection.execute(
            select(_EVENTS).where(AuditEvent.seq.is_(None)).order_by(AuditEvent.id).limit(limit)
        ).all()
        if not rows:
            return 0
        seq, prev = int(head.seq), str(head.hash)
        links: list[dict[str, Any]] = []
        for row in rows:
            fields = _typed(row)
            if row.mac != event_mac(key, mac_fields(fields)):
                _LOG.error("audit event id %s has a MAC that does not match: not sealed", row.id)
                continue
            seq += 1
            fields.seq = seq
            digest = event_hash(key, prev, hashed_fields(fields))
            links.append({"row_id": row.id, "s": seq, "p": prev, "h": digest})
            prev = digest
        if links:
            events, chain = _EVENTS, _CHAIN
            connection.execute(
                update(events)
                .where(events.c.id == bindparam("row_id"), events.c.seq.is_(None))
                .values(seq=bindparam("s"), prev_hash=bindparam("p"), hash=bindparam("h")),
                links,
            )
            connection.execute(update(chain).where(chain.c.id == 1).values(seq=seq, hash=prev))
        return len(links)


class _Fields:
    """A row's values with ``at`` as the aware UTC instant the ORM would give."""

    at: Any
    seq: int | None

    def __init__(self, row: Any) -> None:
        self.__dict__.update(row._mapping)


def _typed(row: Any) -> _Fields:
    fields = _Fields(row)
    if fields.at is not None and getattr(fields.at, "tzinfo", None) is None:
        fields.at = fields.at.replace(tzinfo=UTC)
    return fields
