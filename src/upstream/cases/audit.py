"""The audit log: typed, append-only, chained events for every read and change of personal data.

An event says who acted (user id, name and role), when, what they did, to which record
(record type and id: a person is named by pseudonym only), for what stated purpose and, where
the rules ask for one, the reason given; the session and client address it came from; and
whether it was allowed. Details never hold identifying values. Refusals are recorded too, in
their own transaction so that the refused unit of work rolling back cannot erase them.

Tamper evidence
---------------
Every event is written with ``mac`` = HMAC-SHA256(audit key, its fields), so nobody without
the key (``UPSTREAM_AUDIT_KEY``, which is not in the database) can change or forge one. Soon
after its transaction commits, it is *sealed* into a chain in ``seq`` order
(:mod:`upstream.cases.audit_chain`): it gets the next ``seq``, ``prev_hash`` (the hash of the
event before it) and ``hash`` = HMAC(key, ``prev_hash`` + its fields and ``seq``), so a removed
event leaves a gap and a cut-off end shows against the chain head.
:func:`upstream.cases.audit_verify.verify_chain` (``upstream cases verify-audit``) names the
first broken link. Writing an event takes no lock; sealing runs in its own short transaction
that other requests never wait for.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from upstream.cases.access import Actor
from upstream.cases.models import AuditEvent, utcnow
from upstream.csvsafe import safe_row

__all__ = [
    "ACTION_LABELS",
    "AUDIT_COLUMNS",
    "GENESIS",
    "AuditKind",
    "AuditRecord",
    "audit_csv",
    "describe",
    "event_hash",
    "event_mac",
    "hashed_fields",
    "install_chain",
    "mac_fields",
    "read_events",
    "record",
    "safe_record_id",
]

GENESIS = "0" * 64
"""The ``prev_hash`` of the first event."""

_KEY = "upstream_audit_key"
AUDITED = "upstream_audited"
"""Set in a session's ``info`` when it recorded an event (its unit of work then seals)."""
_RECORD_ID = re.compile(r"^[A-Za-z0-9_.:/-]{1,64}$")


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
    CONTACT_NOTES_OTHER_AGENCY = "contact.read_other_agency"
    DUPLICATE_FLAG = "duplicate.flag"
    DUPLICATE_LIST = "duplicate.list"
    DUPLICATE_RESOLVE = "duplicate.resolve"
    AUDIT_READ = "audit.read"
    AUDIT_EXPORT = "audit.export"
    AUDIT_VERIFY = "audit.verify"
    SUBJECT_ACCESS = "subject_access.export"
    RETENTION_REPORT = "retention.report"
    RETENTION_ANONYMISE = "retention.anonymise"
    USER_CREATE = "user.create"
    USER_UPDATE = "user.update"
    USER_APPROVE = "user.approve"
    PASSWORD_CHANGE = "user.password_change"
    LOGIN = "auth.login"
    LOGIN_FAILED = "auth.login_failed"
    LOGIN_LOCKED = "auth.locked"
    LOGIN_THROTTLED = "auth.throttled"
    LOGOUT = "auth.logout"
    DENIED = "access.denied"
    NOT_FOUND = "access.not_found"
    PLAN_ACTION_CREATE = "plan.action_create"
    PLAN_ACTION_UPDATE = "plan.action_update"
    PLAN_IMPORT = "plan.import"
    PLAN_EXPORT = "plan.export"
    NETWORK_LINK_ENTER = "network.link_enter"
    NETWORK_RELATION = "network.relation"
    NETWORK_LIST_PRODUCE = "network.list_produce"
    NETWORK_LIST_READ = "network.list_read"
    NETWORK_LIST_REMOVE = "network.list_remove"
    NETWORK_PERSON_READ = "network.person_read"
    NETWORK_GROUPS_READ = "network.groups_read"
    RETAIL_REGISTER_READ = "retail.register_read"
    RETAIL_PREMISES_READ = "retail.premises_read"
    RETAIL_PREMISES_CREATE = "retail.premises_create"
    RETAIL_PREMISES_UPDATE = "retail.premises_update"
    RETAIL_IMPORT = "retail.import"
    RETAIL_TEST_CREATE = "retail.test_create"
    RETAIL_FOLLOW_UP_CREATE = "retail.follow_up_create"
    RETAIL_COMPLIANCE_READ = "retail.compliance_read"
    ORDER_CREATE = "order.create"
    ORDER_LIST = "order.list"
    ORDER_READ = "order.read"
    ORDER_UPDATE = "order.update"
    ORDER_CONDITION = "order.condition_add"
    ALERT_CREATE = "alert.create"
    ALERT_LIST = "alert.list"
    ALERT_DECIDE = "alert.decide"
    ORDER_FIGURES = "order.figures"
    INCIDENT_LOCATE = "incident.locate"


ACTION_LABELS: dict[str, str] = {
    AuditKind.BOARD_VIEW: "viewed the board",
    AuditKind.INCIDENT_CREATE: "recorded an incident",
    AuditKind.INCIDENT_READ: "opened an incident",
    AuditKind.INCIDENT_LIST: "listed incidents",
    AuditKind.INCIDENT_CLOSE: "closed an incident",
    AuditKind.PERSON_CREATE: "added a young person",
    AuditKind.PERSON_LINK: "linked a young person to an incident",
    AuditKind.PERSON_SEARCH: "searched young people by name",
    AuditKind.PERSON_READ: "opened a young person's page",
    AuditKind.PERSON_READ_IDENTITY: "read identifying details",
    AuditKind.PERSON_READ_HEALTH: "read health details",
    AuditKind.PERSON_UPDATE: "changed a young person's details",
    AuditKind.PERSON_CLOSE: "closed a young person's case",
    AuditKind.PERSON_MERGE: "merged two records",
    AuditKind.OFFER_CREATE: "made an offer of support",
    AuditKind.OFFER_UPDATE: "set an offer's outcome",
    AuditKind.CONTACT_CREATE: "recorded a contact attempt",
    AuditKind.CONTACT_NOTES_OTHER_AGENCY: "read another agency's contact notes",
    AuditKind.DUPLICATE_FLAG: "flagged a possible duplicate",
    AuditKind.DUPLICATE_LIST: "reviewed possible duplicates",
    AuditKind.DUPLICATE_RESOLVE: "decided a possible duplicate",
    AuditKind.AUDIT_READ: "read the audit log",
    AuditKind.AUDIT_EXPORT: "exported the audit log",
    AuditKind.AUDIT_VERIFY: "checked the audit chain",
    AuditKind.SUBJECT_ACCESS: "exported a subject access request",
    AuditKind.RETENTION_REPORT: "ran retention (report)",
    AuditKind.RETENTION_ANONYMISE: "anonymised a record (retention)",
    AuditKind.USER_CREATE: "created a user",
    AuditKind.USER_UPDATE: "changed a user",
    AuditKind.USER_APPROVE: "approved a user",
    AuditKind.PASSWORD_CHANGE: "changed their password",
    AuditKind.LOGIN: "logged in",
    AuditKind.LOGIN_FAILED: "failed to log in",
    AuditKind.LOGIN_LOCKED: "tried a locked account",
    AuditKind.LOGIN_THROTTLED: "login slowed after failures",
    AuditKind.LOGOUT: "logged out",
    AuditKind.DENIED: "was refused",
    AuditKind.NOT_FOUND: "asked for an unknown record",
    AuditKind.PLAN_ACTION_CREATE: "added an action to the action plan",
    AuditKind.PLAN_ACTION_UPDATE: "changed an action of the action plan",
    AuditKind.PLAN_IMPORT: "imported the action plan",
    AuditKind.PLAN_EXPORT: "exported the action plan",
    AuditKind.NETWORK_LINK_ENTER: "entered an intelligence link",
    AuditKind.NETWORK_RELATION: "recorded a relation between young people",
    AuditKind.NETWORK_LIST_PRODUCE: "produced a network list",
    AuditKind.NETWORK_LIST_READ: "read a network list",
    AuditKind.NETWORK_LIST_REMOVE: "removed a person from a network list",
    AuditKind.NETWORK_PERSON_READ: "read a person's network panel",
    AuditKind.NETWORK_GROUPS_READ: "read the network's group figures",
    AuditKind.RETAIL_REGISTER_READ: "read the knife-retailer register",
    AuditKind.RETAIL_PREMISES_READ: "opened a retailer's history",
    AuditKind.RETAIL_PREMISES_CREATE: "added a retailer to the register",
    AuditKind.RETAIL_PREMISES_UPDATE: "changed a retailer in the register",
    AuditKind.RETAIL_IMPORT: "imported the knife-retailer register",
    AuditKind.RETAIL_TEST_CREATE: "recorded a test purchase",
    AuditKind.RETAIL_FOLLOW_UP_CREATE: "recorded a test-purchase follow-up",
    AuditKind.RETAIL_COMPLIANCE_READ: "read retailer compliance figures",
    AuditKind.ORDER_CREATE: "recorded a court order",
    AuditKind.ORDER_LIST: "listed court orders",
    AuditKind.ORDER_READ: "opened a court order",
    AuditKind.ORDER_UPDATE: "changed a court order",
    AuditKind.ORDER_CONDITION: "added a condition to a court order",
    AuditKind.ALERT_CREATE: "raised a breach alert",
    AuditKind.ALERT_LIST: "read the breach alert queue",
    AuditKind.ALERT_DECIDE: "decided a breach alert",
    AuditKind.ORDER_FIGURES: "read the court orders' proportionality figures",
    AuditKind.INCIDENT_LOCATE: "set an incident's location",
}
"""What each kind of event means, in words (the admin page shows these)."""


def describe(action: str) -> str:
    """The words for an event's action code (the code itself if it is not known)."""
    return ACTION_LABELS.get(action, action)


AUDIT_COLUMNS = (
    "id",
    "seq",
    "at",
    "actor_id",
    "actor_name",
    "actor_role",
    "action",
    "record_type",
    "record_id",
    "purpose",
    "reason",
    "outcome",
    "detail",
    "session_id",
    "client_addr",
    "prev_hash",
    "hash",
    "mac",
)

_HASHED = tuple(c for c in AUDIT_COLUMNS if c not in ("id", "prev_hash", "hash", "mac"))
"""The fields each link's hash covers (with ``prev_hash``): all but the row id and the links."""

_MACED = tuple(c for c in _HASHED if c != "seq")
"""The fields an event's own MAC covers: everything it is written with."""


@dataclass(frozen=True)
class AuditRecord:
    """One audit event as read back (what admins see and export)."""

    id: int
    seq: int | None
    at: datetime
    actor_id: int | None
    actor_name: str
    actor_role: str
    action: str
    record_type: str
    record_id: str | None
    purpose: str
    reason: str | None
    outcome: str
    detail: str | None
    session_id: int | None
    client_addr: str | None
    prev_hash: str | None
    hash: str | None
    mac: str | None


def safe_record_id(record_id: str | int | None) -> str | None:
    """A record id fit to store: ids that are not plain identifiers become ``(invalid id)``.

    Ids reach the audit from URLs; anything else (formulas, markup, long text) is never
    stored as given.
    """
    if record_id is None:
        return None
    text = str(record_id)
    return text if _RECORD_ID.match(text) else "(invalid id)"


def _clip(text: str | None, size: int) -> str | None:
    return text[:size] if text else None


def record(
    session: Session,
    actor: Actor,
    kind: AuditKind,
    record_type: str,
    record_id: str | int | None = None,
    *,
    detail: str | None = None,
    outcome: str = "ok",
    reason: str | None = None,
) -> None:
    """Add one audit event, with its MAC, to the session's unit of work (sealed into the
    chain after the unit of work commits)."""
    event_row = AuditEvent(
        at=utcnow(),
        actor_id=actor.user_id,
        actor_name=actor.username[:64],
        actor_role=actor.role[:16],
        action=str(kind),
        record_type=record_type,
        record_id=safe_record_id(record_id),
        purpose=str(actor.purpose),
        outcome=outcome,
        detail=_clip(detail, 300),
        session_id=actor.session_id,
        client_addr=_clip(actor.client_addr, 64),
        reason=_clip(reason, 300),
    )
    event_row.mac = event_mac(session.info[_KEY], mac_fields(event_row))
    session.add(event_row)
    session.info[AUDITED] = True


def _canonical(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(timespec="microseconds")
    return value


def event_hash(key: str, prev_hash: str, fields: dict[str, Any]) -> str:
    """The link hash: HMAC-SHA256 of ``prev_hash`` and the event's fields, as hex.

    ``fields`` maps every name of the hashed fields to its value; datetimes are taken as
    ISO 8601 UTC with microseconds, so the value read back from any database hashes alike.
    """
    body = json.dumps(
        [prev_hash, *(_canonical(fields[name]) for name in _HASHED)],
        separators=(",", ":"),
        ensure_ascii=True,
    )
    return hmac.new(key.encode(), body.encode(), hashlib.sha256).hexdigest()


def hashed_fields(e: AuditEvent | AuditRecord | Any) -> dict[str, Any]:
    """The fields of ``e`` that its link hash covers."""
    return {name: getattr(e, name) for name in _HASHED}


def mac_fields(e: AuditEvent | AuditRecord | Any) -> dict[str, Any]:
    """The fields of ``e`` that its own MAC covers."""
    return {name: getattr(e, name) for name in _MACED}


def event_mac(key: str, fields: dict[str, Any]) -> str:
    """An event's own MAC: HMAC-SHA256 of the fields it is written with, as hex."""
    body = json.dumps(
        ["mac", *(_canonical(fields[name]) for name in _MACED)],
        separators=(",", ":"),
        ensure_ascii=True,
    )
    return hmac.new(key.encode(), body.encode(), hashlib.sha256).hexdigest()


def install_chain(session_factory: Any, key: str) -> None:
    """Give every session of ``session_factory`` the key its events' MACs are made with
    (beside whatever else the factory puts in its sessions' ``info``)."""
    session_factory.configure(info={**session_factory.kw.get("info", {}), _KEY: key})


def to_record(e: AuditEvent) -> AuditRecord:
    """The read-only view of a stored event."""
    return AuditRecord(*(getattr(e, name) for name in AUDIT_COLUMNS))


def read_events(
    session: Session,
    *,
    limit: int | None = None,
    record_type: str | None = None,
    record_id: str | None = None,
    actions: Iterable[str] | None = None,
    since: datetime | None = None,
) -> list[AuditRecord]:
    """Stored events, newest first."""
    query = select(AuditEvent).order_by(AuditEvent.id.desc())
    if record_type is not None:
        query = query.where(AuditEvent.record_type == record_type)
    if record_id is not None:
        query = query.where(AuditEvent.record_id == record_id)
    if actions is not None:
        query = query.where(AuditEvent.action.in_(list(actions)))
    if since is not None:
        query = query.where(AuditEvent.at >= since)
    if limit is not None:
        query = query.limit(limit)
    return [to_record(e) for e in session.scalars(query)]


def audit_csv(events: Iterable[AuditRecord]) -> str:
    """Events as CSV text with a header row (the export format).

    Text cells that a spreadsheet would run as a formula are neutralised
    (:func:`upstream.csvsafe.safe_cell`).
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(AUDIT_COLUMNS)
    for e in events:
        values = [getattr(e, name) for name in AUDIT_COLUMNS]
        writer.writerow(
            safe_row(
                "" if v is None else v.isoformat() if isinstance(v, datetime) else v for v in values
            )
        )
    return out.getvalue()
