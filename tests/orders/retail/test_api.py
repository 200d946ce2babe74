"""The knife-retail register's JSON API through the real app (TestClient) on a real case
store, SQLite AND PostgreSQL: each role allowed or refused, CSRF on every change, bad input
answered 422 naming the field (and a register file's line), and one audit event per call
carrying the session's purpose."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient

from tests.cases.conftest import PASSWORD
from tests.orders.retail.conftest import (
    INSIDE,
    Team,
    events,
    load,
    make_team,
    premises,
    purchase,
    record_tests,
)
from upstream.area import area_from_settings
from upstream.cases.db import CaseStore, dispose_all
from upstream.cases.vocab import Purpose
from upstream.web import create_app

SOLD_ON = date(2026, 6, 1)


@pytest.fixture
def api(store: CaseStore, password_hash: str) -> Iterator[tuple[TestClient, CaseStore, Team]]:
    """The app on ``store`` with a shop that sold (R1) and an online seller never tested (R2)."""
    team = make_team(store, password_hash)
    area = area_from_settings(store.settings)
    load(store, area, premises("R1", name="Corner Shop"),
         premises("R2", name="Blades Online", premises_type="online"))  # fmt: skip
    record_tests(store, "R1", purchase(SOLD_ON, "sold"))
    with TestClient(create_app(store.settings), follow_redirects=False) as client:
        yield client, store, team
    dispose_all()


def login(client: TestClient, username: str, purpose: str) -> dict[str, str]:
    """Log in through ``/api/auth``; the header that carries the session's CSRF token."""
    token = client.get("/api/auth/csrf").json()["csrf_token"]
    response = client.post(
        "/api/auth/login",
        headers={"X-CSRF-Token": token},
        json={"username": username, "password": PASSWORD, "purpose": purpose},
    )
    assert response.status_code == 200, response.text
    return {"X-CSRF-Token": response.json()["csrf_token"]}


def new_shop(ref: str = "R3", **fields: object) -> dict[str, object]:
    body: dict[str, object] = {
        "ref": ref, "name": "Market Knives", "address": "3 Market Street",
        "premises_type": "market_stall", "easting": INSIDE[0] + 100, "northing": INSIDE[1],
    }  # fmt: skip
    body.update(fields)
    return body


def test_the_officer_uses_every_endpoint_each_call_audited_once(
    api: tuple[TestClient, CaseStore, Team],
) -> None:
    client, store, _ = api
    headers = login(client, "trading", Purpose.TRADING_STANDARDS)

    def audited(expected_action: str) -> None:
        new = [e for e in events(store) if e.id > seen[0]]
        assert [e.action for e in new] == [expected_action]
        assert new[0].purpose == Purpose.TRADING_STANDARDS and new[0].actor_name == "trading"
        seen[0] = new[-1].id

    seen = [max(e.id for e in events(store))]
    register = client.get("/api/retail/premises")
    assert register.status_code == 200 and register.headers["cache-control"] == "no-store"
    assert [p["ref"] for p in register.json()] == ["R2", "R1"]  # by name
    audited("retail.register_read")

    one = client.get("/api/retail/premises/R1").json()
    assert one["premises"]["sold_on"] == [SOLD_ON.isoformat()]
    assert [t["result"] for t in one["purchases"]] == ["sold"]
    audited("retail.premises_read")

    created = client.post("/api/retail/premises", headers=headers, json=new_shop())
    assert created.status_code == 201 and created.json()["outcome"] == "created"
    assert created.json()["premises"]["premises_type"] == "market_stall"
    audited("retail.premises_create")
    again = client.post("/api/retail/premises", headers=headers, json=new_shop())
    assert again.status_code == 200 and again.json()["outcome"] == "unchanged"
    audited("retail.premises_update")
    renamed = client.post("/api/retail/premises", headers=headers, json=new_shop(name="Stall 3"))
    assert renamed.status_code == 200 and renamed.json()["outcome"] == "updated"
    assert renamed.json()["premises"]["name"] == "Stall 3"
    audited("retail.premises_update")

    day = date.today() - timedelta(days=3)
    test = client.post(
        "/api/retail/premises/R3/tests", headers=headers,
        json={"on": day.isoformat(), "age_band": "16_17", "result": "sold", "asked_for_id": True},
    )  # fmt: skip
    assert test.status_code == 201 and test.json()["officer"] == "trading"
    audited("retail.test_create")
    follow = client.post(
        f"/api/retail/premises/R3/tests/{test.json()['id']}/follow-ups", headers=headers,
        json={"kind": "warning", "on": date.today().isoformat()},
    )  # fmt: skip
    assert follow.status_code == 201 and follow.json()["kind"] == "warning"
    audited("retail.follow_up_create")
    history = client.get("/api/retail/premises/R3").json()
    assert history["purchases"][0]["follow_ups"][0]["kind"] == "warning"
    audited("retail.premises_read")

    figures = client.get("/api/retail/compliance", params={"by": "year"}).json()
    assert [(f["period"], f["tests"], f["refused"]) for f in figures] == [("2026", 2, 0)]
    assert figures[0]["premises_type"] == "all" and figures[0]["upper"] > 0
    audited("retail.compliance_read")
    split = client.get("/api/retail/compliance", params={"by": "year", "by_type": True}).json()
    assert sum(f["tests"] for f in split) == 2 and {f["period"] for f in split} == {"2026"}
    assert "market_stall" in {f["premises_type"] for f in split}  # R3's test, on its own line
    assert "all" not in {f["premises_type"] for f in split}
    audited("retail.compliance_read")

    due = client.get("/api/retail/due").json()
    assert {d["ref"] for d in due} == {"R1", "R2", "R3"}
    r2 = next(d for d in due if d["ref"] == "R2")
    assert r2["last_on"] is None and r2["reason"] == "never tested: due now"
    r1 = next(d for d in due if d["ref"] == "R1")  # sold: re-test within 3 months
    assert r1["due"] == "2026-09-01" and r1["overdue"] and r1["last_result"] == "sold"
    audited("retail.register_read")

    ranked = client.get("/api/retail/priority").json()
    scores = [s["score"] for s in ranked["scores"]]
    assert scores == sorted(scores, reverse=True) and len(scores) == 3
    assert all(s["explanation"] for s in ranked["scores"])
    by_ref = {s["ref"]: s for s in ranked["scores"]}
    assert [by_ref[r]["failures"] for r in ("R1", "R2", "R3")] == [1, 0, 1]
    assert by_ref["R1"]["failures_points"] > 0 == by_ref["R2"]["failures_points"]
    audited("retail.register_read")


def test_a_follow_up_of_another_premises_test_is_a_conflict(
    api: tuple[TestClient, CaseStore, Team],
) -> None:
    client, store, _ = api
    headers = login(client, "trading", Purpose.TRADING_STANDARDS)
    purchase_id = client.get("/api/retail/premises/R1").json()["purchases"][0]["id"]
    wrong = client.post(
        f"/api/retail/premises/R2/tests/{purchase_id}/follow-ups", headers=headers,
        json={"kind": "advice", "on": SOLD_ON.isoformat()},
    )  # fmt: skip
    assert wrong.status_code == 409 and "R2 has no test purchase" in wrong.json()["detail"]
    unknown = client.get("/api/retail/premises/NOPE")
    assert unknown.status_code == 404
    assert events(store, "access.not_found")[-1].record_id == "NOPE"


# role -> register, one premises, compliance, due, priority, create, test purchase
ROLES = {
    "trading": (Purpose.TRADING_STANDARDS, 200, 200, 200, 200, 200, 201, 201),
    "coord": (Purpose.COORDINATION, 200, 200, 200, 200, 200, 403, 403),
    "admin": (Purpose.ADMINISTRATION, 200, 200, 200, 200, 200, 403, 403),
    "analyst": (Purpose.ANALYSIS, 403, 403, 200, 403, 403, 403, 403),
    "board": (Purpose.OVERSIGHT, 403, 403, 403, 403, 403, 403, 403),
    "navigator": (Purpose.DIRECT_SUPPORT, 403, 403, 403, 403, 403, 403, 403),
}


@pytest.mark.parametrize("username", list(ROLES))
def test_each_role_is_allowed_or_refused_by_the_policy(
    api: tuple[TestClient, CaseStore, Team], username: str
) -> None:
    client, store, _ = api
    purpose, *expected = ROLES[username]
    headers = login(client, username, purpose)
    before = len(events(store, "access.denied"))
    got = [
        client.get("/api/retail/premises").status_code,
        client.get("/api/retail/premises/R1").status_code,
        client.get("/api/retail/compliance").status_code,
        client.get("/api/retail/due").status_code,
        client.get("/api/retail/priority").status_code,
        client.post("/api/retail/premises", headers=headers, json=new_shop()).status_code,
        client.post(
            "/api/retail/premises/R1/tests", headers=headers,
            json={"on": SOLD_ON.isoformat(), "age_band": "13_15", "result": "refused"},
        ).status_code,
    ]  # fmt: skip
    assert got == expected
    refused = events(store, "access.denied")[before:]
    assert len(refused) == expected.count(403)  # every refusal audited, with the purpose
    assert all(e.actor_name == username and e.purpose == purpose for e in refused)
    shops = [p.ref for p in _register(store)]
    assert ("R3" in shops) == (expected[5] == 201)


def _register(store: CaseStore) -> list[object]:
    from upstream.orders.retail.access import retail_operator
    from upstream.orders.retail.service import list_premises

    return list(list_premises(retail_operator("test"), store))


def test_changes_need_the_sessions_csrf_token_and_a_session(
    api: tuple[TestClient, CaseStore, Team],
) -> None:
    client, store, _ = api
    assert client.get("/api/retail/premises").status_code == 401
    login(client, "trading", Purpose.TRADING_STANDARDS)
    writes = [
        ("/api/retail/premises", new_shop()),
        ("/api/retail/premises/R1/tests",
         {"on": SOLD_ON.isoformat(), "age_band": "16_17", "result": "refused"}),
    ]  # fmt: skip
    for path, body in writes:
        for headers in ({}, {"X-CSRF-Token": "not-the-token"}):
            refused = client.post(path, headers=headers, json=body)
            assert refused.status_code == 403, (path, headers)
    files = {"file": ("shops.csv", b"ref,name,address,type,easting,northing\n", "text/csv")}
    assert client.post("/api/retail/import", files=files).status_code == 403
    assert [p.ref for p in _register(store)] == ["R2", "R1"]  # nothing stored
    assert not [e for e in events(store) if e.action.endswith(("_create", "_update", "import"))
                and e.actor_name == "trading"]  # fmt: skip


def test_bad_input_is_refused_naming_the_field(api: tuple[TestClient, CaseStore, Team]) -> None:
    client, store, _ = api
    headers = login(client, "trading", Purpose.TRADING_STANDARDS)

    def errors(path: str, body: dict[str, object]) -> str:
        response = client.post(path, headers=headers, json=body)
        assert response.status_code == 422, response.text
        return " | ".join(response.json()["errors"])

    assert "name:" in errors("/api/retail/premises", new_shop(name="x"))
    assert "premises_type:" in errors("/api/retail/premises", new_shop(premises_type="van"))
    outside = errors("/api/retail/premises", new_shop(easting=400_000.0, northing=300_000.0))
    assert "easting/northing" in outside and "outside the partnership area" in outside
    assert "easting: give both" in errors("/api/retail/premises", new_shop(northing=None))
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    future = errors("/api/retail/premises/R1/tests",
                    {"on": tomorrow, "age_band": "16_17", "result": "refused"})  # fmt: skip
    assert future.startswith("on:") and "in the future" in future
    online = errors("/api/retail/premises/R2/tests",
                    {"on": SOLD_ON.isoformat(), "age_band": "16_17", "result": "sold"})  # fmt: skip
    assert online.startswith("delivery:")
    assert "age_band:" in errors(
        "/api/retail/premises/R1/tests",
        {"on": SOLD_ON.isoformat(), "age_band": "9", "result": "sold"},
    )
    before = errors(
        "/api/retail/premises/R1/tests/1/follow-ups",
        {"kind": "advice", "on": (SOLD_ON - timedelta(days=1)).isoformat()},
    )
    assert before.startswith("on:") and "before the test purchase" in before
    assert client.get("/api/retail/premises/bad%20ref").status_code == 422
    assert len(_register(store)) == 2 and client.get("/api/retail/premises/R1").json()[
        "premises"]["tests"] == 1  # fmt: skip


def test_a_register_file_is_imported_all_or_nothing(
    api: tuple[TestClient, CaseStore, Team],
) -> None:
    client, store, _ = api
    headers = login(client, "trading", Purpose.TRADING_STANDARDS)
    head = "ref,name,address,type,easting,northing\n"
    good = f"S1,Shop One,1 High Road,shop,{INSIDE[0]},{INSIDE[1]}\n"
    bad = f"S2,Shop Two,2 High Road,shop,{INSIDE[0]},\n"
    refused = client.post(
        "/api/retail/import", headers=headers,
        files={"file": ("shops.csv", (head + good + bad).encode(), "text/csv")},
    )  # fmt: skip
    assert refused.status_code == 422
    assert refused.json()["errors"] == [
        "file: shops.csv, line 3, easting: give both easting and northing, or neither"
    ]
    assert "S1" not in [p.ref for p in _register(store)]
    done = client.post(
        "/api/retail/import", headers=headers,
        files={"file": ("shops.csv", (head + good).encode(), "text/csv")},
    )  # fmt: skip
    assert done.status_code == 200
    assert done.json() == {"created": ["S1"], "updated": [], "unchanged": []}
    imported = [e for e in events(store) if e.action == "retail.import"]
    assert imported[-1].purpose == Purpose.TRADING_STANDARDS
    assert imported[-1].detail == "shops.csv: 1 created, 0 changed, 0 unchanged"


def test_the_api_description_lists_the_retail_endpoints(
    api: tuple[TestClient, CaseStore, Team],
) -> None:
    client, _, _ = api
    login(client, "coord", Purpose.COORDINATION)
    paths = client.get("/openapi.json").json()["paths"]
    assert {
        "/api/retail/premises", "/api/retail/premises/{ref}", "/api/retail/import",
        "/api/retail/premises/{ref}/tests",
        "/api/retail/premises/{ref}/tests/{purchase_id}/follow-ups",
        "/api/retail/compliance", "/api/retail/due", "/api/retail/priority",
    } <= set(paths)  # fmt: skip
    assert paths["/api/retail/premises"]["get"]["tags"] == ["retail"]
