"""Property: any valid plan written as XLSX reads back as the same plan (hypothesis)."""

from __future__ import annotations

import string
from datetime import date, timedelta
from pathlib import Path
from tempfile import TemporaryDirectory

from hypothesis import given, settings
from hypothesis import strategies as st

from upstream.account.actions.schemas import ActionData
from upstream.account.actions.vocab import Domain, Rag, Status
from upstream.account.actions.xlsx import plan_workbook, read_plan, write_plan
from upstream.account.outcomes import load_measures
from upstream.cases.vocab import Agency

_WORDS = string.ascii_letters + string.digits + " &',.()/£é"
text = st.builds(
    lambda first, rest: (first + rest).strip(),
    st.sampled_from(string.ascii_letters),
    st.text(alphabet=_WORDS, min_size=2, max_size=60),
).filter(lambda t: len(t) >= 3)
MEASURE_IDS = sorted(m.id for m in load_measures())  # the ids an action may link to
day = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))


@st.composite
def actions(draw: st.DrawFn, ref: str) -> ActionData:
    start = draw(day)
    rag = draw(st.sampled_from(list(Rag)))
    titles = draw(st.lists(text, max_size=4, unique=True))
    return ActionData(
        ref=ref,
        domain=draw(st.sampled_from(list(Domain))),
        title=draw(text),
        commitment=draw(st.none() | text),
        lead_agency=draw(st.sampled_from(list(Agency))),
        owner=draw(st.none() | st.from_regex(r"[a-z][a-z0-9._-]{2,20}", fullmatch=True)),
        start=start,
        due=start + timedelta(days=draw(st.integers(0, 2000))),
        status=draw(st.sampled_from(list(Status))),
        rag=rag,
        rag_note=draw(
            text.filter(lambda t: len(t) >= 10) if rag != Rag.GREEN else st.none() | text
        ),
        budget_gbp=draw(st.none() | st.integers(0, 10**9).map(lambda p: p / 100)),
        outcome_ids=draw(st.lists(st.sampled_from(MEASURE_IDS), max_size=3)),
        programme=draw(st.none() | st.from_regex(r"[a-z0-9][a-z0-9_-]{0,20}", fullmatch=True)),
        milestones=[
            {"title": t, "due": draw(day), "done_on": draw(st.none() | day)} for t in titles
        ],
    )


@st.composite
def plans(draw: st.DrawFn) -> list[ActionData]:
    n = draw(st.integers(1, 5))
    return [draw(actions(f"R{i}")) for i in range(n)]


@settings(max_examples=40, deadline=None)
@given(plans())
def test_export_then_read_gives_the_same_plan(plan: list[ActionData]) -> None:
    with TemporaryDirectory() as folder:
        path = write_plan(
            plan_workbook(plan, demo=False, exported=date(2026, 12, 2)), Path(folder) / "p.xlsx"
        )
        back = [row.data for row in read_plan(path)]
    assert back == plan
