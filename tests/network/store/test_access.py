"""Every role against every network use case, on SQLite and PostgreSQL: deny by default,
and every refusal audited before anything changes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from upstream.cases.access import AccessDenied, Actor
from upstream.cases.db import CaseStore
from upstream.cases.models import AuditEvent
from upstream.network.store.access import NETWORK_ROLES, NetworkPermission, network_operator
from upstream.network.store.lists_service import (
    list_index,
    produce_list,
    read_list,
    remove_from_list,
)
from upstream.network.store.models import IntelLink, NetworkList, PersonRelation
from upstream.network.store.schemas import IntelLinkEntry, RelationEntry
from upstream.network.store.service import (
    enter_intel_link,
    group_export,
    network_overview,
    person_panel,
    record_relation,
)

from .conftest import AS_OF, Team

LINK = IntelLinkEntry(
    "YP-0000S1", "YP-0000A1", "police", "2BP", date(2026, 11, 1), "INTEL-2026-0042",
    date(2027, 11, 1),
)  # fmt: skip
RELATION = RelationEntry(
    "YP-0000V1", "YP-0000C1", "sibling", "school", date(2026, 5, 1), "CASE-77", date(2028, 5, 1)
)


def _harm_list(store: CaseStore, team: Team) -> int:
    return produce_list(
        team.intel, store, purpose="Call-in list for December", kind="harm", as_of=AS_OF
    ).id


def _safe_list(store: CaseStore, team: Team) -> int:
    return produce_list(
        team.intel, store, purpose="Safeguarding panel for December", kind="safeguarding",
        as_of=AS_OF,
    ).id  # fmt: skip


Case = Callable[[Actor, CaseStore, Team], Any]
CASES: dict[str, tuple[Case, set[str]]] = {
    "produce harm list": (
        lambda a, s, t: produce_list(a, s, purpose="Call-in list, test", kind="harm", as_of=AS_OF),
        {"intel"},
    ),
    "produce safeguarding list": (
        lambda a, s, t: produce_list(
            a, s, purpose="Safeguarding panel, test", kind="safeguarding", as_of=AS_OF
        ),
        {"intel", "coordinator"},
    ),
    "read harm list": (lambda a, s, t: read_list(a, s, _harm_list(s, t), AS_OF), {"intel"}),
    "read safeguarding list": (
        lambda a, s, t: read_list(a, s, _safe_list(s, t), AS_OF),
        {"intel", "coordinator"},
    ),
    "index of lists": (lambda a, s, t: list_index(a, s), {"intel", "coordinator"}),
    "remove from harm list": (
        lambda a, s, t: remove_from_list(a, s, _harm_list(s, t), "YP-0000S3", "No longer active"),
        {"intel"},
    ),
    "remove from safeguarding list": (
        lambda a, s, t: remove_from_list(
            a, s, _safe_list(s, t), "YP-0000S1", "Supported elsewhere now"
        ),
        {"intel", "coordinator"},
    ),
    "person panel": (
        lambda a, s, t: person_panel(a, s, "YP-0000S1", AS_OF),
        {"intel", "coordinator"},
    ),
    "group figures": (
        lambda a, s, t: network_overview(a, s, AS_OF),
        {"intel", "coordinator", "analyst"},
    ),
    "group export": (
        lambda a, s, t: group_export(a, s, AS_OF),
        {"intel", "coordinator", "analyst", "board"},
    ),
    "enter intelligence link": (lambda a, s, t: enter_intel_link(a, s, LINK), {"intel"}),
    "record relation": (lambda a, s, t: record_relation(a, s, RELATION), {"intel", "coordinator"}),
}
ROLES = ("intel", "coordinator", "analyst", "caseworker", "board", "admin")


@pytest.mark.parametrize("use", sorted(CASES))
def test_every_role_against_every_use_case(
    store: CaseStore, seeded: dict[str, int], team: Team, use: str
) -> None:
    run, allowed = CASES[use]
    for name in ROLES:
        actor = team.all()[name]
        with store.unit_of_work() as session:
            denials = session.scalar(
                select(func.count(AuditEvent.id)).where(AuditEvent.outcome == "denied")
            )
        if name in allowed:
            run(actor, store, team)
            continue
        with store.unit_of_work() as session:
            before = [session.scalar(select(func.count(m.id))) for m in (NetworkList, IntelLink,
                      PersonRelation)]  # fmt: skip
        with pytest.raises(AccessDenied):
            run(actor, store, team)
        with store.unit_of_work() as session:
            after_denials = session.scalar(
                select(func.count(AuditEvent.id)).where(AuditEvent.outcome == "denied")
            )
            after = [session.scalar(select(func.count(m.id))) for m in (NetworkList, IntelLink,
                     PersonRelation)]  # fmt: skip
        assert after_denials == (denials or 0) + 1, f"{name}: refusal of {use} not audited"
        if use.startswith(("produce", "enter", "record")):  # a refused change stores nothing
            assert after == before, f"{name}: refused {use} stored something"


def test_the_policy_table_names_no_caseworker_or_admin_and_the_board_for_export_only() -> None:
    for permission, roles in NETWORK_ROLES.items():
        assert not roles & {"caseworker", "admin"}, permission
        assert "board" not in roles or permission is NetworkPermission.GROUPS_EXPORT
    assert set(NETWORK_ROLES) == set(NetworkPermission)


def test_the_servers_own_operator_may_not_produce_or_read_lists(
    store: CaseStore, seeded: dict[str, int], team: Team
) -> None:
    operator = network_operator("test")
    with pytest.raises(AccessDenied):
        produce_list(operator, store, purpose="Operator list, test", kind="harm", as_of=AS_OF)
    with pytest.raises(AccessDenied):
        network_overview(operator, store, AS_OF)
