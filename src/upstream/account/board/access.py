"""Who may read the board pack on the web: one rule, deny by default.

The pack holds partnership figures (small counts from the incident extract, the case tool's
totals, the action plan's exceptions) but no young person's record, so it is for the
partnership's governance roles:

* **board** members (the pack is theirs), the **coordinator** (who presents it) and
  **analysts** (who check its figures) may read it;
* the server's own command line (the ``system`` actor) may build it;
* caseworkers (whose view is their own service's caseload), admins (who manage users, not
  case work, as in the case store's own policy) and every role not named are refused.

Refusals are :class:`upstream.cases.access.AccessDenied` errors, answered 403 and audited like
every refusal of the case tool.
"""

from __future__ import annotations

from enum import StrEnum

from upstream.cases.access import SYSTEM_ROLE, AccessDenied, Actor
from upstream.cases.vocab import Role

__all__ = [
    "PACK_READERS",
    "BoardPackDenied",
    "PackPermission",
    "ensure_pack_allowed",
    "pack_allowed",
]


class PackPermission(StrEnum):
    """Everything a user can ask of the board pack."""

    READ = "board_pack.read"


PACK_READERS = frozenset({Role.BOARD, Role.COORDINATOR, Role.ANALYST, SYSTEM_ROLE})
"""The roles that may read the pack; everyone else is refused."""


class BoardPackDenied(AccessDenied):
    """The pack's rule refused an actor (answered and audited like any refusal)."""

    def __init__(self, actor: Actor, permission: PackPermission) -> None:
        super().__init__(actor, permission, "board_pack")


def pack_allowed(actor: Actor, permission: PackPermission = PackPermission.READ) -> bool:
    """Whether ``actor`` may do ``permission`` (deny by default)."""
    return permission is PackPermission.READ and actor.role in PACK_READERS


def ensure_pack_allowed(actor: Actor, permission: PackPermission = PackPermission.READ) -> None:
    """Raise :class:`BoardPackDenied` unless allowed."""
    if not pack_allowed(actor, permission):
        raise BoardPackDenied(actor, permission)
