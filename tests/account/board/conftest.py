"""Real stores for the board pack: what ``make run`` loads (the outcome tests' fixture)."""

from __future__ import annotations

import pytest

from tests.account.outcomes.conftest import demo_settings  # noqa: F401 (a fixture)
from upstream.account.actions.service import today_in_london
from upstream.account.board.quarter import Quarter


@pytest.fixture(scope="session")
def this_quarter() -> Quarter:
    """The quarter of today (London): the demo case store's incidents are from the last
    ten weeks, so this quarter always holds some."""
    today = today_in_london()
    return Quarter(today.year, (today.month - 1) // 3 + 1)
