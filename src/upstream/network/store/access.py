"""Who may do what with networks: one table of rules, deny by default.

Network lists name young people next to an assessment of them, which is what made the Met's
Gangs Violence Matrix unlawful in the hands of too many readers; so each use is a separate
permission, every read is audited, and a role not named below is refused.

The rules in words
------------------
* **intel_analyst** (a police analyst with intelligence access): enters intelligence links,
  records relations, produces harm and safeguarding lists, reads every list and the person
  panel, removes a person from a list (with a reason), reads group-level figures.
* **coordinator** (the Urgent Response Coordinator): records relations, produces and reads
  *safeguarding* lists only, reads the person panel, removes a person from a safeguarding
  list, reads group-level figures.
* **analyst**: group-level figures only (groups, their size, harm, exposure and the harm
  between them); never a person row, a pseudonym or a list.
* **board**: the group-level export only (groups of 3 or more, their size, harm, exposure,
  exploitation flags and the harm between them), as every reader of group figures may.
* **caseworker**, **admin**: nothing here (an admin's subject access export includes a
  person's list memberships: :mod:`upstream.cases.sar`).
* **system** (the server's own bootstrap, ``network_operator``): loads the synthetic demo
  links and relations only.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from upstream.cases.access import SYSTEM_ROLE, AccessDenied, Actor
from upstream.cases.vocab import Purpose, Role

__all__ = [
    "NETWORK_ROLES",
    "NETWORK_RULES",
    "NetworkAccessDenied",
    "NetworkPermission",
    "ensure_network_allowed",
    "network_allowed",
    "network_operator",
    "produce_permission",
    "read_permission",
    "remove_permission",
]


class NetworkPermission(StrEnum):
    """Everything a user can ask of the network."""

    LINK_ENTER = "network.link_enter"
    RELATION_RECORD = "network.relation_record"
    PRODUCE_HARM = "network.produce_harm"
    PRODUCE_SAFEGUARDING = "network.produce_safeguarding"
    READ_HARM = "network.read_harm"
    READ_SAFEGUARDING = "network.read_safeguarding"
    PERSON_READ = "network.person_read"
    REMOVE_HARM = "network.remove_harm"
    REMOVE_SAFEGUARDING = "network.remove_safeguarding"
    GROUPS_READ = "network.groups_read"
    GROUPS_EXPORT = "network.groups_export"
    LOAD_DEMO = "network.load_demo"


P = NetworkPermission
_INTEL = frozenset({Role.INTEL_ANALYST})
_INTEL_COORD = frozenset({Role.INTEL_ANALYST, Role.COORDINATOR})

NETWORK_ROLES: dict[NetworkPermission, frozenset[str]] = {
    P.LINK_ENTER: _INTEL,
    P.RELATION_RECORD: _INTEL_COORD,
    P.PRODUCE_HARM: _INTEL,
    P.PRODUCE_SAFEGUARDING: _INTEL_COORD,
    P.READ_HARM: _INTEL,
    P.READ_SAFEGUARDING: _INTEL_COORD,
    P.PERSON_READ: _INTEL_COORD,
    P.REMOVE_HARM: _INTEL,
    P.REMOVE_SAFEGUARDING: _INTEL_COORD,
    P.GROUPS_READ: frozenset({Role.INTEL_ANALYST, Role.COORDINATOR, Role.ANALYST}),
    P.GROUPS_EXPORT: frozenset({Role.INTEL_ANALYST, Role.COORDINATOR, Role.ANALYST, Role.BOARD}),
    P.LOAD_DEMO: frozenset({SYSTEM_ROLE}),
}
"""The roles allowed each permission; anything not here is refused."""


def _rule(roles: frozenset[str]) -> Callable[[Actor], bool]:
    def allowed(actor: Actor) -> bool:
        return actor.role in roles

    return allowed


NETWORK_RULES: dict[NetworkPermission, Callable[[Actor], bool]] = {
    permission: _rule(roles) for permission, roles in NETWORK_ROLES.items()
}


class NetworkAccessDenied(AccessDenied):
    """The network policy refused an action (answered and audited like any refusal)."""

    def __init__(
        self,
        actor: Actor,
        permission: NetworkPermission,
        record_type: str = "network",
        record_id: str | int | None = None,
    ) -> None:
        super().__init__(actor, permission, record_type, record_id)


def network_allowed(actor: Actor, permission: NetworkPermission) -> bool:
    """Whether the policy allows ``actor`` to do ``permission`` (deny by default)."""
    rule = NETWORK_RULES.get(permission)
    return False if rule is None else rule(actor)


def ensure_network_allowed(
    actor: Actor,
    permission: NetworkPermission,
    record_type: str = "network",
    record_id: str | int | None = None,
) -> None:
    """Raise :class:`NetworkAccessDenied` (naming the action, for the audit) unless allowed."""
    if not network_allowed(actor, permission):
        raise NetworkAccessDenied(actor, permission, record_type, record_id)


def produce_permission(kind: str) -> NetworkPermission:
    """The permission producing a list of ``kind`` needs."""
    return P.PRODUCE_HARM if kind == "harm" else P.PRODUCE_SAFEGUARDING


def read_permission(kind: str) -> NetworkPermission:
    """The permission reading a list of ``kind`` needs."""
    return P.READ_HARM if kind == "harm" else P.READ_SAFEGUARDING


def remove_permission(kind: str) -> NetworkPermission:
    """The permission taking a person off a list of ``kind`` needs."""
    return P.REMOVE_HARM if kind == "harm" else P.REMOVE_SAFEGUARDING


def network_operator(job: str) -> Actor:
    """The server's own bootstrap (``system:<job>``): it may load the synthetic demo only."""
    return Actor(
        None, f"system:{job}", SYSTEM_ROLE, "system", None, Purpose.ADMINISTRATION, None, "server"
    )
