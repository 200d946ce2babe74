"""Checking the audit log's hash chain (``upstream cases verify-audit``).

Seals what is waiting, then walks the events in ``seq`` order and recomputes each link
(:func:`upstream.cases.audit.event_hash`) and each event's own MAC. The first event whose
``prev_hash`` is not the hash of the event before it, whose hash or MAC does not match its
fields, or whose ``seq`` skips a number, is the first broken link: an event was changed,
removed or inserted there. A chain that ends before the chain head's ``seq`` lost its newest
events; an event left out of the chain with a MAC that does not match was forged or changed
before it was sealed. The head's hash, printed on success, can be written down elsewhere (a
ticket, a board paper) so that even a rewrite of the whole database by someone holding the
key would show.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from upstream.cases.access import Action, Actor, system_actor
from upstream.cases.audit import (
    GENESIS,
    AuditKind,
    event_hash,
    event_mac,
    hashed_fields,
    mac_fields,
    record,
)
from upstream.cases.db import CaseStore
from upstream.cases.models import AuditChainHead, AuditEvent
from upstream.cases.service import guard, use_case

__all__ = ["ChainReport", "verify_as_server", "verify_audit", "verify_chain"]

_BATCH = 5000


@dataclass(frozen=True)
class ChainReport:
    """What the check found: ``ok``, events checked, the head, and the first broken link."""

    ok: bool
    events: int
    head_seq: int
    head_hash: str
    broken_seq: int | None = None
    broken_id: int | None = None
    problem: str | None = None

    def message(self) -> str:
        """One line for people."""
        if self.ok:
            return (
                f"audit log intact: {self.events:,} events, chain head {self.head_seq} "
                f"{self.head_hash}"
            )
        where = f"event seq {self.broken_seq}" if self.broken_seq is not None else "the end"
        ident = f" (id {self.broken_id})" if self.broken_id is not None else ""
        if self.problem and "missing" in self.problem and self.broken_id is not None:
            ident = f" (before id {self.broken_id})"
        return f"audit log BROKEN at {where}{ident}: {self.problem}"


def _forged_unsealed(session: Session, key: str) -> int | None:
    """The id of the first event not yet sealed whose MAC does not match (events written
    meanwhile, with good MACs, are only waiting for the next sealing)."""
    for e in session.scalars(
        select(AuditEvent).where(AuditEvent.seq.is_(None)).order_by(AuditEvent.id)
    ):
        if e.mac != event_mac(key, mac_fields(e)):
            return e.id
    return None


def verify_chain(store: CaseStore) -> ChainReport:
    """Seal what is waiting, then recompute every link and MAC; report the first broken."""
    key = store.settings.audit_key
    store.seal_audit()  # events still waiting to be sealed (waits out another sealer)
    with store.sessions() as session:
        head = session.get(AuditChainHead, 1)
        head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS)
        forged = _forged_unsealed(session, key)
        prev, expected, checked, last = GENESIS, 1, 0, 0
        while True:
            rows = session.scalars(
                select(AuditEvent)
                .where(AuditEvent.seq.is_not(None), AuditEvent.seq > last)
                .order_by(AuditEvent.seq)
                .limit(_BATCH)
            ).all()
            if not rows:
                break
            for e in rows:
                assert e.seq is not None
                problem = None
                if e.seq != expected:
                    gap = (
                        f"event {expected} is missing"
                        if e.seq == expected + 1
                        else f"events {expected} to {e.seq - 1} are missing"
                    )
                    return ChainReport(False, checked, head_seq, head_hash, expected, e.id, gap)
                elif e.prev_hash != prev:
                    problem = "it does not follow the event before it (prev_hash differs)"
                elif e.hash != event_hash(key, prev, hashed_fields(e)) or e.mac != event_mac(
                    key, mac_fields(e)
                ):
                    problem = "its content does not match its hash (changed or forged)"
                if problem:
                    return ChainReport(False, checked, head_seq, head_hash, e.seq, e.id, problem)
                prev, expected, last = e.hash or "", e.seq + 1, e.seq
                checked += 1
            session.expunge_all()
        if forged is not None:
            return ChainReport(
                False,
                checked,
                head_seq,
                head_hash,
                None,
                forged,
                "an event left out of the chain: its MAC does not match (forged or changed "
                "before it was sealed)",
            )
        if last != head_seq or prev != head_hash:
            return ChainReport(
                False,
                checked,
                head_seq,
                head_hash,
                last + 1,
                None,
                f"the chain ends at {last} but its head says {head_seq}: the newest events "
                "were removed",
            )
        return ChainReport(True, checked, head_seq, head_hash)


def _record(actor: Actor, store: CaseStore, report: ChainReport) -> None:
    with store.unit_of_work() as session:
        record(
            session,
            actor,
            AuditKind.AUDIT_VERIFY,
            "audit",
            None,
            detail=report.message()[:300],
            outcome="ok" if report.ok else "broken",
        )


@use_case
def verify_audit(actor: Actor, store: CaseStore) -> ChainReport:
    """Check the chain (admins, from the admin page); the check is itself audited."""
    guard(actor, Action.AUDIT_VIEW, None, "audit")
    report = verify_chain(store)
    _record(actor, store, report)
    return report


def verify_as_server(store: CaseStore) -> ChainReport:
    """Check the chain from the server's command line (``upstream cases verify-audit``)."""
    report = verify_chain(store)
    _record(system_actor("verify-audit"), store, report)
    return report
