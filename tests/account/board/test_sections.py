"""The pack's items from real inputs: action-plan exceptions, the resident survey (present or
not) and the RAG of outcome measures."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from upstream.account.actions.schemas import ActionView
from upstream.account.actions.vocab import Rag, Status
from upstream.account.board.pack import survey_summary
from upstream.account.board.sections import (
    STALE_DAYS,
    actions_item,
    evaluation_item,
    first_sentences,
    resident_item,
)
from upstream.account.survey import ingest_survey
from upstream.config import Settings
from upstream.ingest import discover
from upstream.report.model import Notice, Table
from upstream.synth.survey import write_demo_survey

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


def test_no_survey_held_gives_none(tmp_path: Any) -> None:
    assert survey_summary(Settings(data_dir=tmp_path)) is None
    assert resident_item(None, 8).summary == "Not available: no resident survey loaded."


def test_the_imported_survey_flows_into_the_pack(tmp_path: Any) -> None:
    """The synthetic survey imported as real microdata would be: its board summary (the
    survey's own estimates) is the pack's resident-insight item, labelled synthetic."""
    settings = Settings(data_dir=tmp_path)
    areas = [(f"E02{900 + i:06d}", 180_000.0 + 400 * i) for i in range(20)]
    paths = write_demo_survey(tmp_path / "survey-files", areas)
    inputs, _ = discover(paths, police_uk=False)
    ingest_survey(inputs, settings.data_dir, quarantine_dir=settings.quarantine_dir)
    summary = survey_summary(settings)
    assert summary is not None and summary["synthetic"]
    item = resident_item(summary, 8)
    assert item.synthetic and item.available
    assert item.summary == summary["reading"] and item.summary.startswith("SYNTHETIC")
    table = next(b for b in item.section.blocks if isinstance(b, Table))
    first = summary["headline"][0]
    assert len(table.rows) == len(summary["headline"])
    assert table.rows[0][0] == first["label"]
    assert table.rows[0][1] == f"{100 * first['estimate']:.0f}%"
    assert table.rows[0][2] == f"{100 * first['ci_low']:.0f}% to {100 * first['ci_high']:.0f}%"
    assert "SYNTHETIC" in table.caption


def test_first_sentences() -> None:
    text = (
        "After the start, x fell (95% interval 0.35 to 0.67); chance is unlikely. Then more. End."
    )
    assert first_sentences(text) == text.removesuffix(" End.")
    assert first_sentences(text, 1) == text.split(" Then")[0]


def test_the_evaluation_power_rows_name_the_strategys_figure_and_its_size() -> None:
    """The power rows keep how many offences a year each is (the labels no longer say it)."""
    from upstream.account.evaluation.page import HEADLINE_RATES
    from upstream.account.evaluation.power import minimum_detectable_effect

    mde = [
        {"label": label, "per_year": rate,
         "trend": minimum_detectable_effect(rate, pre_months=36, post_months=24).summary(),
         "flat": minimum_detectable_effect(rate, pre_months=36, post_months=24,
                                           trend=False).summary()}
        for label, rate in HEADLINE_RATES
    ]  # fmt: skip
    item = evaluation_item({"mde": mde}, 7)
    table = next(b for b in item.section.blocks if isinstance(b, Table))
    assert [row[0] for row in table.rows] == [
        "Knife-injury offences, victims under 25: the strategy's baseline (40 a year)",
        "Knife-injury offences, victims under 25: the strategy's latest figure (52 a year)",
        "Knife-injury offences, victims under 18: the strategy's baseline (11 a year)",
        "Knife-injury offences, victims under 18: the strategy's latest figure (30 a year)",
    ]
