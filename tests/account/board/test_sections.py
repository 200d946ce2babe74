"""The pack's items from real inputs: action-plan exceptions, the resident survey (present or
not) and the RAG of outcome measures."""

from __future__ import annotations

import sys
import types
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from upstream.account.actions.schemas import ActionView
from upstream.account.actions.vocab import Rag, Status
from upstream.account.board.pack import survey_summary
from upstream.account.board.sections import (
    STALE_DAYS,
    actions_item,
    first_sentences,
    resident_item,
)
from upstream.config import Settings
from upstream.report.model import Notice, Table

TODAY = date(2025, 6, 30)


def _action(ref: str, due: date, status: Status, rag: Rag, updated_days_ago: int) -> ActionView:
    return ActionView(
        id=1, ref=ref, domain="support", title=f"Action {ref}", commitment=None,
        lead_agency="council", owner="someone", owner_id=3, start=date(2024, 1, 1), due=due,
        status=status, rag=rag, rag_note=None, budget_gbp=None, outcome_ids=[],
        programme=None, demo=False, version=1,
        updated_at=datetime.combine(TODAY, datetime.min.time(), UTC)
        - timedelta(days=updated_days_ago),
        overdue=status in (Status.NOT_STARTED, Status.IN_PROGRESS) and due < TODAY,
        milestones=[],
    )  # fmt: skip


def test_action_exceptions_are_overdue_red_or_stale_and_open() -> None:
    actions = [
        _action("A1", date(2025, 5, 1), Status.IN_PROGRESS, Rag.GREEN, 5),  # overdue
        _action("A2", date(2025, 9, 1), Status.IN_PROGRESS, Rag.RED, 5),  # red
        _action("A3", date(2025, 9, 1), Status.NOT_STARTED, Rag.AMBER, STALE_DAYS + 1),  # stale
        _action("A4", date(2025, 9, 1), Status.IN_PROGRESS, Rag.AMBER, STALE_DAYS - 1),  # fine
        _action("A5", date(2025, 1, 1), Status.COMPLETE, Rag.RED, 400),  # closed: never listed
    ]
    item = actions_item(actions, TODAY, 3)
    table = next(b for b in item.section.blocks if isinstance(b, Table))
    listed = {row[0]: row[5] for row in table.rows}
    assert listed == {"A1": "overdue", "A2": "red", "A3": f"no update in {STALE_DAYS} days"}
    assert item.summary == (
        f"4 of 5 actions are still open: 1 overdue, 1 rated red and 1 with no update in "
        f"{STALE_DAYS} days (3 exceptions listed)."
    )


def test_no_plan_is_said_plainly() -> None:
    item = actions_item(None, TODAY, 3, "the action plan is empty (upstream actions import FILE).")
    assert not item.available
    assert isinstance(item.section.blocks[0], Notice)
    assert item.summary == "Not available: the action plan is empty (upstream actions import FILE)."


def test_survey_absent_on_this_branch_gives_none(tmp_path: Any) -> None:
    assert "upstream.account.survey" not in sys.modules
    assert survey_summary(Settings(data_dir=tmp_path)) is None
    assert resident_item(None, 8).summary == "Not available: no resident survey loaded."


def test_survey_summary_flows_into_the_pack(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The survey helper's contract: ``survey_board_summary(settings) -> dict | None``."""
    seen: list[Settings] = []

    def survey_board_summary(settings: Settings) -> dict[str, Any]:
        seen.append(settings)
        return {
            "headline": [{"question": "worry_knife_crime", "estimate": 0.412, "ci_low": 0.371,
                          "ci_high": 0.455, "n": 812, "n_eff": 640.2, "wave": "2025-03"}],
            "reading": "Two in five residents worry about knife crime.",
            "synthetic": True,
        }  # fmt: skip

    module = types.ModuleType("upstream.account.survey")
    module.survey_board_summary = survey_board_summary  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "upstream.account.survey", module)
    settings = Settings(data_dir=tmp_path)
    item = resident_item(survey_summary(settings), 8)
    assert seen == [settings]
    assert item.synthetic and item.available
    assert item.summary == "Two in five residents worry about knife crime."
    table = next(b for b in item.section.blocks if isinstance(b, Table))
    assert table.rows == [["worry_knife_crime", "41%", "37% to 46%", "812", "2025-03"]]
    assert "SYNTHETIC" in table.caption


def test_first_sentences() -> None:
    text = (
        "After the start, x fell (95% interval 0.35 to 0.67); chance is unlikely. Then more. End."
    )
    assert first_sentences(text) == text.removesuffix(" End.")
    assert first_sentences(text, 1) == text.split(" Then")[0]
