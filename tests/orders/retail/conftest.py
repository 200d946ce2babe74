"""Real case stores (SQLite and PostgreSQL) with the people of a partnership, for the
knife-retail register.

The store fixtures are the case tool's (:mod:`tests.cases.conftest`): ``store`` runs a test
on a fresh SQLite file AND a fresh PostgreSQL database. ``area`` is the bundled area pack.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import select

from tests.cases.conftest import (  # noqa: F401  (fixtures)
    add_user,
    password_hash,
    pg_store,
    postgres_url,
    sqlite_store,
    store,
)
from upstream.area import Area
from upstream.cases.access import Actor
from upstream.cases.db import CaseStore
from upstream.cases.models import AuditEvent
from upstream.cases.vocab import Agency, Purpose, Role, Service
from upstream.orders.retail.access import retail_operator
from upstream.orders.retail.schemas import PremisesData, TestPurchaseData
from upstream.orders.retail.service import PremisesRow, add_test_purchase, import_premises

TODAY = date(2026, 12, 2)
INSIDE = (537_500.0, 189_500.0)
"""A point inside the bundled area (Walthamstow)."""


@dataclass
class Team:
    """Users of every role: ``officer`` is Trading Standards."""

    officer: Actor
    coordinator: Actor
    admin: Actor
    analyst: Actor
    board: Actor
    caseworker: Actor

    def every(self) -> dict[str, Actor]:
        return dict(self.__dict__)


@pytest.fixture
def team(store: CaseStore, password_hash: str) -> Team:  # noqa: F811
    return make_team(store, password_hash)


def make_team(store: CaseStore, password_hash: str) -> Team:  # noqa: F811
    """The users of :class:`Team`, added to ``store``."""
    return Team(
        officer=add_user(
            store, "trading", Role.TRADING_OFFICER, Agency.COUNCIL, None, password_hash,
            Purpose.TRADING_STANDARDS,
        ),
        coordinator=add_user(
            store, "coord", Role.COORDINATOR, Agency.COUNCIL, None, password_hash,
            Purpose.COORDINATION,
        ),
        admin=add_user(
            store, "admin", Role.ADMIN, Agency.COUNCIL, None, password_hash,
            Purpose.ADMINISTRATION,
        ),
        analyst=add_user(
            store, "analyst", Role.ANALYST, Agency.POLICE, None, password_hash, Purpose.ANALYSIS
        ),
        board=add_user(
            store, "board", Role.BOARD, Agency.PROBATION, None, password_hash, Purpose.OVERSIGHT
        ),
        caseworker=add_user(
            store, "navigator", Role.CASEWORKER, Agency.HEALTH, Service.AE_NAVIGATOR,
            password_hash,
        ),
    )  # fmt: skip


def premises(ref: str, **fields: object) -> PremisesData:
    """A valid premises inside the bundled area; ``fields`` override its values."""
    values: dict[str, object] = {
        "ref": ref,
        "name": f"Premises {ref}",
        "address": f"{ref} High Road",
        "premises_type": "shop",
        "easting": INSIDE[0],
        "northing": INSIDE[1],
    }
    values.update(fields)
    return PremisesData.model_validate(values)


def purchase(on: date, result: str = "refused", **fields: object) -> TestPurchaseData:
    """A valid test purchase at a shop."""
    values: dict[str, object] = {"on": on, "age_band": "16_17", "result": result}
    values.update(fields)
    return TestPurchaseData.model_validate(values)


def load(into: CaseStore, area: Area, *items: PremisesData) -> None:
    """Import ``items`` as the server's operator."""
    import_premises(
        retail_operator("test"), into, [PremisesRow(p) for p in items], area, source="test"
    )


def record_tests(into: CaseStore, ref: str, *purchases: TestPurchaseData) -> None:
    """Record ``purchases`` at ``ref`` as the server's operator."""
    for p in purchases:
        add_test_purchase(retail_operator("test"), into, ref, p, today=TODAY)


def events(into: CaseStore, prefix: str = "retail.") -> list[AuditEvent]:
    """Audit events whose action starts with ``prefix``, oldest first."""
    with into.unit_of_work() as session:
        rows = session.scalars(select(AuditEvent).order_by(AuditEvent.id))
        return [e for e in rows if e.action.startswith(prefix)]
