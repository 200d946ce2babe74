"""Which signed-in pages the navigation offers a user: only those the access policies let them open.

The case pages' own navigation and the main navigation's *Curtail* link are built here from
the policies that guard the pages themselves (:mod:`upstream.cases.access`,
:mod:`upstream.account.actions.access`, :mod:`upstream.orders.access`,
:mod:`upstream.orders.retail.access`, :mod:`upstream.network.store.access`), so a link never
leads to *Not allowed* (which is also recorded in the audit as a refused attempt) and never
appears twice.
"""

from __future__ import annotations

from dataclasses import dataclass

from upstream.account.actions.access import PlanPermission, plan_allowed
from upstream.account.board.access import pack_allowed
from upstream.cases.access import Action, Actor, is_allowed
from upstream.network.store.access import NetworkPermission, network_allowed
from upstream.orders.access import OrderPermission, order_allowed
from upstream.orders.retail.access import RetailPermission, retail_allowed

__all__ = ["NavLink", "case_links", "curtail_page", "main_link_shown"]

CURTAIL_LOGIN = "/orders"
"""Where the *Curtail* link leads a visitor who is not signed in (the login asks first)."""


@dataclass(frozen=True)
class NavLink:
    """One link of the case pages' navigation."""

    href: str
    text: str
    id: str


def _reads_retail(actor: Actor) -> bool:
    return retail_allowed(actor, RetailPermission.READ) or retail_allowed(
        actor, RetailPermission.COMPLIANCE
    )


def case_links(actor: Actor) -> list[NavLink]:
    """The case pages' navigation for ``actor``: every page they may open, each once.

    Parameters
    ----------
    actor
        The signed-in user, with the role the policies decide by.

    Returns
    -------
    list of NavLink
        In a fixed order: case work first, then the action plan, networks, orders, knife
        retailers and the administration pages.
    """
    groups_read = network_allowed(actor, NetworkPermission.GROUPS_READ)
    offered = [
        (is_allowed(actor, Action.BOARD_FIGURES), NavLink("/cases", "Board", "nav-board")),
        (
            is_allowed(actor, Action.INCIDENT_CREATE),
            NavLink("/cases/incidents/new", "Record an incident", "nav-incident-new"),
        ),
        (
            is_allowed(actor, Action.DUPLICATE_REVIEW),
            NavLink("/cases/duplicates", "Possible duplicates", "nav-duplicates"),
        ),
        (
            plan_allowed(actor, PlanPermission.READ),
            NavLink("/actions", "Action plan", "nav-actions"),
        ),
        (groups_read, NavLink("/network", "Networks", "nav-network")),
        (
            not groups_read and network_allowed(actor, NetworkPermission.GROUPS_EXPORT),
            NavLink("/network/groups.csv", "Network groups (CSV)", "nav-network-groups"),
        ),
        (
            order_allowed(actor, OrderPermission.READ),
            NavLink("/orders", "Orders register", "nav-orders"),
        ),
        (
            order_allowed(actor, OrderPermission.QUEUE),
            NavLink("/orders/alerts", "Breach alerts", "nav-alerts"),
        ),
        (
            order_allowed(actor, OrderPermission.FIGURES),
            NavLink("/orders/proportionality", "Orders: proportionality", "nav-proportionality"),
        ),
        (_reads_retail(actor), NavLink("/retail", "Knife retailers", "nav-retail")),
        (
            is_allowed(actor, Action.USER_MANAGE),
            NavLink("/cases/admin", "Users and audit", "nav-admin"),
        ),
    ]
    return [link for allowed, link in offered if allowed]


def curtail_page(actor: Actor | None) -> str | None:
    """Where the main navigation's *Curtail* link leads ``actor``.

    The first of the orders register, the orders' proportionality figures, the knife-retail
    register and the networks that ``actor`` may open; ``/orders`` (which asks for a login)
    for a visitor who is not signed in; ``None`` (no link) for a user who may open none of
    them.
    """
    if actor is None:
        return CURTAIL_LOGIN
    for allowed, href in (
        (order_allowed(actor, OrderPermission.READ), "/orders"),
        (order_allowed(actor, OrderPermission.FIGURES), "/orders/proportionality"),
        (_reads_retail(actor), "/retail"),
        (network_allowed(actor, NetworkPermission.GROUPS_READ), "/network"),
    ):
        if allowed:
            return href
    return None


def main_link_shown(actor: Actor | None, href: str) -> bool:
    """Whether the main navigation offers ``href`` to ``actor``.

    A visitor who is not signed in sees every link (a page that needs a login asks for
    one). A signed-in user does not see the action plan or the board pack when their
    policy refuses them, so no link leads to *Not allowed*. Other pages are open to every
    signed-in user or are public.
    """
    if actor is None:
        return True
    if href == "/actions":
        return plan_allowed(actor, PlanPermission.READ)
    if href == "/board":
        return pack_allowed(actor)
    return True
