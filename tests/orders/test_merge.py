"""A merge of two person records carries the merged-away record's court orders, the
non-association conditions naming it and their breach alerts over to the kept record, with
an audit event per order changed (real SQLite and PostgreSQL stores)."""

from __future__ import annotations

from sqlalchemy import select

from tests.orders.conftest import Team, incident, link, new_person, order_data, utc
from upstream.cases.db import CaseStore
from upstream.cases.duplicate_review import list_duplicates, resolve_duplicate
from upstream.cases.models import AuditEvent, Person
from upstream.cases.schemas import DuplicateResolve
from upstream.orders.merging import SELF_NAMED, SELF_NAMED_FLAG
from upstream.orders.models import BreachAlert, CourtOrder, OrderCondition
from upstream.orders.schemas import ConditionCreate
from upstream.orders.service import add_condition, get_order, list_orders, record_order


def test_a_merge_moves_orders_conditions_and_alerts_to_the_kept_record(
    store: CaseStore, team: Team
) -> None:
    first = incident(store, team.coordinator, utc(2025, 12, 1, 12))
    keep = new_person(store, team.coordinator, first, "Sam")
    other = new_person(store, team.coordinator, first, "Sam")  # the same young person again
    third = new_person(store, team.coordinator, first, "Kit")
    about_other = record_order(team.officer, store, order_data(other)).order.id
    about_third = record_order(team.officer, store, order_data(third)).order.id
    add_condition(
        team.officer, store, about_third,
        ConditionCreate(kind="non_association", other_person=other),
    )  # fmt: skip
    together = incident(store, team.coordinator, utc(2026, 7, 1, 14))
    link(store, team.coordinator, together, third)
    link(store, team.coordinator, together, other)
    with store.unit_of_work() as session:
        (alert,) = session.scalars(select(BreachAlert)).all()
        assert other in (alert.detail or "")

    (flag,) = [
        f for f in list_duplicates(team.coordinator, store)
        if {f.pseudonym, f.other_pseudonym} == {keep, other}
    ]  # fmt: skip
    resolve_duplicate(team.coordinator, store, flag.id, DuplicateResolve(resolution="merge"))

    assert get_order(team.officer, store, about_other).order.subject == keep
    (cond,) = get_order(team.officer, store, about_third).conditions
    assert cond.other_person == keep
    with store.unit_of_work() as session:
        other_id = session.scalars(select(Person.id).where(Person.pseudonym == other)).one()
        orders = select(CourtOrder).where(CourtOrder.person_id == other_id)
        assert session.scalars(orders).all() == []
        assert (
            session.scalars(
                select(OrderCondition).where(OrderCondition.other_person_id == other_id)
            ).all()
            == []
        )
        (alert,) = session.scalars(select(BreachAlert)).all()
        assert keep in (alert.detail or "") and other not in (alert.detail or "")
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "order.update").order_by(AuditEvent.id)
        ).all()
    assert [(e.record_type, e.record_id) for e in events] == [
        ("order", str(about_other)),
        ("order", str(about_third)),
    ]
    assert all((e.detail or "").startswith("merge: ") for e in events)
    assert f"subject {other} -> {keep}" in (events[0].detail or "")


def test_a_non_association_left_naming_its_own_subject_is_flagged_for_review(
    store: CaseStore, team: Team
) -> None:
    """An order about ``keep`` forbids contact with ``other``; the two are one young person
    and are merged: the condition now names its own subject and is flagged, not dropped."""
    first = incident(store, team.coordinator, utc(2025, 12, 1, 12))
    keep = new_person(store, team.coordinator, first, "Sam")
    other = new_person(store, team.coordinator, first, "Sam")
    order_id = record_order(team.officer, store, order_data(keep)).order.id
    add_condition(
        team.officer, store, order_id,
        ConditionCreate(kind="non_association", other_person=other),
    )  # fmt: skip
    (before,) = get_order(team.officer, store, order_id).conditions
    assert before.review is None
    assert SELF_NAMED_FLAG not in get_order(team.officer, store, order_id).order.flags

    (flag,) = [
        f for f in list_duplicates(team.coordinator, store)
        if {f.pseudonym, f.other_pseudonym} == {keep, other}
    ]  # fmt: skip
    resolve_duplicate(team.coordinator, store, flag.id, DuplicateResolve(resolution="merge"))

    detail = get_order(team.officer, store, order_id)
    (cond,) = detail.conditions
    assert cond.other_person == detail.order.subject == keep
    assert cond.review == SELF_NAMED
    # the register flags the order too, so "flagged" finds it
    assert SELF_NAMED_FLAG in detail.order.flags
    flagged = list_orders(team.officer, store, flagged=True)
    assert [v.id for v in flagged if SELF_NAMED_FLAG in v.flags] == [order_id]
    with store.unit_of_work() as session:
        (event,) = session.scalars(
            select(AuditEvent.detail).where(AuditEvent.action == "order.update")
        ).all()
    assert "now its own subject: for review" in (event or "")
