"""Assemble the board pack of a quarter: every item, in the order the board reads them.

:func:`build_pack` reads the stores named by the settings (event store, case store through
aggregates only, action plan, plan and evaluation caches) and the resident survey when one
is held; it writes nothing.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from upstream.account.board.quarter import Quarter
from upstream.account.board.sections import (
    PackItem,
    actions_item,
    deployment_item,
    evaluation_item,
    headline_item,
    outcomes_item,
    people_item,
    resident_item,
    urgent_item,
)
from upstream.account.survey import survey_board_summary
from upstream.config import Settings

__all__ = ["BoardPack", "build_pack", "survey_summary"]


@dataclass
class BoardPack:
    """The pack: its quarter, its items and whether any item shows synthetic data."""

    area_name: str
    quarter: Quarter
    generated: str
    items: list[PackItem]

    @property
    def synthetic(self) -> bool:
        """True when any item shows synthetic (generated) data."""
        return any(i.synthetic for i in self.items)

    def item(self, item_id: str) -> PackItem:
        """The item called ``item_id``."""
        return next(i for i in self.items if i.id == item_id)


def survey_summary(settings: Settings) -> Mapping[str, Any] | None:
    """The resident survey's board summary, or None when no survey is held."""
    return survey_board_summary(settings)


def _actions(settings: Settings, today: date) -> tuple[list[Any] | None, str]:
    from sqlalchemy import inspect

    from upstream.account.actions.access import plan_operator
    from upstream.account.actions.models import PlanAction
    from upstream.account.actions.service import list_actions
    from upstream.cases.db import case_store, database_url

    url = database_url(settings)
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        return None, "there is no case store, so no action plan."
    store = case_store(settings)
    if not inspect(store.engine).has_table(PlanAction.__tablename__):
        return None, "the case store has no action plan tables (upstream cases migrate)."
    actions = list_actions(plan_operator("board-pack"), store, today=today)
    if not actions:
        return None, "the action plan is empty (upstream actions import FILE)."
    return actions, ""


def _evaluation(settings: Settings) -> tuple[dict[str, Any] | None, str]:
    from upstream.account.evaluation.page import cached_evaluation_page

    try:
        return cached_evaluation_page(settings), ""
    except (ValueError, RuntimeError, OSError) as exc:
        return None, f"the evaluation could not be computed ({exc})."


def _plan(settings: Settings) -> dict[str, Any]:
    from upstream.events import EventStore
    from upstream.plan.summary import cached_plan_section

    return cached_plan_section(EventStore(settings.events_dir), settings)


def build_pack(settings: Settings, quarter: Quarter, *, today: date | None = None) -> BoardPack:
    """Compute every item of the board pack for ``quarter``."""
    from upstream.account.actions.service import today_in_london
    from upstream.account.outcomes.compute import compute_all
    from upstream.account.outcomes.definitions import load_measures
    from upstream.analysis.disparity import load_population_shares
    from upstream.area import area_from_settings, definitions_from_settings
    from upstream.report.inputs import load_inputs

    today = today or today_in_london()
    area = area_from_settings(settings)
    data = load_inputs(settings, area, definitions_from_settings(settings))
    populations = os.environ.get("UPSTREAM_POPULATIONS_FILE")
    shares = load_population_shares(Path(populations) if populations else None)
    results = compute_all(settings, load_measures(), end=quarter.last_month)
    actions, why_actions = _actions(settings, today)
    evaluation, why_evaluation = _evaluation(settings)
    items = [
        headline_item(data, quarter, 1),
        outcomes_item(results, 2),
        actions_item(actions, today, 3, why_actions),
        urgent_item(settings, quarter, 4),
        people_item(data, shares, 5),
        deployment_item(_plan(settings), 6),
        evaluation_item(evaluation, 7, why_evaluation),
        resident_item(survey_summary(settings), 8),
    ]
    return BoardPack(
        area_name=area.name,
        quarter=quarter,
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        items=items,
    )
