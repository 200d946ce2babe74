"""Who may read and change the orders register and its breach alerts: one table, deny by
default.

An order is personal data about a young person (most often a child) and an alert is an
allegation against them, so the register is read by those who enforce orders and coordinate
the partnership's response, and nobody else. Pages show the subject by pseudonym only. The
actors, sessions and refusals are the case tool's (:class:`upstream.cases.access.Actor`,
:class:`~upstream.cases.access.AccessDenied`); every call is audited by the service.

The rules in words
------------------
* **read** the register, an order, its conditions, reviews and alerts: ``order_officer`` and
  ``coordinator``; the server's command line (``system``).
* **manage** (record an order, add conditions, set review dates, discharge an order, report a
  breach by hand): ``order_officer`` and ``coordinator``; the server's command line.
* **locate** an incident (enter its BNG location by hand): ``coordinator`` (who sees every
  incident) and the server's command line.
* **queue**: the alert queue. Each reads the alerts of the orders they lead; the
  ``coordinator`` reads every alert.
* **decide** an alert (no breach, advice, warning, breach proceedings, with a reason): the
  order's lead only, if an ``order_officer`` or ``coordinator``. The tool never decides.
* **scan** for candidate breaches: the server's command line (and the hook run when an
  involvement is recorded, under the ``system:breach-scan`` actor).
* **figures** (the proportionality audit, aggregate only): ``analyst``, ``coordinator``,
  ``order_officer``; the server's command line.
* ``caseworker``, ``admin`` and ``board``: nothing here (subject access exports include a
  person's orders through :mod:`upstream.cases.sar`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from upstream.cases.access import SYSTEM_ROLE, AccessDenied, Actor
from upstream.cases.vocab import Purpose, Role

__all__ = [
    "ORDER_RULES",
    "OrderAccessDenied",
    "OrderPermission",
    "OrderResource",
    "ensure_order_allowed",
    "order_allowed",
    "orders_operator",
]


class OrderPermission(StrEnum):
    """Everything a user can ask of the orders register."""

    READ = "orders.read"
    MANAGE = "orders.manage"
    LOCATE = "orders.locate_incident"
    QUEUE = "orders.queue"
    DECIDE = "orders.decide"
    SCAN = "orders.scan"
    FIGURES = "orders.figures"


@dataclass(frozen=True)
class OrderResource:
    """What the policy needs to know about an order or alert: its lead's user id."""

    lead_id: int | None = None


class OrderAccessDenied(AccessDenied):
    """The register's policy refused an action (answered and audited like any refusal; a
    refusal about a record that exists is answered like an unknown id)."""

    def __init__(
        self,
        actor: Actor,
        permission: OrderPermission,
        record_type: str = "order",
        record_id: str | int | None = None,
    ) -> None:
        super().__init__(actor, permission, record_type, record_id)
        self.conceal = record_id is not None


_ENFORCERS = frozenset({Role.ORDER_OFFICER, Role.COORDINATOR})


def _roles(*roles: str) -> Callable[[Actor, OrderResource | None], bool]:
    allowed = frozenset(roles)

    def rule(actor: Actor, _resource: OrderResource | None) -> bool:
        return actor.role in allowed

    return rule


def _lead(actor: Actor, resource: OrderResource | None) -> bool:
    return (
        actor.role in _ENFORCERS
        and resource is not None
        and actor.user_id is not None
        and actor.user_id == resource.lead_id
    )


ORDER_RULES: dict[OrderPermission, Callable[[Actor, OrderResource | None], bool]] = {
    OrderPermission.READ: _roles(*_ENFORCERS, SYSTEM_ROLE),
    OrderPermission.MANAGE: _roles(*_ENFORCERS, SYSTEM_ROLE),
    OrderPermission.LOCATE: _roles(Role.COORDINATOR, SYSTEM_ROLE),
    OrderPermission.QUEUE: _roles(*_ENFORCERS),
    OrderPermission.DECIDE: _lead,
    OrderPermission.SCAN: _roles(SYSTEM_ROLE),
    OrderPermission.FIGURES: _roles(Role.ANALYST, *_ENFORCERS, SYSTEM_ROLE),
}


def order_allowed(
    actor: Actor, permission: OrderPermission, resource: OrderResource | None = None
) -> bool:
    """Whether the policy allows ``actor`` to do ``permission`` (deny by default)."""
    rule = ORDER_RULES.get(permission)
    return False if rule is None else rule(actor, resource)


def ensure_order_allowed(
    actor: Actor,
    permission: OrderPermission,
    resource: OrderResource | None = None,
    record_type: str = "order",
    record_id: str | int | None = None,
) -> None:
    """Raise :class:`OrderAccessDenied` (naming the record, for the audit) unless allowed."""
    if not order_allowed(actor, permission, resource):
        raise OrderAccessDenied(actor, permission, record_type, record_id)


def orders_operator(job: str) -> Actor:
    """The actor of the server's command line, bootstrap or breach scan (``system:<job>``),
    stating the purpose ``enforcement``; its changes are audited under that name."""
    return Actor(
        None, f"system:{job}", SYSTEM_ROLE, "system", None, Purpose.ENFORCEMENT, None, "server"
    )
