"""The audit log: typed, append-only events for every read and change of personal data.

An event says who acted (user id, name and role), when, what they did, to which record
(record type and id: a person is named by pseudonym only), for what stated purpose, and
whether it was allowed. Details never hold identifying values. Refusals are recorded too,
in their own transaction so that the refused unit of work rolling back cannot erase them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from upstream.cases.access import Actor
from upstream.cases.models import AuditEvent, utcnow

__all__ = ["AUDIT_COLUMNS", "AuditKind", "AuditRecord", "audit_csv", "record"]


class AuditKind(StrEnum):
    """What happened. Reads end in ``read``/``view``; changes name the change."""

    BOARD_VIEW = "board.view"
    INCIDENT_CREATE = "incident.create"
    INCIDENT_READ = "incident.read"
    INCIDENT_LIST = "incident.list"
    INCIDENT_CLOSE = "incident.close"
    PERSON_CREATE = "person.create"
    PERSON_LINK = "person.link"
    PERSON_SEARCH = "person.search"
    PERSON_READ = "person.read"
    PERSON_READ_IDENTITY = "person.read_identity"
    PERSON_READ_HEALTH = "person.read_health"
    PERSON_UPDATE = "person.update"
    PERSON_CLOSE = "person.close"
    PERSON_MERGE = "person.merge"
    OFFER_CREATE = "offer.create"
    OFFER_UPDATE = "offer.update"
    CONTACT_CREATE = "contact.create"
    DUPLICATE_FLAG = "duplicate.flag"
    DUPLICATE_LIST = "duplicate.list"
    DUPLICATE_RESOLVE = "duplicate.resolve"
    AUDIT_READ = "audit.read"
    AUDIT_EXPORT = "audit.export"
    SUBJECT_ACCESS = "subject_access.export"
    RETENTION_REPORT = "retention.report"
    RETENTION_ANONYMISE = "retention.anonymise"
    USER_CREATE = "user.create"
    USER_UPDATE = "user.update"
    LOGIN = "auth.login"
    LOGIN_FAILED = "auth.login_failed"
    LOGIN_LOCKED = "auth.locked"
    LOGOUT = "auth.logout"
    DENIED = "access.denied"


AUDIT_COLUMNS = (
    "id",
    "at",
    "actor_id",
    "actor_name",
    "actor_role",
    "action",
    "record_type",
    "record_id",
    "purpose",
    "outcome",
    "detail",
)


@dataclass(frozen=True)
class AuditRecord:
    """One audit event as read back (what admins see and export)."""

    id: int
    at: datetime
    actor_id: int | None
    actor_name: str
    actor_role: str
    action: str
    record_type: str
    record_id: str | None
    purpose: str
    outcome: str
    detail: str | None


def record(
    session: Session,
    actor: Actor,
    kind: AuditKind,
    record_type: str,
    record_id: str | int | None = None,
    *,
    detail: str | None = None,
    outcome: str = "ok",
) -> None:
    """Add one audit event to the session's unit of work."""
    session.add(
        AuditEvent(
            at=utcnow(),
            actor_id=actor.user_id,
            actor_name=actor.username,
            actor_role=actor.role,
            action=str(kind),
            record_type=record_type,
            record_id=None if record_id is None else str(record_id),
            purpose=str(actor.purpose),
            outcome=outcome,
            detail=detail[:300] if detail else None,
        )
    )


def to_record(event: AuditEvent) -> AuditRecord:
    """The read-only view of a stored event."""
    return AuditRecord(*(getattr(event, name) for name in AUDIT_COLUMNS))


def read_events(
    session: Session,
    *,
    limit: int | None = None,
    record_type: str | None = None,
    record_id: str | None = None,
) -> list[AuditRecord]:
    """Stored events, newest first."""
    query = select(AuditEvent).order_by(AuditEvent.id.desc())
    if record_type is not None:
        query = query.where(AuditEvent.record_type == record_type)
    if record_id is not None:
        query = query.where(AuditEvent.record_id == record_id)
    if limit is not None:
        query = query.limit(limit)
    return [to_record(e) for e in session.scalars(query)]


def audit_csv(events: Iterable[AuditRecord]) -> str:
    """Events as CSV text with a header row (the export format)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(AUDIT_COLUMNS)
    for e in events:
        writer.writerow(
            [
                e.id,
                e.at.isoformat(),
                e.actor_id if e.actor_id is not None else "",
                e.actor_name,
                e.actor_role,
                e.action,
                e.record_type,
                e.record_id or "",
                e.purpose,
                e.outcome,
                e.detail or "",
            ]
        )
    return out.getvalue()
