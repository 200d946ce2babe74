"""The plan's use cases on SQLite and PostgreSQL: history, audit, RAG notes, board order,
all-or-nothing and idempotent imports, append-only history, and the budgets contract."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from pydantic import ValidationError
from sqlalchemy import create_engine, event, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from tests.cases.conftest import fresh_pg_url
from upstream.account.actions import BUDGET_COLUMNS, programme_budgets
from upstream.account.actions.access import plan_operator
from upstream.account.actions.models import ActionChange, PlanAction
from upstream.account.actions.schemas import ProgressUpdate
from upstream.account.actions.service import (
    PlanInputError,
    PlanRow,
    get_action,
    import_plan,
    list_actions,
    plan_size,
    update_progress,
)
from upstream.cases.audit_verify import verify_chain
from upstream.cases.db import CaseStore, database_url
from upstream.cases.dbroles import grant_statements
from upstream.cases.models import AuditEvent
from upstream.cases.service import Conflict, NotFound
from upstream.config import Settings

from .conftest import TODAY, Team, action, load, make_team


def _events(store: CaseStore, prefix: str = "plan.") -> list[AuditEvent]:
    with store.unit_of_work() as session:
        rows = session.scalars(select(AuditEvent).order_by(AuditEvent.id))
        return [e for e in rows if e.action.startswith(prefix)]


def test_a_red_or_amber_rating_needs_a_note() -> None:
    for rag in ("amber", "red"):
        with pytest.raises(ValidationError, match="needs a note"):
            ProgressUpdate(status="in_progress", rag=rag, version=1)
        with pytest.raises(ValidationError, match="needs a note"):
            ProgressUpdate(status="in_progress", rag=rag, rag_note="   late  ", version=1)
        with pytest.raises(ValidationError, match="rag_note"):
            action("X1", rag=rag)
    assert ProgressUpdate(status="in_progress", rag="green", version=1).rag_note is None
    with pytest.raises(ValidationError, match="due date is before the start"):
        action("X1", start=date(2027, 1, 1), due=date(2026, 1, 1))


def test_progress_is_recorded_field_by_field_and_audited(store: CaseStore, team: Team) -> None:
    load(
        store, action("A1", owner="navigator", milestones=[{"title": "Cover", "due": "2026-06-30"}])
    )
    detail = get_action(team.owner, store, "A1")
    milestone = detail.action.milestones[0]
    update_progress(
        team.owner,
        store,
        "A1",
        ProgressUpdate(
            status="in_progress",
            rag="red",
            rag_note="funding ends in October, bid not decided",
            version=detail.action.version,
            milestones_done={milestone.id: date(2026, 7, 2)},
        ),
    )
    after = get_action(team.board, store, "A1")
    assert after.action.rag == "red" and after.action.milestones[0].done_on == date(2026, 7, 2)
    newest = {(c.field, c.old_value, c.new_value, c.by_name) for c in after.history[:3]}
    assert newest == {
        ("rag", "green", "red", "navigator"),
        ("rag_note", None, "funding ends in October, bid not decided", "navigator"),
        ("milestone: Cover", "due 2026-06-30", "due 2026-06-30, done 2026-07-02", "navigator"),
    }
    updates = [e for e in _events(store) if e.action == "plan.action_update"]
    assert len(updates) == 1 and updates[0].record_id == "A1"
    assert updates[0].actor_name == "navigator" and "rag" in (updates[0].detail or "")
    # the same report again changes nothing and records nothing
    again = get_action(team.owner, store, "A1").action
    update_progress(
        team.owner,
        store,
        "A1",
        ProgressUpdate(
            status="in_progress",
            rag="red",
            rag_note="funding ends in October, bid not decided",
            version=again.version,
            milestones_done={milestone.id: date(2026, 7, 2)},
        ),
    )
    assert len(get_action(team.board, store, "A1").history) == len(after.history)
    assert len([e for e in _events(store) if e.action == "plan.action_update"]) == 1
    store.seal_audit()
    assert verify_chain(store).ok


def test_a_stale_version_is_refused(store: CaseStore, team: Team) -> None:
    load(store, action("A1", owner="navigator"))
    report = ProgressUpdate(status="complete", rag="green", version=1)
    update_progress(team.owner, store, "A1", report)
    with pytest.raises(Conflict, match="changed by someone else"):
        update_progress(team.coordinator, store, "A1", report)
    with pytest.raises(NotFound):
        update_progress(team.owner, store, "NOPE", report)
    assert [e.action for e in _events(store, "access.")] == ["access.not_found"]


def test_the_board_sees_overdue_and_red_first(store: CaseStore, team: Team) -> None:
    note = {"rag_note": "reason enough for the board"}
    load(
        store,
        action("G-LATE", due=date(2026, 11, 1)),
        action("GREEN", due=date(2027, 1, 1)),
        action("AMBER", rag="amber", due=date(2026, 12, 31), **note),
        action("RED", rag="red", due=date(2027, 6, 1), **note),
        action("RED-LATE", rag="red", due=date(2026, 12, 1), **note),
        action("DONE-LATE", status="complete", due=date(2026, 1, 1)),
    )
    order = [a.ref for a in list_actions(team.board, store, today=TODAY)]
    assert order == ["RED-LATE", "G-LATE", "RED", "AMBER", "GREEN", "DONE-LATE"]
    overdue = {a.ref for a in list_actions(team.board, store, today=TODAY) if a.overdue}
    assert overdue == {"RED-LATE", "G-LATE"}


def test_an_import_is_all_or_nothing_and_idempotent(store: CaseStore, team: Team) -> None:
    good = [PlanRow(action("A1", owner="navigator")), PlanRow(action("A2"))]
    bad = PlanRow(
        action("A3", owner="nobody"), "plan.xlsx, sheet Actions, row 4", "column F (owner)"
    )
    with pytest.raises(
        PlanInputError,
        match=r"plan.xlsx, sheet Actions, row 4, column F \(owner\): no active user 'nobody'",
    ):
        import_plan(team.coordinator, store, [*good, bad], source="plan.xlsx")
    assert plan_size(store) == 0
    first = import_plan(team.coordinator, store, good, source="plan.xlsx")
    assert (first.created, first.updated, first.unchanged) == (["A1", "A2"], [], [])
    with store.unit_of_work() as session:
        history = len(session.scalars(select(ActionChange)).all())
    again = import_plan(team.coordinator, store, good, source="plan.xlsx")
    assert (again.created, again.updated, again.unchanged) == ([], [], ["A1", "A2"])
    with store.unit_of_work() as session:
        assert len(session.scalars(select(ActionChange)).all()) == history
    changed = import_plan(
        team.coordinator,
        store,
        [PlanRow(action("A2", owner="mentor", budget_gbp=2500))],
        source="p",
    )
    assert changed.updated == ["A2"]
    fields = {
        (c.field, c.old_value, c.new_value) for c in get_action(team.board, store, "A2").history
    }
    assert ("owner", None, "mentor") in fields and ("budget_gbp", "1000.00", "2500.00") in fields
    imports = [e.detail for e in _events(store) if e.action == "plan.import"]
    assert imports == [
        "plan.xlsx: 2 created, 0 changed, 0 unchanged",
        "plan.xlsx: 0 created, 0 changed, 2 unchanged",
        "p: 0 created, 1 changed, 0 unchanged",
    ]


def test_history_is_append_only(store: CaseStore, team: Team) -> None:
    load(store, action("A1"))
    with pytest.raises(PermissionError), store.unit_of_work() as session:
        change = session.scalars(select(ActionChange)).first()
        assert change is not None
        change.new_value = "rewritten"
    for sql in (
        "UPDATE plan_action_changes SET new_value = 'x'",
        "DELETE FROM plan_action_changes",
    ):
        with pytest.raises(DBAPIError), store.engine.begin() as connection:
            connection.execute(text(sql))
    assert get_action(team.board, store, "A1").history[0].new_value == "Action A1"


def test_programme_budgets_contract(store: CaseStore, team: Team) -> None:
    assert list(programme_budgets(store.engine).columns) == list(BUDGET_COLUMNS)
    assert programme_budgets(store.engine).empty
    load(
        store,
        action("A2", budget_gbp=1234.56, programme="navigators"),
        action("A1", budget_gbp=99.5, programme="navigators"),
        action("A3", budget_gbp=None, programme="nobudget"),
        action("A4", programme=None),
    )
    frame = programme_budgets(store.engine)
    assert list(frame.columns) == list(BUDGET_COLUMNS)
    assert frame["action_id"].tolist() == ["A1", "A2"]
    assert frame["budget_gbp"].tolist() == [99.5, 1234.56]
    assert frame["budget_gbp"].dtype == float
    assert frame["start"].tolist() == [date(2026, 1, 1)] * 2
    assert frame["due"].tolist() == [date(2027, 3, 31)] * 2
    assert (frame["programme"] == "navigators").all()
    assert pd.api.types.is_string_dtype(frame["title"])
    assert plan_size(store) == 4
    assert list_actions(plan_operator("t"), store)[0].ref == "A1"


def test_the_app_role_adds_history_but_cannot_change_it(postgres_url: str, tmp_path: Path) -> None:
    owner_url = fresh_pg_url(postgres_url)
    owner = create_engine(database_url(Settings(database_url=owner_url)))
    with owner.begin() as connection:
        connection.execute(text("CREATE ROLE plan_app LOGIN PASSWORD 'plan-app-secret'"))
        for statement in grant_statements("plan_app"):
            connection.execute(text(statement))
    owner.dispose()
    rest = owner_url.split("//", 1)[1].split("@", 1)[-1]
    settings = Settings(
        data_dir=tmp_path / "var", database_url=f"postgresql://plan_app:plan-app-secret@{rest}"
    )
    app_store = CaseStore(database_url(settings), settings)
    load(app_store, action("A1"))
    load(app_store, action("A1", title="Renamed action"))
    assert [c.field for c in get_action(plan_operator("t"), app_store, "A1").history] == [
        "title",
        "created",
    ]
    for sql in (
        "UPDATE plan_action_changes SET new_value = 'x'",
        "DELETE FROM plan_action_changes",
        "TRUNCATE plan_action_changes",
    ):
        with pytest.raises(DBAPIError) as refused, app_store.engine.begin() as connection:
            connection.execute(text(sql))
        assert "permission denied" in str(refused.value)
    app_store.dispose()


def test_two_reports_at_once_the_second_is_a_conflict(
    pg_store: CaseStore, password_hash: str
) -> None:
    """Both reports read version 1; the other one commits between this one's read and write
    (PostgreSQL: SQLite's writers take the lock at the start, so they never interleave)."""
    store = pg_store
    team = make_team(store, password_hash)
    load(store, action("A1", owner="navigator"))
    fired: list[bool] = []

    def meanwhile(session: Session, _context: object, _instances: object) -> None:
        if fired or not any(isinstance(o, PlanAction) for o in session.dirty):
            return
        fired.append(True)
        with store.engine.begin() as other:
            other.execute(text("UPDATE plan_actions SET version = version + 1, status = 'stopped'"))

    event.listen(Session, "before_flush", meanwhile)
    try:
        with pytest.raises(Conflict, match="changed by someone else"):
            update_progress(
                team.owner, store, "A1", ProgressUpdate(status="complete", rag="green", version=1)
            )
    finally:
        event.remove(Session, "before_flush", meanwhile)
    assert fired and get_action(team.board, store, "A1").action.status == "stopped"
