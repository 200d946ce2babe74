"""The orders register end to end on real case stores (SQLite and PostgreSQL): orders and
conditions refused naming the field, candidate breaches raised by the hook when involvements
are recorded and by the scan (idempotently), the lead's queue and decisions, and the audit."""

from __future__ import annotations

import json
from datetime import date, time

import pytest
from sqlalchemy import select

from tests.orders.conftest import X0, Y0, Team, incident, link, new_person, order_data, utc
from upstream.area import to_lonlat
from upstream.cases.audit import read_events
from upstream.cases.db import CaseStore
from upstream.cases.models import AuditEvent
from upstream.cases.service import Conflict
from upstream.orders.access import orders_operator
from upstream.orders.alerts import alert_queue, decide_alert, report_breach, run_scan
from upstream.orders.models import BreachAlert
from upstream.orders.proportionality import order_figures
from upstream.orders.schemas import BreachReport, ConditionCreate, DecisionCreate, IncidentLocation
from upstream.orders.service import (
    OrderInputError,
    add_condition,
    add_review,
    get_order,
    list_orders,
    record_order,
    set_incident_location,
)


def _zone_geojson(half: float = 300) -> str:
    xs = [X0 - half, X0 + half, X0 + half, X0 - half, X0 - half]
    ys = [Y0 - half, Y0 - half, Y0 + half, Y0 + half, Y0 - half]
    lon, lat = to_lonlat(xs, ys, decimals=None)
    return json.dumps({"type": "Polygon", "coordinates": [list(zip(lon, lat, strict=True))]})


def _subjects(store: CaseStore, team: Team) -> tuple[str, str, int]:
    first = incident(store, team.coordinator, utc(2025, 12, 1, 12))
    subject = new_person(store, team.coordinator, first, "Sam")
    other = new_person(store, team.coordinator, first, "Alex")
    return subject, other, first


def _alerts(store: CaseStore) -> list[BreachAlert]:
    with store.unit_of_work() as session:
        return list(session.scalars(select(BreachAlert).order_by(BreachAlert.id)))


def test_orders_and_conditions_are_refused_naming_the_field(store: CaseStore, team: Team) -> None:
    subject, _, _ = _subjects(store, team)
    with pytest.raises(ValueError, match="expires_on: the order expires"):
        order_data(subject, made_on=date(2026, 3, 1), expires_on=date(2026, 2, 1))
    with pytest.raises(OrderInputError, match=r"^subject: no young person YP-00000000"):
        record_order(team.officer, store, order_data("YP-00000000"))
    with pytest.raises(OrderInputError, match=r"^lead: 'navigator' is a caseworker"):
        record_order(team.officer, store, order_data(subject, lead="navigator"))
    order = record_order(team.officer, store, order_data(subject)).order
    with pytest.raises(OrderInputError, match=r"^other_person: a non-association condition cannot"):
        add_condition(
            team.officer, store, order.id,
            ConditionCreate(kind="non_association", other_person=subject),
        )  # fmt: skip
    far = json.dumps(
        {"type": "Polygon", "coordinates": [[[0.5, 51.0], [0.51, 51.0], [0.5, 51.01], [0.5, 51.0]]]}
    )
    with pytest.raises(OrderInputError, match=r"^zone_geojson: the zone lies outside the area"):
        add_condition(
            team.officer, store, order.id, ConditionCreate(kind="exclusion_zone", zone_geojson=far)
        )
    with pytest.raises(ValueError, match="curfew_end: the window ends at 06:00, before it starts"):
        ConditionCreate(kind="curfew", curfew_start=time(21), curfew_end=time(6), curfew_days="mon")
    detail = get_order(team.officer, store, order.id)
    assert detail.conditions == []
    assert [r.due_on for r in detail.reviews] == []  # a KCPO of one year: no review hearing


def test_kcpo_reviews_default_and_can_be_set(store: CaseStore, team: Team) -> None:
    subject, _, _ = _subjects(store, team)
    made = date(2026, 1, 5)
    detail = record_order(team.officer, store, order_data(subject, expires_on=date(2028, 1, 4)))
    assert [r.due_on for r in detail.reviews] == [date(2026, 12, 22), date(2027, 12, 22)]
    assert all(r.kind == "statutory" for r in detail.reviews)
    later = add_review(team.officer, store, detail.order.id, date(2026, 6, 1))
    assert date(2026, 6, 1) in [r.due_on for r in later.reviews]
    flagged = list_orders(team.officer, store, flagged=True, today=date(2026, 5, 20))
    assert flagged[0].flags == ["review due 01/06/2026"]
    assert made <= date(2026, 6, 1)


def test_the_hook_raises_alerts_as_involvements_arrive_and_the_scan_adds_no_duplicates(
    store: CaseStore, team: Team
) -> None:
    subject, other, _ = _subjects(store, team)
    order = record_order(team.officer, store, order_data(subject)).order
    for data in (
        ConditionCreate(kind="exclusion_zone", zone_geojson=_zone_geojson()),
        ConditionCreate(
            kind="curfew",
            curfew_start=time(21),
            curfew_end=time(2),
            curfew_days="mon,tue,wed,thu,fri,sat,sun",
            overnight=True,
        ),
        ConditionCreate(kind="non_association", other_person=other),
    ):
        add_condition(team.officer, store, order.id, data)
    # inside the zone at noon: a zone alert
    inside = incident(store, team.coordinator, utc(2026, 6, 3, 11), (X0, Y0))
    link(store, team.coordinator, inside, subject, "victim")
    # outside the zone at noon: nothing
    outside = incident(store, team.coordinator, utc(2026, 6, 3, 11), (X0 + 2000, Y0))
    link(store, team.coordinator, outside, subject)
    # the clocks go forward: 00:30 GMT is in a curfew ending 02:00, 01:30 UTC (02:30 BST) is not
    night = incident(store, team.coordinator, utc(2026, 3, 29, 0, 30))
    link(store, team.coordinator, night, subject)
    late = incident(store, team.coordinator, utc(2026, 3, 29, 1, 30))
    link(store, team.coordinator, late, subject)
    # the clocks go back: 00:30 UTC is 01:30 BST, inside a curfew ending 02:00
    autumn = incident(store, team.coordinator, utc(2026, 10, 25, 0, 30))
    link(store, team.coordinator, autumn, subject)
    # with the non-associate, afternoon, no location
    together = incident(store, team.coordinator, utc(2026, 7, 1, 14))
    link(store, team.coordinator, together, other)
    link(store, team.coordinator, together, subject, "witness")
    # before the order was made: nothing
    before = incident(store, team.coordinator, utc(2025, 12, 20, 12), (X0, Y0))
    link(store, team.coordinator, before, subject)

    found = {(a.incident_id, a.kind) for a in _alerts(store)}
    assert found == {
        (inside, "zone"),
        (night, "curfew"),
        (autumn, "curfew"),
        (together, "non_association"),
    }
    assert all(a.lead_id == team.officer.user_id for a in _alerts(store))
    assert run_scan(orders_operator("test"), store).created == 0
    assert run_scan(orders_operator("test"), store).existing == 4
    assert len(_alerts(store)) == 4


def test_a_location_entered_later_raises_the_zone_alert(store: CaseStore, team: Team) -> None:
    subject, _, _ = _subjects(store, team)
    order = record_order(team.officer, store, order_data(subject)).order
    add_condition(
        team.officer,
        store,
        order.id,
        ConditionCreate(kind="exclusion_zone", zone_geojson=_zone_geojson()),
    )
    unplaced = incident(store, team.coordinator, utc(2026, 6, 3, 11))
    link(store, team.coordinator, unplaced, subject)
    assert _alerts(store) == []
    with pytest.raises(OrderInputError, match=r"^easting: the point lies outside"):
        set_incident_location(
            team.coordinator, store, unplaced, IncidentLocation(easting=500000, northing=180000)
        )
    assert (
        set_incident_location(
            team.coordinator, store, unplaced, IncidentLocation(easting=X0, northing=Y0)
        )
        == 1
    )
    assert [a.kind for a in _alerts(store)] == ["zone"]


def test_a_condition_added_later_finds_past_incidents(store: CaseStore, team: Team) -> None:
    subject, other, _ = _subjects(store, team)
    order = record_order(team.officer, store, order_data(subject)).order
    together = incident(store, team.coordinator, utc(2026, 7, 1, 14))
    link(store, team.coordinator, together, other)
    link(store, team.coordinator, together, subject)
    assert _alerts(store) == []
    add_condition(
        team.officer, store, order.id, ConditionCreate(kind="non_association", other_person=other)
    )
    assert [a.incident_id for a in _alerts(store)] == [together]


def test_the_lead_decides_with_a_reason_others_may_not_and_time_is_tracked(
    store: CaseStore, team: Team
) -> None:
    subject, _, _ = _subjects(store, team)
    order = record_order(team.officer, store, order_data(subject)).order
    alert = report_breach(
        team.coordinator, store, order.id,
        BreachReport(occurred_at=utc(2026, 6, 1, 20), detail="seen on the high street by PCSO"),
    )  # fmt: skip
    assert alert.kind == "manual" and alert.can_decide is False  # coordinator is not the lead
    with pytest.raises(ValueError, match=r"^occurred_at: .* is in the future"):
        report_breach(
            team.officer, store, order.id,
            BreachReport(occurred_at=utc(2099, 1, 1), detail="a time that cannot be right"),
        )  # fmt: skip
    queue = alert_queue(team.officer, store)
    assert [a.id for a in queue] == [alert.id] and queue[0].can_decide
    assert alert_queue(team.officer2, store) == []  # not their order
    assert [a.id for a in alert_queue(team.coordinator, store)] == [alert.id]
    with pytest.raises(PermissionError):
        decide_alert(
            team.officer2,
            store,
            alert.id,
            DecisionCreate(decision="warning", reason="for the test only", version=1),
        )
    with pytest.raises(ValueError, match="reason"):
        DecisionCreate(decision="warning", reason="short", version=1)
    decided = decide_alert(
        team.officer, store, alert.id,
        DecisionCreate(decision="advice", reason="spoke to him and his mother", version=1),
    )  # fmt: skip
    assert decided.decision == "advice" and decided.hours_to_decision is not None
    assert decided.hours_to_decision > 0
    with pytest.raises(Conflict):
        decide_alert(
            team.officer,
            store,
            alert.id,
            DecisionCreate(decision="warning", reason="second thoughts here", version=2),
        )
    assert alert_queue(team.officer, store) == []
    assert [a.decision for a in alert_queue(team.officer, store, decided=True)] == ["advice"]


def test_overdue_alerts_come_first(store: CaseStore, team: Team) -> None:
    subject, _, _ = _subjects(store, team)
    order = record_order(team.officer, store, order_data(subject)).order
    first = report_breach(
        team.officer,
        store,
        order.id,
        BreachReport(occurred_at=utc(2026, 6, 1, 20), detail="reported first, due first"),
    )
    second = report_breach(
        team.officer,
        store,
        order.id,
        BreachReport(occurred_at=utc(2026, 6, 2, 20), detail="reported second, overdue"),
    )
    with store.unit_of_work() as session:
        session.get(BreachAlert, second.id).due_at = utc(2026, 1, 1)  # type: ignore[union-attr]
    queue = alert_queue(team.officer, store)
    assert [a.id for a in queue] == [second.id, first.id]
    assert queue[0].overdue and not queue[1].overdue


def test_every_read_and_write_writes_one_event_with_its_purpose(
    store: CaseStore, team: Team
) -> None:
    subject, _, first = _subjects(store, team)

    def events() -> list[AuditEvent]:
        with store.unit_of_work() as session:
            return list(session.scalars(select(AuditEvent).order_by(AuditEvent.id)))

    start = len(events())
    order = record_order(team.officer, store, order_data(subject)).order
    list_orders(team.officer, store)
    alert_queue(team.officer, store)
    get_order(team.officer, store, order.id)
    new = [(e.action, e.actor_name, e.purpose, e.record_id) for e in events()[start:]]
    assert new == [
        ("order.create", "pc-lead", "enforcement", str(order.id)),
        ("order.list", "pc-lead", "enforcement", None),
        ("alert.list", "pc-lead", "enforcement", None),
        ("order.read", "pc-lead", "enforcement", str(order.id)),
    ]
    start = len(events())
    add_condition(
        team.officer,
        store,
        order.id,
        ConditionCreate(kind="exclusion_zone", zone_geojson=_zone_geojson()),
    )
    add_review(team.officer, store, order.id, date(2026, 9, 1))
    alert = report_breach(
        team.coordinator,
        store,
        order.id,
        BreachReport(occurred_at=utc(2026, 6, 1, 20), detail="seen in the zone by a PCSO"),
    )
    decide_alert(
        team.officer,
        store,
        alert.id,
        DecisionCreate(decision="warning", reason="second time this month", version=1),
    )
    order_figures(team.analyst, store)
    set_incident_location(team.coordinator, store, first, IncidentLocation(easting=X0, northing=Y0))
    new = [
        (e.action, e.actor_name, e.purpose, e.record_type, e.record_id) for e in events()[start:]
    ]
    assert new == [
        ("order.condition_add", "pc-lead", "enforcement", "order", str(order.id)),
        ("order.update", "pc-lead", "enforcement", "order", str(order.id)),
        ("alert.create", "coord", "direct_support", "alert", str(alert.id)),
        ("alert.decide", "pc-lead", "enforcement", "alert", str(alert.id)),
        ("order.figures", "analyst", "direct_support", "order", None),
        ("incident.locate", "coord", "direct_support", "incident", str(first)),
        # the hook: incident 1 (the subject on it, before the order) is outside the order's time
    ]
    with store.unit_of_work() as session:
        details = " ".join(e.detail or "" for e in read_events(session))
    assert "Sam" not in details and "Test" not in details  # names never reach the audit


def test_the_hook_takes_the_breach_deadline_from_the_stores_settings(
    store: CaseStore, team: Team
) -> None:
    """A store whose settings give 7 working days (not the default 2, nor the environment):
    an alert raised by the hook, in a use case of that store, is due 7 working days on."""
    from upstream.orders.reviews import deadline

    seven = CaseStore(store.url, store.settings.model_copy(update={"breach_deadline_days": 7}))
    try:
        subject, _, _ = _subjects(seven, team)
        order = record_order(team.officer, seven, order_data(subject)).order
        zone = ConditionCreate(kind="exclusion_zone", zone_geojson=_zone_geojson())
        add_condition(team.officer, seven, order.id, zone)
        inside = incident(seven, team.coordinator, utc(2026, 6, 3, 11), (X0, Y0))
        link(seven, team.coordinator, inside, subject)
        (alert,) = _alerts(seven)
        assert alert.incident_id == inside
        assert alert.due_at == deadline(alert.created_at, 7) != deadline(alert.created_at, 2)
    finally:
        seven.dispose()
