"""Proportionality figures on a real store: the network lists' audit applied to orders,
conditions and breach actions against suspects, and the support figures."""

from __future__ import annotations

from datetime import date

import pytest

from tests.orders.conftest import Team, incident, order_data, utc
from upstream.account.disclosure import SUPPRESSED, DisclosureRule
from upstream.cases import service as cases
from upstream.cases.db import CaseStore
from upstream.cases.schemas import OfferCreate, OfferUpdate, PersonCreate
from upstream.orders.alerts import decide_alert, report_breach
from upstream.orders.proportionality import order_figures
from upstream.orders.schemas import BreachReport, ConditionCreate, DecisionCreate
from upstream.orders.service import add_condition, record_order


def _person(
    store: CaseStore, team: Team, at: int, ethnic: str, sex: str, role: str = "suspect"
) -> str:
    where = incident(store, team.coordinator, utc(2026, 1, at, 12))
    data = PersonCreate(
        role=role, given_name=f"P{at}", date_of_birth=date(2010, 1, 1), ethnic_group=ethnic, sex=sex
    )
    return cases.add_person(team.coordinator, store, where, data).pseudonym


def test_orders_are_audited_against_suspects_with_intervals_and_support_counted(
    store: CaseStore, team: Team
) -> None:
    black = [_person(store, team, d, "Black", "male") for d in range(1, 5)]
    white = [_person(store, team, d, "White", "male") for d in range(5, 11)]
    _person(store, team, 11, "Asian", "female", role="victim")
    orders = [record_order(team.officer, store, order_data(p)).order for p in [*black, white[0]]]
    offer = cases.make_offer(
        team.coordinator, store, black[0], OfferCreate(service="youth_at_risk")
    )
    cases.update_offer(
        team.coordinator, store, offer.id, OfferUpdate(outcome="accepted", version=offer.version)
    )
    add_condition(
        team.officer,
        store,
        orders[0].id,
        ConditionCreate(kind="positive", detail="attend the youth programme", offer_id=offer.id),
    )
    add_condition(
        team.officer,
        store,
        orders[1].id,
        ConditionCreate(kind="positive", detail="attend mentoring weekly"),
    )
    alert = report_breach(
        team.officer,
        store,
        orders[0].id,
        BreachReport(occurred_at=utc(2026, 6, 1, 20), detail="seen in the zone by a PCSO"),
    )
    decide_alert(
        team.officer,
        store,
        alert.id,
        DecisionCreate(decision="warning", reason="second sighting this month", version=1),
    )

    every = DisclosureRule(min_count=1)  # publish every count: the arithmetic itself
    figures = order_figures(team.analyst, store, today=date(2026, 12, 2), rule=every)
    table = figures.audits["orders"].table.set_index(["dimension", "group"])
    black_row = table.loc[("ethnic_group", "Black")]
    assert black_row["list_n"] == 4 and black_row["list_total"] == 5
    assert black_row["suspects_n"] == 4 and black_row["suspects_total"] == 10
    assert black_row["suspects_ratio"] == pytest.approx((4 / 5) / (4 / 10))
    assert black_row["list_lo"] < 0.8 < black_row["list_hi"]
    assert table.loc[("age_band", "10-17")]["list_n"] == 5  # aged 15 or 16 when made
    assert figures.counts == {
        "orders": 5,
        "conditions": 2,
        "breach_actions": 1,
        "suspects": 10,
        "victims": 1,
    }
    assert (
        figures.audits["breach_actions"]
        .table.set_index(["dimension", "group"])
        .loc[("ethnic_group", "Black")]["list_n"]
        == 1
    )
    support = figures.support
    assert (support.positive, support.positive_with_offer, support.positive_taken_up) == (2, 1, 1)
    assert (support.orders, support.orders_with_offer) == (5, 1)
    assert support.share == pytest.approx(0.2) and support.share_lo < 0.2 < support.share_hi


def test_residents_counts_join_the_audit(store: CaseStore, team: Team) -> None:
    subject = _person(store, team, 1, "Black", "male")
    record_order(team.officer, store, order_data(subject))
    residents = {"ethnic_group": {"Black": 100, "White": 900}, "sex": {"male": 500, "female": 500}}
    figures = order_figures(
        team.coordinator,
        store,
        residents=residents,
        today=date(2026, 12, 2),
        rule=DisclosureRule(min_count=1),
    )
    row = (
        figures.audits["orders"]
        .table.set_index(["dimension", "group"])
        .loc[("ethnic_group", "Black")]
    )
    assert row["residents_share"] == pytest.approx(0.1)
    assert row["residents_ratio"] == pytest.approx(10.0)


def test_small_numbers_are_suppressed_with_their_complements_and_derived_figures(
    store: CaseStore, team: Team
) -> None:
    """4 Black and 6 White subjects: 4 is hidden, and 6 with it (10 - 6 would give it away);
    the shares, intervals and ratios of both are hidden; the one order with support offered
    is hidden and its share too; totals of 10 stay."""
    black = [_person(store, team, d, "Black", "male") for d in range(1, 5)]
    white = [_person(store, team, d, "White", "male") for d in range(5, 11)]
    orders = [record_order(team.officer, store, order_data(p)).order for p in [*black, *white]]
    cases.make_offer(team.coordinator, store, black[0], OfferCreate(service="youth_at_risk"))
    add_condition(
        team.officer,
        store,
        orders[0].id,
        ConditionCreate(kind="positive", detail="attend mentoring weekly"),
    )

    figures = order_figures(team.analyst, store, today=date(2026, 12, 2))
    table = figures.audits["orders"].table.set_index(["dimension", "group"])
    for group in ("Black", "White"):
        row = table.loc[("ethnic_group", group)]
        for column in ("list_n", "list_share", "list_lo", "list_hi", "suspects_ratio"):
            assert row[column] == SUPPRESSED, (group, column)
        assert row["suspects_p"] == SUPPRESSED and row["suspects_ratio_hi"] == SUPPRESSED
    assert table.loc[("sex", "male")]["list_n"] == 10
    assert table.loc[("sex", "male")]["list_share"] == pytest.approx(1.0)
    # the suspect base is the same ten people: hidden the same way
    assert table.loc[("ethnic_group", "Black")]["suspects_n"] == SUPPRESSED
    assert table.loc[("ethnic_group", "White")]["suspects_share"] == SUPPRESSED
    assert figures.counts["orders"] == 10 and figures.counts["conditions"] == SUPPRESSED
    support = figures.support
    assert support.orders == 10 and support.orders_with_offer == SUPPRESSED
    assert (support.share, support.share_lo, support.share_hi) == (SUPPRESSED,) * 3
    assert support.positive == SUPPRESSED and support.positive_taken_up == 0
    assert figures.min_count == 5
    for name in ("orders", "conditions", "breach_actions"):
        counts = figures.audits[name].table["list_n"]
        assert not any(isinstance(n, int) and 0 < n < 5 for n in counts), name
