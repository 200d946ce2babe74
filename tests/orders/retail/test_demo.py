"""The demo register: 40 SYNTHETIC premises inside the area with two years of test
purchases, labelled demo, loaded once into an empty register by bootstrap, with a demo
Trading Standards login that ``disable-demo`` disables -- never in production."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from upstream.area import Area
from upstream.cases.auth import LoginFailed, authenticate
from upstream.cases.db import CaseStore, case_store, dispose_all
from upstream.cases.demo import DEMO_PASSWORD
from upstream.cases.deployment import UnsafeDeployment, check_production, disable_demo_users
from upstream.cases.models import User
from upstream.cases.vocab import Purpose
from upstream.config import Settings
from upstream.orders.retail.access import retail_operator
from upstream.orders.retail.compliance import Period, compliance
from upstream.orders.retail.demo import DEMO_OFFICER, load_demo_retail, prepare_retail
from upstream.orders.retail.schedule import due_list, load_rules
from upstream.orders.retail.service import (
    compliance_records,
    get_premises,
    list_premises,
    register_size,
)

from .conftest import TODAY


def test_the_demo_register_is_synthetic_inside_the_area_and_loaded_once(
    sqlite_store: CaseStore, area: Area
) -> None:
    store = sqlite_store
    lines = load_demo_retail(store, area, today=TODAY)
    assert lines[0].startswith("loaded the SYNTHETIC knife-retail register: 40 premises")
    premises = list_premises(retail_operator("t"), store)
    assert len(premises) == 40 and all(p.demo for p in premises)
    assert all(p.name.startswith("SYNTHETIC ") for p in premises)
    assert all(p.premises_type.value == "online" or "SYNTHETIC" in p.address for p in premises)
    xs = [p.easting for p in premises]
    ys = [p.northing for p in premises]
    assert area.contains(xs, ys).all()  # type: ignore[arg-type]
    assert {p.premises_type.value for p in premises} == {
        "shop", "supermarket", "market_stall", "online",
    }  # fmt: skip
    years = compliance(compliance_records(retail_operator("t"), store), Period.YEAR)
    assert [r.period for r in years] == ["2024", "2025", "2026"]
    assert 0 < sum(r.tests - r.refused for r in years) < sum(r.tests for r in years)
    due = due_list(premises, load_rules(), TODAY)
    assert sum(d.overdue for d in due) >= 1 and sum(d.last_on is None for d in due) == 2
    sold = next(p for p in premises if p.sold_on)
    history = get_premises(retail_operator("t"), store, sold.ref).purchases
    assert all(t.demo for t in history) and any(t.follow_ups for t in history)
    assert load_demo_retail(store, area, today=TODAY) == [
        "the knife-retail register already holds premises; demo not loaded"
    ]


def test_bootstrap_loads_it_with_a_demo_officer_who_is_disabled_before_production(
    tmp_path: Path,
) -> None:
    settings = Settings(data_dir=tmp_path / "var")
    store = case_store(settings)
    lines = list(prepare_retail(settings))
    assert lines[1].strip().startswith(f"{DEMO_OFFICER} ")
    officer = authenticate(store, DEMO_OFFICER, DEMO_PASSWORD, Purpose.TRADING_STANDARDS)
    assert officer.role == "trading_officer" and list_premises(officer, store)
    with store.unit_of_work() as session:
        assert session.scalars(select(User.demo).where(User.username == DEMO_OFFICER)).one()
    assert list(prepare_retail(settings)) == [
        "the knife-retail register already holds premises; demo not loaded"
    ]
    dispose_all()
    production = Settings(
        data_dir=tmp_path / "var", env="production", secret_key="s" * 40, audit_key="a" * 40
    )
    with pytest.raises(UnsafeDeployment, match=DEMO_OFFICER):
        check_production(case_store(production))
    assert DEMO_OFFICER in disable_demo_users(case_store(production))
    check_production(case_store(production))
    with pytest.raises(LoginFailed):
        authenticate(case_store(production), DEMO_OFFICER, DEMO_PASSWORD, "trading_standards")
    dispose_all()
    fresh = Settings(
        data_dir=tmp_path / "prod", env="production", secret_key="s" * 40, audit_key="a" * 40
    )
    assert list(prepare_retail(fresh)) == []
    assert register_size(case_store(fresh)) == 0
    dispose_all()
