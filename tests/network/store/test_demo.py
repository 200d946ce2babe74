"""The demo network in a real case store (SQLite): loaded once, labelled synthetic, and what
the synthetic network plants is found from the store."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.cases.conftest import add_user
from upstream.cases.access import AccessDenied
from upstream.cases.db import CaseStore, database_url
from upstream.cases.models import Person
from upstream.cases.vocab import Agency, Purpose, Role
from upstream.config import Settings
from upstream.network.store.access import network_operator
from upstream.network.store.demo import load_network_demo
from upstream.network.store.lists_service import produce_list, read_list
from upstream.network.store.service import network_overview
from upstream.synth.network import synthetic_network

AS_OF = date(2026, 12, 1)


@pytest.fixture
def demo_store(tmp_path: Path) -> CaseStore:
    settings = Settings(data_dir=tmp_path / "var")
    store = CaseStore(database_url(settings), settings)
    store.migrate()
    return store


def test_the_demo_loads_once_and_its_list_holds_the_planted_offenders(
    demo_store: CaseStore,
) -> None:
    lines = load_network_demo(demo_store, AS_OF)
    assert lines[0].startswith("loaded the SYNTHETIC demo network")
    assert load_network_demo(demo_store, AS_OF) == [
        "the case store already holds the SYNTHETIC demo network"
    ]
    with demo_store.unit_of_work() as session:
        people = list(session.scalars(select(Person)))
    assert people and all(p.synthetic and p.given_name is None for p in people)
    truth = synthetic_network(AS_OF).truth
    intel = add_user(demo_store, "intel2", Role.INTEL_ANALYST, Agency.POLICE,
                     purpose=Purpose.INTELLIGENCE)  # fmt: skip
    shown = read_list(intel, demo_store, 1, AS_OF)
    listed = {m.pseudonym for m in shown.members}
    assert truth.exploiter in listed and set(truth.groups[0][2:6]) <= listed
    assert truth.victim_hub not in listed  # a victim with no offence is never on a harm list
    assert shown.summary.synthetic and shown.audit["table"]
    overview = network_overview(intel, demo_store, AS_OF)
    assert overview.synthetic and len(overview.groups) >= 3


def test_the_demo_is_never_loaded_over_real_people(demo_store: CaseStore) -> None:
    with demo_store.unit_of_work() as session:
        session.add(Person(pseudonym="YP-12345678", synthetic=False))
    assert "real young people" in load_network_demo(demo_store, AS_OF)[0]
    with pytest.raises(AccessDenied):  # the demo's own operator never produces a list
        produce_list(network_operator("x"), demo_store, purpose="operator list", kind="harm",
                     as_of=AS_OF)  # fmt: skip
