"""Who may read and change the knife-retail register: one table of rules, deny by default.

The register holds no personal data about children (premises are businesses; of a
test-purchase volunteer only the age band is kept), but it records enforcement against named
businesses, so only the people who need it see it, and every read of the register and every
change is audited. The actors, sessions and refusals are the case tool's
(:class:`upstream.cases.access.Actor`, :class:`~upstream.cases.access.AccessDenied`).

The rules in words
------------------
* **read** the register (premises, their test purchases and follow-ups, the due re-tests
  and the priority map): the Trading Standards officer, the coordinator and admins, and
  the server's command line (the ``system`` actor).
* **compliance** figures (counts per period and premises type, with intervals; no premises
  named): everyone who reads the register, and analysts.
* **manage** the register (add premises, import a register file) and **record** test
  purchases and follow-ups: the Trading Standards officer and the server's command line.
* The board, caseworkers, and every role not named: nothing. The Trading Standards officer
  sees nothing else in the case store (no cases, people or action plan): the case tool's and
  the plan's policies do not name the role.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from upstream.cases.access import SYSTEM_ROLE, AccessDenied, Actor
from upstream.cases.vocab import Purpose, Role

__all__ = [
    "RETAIL_RULES",
    "RetailAccessDenied",
    "RetailPermission",
    "ensure_retail_allowed",
    "retail_allowed",
    "retail_operator",
]


class RetailPermission(StrEnum):
    """Everything a user can ask of the knife-retail register."""

    READ = "retail.read"
    COMPLIANCE = "retail.compliance"
    MANAGE = "retail.manage"
    RECORD = "retail.record"


class RetailAccessDenied(AccessDenied):
    """The register's policy refused an action (answered and audited like any refusal)."""

    def __init__(
        self,
        actor: Actor,
        permission: RetailPermission,
        record_type: str = "retail",
        record_id: str | int | None = None,
    ) -> None:
        super().__init__(actor, permission, record_type, record_id)


_READERS = frozenset({Role.TRADING_OFFICER, Role.COORDINATOR, Role.ADMIN, SYSTEM_ROLE})
_WRITERS = frozenset({Role.TRADING_OFFICER, SYSTEM_ROLE})


def _roles(roles: frozenset[str]) -> Callable[[Actor], bool]:
    def rule(actor: Actor) -> bool:
        return actor.role in roles

    return rule


RETAIL_RULES: dict[RetailPermission, Callable[[Actor], bool]] = {
    RetailPermission.READ: _roles(_READERS),
    RetailPermission.COMPLIANCE: _roles(_READERS | {Role.ANALYST}),
    RetailPermission.MANAGE: _roles(_WRITERS),
    RetailPermission.RECORD: _roles(_WRITERS),
}


def retail_allowed(actor: Actor, permission: RetailPermission) -> bool:
    """Whether the policy allows ``actor`` to do ``permission`` (deny by default)."""
    rule = RETAIL_RULES.get(permission)
    return False if rule is None else rule(actor)


def ensure_retail_allowed(
    actor: Actor,
    permission: RetailPermission,
    record_type: str = "retail",
    record_id: str | int | None = None,
) -> None:
    """Raise :class:`RetailAccessDenied` (naming the action, for the audit) unless allowed."""
    if not retail_allowed(actor, permission):
        raise RetailAccessDenied(actor, permission, record_type, record_id)


def retail_operator(job: str) -> Actor:
    """The actor of the server's own command line or bootstrap (``system:<job>``): it may
    read and change the register, and its changes are audited under that name."""
    return Actor(
        None, f"system:{job}", SYSTEM_ROLE, "system", None, Purpose.ADMINISTRATION, None, "server"
    )
