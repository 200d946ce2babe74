"""``upstream board-pack`` end to end on the stores ``make run`` loads (SYNTHETIC partnership
data, the demo case store and action plan, the bundled real police.uk data)."""

from __future__ import annotations

import re
from datetime import date
from html import unescape
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from upstream.account.board.quarter import Quarter
from upstream.cases.db import case_store
from upstream.cases.models import Contact, Incident, Involvement, Person
from upstream.cli import app
from upstream.config import Settings
from upstream.report.profile import plotly_js

runner = CliRunner()

ITEMS = ["headline", "outcomes", "actions", "urgent", "people", "deployment", "evaluation",
         "residents"]  # fmt: skip


@pytest.fixture(scope="module")
def pack(
    demo_settings: Settings, this_quarter: Quarter, tmp_path_factory: pytest.TempPathFactory
) -> str:
    out = tmp_path_factory.mktemp("pack") / "pack.html"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("UPSTREAM_DATA_DIR", str(demo_settings.data_dir))
        args = ["board-pack", "--quarter", this_quarter.label, "--out", str(out)]
        result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "includes SYNTHETIC data" in result.output
    assert not list(out.parent.glob(".*"))  # no temporary file left behind
    return out.read_text("utf-8").replace(str(plotly_js()), "")


def _text(html: str) -> str:
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
    return re.sub(r" ([:;,.])", r"\1", text)


def test_two_summary_pages_then_every_item_in_detail(pack: str) -> None:
    first, second = pack.index('data-summary-page="1"'), pack.index('data-summary-page="2"')
    details = [pack.index(f'<section class="item" id="{i}"') for i in ITEMS]
    assert first < second < details[0]
    assert details == sorted(details)
    for item in ITEMS:  # every item has its message on the first summary page
        assert f'<li class="message" data-item="{item}">' in pack[first:second]
    assert "break-after: page" in pack and "break-before: page" in pack
    assert "nav.packnav, .no-print { display: none !important; }" in pack
    assert "cdn" not in pack.lower() and 'src="http' not in pack


def test_synthetic_parts_are_labelled(pack: str) -> None:
    assert 'id="synthetic-banner"' in pack
    for item in ("headline", "outcomes", "urgent", "actions"):
        head = re.search(rf'<h2 id="{item}-h">[^\n]*', pack)
        assert head is not None and "SYNTHETIC" in head.group(0), item


def test_the_demo_survey_is_resident_insight(pack: str) -> None:
    """make run loads the synthetic resident survey: its reading leads the item."""
    text = _text(pack)
    assert "SYNTHETIC survey (demonstration data, not residents" in text
    assert "no resident survey loaded" not in text
    head = re.search(r'<h2 id="residents-h">[^\n]*', pack)
    assert head is not None and "SYNTHETIC" in head.group(0)


def test_urgent_response_matches_the_case_store(
    pack: str, demo_settings: Settings, this_quarter: Quarter
) -> None:
    """Counted here independently: every involvement of an incident recorded in the quarter,
    the people (not merged) behind them, and their offers."""
    start, end = this_quarter.bounds()
    store = case_store(demo_settings)
    with store.unit_of_work() as session:
        people = {
            p
            for p in session.scalars(
                select(Person)
                .join(Involvement, Involvement.person_id == Person.id)
                .join(Incident, Incident.id == Involvement.incident_id)
                .where(Incident.recorded_at >= start, Incident.recorded_at < end)
            )
            if p.merged_into_id is None
        }
        offered = sum(bool(p.offers) for p in people)
        in_time = sum(
            any(o.reached_at is not None and o.reached_at <= o.due_at for o in p.offers)
            for p in people
        )
    assert people, "the demo case store should hold incidents in the current quarter"
    text = _text(pack)
    assert (
        f"In {this_quarter.label}, {len(people)} young people were linked to incidents: {offered} ("
    ) in text
    assert re.search(rf"and {in_time} \(\d+%\) were reached within the offer's deadline", text)


def test_no_personal_field_from_the_case_store_appears(pack: str, demo_settings: Settings) -> None:
    store = case_store(demo_settings)
    with store.unit_of_work() as session:
        people = list(session.scalars(select(Person)))
        notes = [c.notes for c in session.scalars(select(Contact)) if c.notes]
        incidents = list(session.scalars(select(Incident)))
        values: set[str] = set()
        for p in people:
            values.add(p.pseudonym)
            if p.given_name and p.family_name:
                values.add(f"{p.given_name} {p.family_name}")
            if p.date_of_birth:
                values.update({p.date_of_birth.isoformat(), p.date_of_birth.strftime("%d/%m/%Y")})
            values.update(v for v in (p.address, p.school, p.health_notes) if v)
        values.update(notes)
        values.update(i.summary for i in incidents if i.summary)
        values.update(i.event_ref for i in incidents if i.event_ref)
    assert len(people) > 50 and any(p.given_name for p in people) and notes
    leaked = sorted(v for v in values if v in pack)
    assert leaked == []


def test_a_pack_for_an_empty_quarter_says_what_is_missing(
    demo_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("UPSTREAM_DATA_DIR", str(demo_settings.data_dir))
    out = tmp_path / "old.html"
    result = runner.invoke(app, ["board-pack", "--quarter", "2019Q1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = _text(out.read_text("utf-8").replace(str(plotly_js()), ""))
    assert "the case store holds no young people linked to incidents recorded in 2019Q1" in text
    assert date.today().year > 2019


@pytest.mark.parametrize("bad", ["2024Q5", "2024-04"])
def test_bad_quarter_is_refused_and_nothing_written(
    bad: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("UPSTREAM_DATA_DIR", str(tmp_path / "var"))
    out = tmp_path / "pack.html"
    result = runner.invoke(app, ["board-pack", "--quarter", bad, "--out", str(out)])
    assert result.exit_code == 1
    assert f"--quarter: '{bad}' is not a quarter in YYYYQn form" in result.output
    assert not out.exists()


def test_every_outcome_measure_has_the_rag_of_its_verdict(
    pack: str, demo_settings: Settings, this_quarter: Quarter
) -> None:
    from upstream.account.outcomes import compute_all, load_measures

    expected = {"better than baseline": "GREEN", "worse than baseline": "RED"}
    results = compute_all(demo_settings, load_measures(), end=this_quarter.last_month)
    table = pack[
        pack.index('id="rag-table"') : pack.index("</table>", pack.index('id="rag-table"'))
    ]
    shown = dict(re.findall(r'data-measure="([^"]+)">.*?class="rag rag-\w+">(\w+)<', table))
    assert shown == {
        r.measure.id: (expected.get(r.verdict, "AMBER") if r.available else "GREY") for r in results
    }
    assert set(shown.values()) - {"GREY"}, "some measures should be available in the demo"
