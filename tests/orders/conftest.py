"""Real case stores (SQLite and PostgreSQL) with users of every role, young people and
incidents, for the orders register.

The store fixtures are the case tool's (:mod:`tests.cases.conftest`): ``store`` runs a test
on a fresh SQLite file AND a fresh PostgreSQL database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest

from tests.cases.conftest import (  # noqa: F401  (fixtures)
    add_user,
    password_hash,
    pg_store,
    postgres_url,
    sqlite_store,
    store,
)
from upstream.cases import service as cases
from upstream.cases.access import Actor
from upstream.cases.db import CaseStore
from upstream.cases.linking import link_person
from upstream.cases.schemas import IncidentCreate, PersonCreate, PersonLink
from upstream.cases.vocab import Agency, Purpose, Role
from upstream.orders.schemas import OrderCreate

X0, Y0 = 537700.0, 190200.0
"""A point inside the bundled area (Waltham Forest), BNG metres."""


@dataclass
class Team:
    """Users of every role: ``officer`` leads orders, ``officer2`` is another order officer."""

    coordinator: Actor
    officer: Actor
    officer2: Actor
    caseworker: Actor
    analyst: Actor
    admin: Actor
    board: Actor


@pytest.fixture
def team(store: CaseStore, password_hash: str) -> Team:  # noqa: F811
    def officer(name: str) -> Actor:
        return add_user(
            store, name, Role.ORDER_OFFICER, Agency.POLICE, None, password_hash, Purpose.ENFORCEMENT
        )

    return Team(
        coordinator=add_user(store, "coord", Role.COORDINATOR, Agency.COUNCIL, None, password_hash),
        officer=officer("pc-lead"),
        officer2=officer("pc-other"),
        caseworker=add_user(
            store, "navigator", Role.CASEWORKER, Agency.HEALTH, "ae_navigator", password_hash
        ),
        analyst=add_user(store, "analyst", Role.ANALYST, Agency.POLICE, None, password_hash),
        admin=add_user(store, "admin", Role.ADMIN, Agency.COUNCIL, None, password_hash),
        board=add_user(
            store, "board", Role.BOARD, Agency.PROBATION, None, password_hash, Purpose.OVERSIGHT
        ),
    )


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def incident(
    into: CaseStore, who: Actor, at: datetime, where: tuple[float, float] | None = None
) -> int:
    """A hand-entered incident at ``at`` (and BNG ``where``); returns its id."""
    data = IncidentCreate(
        occurred_at=at,
        offence="Violence and sexual offences",
        easting=where[0] if where else None,
        northing=where[1] if where else None,
    )
    return cases.create_incident(who, into, data).id


def new_person(
    into: CaseStore, who: Actor, incident_id: int, name: str, role: str = "suspect"
) -> str:
    """A young person added to an incident; returns the pseudonym."""
    data = PersonCreate(
        role=role, given_name=name, family_name="Test", date_of_birth=date(2010, 5, 1)
    )
    return cases.add_person(who, into, incident_id, data).pseudonym


def link(
    into: CaseStore, who: Actor, incident_id: int, pseudonym: str, role: str = "suspect"
) -> None:
    link_person(who, into, incident_id, PersonLink(pseudonym=pseudonym, role=role))


def order_data(subject: str, lead: str = "pc-lead", **fields: object) -> OrderCreate:
    values: dict[str, object] = {
        "order_type": "kcpo",
        "subject": subject,
        "court": "Stratford Magistrates' Court",
        "made_on": date(2026, 1, 5),
        "expires_on": date(2027, 1, 4),
        "lead": lead,
        "agency": "police",
    }
    values.update(fields)
    return OrderCreate.model_validate(values)
