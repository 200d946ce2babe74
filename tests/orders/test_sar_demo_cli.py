"""Subject access includes a person's orders; the demo is SYNTHETIC and loads once; the
command line scans idempotently and lists pseudonyms only."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from tests.orders.conftest import Team, incident, link, new_person, order_data, utc
from upstream.cases.db import CaseStore, case_store, dispose_all
from upstream.cases.demo import seed_demo
from upstream.cases.sar import subject_access_export
from upstream.cli import app
from upstream.config import Settings
from upstream.orders.alerts import decide_alert, report_breach
from upstream.orders.demo import load_demo_orders
from upstream.orders.models import BreachAlert, CourtOrder
from upstream.orders.schemas import BreachReport, ConditionCreate, DecisionCreate
from upstream.orders.service import add_condition, record_order


def test_subject_access_holds_the_persons_orders_and_names_no_third_party(
    store: CaseStore, team: Team
) -> None:
    first = incident(store, team.coordinator, utc(2026, 2, 1, 12))
    subject = new_person(store, team.coordinator, first, "Sam")
    other = new_person(store, team.coordinator, first, "Alex")
    order = record_order(team.officer, store, order_data(subject)).order
    add_condition(
        team.officer, store, order.id, ConditionCreate(kind="non_association", other_person=other)
    )
    night = {"curfew_start": time(21), "curfew_end": time(6), "curfew_days": "fri"}
    add_condition(
        team.officer, store, order.id, ConditionCreate(kind="curfew", overnight=True, **night)
    )
    alert = report_breach(
        team.officer,
        store,
        order.id,
        BreachReport(occurred_at=utc(2026, 6, 1, 20), detail="seen out late by a PCSO"),
    )
    decide_alert(
        team.officer,
        store,
        alert.id,
        DecisionCreate(decision="advice", reason="spoke to him at home", version=1),
    )
    data = subject_access_export(team.admin, store, subject, "SAR-2026-001")
    [held] = data["court_orders"]
    assert held["order_type"] == "kcpo" and held["lead"] == "pc-lead"
    assert [c["kind"] for c in held["conditions"]] == ["non_association", "curfew"]
    assert held["conditions"][1]["curfew_start"] == "21:00:00"
    decisions = {a["kind"]: a["decision"] for a in held["breach_alerts"]}
    assert decisions == {"non_association": None, "manual": "advice"}  # both were on incident 1
    assert {e["action"] for e in held["audit_events"]} >= {"order.create", "alert.decide"}
    theirs = subject_access_export(team.admin, store, other, "SAR-2026-002")
    assert theirs["court_orders"] == []
    assert len(theirs["named_in_non_association"]) == 1
    assert subject not in str(theirs["named_in_non_association"])


def test_the_demo_is_synthetic_and_loads_once(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "var")
    store = case_store(settings)
    try:
        assert load_demo_orders(store)[0].startswith("the case store holds too few")
        seed_demo(store)
        lines = load_demo_orders(store)
        assert lines[0].startswith("loaded 10 SYNTHETIC demo orders")
        assert load_demo_orders(store) == [
            "the orders register already holds orders; demo orders not loaded"
        ]
        with store.unit_of_work() as session:
            orders = list(session.scalars(select(CourtOrder)))
            alerts = list(session.scalars(select(BreachAlert)))
        assert len({o.order_type for o in orders}) == 7 and all(o.synthetic for o in orders)
        assert {a.kind for a in alerts} == {"zone", "curfew", "non_association"}
        assert all(a.synthetic for a in alerts)
        assert sum(a.decision is not None for a in alerts) == 1
    finally:
        dispose_all()


def test_the_scan_command_is_idempotent_and_shows_pseudonyms_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("UPSTREAM_DATA_DIR", str(tmp_path / "var"))
    store = case_store(Settings(data_dir=tmp_path / "var"))
    try:
        seed_demo(store)
        load_demo_orders(store)
        runner = CliRunner()
        first = runner.invoke(app, ["orders", "scan"])
        assert first.exit_code == 0, first.output
        assert "raised 0 breach alerts" in first.output  # the hook raised them already
        listed = runner.invoke(app, ["orders", "list"])
        assert listed.exit_code == 0 and "SYNTHETIC" in listed.output and "YP-" in listed.output
        with store.unit_of_work() as session:
            names = [p for p in session.scalars(select(CourtOrder))]
            given = {o.person.given_name for o in names}
        assert not any(name and name in listed.output for name in given)
        alerts = runner.invoke(app, ["orders", "alerts"])
        assert alerts.exit_code == 0 and "Breach alerts to decide" in alerts.output
        figures = runner.invoke(app, ["orders", "figures"])
        assert figures.exit_code == 0 and "orders' subjects were offered support" in figures.output
        bad = runner.invoke(app, ["orders", "figures", "--residents", str(tmp_path / "none.csv")])
        assert bad.exit_code == 1 and "file not found" in bad.output
    finally:
        dispose_all()


def test_a_hand_linked_involvement_and_the_scan_agree(store: CaseStore, team: Team) -> None:
    first = incident(store, team.coordinator, utc(2026, 2, 1, 12))
    subject = new_person(store, team.coordinator, first, "Sam")
    order = record_order(team.officer, store, order_data(subject)).order
    every = "mon,tue,wed,thu,fri,sat,sun"
    evening = ConditionCreate(
        kind="curfew", curfew_start=time(19), curfew_end=time(23), curfew_days=every
    )
    add_condition(team.officer, store, order.id, evening)
    late = incident(store, team.coordinator, utc(2026, 7, 1, 20))  # 21:00 BST
    link(store, team.coordinator, late, subject)
    with store.unit_of_work() as session:
        assert [a.kind for a in session.scalars(select(BreachAlert))] == ["curfew"]


def test_the_demo_fits_a_small_area(tmp_path: Path) -> None:
    """A sub-area of three LSOAs: the demo still loads (zones that do not fit are left out)."""
    from upstream.area import area_from_settings
    from upstream.area.build import SubArea, build_sub_area
    from upstream.config import BUNDLED_AREA

    whole = area_from_settings(Settings())
    codes = tuple(str(c) for c in whole.lsoas["lsoa_code"].iloc[:3])
    build_sub_area(BUNDLED_AREA, tmp_path / "pack", SubArea(lsoas=codes), "Three LSOAs")
    store = case_store(Settings(data_dir=tmp_path / "var", area_dir=tmp_path / "pack"))
    try:
        seed_demo(store)
        assert load_demo_orders(store)[0].startswith("loaded 10 SYNTHETIC demo orders")
    finally:
        dispose_all()
