"""Who may read and change the action plan: one table of rules, deny by default.

The plan holds no personal data about young people, but it is the partnership's own record of
what it promised and how it is going, so only signed-in partnership users read it and every
change is audited. The actors, sessions and refusals are the case tool's
(:class:`upstream.cases.access.Actor`, :class:`~upstream.cases.access.AccessDenied`).

The rules in words
------------------
* **read** the plan, its history and export it: coordinator, caseworker, analyst, admin and
  board (every partnership role). The server's own command line (the ``system`` actor) too.
* **manage** the plan (add actions, import a spreadsheet, change an action's title, domain,
  lead agency, owner, dates, budget, links): coordinator and admin (who assign owners), and
  the server's command line.
* **update progress** of an action (status, RAG rating and note, milestones): its owner --
  whatever their role, except ``board``, which is read-only -- and whoever may manage the plan.
* Everything else, and every role not named, is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from upstream.cases.access import SYSTEM_ROLE, AccessDenied, Actor
from upstream.cases.vocab import Purpose, Role

__all__ = [
    "PLAN_RULES",
    "PlanAccessDenied",
    "PlanPermission",
    "PlanResource",
    "ensure_plan_allowed",
    "plan_allowed",
    "plan_operator",
]


class PlanPermission(StrEnum):
    """Everything a user can ask of the action plan."""

    READ = "plan.read"
    EXPORT = "plan.export"
    MANAGE = "plan.manage"
    UPDATE_PROGRESS = "plan.update_progress"


@dataclass(frozen=True)
class PlanResource:
    """What the policy needs to know about an action: its owner's user id."""

    owner_id: int | None = None


class PlanAccessDenied(AccessDenied):
    """The plan's policy refused an action (answered and audited like any refusal)."""

    def __init__(
        self,
        actor: Actor,
        permission: PlanPermission,
        record_type: str = "action",
        record_id: str | int | None = None,
    ) -> None:
        super().__init__(actor, permission, record_type, record_id)


_READERS = frozenset(
    {Role.COORDINATOR, Role.CASEWORKER, Role.ANALYST, Role.ADMIN, Role.BOARD, SYSTEM_ROLE}
)
_MANAGERS = frozenset({Role.COORDINATOR, Role.ADMIN, SYSTEM_ROLE})


def _readers(actor: Actor, _resource: PlanResource | None) -> bool:
    return actor.role in _READERS


def _managers(actor: Actor, _resource: PlanResource | None) -> bool:
    return actor.role in _MANAGERS


def _owner_or_manager(actor: Actor, resource: PlanResource | None) -> bool:
    if _managers(actor, resource):
        return True
    return (
        resource is not None
        and actor.role != Role.BOARD
        and actor.role in _READERS
        and actor.user_id is not None
        and actor.user_id == resource.owner_id
    )


PLAN_RULES: dict[PlanPermission, Callable[[Actor, PlanResource | None], bool]] = {
    PlanPermission.READ: _readers,
    PlanPermission.EXPORT: _readers,
    PlanPermission.MANAGE: _managers,
    PlanPermission.UPDATE_PROGRESS: _owner_or_manager,
}


def plan_allowed(
    actor: Actor, permission: PlanPermission, resource: PlanResource | None = None
) -> bool:
    """Whether the policy allows ``actor`` to do ``permission`` (deny by default)."""
    rule = PLAN_RULES.get(permission)
    return False if rule is None else rule(actor, resource)


def ensure_plan_allowed(
    actor: Actor,
    permission: PlanPermission,
    resource: PlanResource | None = None,
    record_id: str | int | None = None,
) -> None:
    """Raise :class:`PlanAccessDenied` (naming the action, for the audit) unless allowed."""
    if not plan_allowed(actor, permission, resource):
        raise PlanAccessDenied(actor, permission, "action" if record_id else "plan", record_id)


def plan_operator(job: str) -> Actor:
    """The actor of the server's own command line or bootstrap (``system:<job>``): it may
    read and manage the plan, and its changes are audited under that name."""
    return Actor(
        None, f"system:{job}", SYSTEM_ROLE, "system", None, Purpose.ADMINISTRATION, None, "server"
    )
