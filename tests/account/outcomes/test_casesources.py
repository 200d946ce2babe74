"""Case-store sources on the SYNTHETIC demo case store (SQLite and PostgreSQL): monthly
counts checked against the records read one by one, and no personal field ever selected."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import event, select

from upstream.account.outcomes import compute_all, compute_measure, load_measures
from upstream.account.outcomes.context import OutcomeContext
from upstream.cases.db import case_store
from upstream.cases.localtime import LONDON
from upstream.cases.models import Person
from upstream.config import Settings

PERSONAL = ("given_name", "family_name", "date_of_birth", "address", "school", "health_notes",
            "pseudonym", "notes", "summary")  # fmt: skip


def _measure(ident: str):
    return next(m for m in load_measures() if m.id == ident)


def _month(moment: datetime) -> str:
    return moment.astimezone(LONDON).strftime("%Y-%m")


def _by_hand(settings: Settings) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
    """[hits, total] per month, from the ORM objects one by one."""
    now = datetime.now(UTC)
    reached: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    accepted: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    with case_store(settings).sessions() as session:
        for person in session.scalars(select(Person).where(Person.merged_into_id.is_(None))):
            if not person.involvements:
                continue
            first = min(i.incident.recorded_at for i in person.involvements)
            in_time = any(o.reached_at and o.reached_at <= o.due_at for o in person.offers)
            waiting = any(o.reached_at is None and o.due_at > now for o in person.offers)
            if waiting and not in_time:
                continue
            if not person.offers and first > now - timedelta(hours=72):
                continue  # may still be offered support in time: not yet known
            reached[_month(first)][0] += in_time
            reached[_month(first)][1] += 1
            for offer in person.offers:
                if offer.outcome is not None:
                    accepted[_month(offer.created_at)][0] += offer.outcome == "accepted"
                    accepted[_month(offer.created_at)][1] += 1
    return dict(reached), dict(accepted)


def _check(settings: Settings) -> None:
    statements: list[str] = []
    engine = case_store(settings).engine

    def remember(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        statements.append(statement.lower())

    event.listen(engine, "before_cursor_execute", remember)
    try:
        context = OutcomeContext(settings)
        reached = compute_measure(context, _measure("reached_in_time"))
        accepted = compute_measure(context, _measure("offer_acceptance"))
    finally:
        event.remove(engine, "before_cursor_execute", remember)
    want_reached, want_accepted = _by_hand(settings)
    for result, want in ((reached, want_reached), (accepted, want_accepted)):
        assert result.available and result.synthetic, result.reading
        table = result.table.set_index("period")
        got = {
            m: [int(r.numerator), int(r.denominator)]
            for m, r in table.iterrows()
            if r.denominator > 0
        }
        assert got == want
    assert statements
    for statement in statements:
        assert not any(field in statement for field in PERSONAL), statement


def test_case_measures_on_sqlite(demo_settings):
    _check(demo_settings)


def test_case_measures_on_postgresql(pg_demo_settings):
    _check(pg_demo_settings)


def test_young_people_not_yet_offered_support_wait_until_the_offer_window_passes(demo_settings):
    """The demo's newest records include young people not yet offered support: they are
    left out of their month while the 72 hours run, and count as not reached without it."""
    context = OutcomeContext(demo_settings)
    measure = _measure("reached_in_time")
    assert measure.filter == {"offer_hours": 72}
    waiting = compute_measure(context, measure).table.set_index("period")
    at_once = compute_measure(context, replace(measure, filter={"offer_hours": 0})).table.set_index(
        "period"
    )
    latest = waiting.index.max()
    assert at_once.loc[latest, "denominator"] > waiting.loc[latest, "denominator"]
    assert at_once.loc[latest, "numerator"] == waiting.loc[latest, "numerator"]
    with case_store(demo_settings).sessions() as session:
        now = datetime.now(UTC)
        recent_unoffered = sum(
            1
            for p in session.scalars(select(Person).where(Person.merged_into_id.is_(None)))
            if p.involvements
            and not p.offers
            and min(i.incident.recorded_at for i in p.involvements) > now - timedelta(hours=72)
        )
    left_out = at_once["denominator"].sum() - waiting["denominator"].sum()
    assert left_out == recent_unoffered > 0


def test_an_empty_case_store_gives_no_measure(settings):
    store = case_store(settings)
    store.migrate()
    result = compute_measure(OutcomeContext(settings), _measure("reached_in_time"))
    assert not result.available
    assert "holds no young people linked to incidents" in result.reading


def test_without_a_case_store_the_case_measures_say_so_and_create_nothing(settings):
    measures = [_measure("reached_in_time"), _measure("offer_acceptance")]
    results = compute_all(settings, measures)
    assert [r.available for r in results] == [False, False]
    assert "there is no case store yet" in results[0].reading
    assert not (settings.data_dir / "cases.sqlite").exists()
