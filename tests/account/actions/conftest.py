"""Real case stores (SQLite and PostgreSQL) with the people of a partnership, for the plan.

The store fixtures are the case tool's (:mod:`tests.cases.conftest`): ``store`` runs a test
on a fresh SQLite file AND a fresh PostgreSQL database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from tests.cases.conftest import (  # noqa: F401  (fixtures)
    add_user,
    password_hash,
    pg_store,
    postgres_url,
    sqlite_store,
    store,
)
from upstream.account.actions.access import plan_operator
from upstream.account.actions.schemas import ActionData
from upstream.account.actions.service import PlanRow, import_plan
from upstream.cases.access import Actor
from upstream.cases.db import CaseStore
from upstream.cases.vocab import Agency, Purpose, Role

TODAY = date(2026, 12, 2)


@dataclass
class Team:
    """Users of every role: ``owner`` and ``other`` are caseworkers; ``board`` reads only."""

    coordinator: Actor
    admin: Actor
    analyst: Actor
    board: Actor
    owner: Actor
    other: Actor


@pytest.fixture
def team(store: CaseStore, password_hash: str) -> Team:  # noqa: F811
    return make_team(store, password_hash)


def make_team(store: CaseStore, password_hash: str) -> Team:  # noqa: F811
    """The users of :class:`Team`, added to ``store``."""
    return Team(
        coordinator=add_user(store, "coord", Role.COORDINATOR, Agency.COUNCIL, None, password_hash),
        admin=add_user(store, "admin", Role.ADMIN, Agency.COUNCIL, None, password_hash),
        analyst=add_user(store, "analyst", Role.ANALYST, Agency.POLICE, None, password_hash),
        board=add_user(
            store, "board", Role.BOARD, Agency.PROBATION, None, password_hash, Purpose.OVERSIGHT
        ),
        owner=add_user(
            store, "navigator", Role.CASEWORKER, Agency.HEALTH, "ae_navigator", password_hash
        ),
        other=add_user(
            store, "mentor", Role.CASEWORKER, Agency.VOLUNTARY, "custody_mentor", password_hash
        ),
    )


def action(ref: str, **fields: object) -> ActionData:
    """A valid action; ``fields`` override its values."""
    values: dict[str, object] = {
        "ref": ref,
        "domain": "treat",
        "title": f"Action {ref}",
        "lead_agency": "health",
        "start": date(2026, 1, 1),
        "due": date(2027, 3, 31),
        "status": "in_progress",
        "rag": "green",
        "budget_gbp": 1000.0,
        "programme": "prog_" + ref.lower(),
    }
    values.update(fields)
    return ActionData.model_validate(values)


def load(into: CaseStore, *actions: ActionData) -> None:
    """Import ``actions`` as the server's operator."""
    import_plan(plan_operator("test"), into, [PlanRow(a) for a in actions], source="test")
