"""The plan's XLSX on a real workbook (openpyxl) and through the real CLI: bad rows refused
naming file, sheet, row and column, nothing stored; export then import round-trips; the
same file imported twice changes nothing. The CLI runs on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select
from typer.testing import CliRunner

from tests.cases.conftest import fresh_pg_url
from upstream.account.actions.access import plan_operator
from upstream.account.actions.models import ActionChange, PlanAction
from upstream.account.actions.service import export_plan, get_action, import_plan, list_actions
from upstream.account.actions.xlsx import (
    ACTION_COLUMNS,
    PlanFileError,
    plan_workbook,
    read_plan,
    write_plan,
)
from upstream.cases.audit import AuditKind
from upstream.cases.db import CaseStore, case_store, dispose_all
from upstream.cases.models import AuditEvent
from upstream.cli import app
from upstream.config import get_settings

from .conftest import action

runner = CliRunner()

HEADER = ["Ref", "Domain", "Action", "Lead agency", "Owner", "Start", "Due", "Status", "RAG",
          "RAG note", "Budget GBP", "Outcome measures", "Programme"]  # fmt: skip


def _row(ref: str, **over: Any) -> list[Any]:
    values = {
        "Ref": ref,
        "Domain": "Support",
        "Action": f"Streetbase outreach {ref}",
        "Lead agency": "Voluntary",
        "Owner": None,
        "Start": datetime(2026, 4, 1),
        "Due": "31/03/2028",
        "Status": "In progress",
        "RAG": "G",
        "RAG note": None,
        "Budget GBP": "£150,000",
        "Outcome measures": "reached_in_time; offer_acceptance",
        "Programme": "streetbase",
    }
    values.update(over)
    return [values[h] for h in HEADER]


def _book(path: Path, rows: list[list[Any]], milestones: list[list[Any]] | None = None) -> Path:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "Actions"
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    if milestones is not None:
        steps = book.create_sheet("Milestones")
        steps.append(["ref", "milestone", "due", "done_on"])
        for m in milestones:
            steps.append(m)
    book.save(path)
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The CLI's case store: the test's SQLite file, or a fresh PostgreSQL database."""
    if request.param == "postgresql":
        url = fresh_pg_url(request.getfixturevalue("postgres_url"))
        monkeypatch.setenv("DATABASE_URL", url)
    yield request.param
    dispose_all()


def _count(model: Any) -> int:
    store = case_store(get_settings())
    with store.unit_of_work() as session:
        return int(session.scalar(select(func.count(model.id))) or 0)


def test_a_good_workbook_reads_every_kind_of_cell(tmp_path: Path) -> None:
    path = _book(
        tmp_path / "plan.xlsx",
        [_row("SU-1"), _row("SU-2", RAG="Red", **{"RAG note": "two workers off sick"})],
        [["SU-1", "Evening cover", datetime(2026, 9, 30), None],
         ["SU-1", "Weekend cover", "2026-12-31", "2026-12-20"]],
    )  # fmt: skip
    rows = read_plan(path)
    first = rows[0].data
    assert (first.ref, first.domain, first.lead_agency, first.status, first.rag) == (
        "SU-1", "support", "voluntary", "in_progress", "green"
    )  # fmt: skip
    assert (first.start, first.due, first.budget_gbp) == (
        date(2026, 4, 1),
        date(2028, 3, 31),
        150000,
    )
    assert first.outcome_ids == ["reached_in_time", "offer_acceptance"]
    assert [(m.title, m.done_on) for m in first.milestones] == [
        ("Evening cover", None),
        ("Weekend cover", date(2026, 12, 20)),
    ]
    assert rows[1].data.rag == "red" and rows[0].where == "plan.xlsx, sheet Actions, row 2"
    assert rows[0].owner_column == "column E (owner)"


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([_row("A1"), _row("A2", Domain="Prevent")],
         "plan.xlsx, sheet Actions, row 3, column B (domain): 'Prevent' is not one of: "
         "strengthen, support, treat, curtail"),
        ([_row("A1", Due="next year")],
         "plan.xlsx, sheet Actions, row 2, column G (due): 'next year' is not a date"),
        ([_row("A1", RAG="Amber")],
         "plan.xlsx, sheet Actions, row 2, column J (rag_note): an amber rating needs a note"),
        ([_row("A1", Start=datetime(2029, 1, 1))],
         "plan.xlsx, sheet Actions, row 2, column G (due): the due date is before the start"),
        ([_row("A1"), _row("A1")],
         "plan.xlsx, sheet Actions, row 3, column A (ref): reference 'A1' already used in row 2"),
        ([_row("A1", **{"Budget GBP": "lots"})],
         "plan.xlsx, sheet Actions, row 2, column K (budget_gbp): 'lots' is not an amount"),
        ([_row("A1", Action=None)],
         "plan.xlsx, sheet Actions, row 2, column C (action): Field required"),
        ([_row("A1", **{"Outcome measures": "Knife Injuries!"})],
         "plan.xlsx, sheet Actions, row 2, column L (outcome_measures): String should match"),
        ([_row("A1"), _row("A2", **{"Outcome measures": "reached_in_time, knife_injury_u52"})],
         "plan.xlsx, sheet Actions, row 3, column L (outcome_measures): 'knife_injury_u52' is "
         "not a measure of outcomes.toml (did you mean 'knife_injury_u25'?)"),
        ([_row("A1", **{"Outcome measures": "zzz"})],
         "plan.xlsx, sheet Actions, row 2, column L (outcome_measures): 'zzz' is not a measure "
         "of outcomes.toml (known: ete_participation, knife_injury_u18, knife_injury_u25, "),
    ],
)  # fmt: skip
def test_bad_rows_are_named_by_row_and_column(
    tmp_path: Path, rows: list[list[Any]], message: str
) -> None:
    with pytest.raises(PlanFileError) as refused:
        read_plan(_book(tmp_path / "plan.xlsx", rows))
    assert refused.value.problems[0].startswith(message), refused.value.problems


MEASURES = """
[[measure]]
id = "our_own_measure"
name = "A partnership's own measure"
source = "police_uk_street"
unit = "count"
direction = "lower"
baseline = { start = "2016-04", end = "2017-03" }
"""


def test_outcome_ids_are_checked_against_the_measures_file_given(tmp_path: Path) -> None:
    own = _book(tmp_path / "own.xlsx", [_row("A1", **{"Outcome measures": "our_own_measure"})])
    with pytest.raises(PlanFileError, match=r"'our_own_measure' is not a measure of outc"):
        read_plan(own)
    toml = tmp_path / "ours.toml"
    toml.write_text(MEASURES, encoding="utf-8")
    assert read_plan(own, measures=toml)[0].data.outcome_ids == ["our_own_measure"]
    with pytest.raises(PlanFileError) as refused:
        read_plan(_book(tmp_path / "plan.xlsx", [_row("A1")]), measures=toml)
    assert refused.value.problems == [
        f"plan.xlsx, sheet Actions, row 2, column L (outcome_measures): 'reached_in_time' is "
        f"not a measure of {toml} (known: our_own_measure)",
        f"plan.xlsx, sheet Actions, row 2, column L (outcome_measures): 'offer_acceptance' is "
        f"not a measure of {toml} (known: our_own_measure)",
    ]
    with pytest.raises(PlanFileError, match=r"nowhere.toml: measures file not found"):
        read_plan(own, measures=tmp_path / "nowhere.toml")


def test_bad_headers_and_files(tmp_path: Path) -> None:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.append(["ref", "domain", "action", "colour", "start", "due"])
    book.save(tmp_path / "odd.xlsx")
    with pytest.raises(PlanFileError) as refused:
        read_plan(tmp_path / "odd.xlsx")
    assert refused.value.problems == [
        "odd.xlsx, sheet Sheet, row 1, column D: unknown column 'colour' (known: "
        + ", ".join(ACTION_COLUMNS)
        + ")",
        "odd.xlsx, sheet Sheet, row 1: required column 'lead_agency' is missing",
    ]
    (tmp_path / "text.xlsx").write_text("ref,domain\n", encoding="utf-8")
    with pytest.raises(PlanFileError, match=r"text.xlsx: not an XLSX workbook"):
        read_plan(tmp_path / "text.xlsx")
    orphan = _book(tmp_path / "orphan.xlsx", [_row("A1")], [["ZZ", "Step", "2026-01-01", None]])
    with pytest.raises(PlanFileError, match=r"sheet Milestones, row 2: no action 'ZZ'"):
        read_plan(orphan)


def test_export_then_import_round_trips_and_neutralises_formulas(tmp_path: Path) -> None:
    actions = [
        action(
            "A1", title='=HYPERLINK("http://x")', milestones=[{"title": "M", "due": "2026-05-01"}]
        ),
        action(
            "A2", rag="red", rag_note="+44 call the lead first", outcome_ids=["knife_injury_u25"]
        ),
    ]
    path = write_plan(
        plan_workbook(actions, demo=True, exported=date(2026, 12, 2)), tmp_path / "o.xlsx"
    )
    book = load_workbook(path)
    assert book.sheetnames == ["Actions", "Milestones", "About"]
    cell = book["Actions"]["C2"]
    assert cell.data_type == "s" and str(cell.value).startswith("'=")
    assert "DEMO" in str(book["About"]["A3"].value)
    back = read_plan(path)
    assert back[1].data == actions[1].model_copy(update={"rag_note": "'+44 call the lead first"})
    assert back[0].data.milestones == actions[0].milestones
    assert back[0].data.title == "'" + actions[0].title


def test_cli_import_is_all_or_nothing_then_idempotent(tmp_path: Path, database: str) -> None:
    bad = _book(tmp_path / "plan.xlsx", [_row("A1"), _row("A2", Owner="nobody"), _row("A3")])
    result = runner.invoke(app, ["actions", "import", str(bad)])
    assert result.exit_code == 1
    assert "plan.xlsx, sheet Actions, row 3, column E (owner): no active user 'nobody'" in (
        result.output
    )
    assert "nothing imported" in result.output
    assert _count(PlanAction) == 0
    broken = _book(tmp_path / "broken.xlsx", [_row("A1", RAG="R"), _row("A2", Due="soon")])
    result = runner.invoke(app, ["actions", "import", str(broken)])
    assert result.exit_code == 1
    assert (
        "row 2, column J (rag_note)" in result.output and "row 3, column G (due)" in result.output
    )
    assert "nothing imported (2 problem(s))" in result.output

    good = _book(tmp_path / "good.xlsx", [_row("A1"), _row("A2"), _row("A3")])
    result = runner.invoke(app, ["actions", "import", str(good)])
    assert result.exit_code == 0, result.output
    assert "3 added, 0 changed, 0 unchanged" in result.output
    history = _count(ActionChange)
    result = runner.invoke(app, ["actions", "import", str(good)])
    assert "0 added, 0 changed, 3 unchanged" in result.output
    assert _count(ActionChange) == history and _count(PlanAction) == 3

    out = tmp_path / "export.xlsx"
    result = runner.invoke(app, ["actions", "export", "--out", str(out)])
    assert result.exit_code == 0 and "wrote 3 actions" in result.output
    assert [r.data.ref for r in read_plan(out)] == ["A1", "A2", "A3"]
    result = runner.invoke(app, ["actions", "import", str(out)])
    assert "0 added, 0 changed, 3 unchanged" in result.output
    listed = runner.invoke(app, ["actions", "list"], terminal_width=200)
    assert listed.exit_code == 0 and "Streetbase outreach A1" in listed.output
    store = case_store(get_settings())
    with store.unit_of_work() as session:
        actors = {e.actor_name for e in session.scalars(select(AuditEvent))}
    assert actors == {"system:cli-import", "system:cli-export"}  # a list is not a change
    assert [a.ref for a in list_actions(plan_operator("t"), store)] == ["A1", "A2", "A3"]
    assert len(export_plan(plan_operator("t"), store)[0]) == 3


def _stored() -> list[Any]:
    """Every action as stored, the history rows and the audit events other than exports
    (reading the plan here is an audited export)."""
    store = case_store(get_settings())
    actions, _ = export_plan(plan_operator("t"), store)
    with store.unit_of_work() as session:
        events = session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    return [actions, _count(ActionChange), [e for e in events if e != AuditKind.PLAN_EXPORT]]


def test_the_shipped_demo_plan_imports_and_a_typo_in_an_outcome_id_changes_nothing(
    tmp_path: Path, database: str
) -> None:
    from upstream.account.actions.demo import DEMO_PLAN, demo_rows

    demo = [row.data for row in demo_rows(set())]
    shipped = write_plan(plan_workbook(demo, demo=True, exported=date(2026, 12, 2)),
                         tmp_path / "demo.xlsx")  # fmt: skip
    result = runner.invoke(app, ["actions", "import", str(shipped)])
    assert result.exit_code == 0, result.output
    assert f"{len(DEMO_PLAN)} added, 0 changed, 0 unchanged" in result.output
    before = _stored()

    typo = [a.model_copy(update={"title": a.title + " (revised)"}) for a in demo]
    index = next(i for i, a in enumerate(typo) if a.outcome_ids == ["knife_injury_u25"])
    typo[index] = typo[index].model_copy(update={"outcome_ids": ["knife_injury_u52"]})
    path = write_plan(plan_workbook(typo, demo=True, exported=date(2026, 12, 2)),
                      tmp_path / "typo.xlsx")  # fmt: skip
    result = runner.invoke(app, ["actions", "import", str(path)])
    assert result.exit_code == 1
    text = " ".join(result.output.split())
    assert (
        f"typo.xlsx, sheet Actions, row {index + 2}, column M (outcome_measures): "
        "'knife_injury_u52' is not a measure of outcomes.toml (did you mean "
        "'knife_injury_u25'?)"
    ) in text
    assert "nothing imported (1 problem(s))" in text
    assert _stored() == before  # no title changed, no history, no audit event


def test_cli_as_a_user_applies_their_rights(tmp_path: Path, database: str) -> None:
    from tests.cases.conftest import PASSWORD, add_user
    from upstream.cases.vocab import Agency, Purpose, Role

    store = case_store(get_settings())
    store.migrate()
    add_user(store, "board", Role.BOARD, Agency.POLICE)
    good = _book(tmp_path / "good.xlsx", [_row("A1")])
    result = runner.invoke(
        app,
        ["actions", "import", str(good), "--as", "board", "--purpose", "oversight",
         "--password-stdin"],
        input=PASSWORD + "\n",
    )  # fmt: skip
    assert result.exit_code == 1 and "may not plan.manage" in result.output
    assert _count(PlanAction) == 0
    result = runner.invoke(
        app,
        ["actions", "export", "--out", str(tmp_path / "b.xlsx"), "--as", "board", "--purpose",
         Purpose.OVERSIGHT.value, "--password-stdin"],
        input=PASSWORD + "\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        app,
        ["actions", "list", "--as", "board", "--password-stdin"],  # coordination: not a board's
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 1 and "cannot open a session" in result.output


def test_a_workbook_without_milestones_leaves_them_alone(tmp_path: Path, store: CaseStore) -> None:
    operator = plan_operator("t")
    steps = [["A1", "Evening cover", "2026-09-30", None]]
    with_steps = _book(tmp_path / "a.xlsx", [_row("A1")], steps)
    import_plan(operator, store, read_plan(with_steps), source="a.xlsx")
    without = _book(tmp_path / "b.xlsx", [_row("A1", Action="Streetbase, renamed")])
    assert import_plan(operator, store, read_plan(without), source="b.xlsx").updated == ["A1"]
    kept = get_action(operator, store, "A1").action
    assert [m.title for m in kept.milestones] == ["Evening cover"]
    emptied = _book(tmp_path / "c.xlsx", [_row("A1", Action="Streetbase, renamed")], [])
    import_plan(operator, store, read_plan(emptied), source="c.xlsx")
    assert get_action(operator, store, "A1").action.milestones == []
    fields = [c.field for c in get_action(operator, store, "A1").history]
    assert fields == ["milestone: Evening cover", "title", "milestone: Evening cover", "created"]
