"""The access policy of the case store: one table of actions and one of fields, deny by default.

Every use case calls :func:`upstream.cases.service.guard` (which asks :func:`is_allowed`)
before it reads or changes anything, so web pages, the JSON API and the command line share
one policy. An action not listed in ``_RULES`` is refused for everybody. What a reader may
see *of* a record is decided per field by :func:`may_read` (``FIELD_RULES``), and every
reader's view of a young person is built from it.

The rules in words
------------------
* **coordinator** (the Urgent Response Coordinator): every incident, young person and offer,
  identifying and health details included; closes cases; resolves possible duplicates;
  searches for a young person by name (to link them to another incident).
* **caseworker** (one service, e.g. A&E navigator): the young people their *own service* is
  involved with -- an offer of their service that is open or closed less than
  ``UPSTREAM_ACCESS_GRACE_DAYS`` ago, or a link to an incident made by someone of their
  service in that time -- and the incidents those people are linked to or that the
  caseworker recorded. Someone else's link never widens a caseworker's scope. Access ends
  when the offer closes (after the grace period) or the case closes (likewise). Records
  incidents, adds young people to their incidents (new ones, or ones they already see,
  linked by pseudonym), makes offers of their own service, records contacts and outcomes of
  their service's offers. Health details only if their agency is health; contact notes of
  their own service only.
* **analyst**: the board's aggregate figures only; never a person, an identity or a list.
* **admin**: users, the audit log, subject access exports and retention; no case work.
* **board** (a partnership board member): nothing in the case store; reads the action plan
  (:mod:`upstream.account.actions.access`).
* **trading_officer** (Trading Standards): nothing in the case store; the knife-retailer
  register and test purchases (:mod:`upstream.orders.retail.access`).
* **order_officer**: nothing in the case store; the orders register and its breach alerts
  (:mod:`upstream.orders.access`).
* **system** (scheduled jobs on the server): retention only.

Fields (``FIELD_RULES``)
------------------------
* identity (name, date of birth, address, school): coordinator; caseworker in scope.
* health details: coordinator; caseworker of a health-agency service, in scope.
* contact notes of service S: coordinator (a read of another agency's notes is audited as
  such); caseworker of service S, in scope. Nobody else.
* offer status of every service (offered, deadline, attempts, reached, outcome, closed):
  coordinator; caseworker in scope -- without the contacts or their notes.

Purposes and reasons
--------------------
A session states one purpose at login, which must be one its role may have (``PURPOSES``).
Reading a young person's identity outside one's own caseload (for a caseworker: no open offer
of their service; for the coordinator: a closed case), searching by name and exporting need a
reason, recorded on the audit event (:func:`needs_reason`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from upstream.cases.vocab import SERVICE_AGENCY, Agency, Purpose, Role, Service

__all__ = [
    "FIELD_RULES",
    "PURPOSES",
    "SYSTEM_ROLE",
    "AccessDenied",
    "Action",
    "Actor",
    "Field",
    "Resource",
    "ensure_allowed",
    "is_allowed",
    "may_read",
    "needs_reason",
    "other_agency",
    "purpose_allowed",
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
    USER_APPROVE = "user.approve"


class Field(StrEnum):
    """The personal fields whose readers the policy decides one by one."""

    IDENTITY = "identity"
    HEALTH = "health_notes"
    CONTACT_NOTES = "contact_notes"
    OFFER_STATUS = "offer_status"


PURPOSES: dict[str, frozenset[Purpose]] = {
    Role.COORDINATOR: frozenset(
        {Purpose.COORDINATION, Purpose.SAFEGUARDING, Purpose.DIRECT_SUPPORT}
    ),
    Role.CASEWORKER: frozenset({Purpose.DIRECT_SUPPORT, Purpose.SAFEGUARDING}),
    Role.ANALYST: frozenset({Purpose.ANALYSIS}),
    Role.ADMIN: frozenset({Purpose.ADMINISTRATION, Purpose.SUBJECT_ACCESS}),
    Role.BOARD: frozenset({Purpose.OVERSIGHT}),
    Role.INTEL_ANALYST: frozenset({Purpose.INTELLIGENCE, Purpose.SAFEGUARDING}),
    Role.TRADING_OFFICER: frozenset({Purpose.TRADING_STANDARDS}),
    Role.ORDER_OFFICER: frozenset({Purpose.ENFORCEMENT}),
    "system": frozenset({Purpose.RETENTION, Purpose.ADMINISTRATION}),
}
"""The purposes each role may state for a session (DPA 2018 s.62: why data are consulted)."""


def purpose_allowed(role: str, purpose: str) -> bool:
    """Whether a session of ``role`` may be opened for ``purpose``."""
    return purpose in PURPOSES.get(role, frozenset())


@dataclass(frozen=True)
class Actor:
    """Who is acting, as the policy sees them, and the purpose they stated."""

    user_id: int | None
    username: str
    role: str
    agency: str
    service: str | None = None
    purpose: str = Purpose.DIRECT_SUPPORT
    session_id: int | None = None
    client_addr: str | None = None


def system_actor(job: str) -> Actor:
    """The actor of a scheduled job run on the server (allowed only :attr:`RETENTION_RUN`)."""
    return Actor(
        None, f"system:{job}", SYSTEM_ROLE, "system", None, Purpose.RETENTION, None, "server"
    )


@dataclass(frozen=True)
class Resource:
    """What the policy needs to know about a record.

    ``services``: services whose involvement puts the record in their scope now (a young
    person: an open offer, one closed within the grace period, or a link their service made
    within it; an incident: the same for any young person on it; an offer: its own service);
    ``recorded_by``: for an incident, the user who recorded it;
    ``service``: the service an offer would be made by (for :attr:`Action.OFFER_CREATE`);
    ``caseload``: services with an open offer on the young person (their own caseload);
    ``open_case``: the young person's case is open.
    """

    kind: str
    services: frozenset[str] = field(default_factory=frozenset)
    recorded_by: frozenset[int] = field(default_factory=frozenset)
    service: str | None = None
    caseload: frozenset[str] = field(default_factory=frozenset)
    open_case: bool = True


class AccessDenied(PermissionError):
    """The policy refused an action. The message never names a person."""

    def __init__(
        self,
        actor: Actor,
        action: StrEnum,
        record_type: str = "-",
        record_id: str | int | None = None,
    ) -> None:
        """``action`` is the case tool's :class:`Action` or another policy's permission
        (the action plan's, the network's, the orders' and the retailers' subclasses)."""
        super().__init__(f"{actor.role} {actor.username!r} may not {action.value}")
        self.action = action
        self.record_type = record_type
        self.record_id = None if record_id is None else str(record_id)
        self.audited = False
        self.conceal = False
        """True when the record exists but is outside the actor's scope: answered like an
        unknown id (404), so refusals do not reveal which ids exist."""


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
    Action.USER_APPROVE: _roles(Role.ADMIN),
}


def _notes(actor: Actor, resource: Resource | None, owner_service: str | None) -> bool:
    if _coordinator(actor, resource):
        return True
    return (
        owner_service is not None and actor.service == owner_service and _in_scope(actor, resource)
    )


FIELD_RULES: dict[Field, str] = {
    Field.IDENTITY: "coordinator; caseworker in scope",
    Field.HEALTH: "coordinator; caseworker of a health-agency service, in scope",
    Field.CONTACT_NOTES: "coordinator; caseworker of the offer's own service, in scope",
    Field.OFFER_STATUS: "coordinator; caseworker in scope (status only, no contacts)",
}
"""Who may read each personal field, in words (the README's table is this)."""


def may_read(
    actor: Actor, what: Field, resource: Resource | None, owner_service: str | None = None
) -> bool:
    """Whether ``actor`` may read field ``what`` of a record (deny by default).

    ``owner_service`` names the service whose contact notes are asked for.
    """
    if what is Field.IDENTITY or what is Field.OFFER_STATUS:
        return _coordinator_or_in_scope(actor, resource)
    if what is Field.HEALTH:
        return _health(actor, resource)
    if what is Field.CONTACT_NOTES:
        return _notes(actor, resource, owner_service)
    return False


def other_agency(actor: Actor, service: str) -> bool:
    """Whether ``service`` is run by an agency other than the actor's."""
    return SERVICE_AGENCY[Service(service)] != actor.agency


def needs_reason(actor: Actor, resource: Resource) -> bool:
    """Whether reading this young person's identity is outside the actor's own caseload."""
    if actor.role == Role.COORDINATOR:
        return not resource.open_case
    return actor.service is None or actor.service not in resource.caseload


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
