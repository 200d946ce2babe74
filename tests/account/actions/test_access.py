"""The plan's access policy on SQLite and PostgreSQL: every role against every use case.

Owners update their own actions and nobody else's; the board reads only; managing the plan
(import) is for the coordinator, admins and the server's command line; every refusal is
refused before anything changes and is audited in the case store's log.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from upstream.account.actions.access import (
    PLAN_RULES,
    PlanAccessDenied,
    PlanPermission,
    PlanResource,
    plan_allowed,
    plan_operator,
)
from upstream.account.actions.models import ActionChange
from upstream.account.actions.schemas import ProgressUpdate
from upstream.account.actions.service import (
    PlanRow,
    assign_owner,
    assignable_owners,
    export_plan,
    get_action,
    import_plan,
    list_actions,
    update_progress,
)
from upstream.cases.access import AccessDenied, Actor
from upstream.cases.db import CaseStore
from upstream.cases.models import AuditEvent

from .conftest import Team, action, load


def _progress(version: int = 1) -> ProgressUpdate:
    return ProgressUpdate(
        status="in_progress", rag="amber", rag_note="short of staff until March", version=version
    )


def _owned(store: CaseStore, team: Team) -> None:
    load(store, action("A1", owner="navigator"), action("A2", owner="mentor"))


def _denials(store: CaseStore) -> list[AuditEvent]:
    with store.unit_of_work() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.outcome == "denied")))


def _history(store: CaseStore) -> int:
    with store.unit_of_work() as session:
        return len(session.scalars(select(ActionChange)).all())


def test_every_partnership_role_reads_the_plan_and_its_history(
    store: CaseStore, team: Team
) -> None:
    _owned(store, team)
    for actor in (team.coordinator, team.admin, team.analyst, team.board, team.owner):
        assert [a.ref for a in list_actions(actor, store)] == ["A1", "A2"]
        assert get_action(actor, store, "A1").history[0].field == "created"
        rows, demo = export_plan(actor, store)
        assert [r.ref for r in rows] == ["A1", "A2"] and demo is False


def test_an_owner_updates_their_own_action_and_no_one_elses(store: CaseStore, team: Team) -> None:
    _owned(store, team)
    before = _history(store)
    view = update_progress(team.owner, store, "A1", _progress())
    assert view.rag == "amber" and view.can_update
    with pytest.raises(AccessDenied):
        update_progress(team.owner, store, "A2", _progress())
    assert get_action(team.owner, store, "A2").action.rag == "green"
    assert not get_action(team.owner, store, "A2").action.can_update
    assert _history(store) == before + 2  # status unchanged: rag and note, nothing for A2
    denied = _denials(store)
    assert [(e.actor_name, e.record_id, e.detail) for e in denied] == [
        ("navigator", "A2", "plan.update_progress")
    ]


@pytest.mark.parametrize("who", ["board", "analyst", "other"])
def test_readers_who_do_not_own_an_action_cannot_update_it(
    store: CaseStore, team: Team, who: str
) -> None:
    _owned(store, team)
    actor: Actor = getattr(team, who)
    ref = "A1"
    before = _history(store)
    with pytest.raises(PlanAccessDenied):
        update_progress(actor, store, ref, _progress())
    assert _history(store) == before
    assert get_action(team.coordinator, store, ref).action.rag == "green"
    assert len(_denials(store)) == 1


def test_the_coordinator_and_admins_update_any_action(store: CaseStore, team: Team) -> None:
    _owned(store, team)
    update_progress(team.coordinator, store, "A1", _progress())
    update_progress(team.admin, store, "A2", _progress())
    assert {a.rag for a in list_actions(team.board, store)} == {"amber"}


@pytest.mark.parametrize("who", ["board", "analyst", "owner"])
def test_only_managers_import(store: CaseStore, team: Team, who: str) -> None:
    with pytest.raises(AccessDenied):
        import_plan(getattr(team, who), store, [PlanRow(action("B1"))], source="x.xlsx")
    assert list_actions(team.coordinator, store) == []
    assert len(_denials(store)) == 1
    for manager in (team.coordinator, team.admin, plan_operator("cli")):
        import_plan(manager, store, [PlanRow(action("B1"))], source="x.xlsx")
    assert [a.ref for a in list_actions(team.board, store)] == ["B1"]


def test_a_board_member_cannot_own_an_action(store: CaseStore, team: Team) -> None:
    load(store, action("A1", owner="navigator"))
    with pytest.raises(ValueError, match=r"input, owner: 'board' is a board member"):
        load(store, action("A1", owner="board"))
    assert get_action(team.board, store, "A1").action.owner == "navigator"
    # and the rule itself never lets a board member update, even as owner
    assert not plan_allowed(
        team.board, PlanPermission.UPDATE_PROGRESS, PlanResource(team.board.user_id)
    )


def test_deny_by_default() -> None:
    stranger = Actor(7, "x", "visitor", "council")
    assert not any(plan_allowed(stranger, p, PlanResource(7)) for p in PlanPermission)
    assert set(PLAN_RULES) == set(PlanPermission)


def test_managers_assign_owners_and_nobody_else_does(store: CaseStore, team: Team) -> None:
    load(store, action("A1"))
    assert "board" not in assignable_owners(team.coordinator, store)
    assert {"navigator", "mentor", "coord"} <= set(assignable_owners(team.admin, store))
    for who in ("owner", "board", "analyst"):
        with pytest.raises(AccessDenied):
            assign_owner(getattr(team, who), store, "A1", "navigator", 1)
    with pytest.raises(ValueError, match="owner: 'board' is a board member"):
        assign_owner(team.coordinator, store, "A1", "board", 1)
    given = assign_owner(team.coordinator, store, "A1", "navigator", 1)
    assert given.owner == "navigator" and given.version == 2
    update_progress(team.owner, store, "A1", _progress(version=2))  # now theirs to update
    assign_owner(team.admin, store, "A1", None, 3)
    with pytest.raises(AccessDenied):
        update_progress(team.owner, store, "A1", _progress(version=4))
    owners = [
        (c.old_value, c.new_value)
        for c in get_action(team.board, store, "A1").history
        if c.field == "owner"
    ]
    assert owners == [("navigator", None), (None, "navigator")]
