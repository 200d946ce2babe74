"""The demo plan: the seed strategy's commitments, labelled demo, loaded once by bootstrap
into an empty plan (never in production), owned by the demo logins, feeding the budgets."""

from __future__ import annotations

from pathlib import Path

from upstream.account.actions import programme_budgets
from upstream.account.actions.access import plan_operator
from upstream.account.actions.demo import DEMO_PLAN, load_demo_plan, prepare_action_plan
from upstream.account.actions.service import list_actions, plan_size
from upstream.account.actions.vocab import Domain
from upstream.cases.db import CaseStore, case_store, dispose_all
from upstream.cases.demo import seed_demo
from upstream.config import Settings

COMMITMENTS = (
    "Safer Routes chaperones",
    "Safe spaces",
    "Streetbase outreach",
    "A&E navigators at Whipps Cross",
    "Custody mentors",
    "Urgent Response Coordinator",
    "Family therapy",
    "Gang injunctions",
    "Knife-retailer enforcement",
    "Mobile CCTV",
    "Life Skills in primary schools",
    "Police mentoring scheme",
)


def test_the_demo_plan_holds_the_strategys_commitments_labelled_demo(store: CaseStore) -> None:
    titles = [str(a["title"]).lower() for a in DEMO_PLAN]
    for commitment in COMMITMENTS:
        assert any(commitment.lower() in t for t in titles), commitment
    assert {a["domain"] for a in DEMO_PLAN} == {d.value for d in Domain}
    assert load_demo_plan(store)[0].startswith("loaded the DEMO action plan: 14 actions")
    actions = list_actions(plan_operator("t"), store)
    assert all(a.demo and a.ref.startswith("DEMO-") for a in actions)
    assert all((a.commitment or "").startswith("DEMO.") for a in actions)
    assert all(a.owner is None for a in actions)  # no demo logins in this store
    assert load_demo_plan(store) == ["the action plan already holds actions; demo plan not loaded"]
    budgets = programme_budgets(store.engine)
    assert len(budgets) == 13 and budgets["programme"].is_unique
    assert budgets["budget_gbp"].sum() == sum(a.get("budget_gbp") or 0 for a in DEMO_PLAN)


def test_bootstrap_loads_it_once_with_the_demo_owners_and_never_in_production(
    tmp_path: Path,
) -> None:
    settings = Settings(data_dir=tmp_path / "var")
    store = case_store(settings)
    seed_demo(store)
    assert list(prepare_action_plan(settings)) == [
        "loaded the DEMO action plan: 14 actions (labelled demo)"
    ]
    owners = {a.ref: a.owner for a in list_actions(plan_operator("t"), store)}
    assert owners["DEMO-TR1"] == "navigator" and owners["DEMO-TR2"] == "mentor"
    assert owners["DEMO-CU1"] is None
    assert list(prepare_action_plan(settings)) == [
        "the action plan already holds actions; demo plan not loaded"
    ]
    dispose_all()
    production = Settings(
        data_dir=tmp_path / "prod",
        env="production",
        secret_key="s" * 40,
        audit_key="a" * 40,
    )
    assert list(prepare_action_plan(production)) == []
    assert plan_size(case_store(production)) == 0
    dispose_all()


def test_the_demo_plan_returns_and_measures_name_each_other() -> None:
    """Every synthetic programme return has its action (so value for money finds its
    cost), and every outcome id an action links to is a shipped outcome measure."""
    from upstream.account.outcomes import load_measures
    from upstream.synth.returns import DEMO_PROGRAMMES

    programmes = {action.get("programme") for action in DEMO_PLAN}
    assert {spec.programme for spec in DEMO_PROGRAMMES} <= programmes
    measures = {measure.id for measure in load_measures()}
    linked = {oid for action in DEMO_PLAN for oid in action.get("outcome_ids", [])}
    assert linked and linked <= measures
