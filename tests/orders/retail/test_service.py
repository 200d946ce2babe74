"""The register's use cases on SQLite and PostgreSQL: all-or-nothing and idempotent imports,
locations outside the area refused with the field named, lon/lat projected as ingest does,
test-purchase and follow-up checks, and an audit event (with the session's purpose) for
every read of the register and every change."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from upstream.area import Area, to_bng
from upstream.cases.db import CaseStore
from upstream.cases.service import Conflict, NotFound
from upstream.orders.retail.access import retail_operator
from upstream.orders.retail.models import TestPurchase
from upstream.orders.retail.schemas import FollowUpData
from upstream.orders.retail.service import (
    PremisesRow,
    RetailInputError,
    add_follow_up,
    add_test_purchase,
    compliance_records,
    get_premises,
    import_premises,
    list_premises,
)

from .conftest import INSIDE, TODAY, Team, events, load, premises, purchase, record_tests

OUTSIDE = (530_000.0, 180_000.0)
"""Central London: not in the bundled area."""


def test_an_import_is_all_or_nothing_and_names_the_row_and_field(
    store: CaseStore, team: Team, area: Area
) -> None:
    rows = [
        PremisesRow(premises("P1"), "shops.csv, line 2"),
        PremisesRow(premises("P2", easting=OUTSIDE[0], northing=OUTSIDE[1]), "shops.csv, line 3"),
    ]
    with pytest.raises(RetailInputError, match=r"^shops.csv, line 3, easting/northing: .*outside"):
        import_premises(team.officer, store, rows, area, source="shops.csv")
    assert list_premises(team.officer, store) == []
    far = PremisesRow(premises("P3", easting=None, northing=None, longitude=-0.1276,
                               latitude=51.5072), "shops.csv, line 4")  # fmt: skip
    with pytest.raises(RetailInputError, match=r"line 4, longitude/latitude: .*outside"):
        import_premises(team.officer, store, [far], area, source="shops.csv")
    with pytest.raises(
        RetailInputError, match=r"line 3, ref: 'P1' is also given at shops.csv, line 2"
    ):
        import_premises(
            team.officer, store,
            [rows[0], PremisesRow(premises("P1"), "shops.csv, line 3")], area, source="x",
        )  # fmt: skip
    assert events(store, "retail.premises_create") == []


def test_lon_lat_are_projected_as_ingest_does_and_reimport_changes_nothing(
    store: CaseStore, team: Team, area: Area
) -> None:
    lon, lat = -0.0197, 51.5862  # Walthamstow
    given = premises("P2", easting=None, northing=None, longitude=lon, latitude=lat)
    load(store, area, premises("P1"), given)
    views = {p.ref: p for p in list_premises(team.officer, store)}
    x, y = to_bng([lon], [lat])
    assert (views["P2"].easting, views["P2"].northing) == (round(x[0], 1), round(y[0], 1))
    assert (views["P1"].easting, views["P1"].northing) == INSIDE
    again = import_premises(
        team.officer, store, [PremisesRow(premises("P1")), PremisesRow(given)], area, source="x"
    )
    assert (again.created, again.updated, again.unchanged) == ([], [], ["P1", "P2"])
    moved = import_premises(
        team.officer, store, [PremisesRow(premises("P1", name="Renamed"))], area, source="x"
    )
    assert moved.updated == ["P1"]
    assert [e.detail for e in events(store, "retail.premises_update")] == ["changed: name"]
    assert events(store, "retail.import")[-1].detail == "x: 0 created, 1 changed, 0 unchanged"


def test_test_purchases_are_checked_and_recorded_by_the_officer(
    store: CaseStore, team: Team, area: Area
) -> None:
    load(store, area, premises("P1"), premises("W1", premises_type="online"))
    with pytest.raises(RetailInputError, match="on: 2026-12-03 is in the future"):
        add_test_purchase(team.officer, store, "P1", purchase(date(2026, 12, 3)), today=TODAY)
    with pytest.raises(RetailInputError, match="delivery: an online seller"):
        add_test_purchase(team.officer, store, "W1", purchase(date(2026, 11, 3)), today=TODAY)
    with pytest.raises(RetailInputError, match="delivery: only an online seller"):
        add_test_purchase(
            team.officer, store, "P1",
            purchase(date(2026, 11, 3), delivery="age_checked"), today=TODAY,
        )  # fmt: skip
    with pytest.raises(ValidationError, match="delivery: handed over does not fit a result of"):
        purchase(date(2026, 11, 3), "refused", delivery="handed_over")
    view = add_test_purchase(
        team.officer, store, "W1",
        purchase(date(2026, 11, 3), "sold", delivery="left_with_someone", asked_for_id=False),
        today=TODAY,
    )  # fmt: skip
    assert view.officer == "trading" and view.delivery == "left_with_someone"
    detail = get_premises(team.coordinator, store, "W1")
    assert [(p.result, p.officer) for p in detail.purchases] == [("sold", "trading")]
    assert detail.premises.sold_on == [date(2026, 11, 3)]
    assert get_premises(team.officer, store, "P1").purchases == []


def test_follow_ups_belong_to_their_test_purchase_and_come_after_it(
    store: CaseStore, team: Team, area: Area
) -> None:
    load(store, area, premises("P1"), premises("P2"))
    record_tests(store, "P1", purchase(date(2026, 10, 1), "sold"))
    record_tests(store, "P2", purchase(date(2026, 10, 2), "sold"))
    p1 = get_premises(team.officer, store, "P1").purchases[0].id
    p2 = get_premises(team.officer, store, "P2").purchases[0].id
    with pytest.raises(RetailInputError, match=r"on: the follow-up \(2026-09-30\) is before"):
        add_follow_up(team.officer, store, "P1", p1, FollowUpData(kind="advice",
                      on=date(2026, 9, 30)), today=TODAY)  # fmt: skip
    with pytest.raises(Conflict, match=f"premises P1 has no test purchase {p2}"):
        add_follow_up(team.officer, store, "P1", p2, FollowUpData(kind="warning",
                      on=date(2026, 10, 9)), today=TODAY)  # fmt: skip
    with pytest.raises(NotFound):
        add_follow_up(team.officer, store, "NOPE", p1, FollowUpData(kind="warning",
                      on=date(2026, 10, 9)), today=TODAY)  # fmt: skip
    add_follow_up(team.officer, store, "P1", p1, FollowUpData(kind="fixed_penalty",
                  on=date(2026, 10, 9)), today=TODAY)  # fmt: skip
    follow = get_premises(team.admin, store, "P1").purchases[0].follow_ups
    assert [(f.kind, f.on, f.officer) for f in follow] == [
        ("fixed_penalty", date(2026, 10, 9), "trading")
    ]
    assert get_premises(team.admin, store, "P2").purchases[0].follow_ups == []


def test_every_read_of_the_register_and_every_change_is_audited_with_its_purpose(
    store: CaseStore, team: Team, area: Area
) -> None:
    import_premises(team.officer, store, [PremisesRow(premises("P1"))], area, source="a.csv")
    add_test_purchase(team.officer, store, "P1", purchase(date(2026, 11, 1), "sold"), today=TODAY)
    pid = get_premises(team.officer, store, "P1").purchases[0].id
    add_follow_up(team.officer, store, "P1", pid, FollowUpData(kind="advice",
                  on=date(2026, 11, 8)), today=TODAY)  # fmt: skip
    list_premises(team.coordinator, store)
    compliance_records(team.analyst, store)
    got = [(e.actor_name, e.action, e.record_type, e.record_id, e.purpose) for e in events(store)]
    assert got == [
        ("trading", "retail.premises_create", "premises", "P1", "trading_standards"),
        ("trading", "retail.import", "retail", None, "trading_standards"),
        ("trading", "retail.test_create", "premises", "P1", "trading_standards"),
        ("trading", "retail.premises_read", "premises", "P1", "trading_standards"),
        ("trading", "retail.follow_up_create", "premises", "P1", "trading_standards"),
        ("coord", "retail.register_read", "retail", None, "coordination"),
        ("analyst", "retail.compliance_read", "retail", None, "analysis"),
    ]
    assert events(store, "retail.test_create")[0].detail == f"test purchase {pid}: sold"
    unknown = events(store, "access.not_found")
    assert unknown == []
    with pytest.raises(NotFound):
        get_premises(team.officer, store, "NOPE")
    assert [(e.record_type, e.record_id) for e in events(store, "access.not_found")] == [
        ("premises", "NOPE")
    ]


def test_nothing_about_a_volunteer_is_kept_but_the_age_band() -> None:
    columns = set(TestPurchase.__table__.columns.keys())
    assert columns == {
        "id", "premises_id", "on", "age_band", "result", "asked_for_id",
        "challenge25_signage", "till_prompt", "delivery", "officer", "demo", "created_at",
    }  # fmt: skip
    assert retail_operator("x").role == "system"
