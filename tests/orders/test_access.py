"""The orders register's policy: every role × every action, decided in one table, on real
stores; refusals are audited and a refused record is answered like an unknown one."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.orders.conftest import Team, incident, new_person, order_data, utc
from upstream.cases.access import SYSTEM_ROLE, AccessDenied, Actor
from upstream.cases.db import CaseStore
from upstream.cases.models import AuditEvent
from upstream.cases.vocab import Role
from upstream.orders.access import (
    ORDER_RULES,
    OrderPermission,
    OrderResource,
    order_allowed,
    orders_operator,
)
from upstream.orders.alerts import alert_queue, decide_alert, report_breach, run_scan
from upstream.orders.proportionality import order_figures
from upstream.orders.schemas import BreachReport, DecisionCreate, IncidentLocation
from upstream.orders.service import get_order, list_orders, record_order, set_incident_location

ROLES = [*Role, SYSTEM_ROLE]
EXPECTED: dict[OrderPermission, set[str]] = {
    OrderPermission.READ: {"order_officer", "coordinator", "system"},
    OrderPermission.MANAGE: {"order_officer", "coordinator", "system"},
    OrderPermission.LOCATE: {"coordinator", "system"},
    OrderPermission.QUEUE: {"order_officer", "coordinator"},
    OrderPermission.SCAN: {"system"},
    OrderPermission.FIGURES: {"analyst", "order_officer", "coordinator", "system"},
}


def _actor(role: str, user_id: int = 7) -> Actor:
    return Actor(user_id, f"u-{role}", role, "police")


def test_the_table_covers_every_permission() -> None:
    assert set(ORDER_RULES) == set(OrderPermission)


@pytest.mark.parametrize("permission", list(EXPECTED))
@pytest.mark.parametrize("role", ROLES)
def test_each_role_and_action(role: str, permission: OrderPermission) -> None:
    assert order_allowed(_actor(role), permission, OrderResource(7)) is (
        role in EXPECTED[permission]
    )


@pytest.mark.parametrize("role", ROLES)
def test_only_the_orders_own_lead_decides(role: str) -> None:
    lead = role in ("order_officer", "coordinator")
    assert order_allowed(_actor(role), OrderPermission.DECIDE, OrderResource(7)) is lead
    assert not order_allowed(_actor(role), OrderPermission.DECIDE, OrderResource(8))
    assert not order_allowed(_actor(role, None), OrderPermission.DECIDE, OrderResource(None))  # type: ignore[arg-type]


def test_the_use_cases_apply_the_table_on_a_real_store(store: CaseStore, team: Team) -> None:
    first = incident(store, team.coordinator, utc(2026, 2, 1, 12))
    subject = new_person(store, team.coordinator, first, "Sam")
    order = record_order(team.officer, store, order_data(subject)).order
    alert = report_breach(
        team.officer,
        store,
        order.id,
        BreachReport(occurred_at=utc(2026, 6, 1, 20), detail="seen in the zone by a PCSO"),
    )
    calls = {
        "list": lambda a: list_orders(a, store),
        "read": lambda a: get_order(a, store, order.id),
        "record": lambda a: record_order(a, store, order_data(subject)),
        "queue": lambda a: alert_queue(a, store),
        "report": lambda a: report_breach(
            a,
            store,
            order.id,
            BreachReport(occurred_at=utc(2026, 6, 2, 20), detail="another sighting here"),
        ),
        "locate": lambda a: set_incident_location(
            a, store, first, IncidentLocation(easting=537700, northing=190200)
        ),
        "figures": lambda a: order_figures(a, store, today=date(2026, 12, 2)),
        "scan": lambda a: run_scan(a, store),
    }
    allowed = {
        "list": {"coordinator", "officer", "officer2"},
        "read": {"coordinator", "officer", "officer2"},
        "record": {"coordinator", "officer", "officer2"},
        "queue": {"coordinator", "officer", "officer2"},
        "report": {"coordinator", "officer", "officer2"},
        "locate": {"coordinator"},
        "figures": {"coordinator", "officer", "officer2", "analyst"},
        "scan": set(),
    }
    for name, call in calls.items():
        for who in (
            "coordinator",
            "officer",
            "officer2",
            "caseworker",
            "analyst",
            "admin",
            "board",
        ):
            actor: Actor = getattr(team, who)
            if who in allowed[name]:
                call(actor)
            else:
                with pytest.raises(AccessDenied):
                    call(actor)
    assert run_scan(orders_operator("test"), store).created == 0
    for who in ("coordinator", "officer2", "caseworker", "admin"):
        with pytest.raises(AccessDenied):
            decide_alert(
                getattr(team, who),
                store,
                alert.id,
                DecisionCreate(decision="advice", reason="not theirs to decide", version=1),
            )
    decide_alert(
        team.officer,
        store,
        alert.id,
        DecisionCreate(decision="advice", reason="spoke to him at home", version=1),
    )
    with store.unit_of_work() as session:
        denied = list(session.scalars(select(AuditEvent).where(AuditEvent.outcome == "denied")))
    refusals = sum(7 - len(names) for names in allowed.values()) + 4
    assert len(denied) == refusals  # every refusal audited
    assert {e.actor_role for e in denied} >= {"caseworker", "admin", "board", "analyst"}


def test_a_refused_order_reads_like_an_unknown_one(store: CaseStore, team: Team) -> None:
    first = incident(store, team.coordinator, utc(2026, 2, 1, 12))
    subject = new_person(store, team.coordinator, first, "Sam")
    order = record_order(team.officer, store, order_data(subject)).order
    with pytest.raises(AccessDenied) as refused:
        get_order(team.caseworker, store, order.id)
    assert refused.value.conceal
