"""Retention of court orders on real SQLite and PostgreSQL stores: an order is kept while in
force and for the retention period after it ended, and its subject with it; after that its
identifying free text is cleared and it is marked anonymised. Both sides of the boundary."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select, update

from tests.orders.conftest import Team, incident, new_person, order_data, utc
from upstream.cases.access import system_actor
from upstream.cases.db import CaseStore
from upstream.cases.models import AuditEvent, Person
from upstream.cases.retention import months_before, retain
from upstream.cases.service import close_person
from upstream.orders.alerts import decide_alert, report_breach
from upstream.orders.models import BreachAlert, CourtOrder, OrderCondition
from upstream.orders.schemas import BreachReport, ConditionCreate, DecisionCreate
from upstream.orders.service import add_condition, record_order

NOW = utc(2029, 6, 15, 12)


def _order(store: CaseStore, team: Team, subject: str, ends: date | None) -> int:
    data = order_data(subject, expires_on=ends, notes="lives with his aunt on Hoe Street")
    order_id = record_order(team.officer, store, data).order.id
    add_condition(
        team.officer, store, order_id,
        ConditionCreate(kind="reporting", detail="reports to Chingford police station"),
    )  # fmt: skip
    report = BreachReport(occurred_at=utc(2026, 6, 1, 20), detail="seen with his cousin Jay")
    alert = report_breach(team.officer, store, order_id, report)
    decision = DecisionCreate(decision="advice", reason="spoke to him and his mother", version=1)
    decide_alert(team.officer, store, alert.id, decision)
    return order_id


def test_orders_and_their_subjects_are_kept_for_the_retention_period_after_the_order_ends(
    store: CaseStore, team: Team
) -> None:
    cutoff = months_before(NOW, store.settings.retention_months).date()
    first = incident(store, team.coordinator, utc(2025, 12, 1, 12))
    on_boundary = new_person(store, team.coordinator, first, "Ann")
    past = new_person(store, team.coordinator, first, "Bea")
    open_ended = new_person(store, team.coordinator, first, "Cal")
    kept_order = _order(store, team, on_boundary, cutoff)  # ended exactly the period ago
    gone_order = _order(store, team, past, cutoff - timedelta(days=1))  # a day longer ago
    open_order = _order(store, team, open_ended, None)  # no expiry, not discharged: in force
    for pseudonym in (on_boundary, past, open_ended):
        close_person(team.coordinator, store, pseudonym)
    with store.unit_of_work() as session:
        session.execute(update(Person).values(closed_at=utc(2026, 1, 1)))

    dry = retain(system_actor("retain"), store, dry_run=True, now=NOW)
    assert dry.people == [past] and dry.orders == [gone_order]
    assert dry.kept_for_orders == [on_boundary, open_ended]
    with store.unit_of_work() as session:
        assert session.get_one(CourtOrder, gone_order).notes is not None
        (report,) = session.scalars(
            select(AuditEvent.detail).where(AuditEvent.action == "retention.report")
        ).all()
        assert "1 orders" in (report or "") and "2 people kept for their court orders" in (
            report or ""
        )

    done = retain(system_actor("retain"), store, dry_run=False, now=NOW)
    assert (done.people, done.orders) == ([past], [gone_order])
    with store.unit_of_work() as session:
        names = {p: g for p, g in session.execute(select(Person.pseudonym, Person.given_name))}
        assert (names[on_boundary], names[past], names[open_ended]) == ("Ann", None, "Cal")
        for order_id, cleared in ((gone_order, True), (kept_order, False), (open_order, False)):
            order = session.get_one(CourtOrder, order_id)
            (cond,) = session.scalars(
                select(OrderCondition).where(OrderCondition.order_id == order_id)
            ).all()
            (alert,) = session.scalars(
                select(BreachAlert).where(BreachAlert.order_id == order_id)
            ).all()
            texts = (order.notes, cond.detail, alert.detail, alert.reason)
            assert all(t is None for t in texts) if cleared else all(texts), order_id
            assert (order.anonymised_at is not None) is cleared
            assert (alert.decision == "advice" and order.expires_on is not None) or not cleared
        anonymised = session.scalars(
            select(AuditEvent.record_id).where(
                AuditEvent.action == "retention.anonymise", AuditEvent.record_type == "order"
            )
        ).all()
    assert anonymised == [str(gone_order)]
    again = retain(system_actor("retain"), store, dry_run=False, now=NOW)
    assert (again.people, again.orders) == ([], [])


def test_a_person_named_in_a_non_association_condition_is_kept_while_the_order_lasts(
    store: CaseStore, team: Team
) -> None:
    """Dee is named by Eve's live order and Fay's order within its period: kept; Gus, named
    only by an order that ended before the period, is anonymised."""
    cutoff = months_before(NOW, store.settings.retention_months).date()
    first = incident(store, team.coordinator, utc(2025, 12, 1, 12))
    dee, eve, fay, gus, hal = (
        new_person(store, team.coordinator, first, name)
        for name in ("Dee", "Eve", "Fay", "Gus", "Hal")
    )
    for subject, named, ends in (
        (eve, dee, None),
        (fay, dee, cutoff),
        (hal, gus, cutoff - timedelta(days=1)),
    ):
        order_id = record_order(team.officer, store, order_data(subject, expires_on=ends)).order.id
        add_condition(
            team.officer, store, order_id,
            ConditionCreate(kind="non_association", other_person=named),
        )  # fmt: skip
    for pseudonym in (dee, gus):
        close_person(team.coordinator, store, pseudonym)
    with store.unit_of_work() as session:
        session.execute(update(Person).values(closed_at=utc(2026, 1, 1)))
        session.execute(
            update(Person).where(Person.pseudonym.in_([eve, fay, hal])).values(closed_at=None)
        )

    dry = retain(system_actor("retain"), store, dry_run=True, now=NOW)
    assert dry.people == [gus] and dry.kept_as_non_associates == [dee]
    assert dry.kept_for_orders == []
    with store.unit_of_work() as session:
        (report,) = session.scalars(
            select(AuditEvent.detail).where(AuditEvent.action == "retention.report")
        ).all()
    assert "1 people kept as named in another's non-association condition" in (report or "")

    retain(system_actor("retain"), store, dry_run=False, now=NOW)
    with store.unit_of_work() as session:
        names = {p: g for p, g in session.execute(select(Person.pseudonym, Person.given_name))}
    assert (names[dee], names[gus]) == ("Dee", None)
