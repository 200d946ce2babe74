"""The access policy of the case store: one function, deny by default.

Every use case in :mod:`upstream.cases.service` calls :func:`ensure_allowed` before it reads
or changes anything, so web pages, the JSON API and the command line share one policy.
An action not listed in ``_RULES`` is refused for everybody.

The rules in words
------------------
* **coordinator** (the Urgent Response Coordinator): every incident, young person and offer,
  identifying and health details included; closes cases; resolves possible duplicates;
  searches for a young person by name (to link them to another incident).
* **caseworker** (one service, e.g. A&E navigator): the young people who have an offer from
  their service, and the incidents those people (or the caseworker) are linked to. Records
  incidents, adds young people to their incidents (new ones, or ones they already see,
  linked by pseudonym), makes offers of their own service, records
  contacts and outcomes of their service's offers. Health details only if their agency is
  health.
* **analyst**: the board's aggregate figures only; never a person, an identity or a list.
* **admin**: users, the audit log, subject access exports and retention; no case work.
* **system** (scheduled jobs on the server): retention only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from upstream.cases.vocab import Agency, Purpose, Role

__all__ = [
    "SYSTEM_ROLE",
    "AccessDenied",
    "Action",
    "Actor",
    "Resource",
    "ensure_allowed",
    "is_allowed",
    "system_actor",
]

SYSTEM_ROLE = "system"


class Action(StrEnum):
    """Everything a user can ask the case store to do."""

    BOARD_FIGURES = "board.figures"
    BOARD_LISTS = "board.lists"
    INCIDENT_CREATE = "incident.create"
    INCIDENT_VIEW = "incident.view"
    INCIDENT_CLOSE = "incident.close"
    PERSON_ADD = "person.add"
    PERSON_SEARCH = "person.search"
    PERSON_VIEW = "person.view"
    PERSON_VIEW_IDENTITY = "person.view_identity"
    PERSON_VIEW_HEALTH = "person.view_health"
    PERSON_UPDATE_IDENTITY = "person.update_identity"
    PERSON_UPDATE_HEALTH = "person.update_health"
    PERSON_CLOSE = "person.close"
    OFFER_CREATE = "offer.create"
    OFFER_UPDATE = "offer.update"
    CONTACT_RECORD = "contact.record"
    DUPLICATE_REVIEW = "duplicate.review"
    AUDIT_VIEW = "audit.view"
    USER_MANAGE = "user.manage"
    SUBJECT_ACCESS = "subject_access.export"
    RETENTION_RUN = "retention.run"


@dataclass(frozen=True)
class Actor:
    """Who is acting, as the policy sees them, and the purpose they stated."""

    user_id: int | None
    username: str
    role: str
    agency: str
    service: str | None = None
    purpose: str = Purpose.DIRECT_SUPPORT


def system_actor(job: str) -> Actor:
    """The actor of a scheduled job run on the server (allowed only :attr:`RETENTION_RUN`)."""
    return Actor(None, f"system:{job}", SYSTEM_ROLE, "system", None, Purpose.RETENTION)


@dataclass(frozen=True)
class Resource:
    """What the policy needs to know about a record.

    ``services``: services with an offer on the record (for an offer, its own service);
    ``recorded_by``: ids of users who recorded incidents the record belongs to;
    ``service``: the service an offer would be made by (for :attr:`Action.OFFER_CREATE`).
    """

    kind: str
    services: frozenset[str] = field(default_factory=frozenset)
    recorded_by: frozenset[int] = field(default_factory=frozenset)
    service: str | None = None


class AccessDenied(PermissionError):
    """The policy refused an action. The message never names a person."""

    def __init__(
        self,
        actor: Actor,
        action: Action,
        record_type: str = "-",
        record_id: str | int | None = None,
    ) -> None:
        super().__init__(f"{actor.role} {actor.username!r} may not {action.value}")
        self.action = action
        self.record_type = record_type
        self.record_id = None if record_id is None else str(record_id)
        self.audited = False


def _coordinator(actor: Actor, _resource: Resource | None) -> bool:
    return actor.role == Role.COORDINATOR


def _in_scope(actor: Actor, resource: Resource | None) -> bool:
    """A caseworker's own service has an offer on it, or they recorded its incident."""
    if actor.role != Role.CASEWORKER or resource is None or actor.service is None:
        return False
    return actor.service in resource.services or (
        actor.user_id is not None and actor.user_id in resource.recorded_by
    )


def _coordinator_or_in_scope(actor: Actor, resource: Resource | None) -> bool:
    return _coordinator(actor, resource) or _in_scope(actor, resource)


def _health(actor: Actor, resource: Resource | None) -> bool:
    return _coordinator(actor, resource) or (
        actor.agency == Agency.HEALTH and _in_scope(actor, resource)
    )


def _offer_create(actor: Actor, resource: Resource | None) -> bool:
    if _coordinator(actor, resource):
        return True
    return (
        resource is not None
        and resource.service is not None
        and resource.service == actor.service
        and _in_scope(actor, resource)
    )


def _own_service(actor: Actor, resource: Resource | None) -> bool:
    if _coordinator(actor, resource):
        return True
    return (
        actor.role == Role.CASEWORKER
        and resource is not None
        and actor.service is not None
        and resource.services == frozenset({actor.service})
    )


def _roles(*roles: str) -> Callable[[Actor, Resource | None], bool]:
    def rule(actor: Actor, _resource: Resource | None) -> bool:
        return actor.role in roles

    return rule


_RULES: dict[Action, Callable[[Actor, Resource | None], bool]] = {
    Action.BOARD_FIGURES: _roles(Role.COORDINATOR, Role.CASEWORKER, Role.ANALYST),
    Action.BOARD_LISTS: _roles(Role.COORDINATOR, Role.CASEWORKER),
    Action.INCIDENT_CREATE: _roles(Role.COORDINATOR, Role.CASEWORKER),
    Action.INCIDENT_VIEW: _coordinator_or_in_scope,
    Action.INCIDENT_CLOSE: _coordinator,
    Action.PERSON_ADD: _coordinator_or_in_scope,
    Action.PERSON_SEARCH: _coordinator,
    Action.PERSON_VIEW: _coordinator_or_in_scope,
    Action.PERSON_VIEW_IDENTITY: _coordinator_or_in_scope,
    Action.PERSON_VIEW_HEALTH: _health,
    Action.PERSON_UPDATE_IDENTITY: _coordinator_or_in_scope,
    Action.PERSON_UPDATE_HEALTH: _health,
    Action.PERSON_CLOSE: _coordinator,
    Action.OFFER_CREATE: _offer_create,
    Action.OFFER_UPDATE: _own_service,
    Action.CONTACT_RECORD: _own_service,
    Action.DUPLICATE_REVIEW: _coordinator,
    Action.AUDIT_VIEW: _roles(Role.ADMIN),
    Action.USER_MANAGE: _roles(Role.ADMIN),
    Action.SUBJECT_ACCESS: _roles(Role.ADMIN),
    Action.RETENTION_RUN: _roles(Role.ADMIN, SYSTEM_ROLE),
}


def is_allowed(actor: Actor, action: Action, resource: Resource | None = None) -> bool:
    """Whether the policy allows ``actor`` to do ``action`` on ``resource`` (deny by default)."""
    rule = _RULES.get(action)
    if rule is None:
        return False
    if actor.role == SYSTEM_ROLE and action is not Action.RETENTION_RUN:
        return False
    return rule(actor, resource)


def ensure_allowed(actor: Actor, action: Action, resource: Resource | None = None) -> None:
    """Raise :class:`AccessDenied` unless the policy allows the action."""
    if not is_allowed(actor, action, resource):
        raise AccessDenied(actor, action)
