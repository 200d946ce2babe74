"""The orders pages and JSON API through the real app (TestClient, SQLite case store seeded
with the SYNTHETIC demo and the demo orders): the officer's queue and decisions, forms that
name the bad field, role checks on the server, concealment and the proportionality page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.cases.test_auth import _form_token
from upstream.cases.db import case_store, dispose_all
from upstream.cases.demo import DEMO_PASSWORD, seed_demo
from upstream.config import Settings
from upstream.orders.demo import load_demo_orders
from upstream.web import create_app


@pytest.fixture(scope="module")
def demo_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("orders-web"))
    store = case_store(settings)
    seed_demo(store)
    assert load_demo_orders(store)[0].startswith("loaded 10 SYNTHETIC demo orders")
    yield settings
    dispose_all()


@pytest.fixture
def client(demo_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(demo_settings), follow_redirects=False) as c:
        yield c


def login(client: TestClient, username: str, purpose: str) -> str:
    page = client.get("/login")
    response = client.post(
        "/login",
        data={
            "csrf_token": _form_token(page.text),
            "username": username,
            "password": DEMO_PASSWORD,
            "purpose": purpose,
            "next": "/cases",
        },
    )
    assert response.status_code == 303, response.text
    return _form_token(client.get("/orders/alerts").text) if purpose == "enforcement" else ""


def test_the_officer_reads_the_register_and_decides_an_alert(client: TestClient) -> None:
    token = login(client, "officer", "enforcement")
    assert client.get("/cases").headers["location"] == "/orders/alerts"  # their home
    register = client.get("/orders")
    assert register.status_code == 200 and register.headers["cache-control"] == "no-store"
    assert len(re.findall(r'data-order="\d+"', register.text)) == 10
    assert "SYNTHETIC" in register.text
    flagged = client.get("/orders?status=flagged")
    assert "review due" in flagged.text and "expires" in flagged.text
    queue = client.get("/orders/alerts")
    ids = re.findall(r'data-alert="(\d+)"', queue.text)
    assert len(ids) == 3  # zone, curfew, non-association: the fourth was decided
    assert "inside the exclusion zone" in queue.text and "curfew 21:00 to 06:00" in queue.text
    short = client.post(
        f"/orders/alerts/{ids[0]}",
        data={"csrf_token": token, "decision": "warning", "reason": "no", "version": "1"},
    )
    assert short.status_code == 400 and "reason" in short.text
    done = client.post(
        f"/orders/alerts/{ids[0]}",
        data={
            "csrf_token": token,
            "decision": "warning",
            "reason": "third sighting in the zone this month",
            "version": "1",
        },
    )
    assert done.status_code == 303
    assert len(re.findall(r'data-alert="(\d+)"', client.get("/orders/alerts").text)) == 2
    decided = client.get("/orders/alerts?decided=true").text
    assert "third sighting in the zone" in decided


def test_the_order_page_map_and_forms_name_the_bad_field(client: TestClient) -> None:
    token = login(client, "officer", "enforcement")
    page = client.get("/orders/1")
    assert page.status_code == 200
    assert 'data-zone-figure="zone-data"' in page.text and "Exclusion zone" in page.text
    assert "/static/plotly.min.js" in page.text and "/static/orders.js" in page.text
    curfew = {"csrf_token": token, "kind": "curfew", "curfew_start": "21:00", "day_fri": "1"}
    bad = client.post("/orders/1/conditions", data={**curfew, "curfew_end": "06:00"})
    assert bad.status_code == 400
    assert "curfew_end: the window ends at 06:00, before it starts at 21:00" in bad.text
    ring = "[[500000, 180000], [500100, 180000], [500000, 180100], [500000, 180000]]"
    outside = f'{{"type": "Polygon", "coordinates": [{ring}]}}'
    far = client.post(
        "/orders/1/conditions",
        data={"csrf_token": token, "kind": "exclusion_zone", "zone_geojson": outside},
    )
    assert far.status_code == 400 and "zone_geojson: the zone lies outside the area" in far.text
    good = client.post(
        "/orders/1/conditions",
        data={**curfew, "curfew_end": "06:00", "overnight": "1", "day_sat": "1"},
    )
    assert good.status_code == 303
    assert "curfew 21:00 to 06:00 (overnight), fri, sat" in client.get("/orders/1").text
    report = {"csrf_token": token, "detail": "seen near the station by a PCSO"}
    future = client.post("/orders/1/reports", data={**report, "occurred_at": "2099-01-01T10:00"})
    assert (
        future.status_code == 400
        and "occurred_at: 01 Jan 2099 10:00 GMT is in the future" in future.text
    )
    sent = client.post("/orders/1/reports", data={**report, "occurred_at": "2026-11-30T18:05"})
    assert sent.status_code == 303 and "seen near the station" in client.get("/orders/1").text


def test_the_api_applies_the_policy_and_names_fields(client: TestClient) -> None:
    headers = {"X-CSRF-Token": login(client, "officer", "enforcement")}
    orders = client.get("/api/orders").json()
    assert len(orders) == 10 and all(o["synthetic"] for o in orders)
    subject = orders[0]["subject"]
    bad = client.post(
        "/api/orders", headers=headers,
        json={"order_type": "cbo", "subject": subject, "court": "Youth Court",
              "made_on": "2026-05-01", "expires_on": "2026-04-01", "lead": "officer",
              "agency": "police"},
    )  # fmt: skip
    assert bad.status_code == 422 and "expires_on" in str(bad.json())
    detail = client.get("/api/orders/1").json()
    self_ = client.post(
        "/api/orders/1/conditions", headers=headers,
        json={"kind": "non_association", "other_person": detail["order"]["subject"]},
    )  # fmt: skip
    assert self_.status_code == 422 and "other_person" in str(self_.json())
    assert client.get("/api/orders/alerts").status_code == 200
    assert client.get("/api/orders/proportionality").status_code == 200


@pytest.mark.parametrize(
    ("username", "purpose", "register", "one", "figures"),
    [
        ("navigator", "direct_support", 403, 404, 403),
        ("analyst", "analysis", 403, 404, 200),
        ("board", "oversight", 403, 404, 403),
        ("coordinator", "coordination", 200, 200, 200),
    ],
)
def test_each_role_on_the_server(
    client: TestClient, username: str, purpose: str, register: int, one: int, figures: int
) -> None:
    login(client, username, purpose)
    assert client.get("/api/orders").status_code == register
    assert client.get("/api/orders/1").status_code == one  # outside one's reach: as unknown
    assert client.get("/api/orders/proportionality").status_code == figures
    page: Any = client.get("/orders")
    if username == "analyst":
        assert page.headers["location"] == "/orders/proportionality"
        shown = client.get("/orders/proportionality")
        assert shown.status_code == 200 and "Ratio to suspects" in shown.text
        assert 'id="demo-notice"' in shown.text  # the demo's figures say SYNTHETIC
        assert "Why some cells read [c]" in shown.text  # and why small numbers are hidden
        api = client.get("/api/orders/proportionality").json()
        assert api["suppressed_below"] == 5
        for audit in api["audits"].values():
            for row in audit["rows"]:
                for column in ("list_n", "suspects_n", "victims_n"):
                    n = row.get(column)
                    assert not (isinstance(n, int) and 0 < n < 5), (row["group"], column)
    else:
        assert page.status_code == register


def test_pages_need_a_session(client: TestClient, tmp_path: Path) -> None:
    assert client.get("/orders").headers["location"].startswith("/login?next=/orders")
    assert client.get("/api/orders").status_code == 401


def test_a_zone_around_a_named_place_from_the_form_and_the_api(client: TestClient) -> None:
    token = login(client, "officer", "enforcement")
    station = "Walthamstow Central station (station)"
    page = client.get("/orders/1").text
    assert f'<option value="{station}">' in page and 'name="zone_radius_m"' in page
    form = {"csrf_token": token, "kind": "exclusion_zone", "zone_place": station}
    small = client.post("/orders/1/conditions", data={**form, "zone_radius_m": "20"})
    assert small.status_code == 400 and "zone_radius_m" in small.text
    good = client.post("/orders/1/conditions", data={**form, "zone_radius_m": "250"})
    assert good.status_code == 303
    assert f"exclusion zone (250 m around {station})" in client.get("/orders/1").text
    headers = {"X-CSRF-Token": token}
    unknown = client.post(
        "/api/orders/1/conditions", headers=headers,
        json={"kind": "exclusion_zone", "zone_place": "Nowhere (station)"},
    )  # fmt: skip
    assert unknown.status_code == 422 and "zone_place" in str(unknown.json())
    made = client.post(
        "/api/orders/1/conditions", headers=headers,
        json={"kind": "exclusion_zone", "zone_place": "Bakers Arms (town centre)"},
    )  # fmt: skip
    assert made.status_code == 201
    summaries = [c["summary"] for c in made.json()["conditions"]]
    assert "exclusion zone (200 m around Bakers Arms (town centre))" in summaries


def test_the_order_page_flags_a_non_association_naming_its_own_subject(
    client: TestClient, demo_settings: Settings
) -> None:
    """What a merge of the subject's and the non-associate's records leaves (the merge
    itself is tested in test_merge.py): the page flags the condition for review."""
    from sqlalchemy import select

    from upstream.orders.models import OrderCondition

    store = case_store(demo_settings)
    with store.unit_of_work() as session:
        cond = session.scalars(
            select(OrderCondition).where(OrderCondition.kind == "non_association")
        ).first()
        assert cond is not None
        order_id, cond_id, was = cond.order_id, cond.id, cond.other_person_id
        cond.other_person_id = cond.order.person_id
    try:
        login(client, "officer", "enforcement")
        page = client.get(f"/orders/{order_id}").text
        assert f'id="review-condition-{cond_id}"' in page
        assert "names the order&#39;s own subject" in page
    finally:
        with store.unit_of_work() as session:
            session.get_one(OrderCondition, cond_id).other_person_id = was
    assert 'id="review-condition-' not in client.get(f"/orders/{order_id}").text


def test_support_alongside_enforcement_reads_as_sentences(client: TestClient) -> None:
    """Each figure sits in its sentence (it was a row of big numbers in columns, which read
    as "[c] / of / 10"), and the positive requirements are explained in words."""
    login(client, "officer", "enforcement")
    html = client.get("/orders/proportionality").text
    support = html.split('<ul id="support">')[1].split("</ul>")[0]
    items = [re.sub(r"<[^>]+>|\s+", " ", li).split() for li in support.split("<li>")[1:]]
    api = client.get("/api/orders/proportionality").json()["support"]
    assert " ".join(items[0]).startswith(
        f"Offered support: the subjects of {api['orders_with_offer']} of the {api['orders']} orders"
    )
    assert "things an order asks the young person to do" in " ".join(items[1])
    assert 'class="totals"' not in html.split('id="support-h"')[1].split("</section>")[0]
