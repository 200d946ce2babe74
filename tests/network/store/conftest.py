"""Real case stores (SQLite and PostgreSQL) holding a small network, and users of every role.

The store fixtures are the case tool's (:mod:`tests.cases.conftest`): ``store`` runs a test
on a fresh SQLite file AND a fresh PostgreSQL database. ``seeded`` writes young people and
incidents straight to the store (names and dates of birth included, as the case tool holds
them), so the tests can check that none of it leaves the store.
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
from upstream.cases.access import Actor
from upstream.cases.db import CaseStore
from upstream.cases.models import Incident, Involvement, Person
from upstream.cases.vocab import Agency, Purpose, Role

AS_OF = date(2026, 12, 1)
NAMES = ("Amara", "Okafor", "Tyrese", "Brown", "Kai", "Lewis")


@dataclass
class Team:
    """Users of every role, as actors."""

    intel: Actor
    coordinator: Actor
    analyst: Actor
    caseworker: Actor
    board: Actor
    admin: Actor

    def all(self) -> dict[str, Actor]:
        return dict(vars(self))


@pytest.fixture
def team(store: CaseStore, password_hash: str) -> Team:  # noqa: F811
    return Team(
        intel=add_user(
            store, "intel", Role.INTEL_ANALYST, Agency.POLICE, None, password_hash,
            Purpose.INTELLIGENCE,
        ),
        coordinator=add_user(
            store, "coord", Role.COORDINATOR, Agency.COUNCIL, None, password_hash,
            Purpose.SAFEGUARDING,
        ),
        analyst=add_user(
            store, "analyst", Role.ANALYST, Agency.POLICE, None, password_hash, Purpose.ANALYSIS
        ),
        caseworker=add_user(
            store, "navigator", Role.CASEWORKER, Agency.HEALTH, "ae_navigator", password_hash
        ),
        board=add_user(
            store, "board", Role.BOARD, Agency.PROBATION, None, password_hash, Purpose.OVERSIGHT
        ),
        admin=add_user(
            store, "admin", Role.ADMIN, Agency.COUNCIL, None, password_hash,
            Purpose.ADMINISTRATION,
        ),
    )  # fmt: skip


PEOPLE = {
    # pseudonym: (age on AS_OF, sex, ethnic group)
    "YP-0000S1": (19, "male", "Black"),
    "YP-0000S2": (20, "male", "Black"),
    "YP-0000S3": (22, "male", "White"),
    "YP-0000V1": (16, "female", "White"),
    "YP-0000V2": (17, "male", "Asian"),
    "YP-0000C1": (15, "male", "Mixed"),
    "YP-0000A1": (30, "male", "White"),
    "YP-000OLD": (21, "male", "White"),
    "YP-001OLD": (21, "male", None),
}
INCIDENTS = [
    # (day, offence, summary, [(pseudonym, role)])
    (date(2026, 6, 1), "Violence and sexual offences", "stabbing outside a shop",
     [("YP-0000S1", "suspect"), ("YP-0000S2", "suspect"), ("YP-0000V1", "victim")]),
    (date(2026, 8, 1), "Robbery", None,
     [("YP-0000S2", "suspect"), ("YP-0000S3", "suspect"), ("YP-0000V2", "victim")]),
    (date(2023, 1, 10), "Robbery", None,
     [("YP-000OLD", "suspect"), ("YP-001OLD", "suspect")]),
    (date(2026, 9, 1), "Drugs", "county lines: child found far from home",
     [("YP-0000A1", "suspect"), ("YP-0000C1", "suspect")]),
    (date(2026, 10, 1), "Drugs", "county lines again",
     [("YP-0000A1", "suspect"), ("YP-0000C1", "suspect"), ("YP-0000V1", "witness")]),
]  # fmt: skip


def born(age: int) -> date:
    """A date of birth giving ``age`` on :data:`AS_OF`."""
    return date(AS_OF.year - age, 3, 15)


@pytest.fixture
def seeded(store: CaseStore) -> dict[str, int]:  # noqa: F811
    """The small network in ``store``; pseudonym to person id."""
    return seed(store)


def seed(store: CaseStore) -> dict[str, int]:  # noqa: F811
    """Write :data:`PEOPLE` and :data:`INCIDENTS` to ``store``; pseudonym to person id."""
    ids: dict[str, int] = {}
    with store.unit_of_work() as session:
        for i, (pseudonym, (age, sex, eth)) in enumerate(PEOPLE.items()):
            person = Person(
                pseudonym=pseudonym,
                given_name=NAMES[i % len(NAMES)],
                family_name=NAMES[(i + 1) % len(NAMES)],
                date_of_birth=born(age),
                address="1 Hoe Street, London E17",
                sex=sex,
                ethnic_group=eth,
            )
            session.add(person)
            session.flush()
            ids[pseudonym] = person.id
        for day, offence, summary, involved in INCIDENTS:
            incident = Incident(
                occurred_at=datetime(day.year, day.month, day.day, 12, tzinfo=UTC),
                offence=offence,
                summary=summary,
                recorded_by_agency="police",
            )
            session.add(incident)
            session.flush()
            for pseudonym, role in involved:
                session.add(
                    Involvement(incident_id=incident.id, person_id=ids[pseudonym], role=role)
                )
    return ids
