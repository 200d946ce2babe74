"""The register's access policy on SQLite and PostgreSQL: every role against every use case.

Trading Standards reads and writes the register; the coordinator and admins read it;
analysts see the compliance figures only; the board and caseworkers nothing. Every refusal
comes before anything is read or changed and is audited in the case store's log; the
Trading Standards officer is refused everything else in the case store and the action plan.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from upstream.account.actions.access import PlanPermission, plan_allowed
from upstream.area import Area
from upstream.cases.access import Action, Actor, is_allowed, purpose_allowed
from upstream.cases.db import CaseStore
from upstream.cases.models import AuditEvent
from upstream.cases.vocab import Purpose, Role
from upstream.orders.retail.access import (
    RETAIL_RULES,
    RetailAccessDenied,
    RetailPermission,
    retail_allowed,
)
from upstream.orders.retail.models import FollowUp, RetailPremises, TestPurchase
from upstream.orders.retail.schemas import FollowUpData
from upstream.orders.retail.service import (
    PremisesRow,
    add_follow_up,
    add_test_purchase,
    compliance_records,
    get_premises,
    import_premises,
    list_premises,
)

from .conftest import TODAY, Team, load, premises, purchase, record_tests

USE_CASES: dict[str, tuple[RetailPermission, Callable[[Actor, CaseStore, Area, int], Any]]] = {
    "list": (RetailPermission.READ, lambda a, s, _area, _id: list_premises(a, s)),
    "history": (RetailPermission.READ, lambda a, s, _area, _id: get_premises(a, s, "P1")),
    "compliance": (
        RetailPermission.COMPLIANCE,
        lambda a, s, _area, _id: compliance_records(a, s),
    ),
    "import": (
        RetailPermission.MANAGE,
        lambda a, s, area, _id: import_premises(
            a, s, [PremisesRow(premises("P9"))], area, source="x.csv"
        ),
    ),
    "test purchase": (
        RetailPermission.RECORD,
        lambda a, s, _area, _id: add_test_purchase(
            a, s, "P1", purchase(date(2026, 11, 1)), today=TODAY
        ),
    ),
    "follow-up": (
        RetailPermission.RECORD,
        lambda a, s, _area, pid: add_follow_up(
            a, s, "P1", pid, FollowUpData(kind="advice", on=date(2026, 11, 20)), today=TODAY
        ),
    ),
}

ALLOWED = {
    "officer": set(USE_CASES),
    "coordinator": {"list", "history", "compliance"},
    "admin": {"list", "history", "compliance"},
    "analyst": {"compliance"},
    "board": set(),
    "caseworker": set(),
}
"""The access matrix the README and docs/retail.md state: role -> use cases allowed."""


def _counts(store: CaseStore) -> tuple[int, int, int]:
    with store.unit_of_work() as session:
        return (
            int(session.scalar(select(func.count(RetailPremises.id))) or 0),
            int(session.scalar(select(func.count(TestPurchase.id))) or 0),
            int(session.scalar(select(func.count(FollowUp.id))) or 0),
        )


def _denials(store: CaseStore) -> list[tuple[str, str | None]]:
    with store.unit_of_work() as session:
        rows = session.scalars(
            select(AuditEvent).where(AuditEvent.outcome == "denied").order_by(AuditEvent.id)
        )
        return [(e.actor_name, e.detail) for e in rows]


@pytest.mark.parametrize("who", sorted(ALLOWED))
def test_every_role_against_every_use_case(
    store: CaseStore, team: Team, area: Area, who: str
) -> None:
    load(store, area, premises("P1"))
    record_tests(store, "P1", purchase(date(2026, 10, 1), "sold"))
    pid = get_premises(team.coordinator, store, "P1").purchases[0].id
    actor: Actor = getattr(team, who)
    for name, (permission, call) in USE_CASES.items():
        before, denied = _counts(store), len(_denials(store))
        if name in ALLOWED[who]:
            call(actor, store, area, pid)
            assert retail_allowed(actor, permission)
            continue
        with pytest.raises(RetailAccessDenied):
            call(actor, store, area, pid)
        assert _counts(store) == before, name  # refused before anything changed
        assert _denials(store)[denied:] == [(actor.username, permission.value)], name


def test_deny_by_default() -> None:
    stranger = Actor(7, "x", "visitor", "council")
    assert not any(retail_allowed(stranger, p) for p in RetailPermission)
    assert set(RETAIL_RULES) == set(RetailPermission)


def test_trading_standards_sees_nothing_else_in_the_case_store(team: Team) -> None:
    officer = team.officer
    assert [a for a in Action if is_allowed(officer, a)] == []
    assert [p for p in PlanPermission if plan_allowed(officer, p)] == []
    assert purpose_allowed(Role.TRADING_OFFICER, Purpose.TRADING_STANDARDS)
    assert not any(
        purpose_allowed(Role.TRADING_OFFICER, p) for p in Purpose if p != Purpose.TRADING_STANDARDS
    )
