"""The retail pages through the real app (TestClient, SQLite case store, the demo register):
sign-in and landing, what each role sees, the officer's forms with their checks, CSRF,
refusals, and the register upload naming line and field."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.cases.conftest import PASSWORD, add_user
from upstream.area import area_from_settings
from upstream.cases.db import CaseStore, case_store, dispose_all
from upstream.cases.demo import DEMO_PASSWORD
from upstream.cases.vocab import Agency, Purpose, Role, Service
from upstream.config import Settings
from upstream.orders.retail.access import retail_operator
from upstream.orders.retail.demo import load_demo_retail
from upstream.orders.retail.service import get_premises, list_premises
from upstream.web import create_app


@pytest.fixture
def web(tmp_path: Path) -> Iterator[tuple[TestClient, CaseStore]]:
    settings = Settings(data_dir=tmp_path / "var")
    store = case_store(settings)
    store.migrate()
    add_user(store, "coord", Role.COORDINATOR, Agency.COUNCIL)
    add_user(store, "analyst", Role.ANALYST, Agency.POLICE)
    add_user(store, "board", Role.BOARD, Agency.PROBATION)
    add_user(store, "navigator", Role.CASEWORKER, Agency.HEALTH, Service.AE_NAVIGATOR)
    load_demo_retail(store, area_from_settings(settings))
    with TestClient(create_app(settings), follow_redirects=False) as client:
        yield client, store
    dispose_all()


def _token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, html
    return match.group(1)


def _login(client: TestClient, username: str, purpose: str, password: str = PASSWORD) -> str:
    page = client.get("/login?next=/retail")
    response = client.post(
        "/login",
        data={"csrf_token": _token(page.text), "username": username, "password": password,
              "purpose": purpose, "next": "/retail"},
    )  # fmt: skip
    return response.headers.get("location", str(response.status_code))


def test_trading_standards_lands_on_the_register_and_sees_nothing_else(
    web: tuple[TestClient, CaseStore],
) -> None:
    client, _ = web
    assert client.get("/retail").headers["location"] == "/login?next=/retail"
    assert _login(client, "trading", Purpose.TRADING_STANDARDS, DEMO_PASSWORD) == "/retail"
    page = client.get("/retail")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    for section in ('id="due"', 'id="compliance"', 'id="priority"', 'id="register"',
                    'id="plot-priority"', 'id="plot-compliance"', 'id="demo-retail"',
                    'id="import-form"'):  # fmt: skip
        assert section in page.text, section
    register = re.findall(r'<tr data-ref="(DEMO-R\d\d)"><td><a href="/retail/\1">\1</a>', page.text)
    assert len(register) == 40
    assert "true refusal rate is likely between" in page.text
    assert client.get("/cases").headers["location"] == "/retail"
    assert client.get("/actions").status_code == 403
    for elsewhere in ("/actions", "/cases/duplicates", "/cases/admin", "/board"):
        refused = client.get(elsewhere)
        assert refused.status_code == 403, elsewhere
        assert 'href="/actions"' not in refused.text.split('<nav class="case-nav"')[-1]


def test_the_officer_records_a_test_purchase_and_a_follow_up(
    web: tuple[TestClient, CaseStore],
) -> None:
    client, store = web
    _login(client, "trading", Purpose.TRADING_STANDARDS, DEMO_PASSWORD)
    detail = client.get("/retail/DEMO-R05")  # never tested
    assert "Never tested." in detail.text and 'id="test-form"' in detail.text
    token = _token(detail.text)
    form = {"csrf_token": token, "on": "01/12/2099", "age_band": "13_15", "result": "sold",
            "asked_for_id": "on"}  # fmt: skip
    future = client.post("/retail/DEMO-R05/tests", data=form)
    assert future.status_code == 400 and "on: 2099-12-01 is in the future" in future.text
    nonsense = client.post("/retail/DEMO-R05/tests", data={**form, "on": "soon"})
    assert nonsense.status_code == 400 and "on: Input should be a valid date" in nonsense.text
    forged = client.post("/retail/DEMO-R05/tests", data={**form, "csrf_token": "x"})
    assert forged.status_code == 403
    saved = client.post("/retail/DEMO-R05/tests", data={**form, "on": "01/12/2026"})
    assert saved.status_code == 303 and saved.headers["location"] == "/retail/DEMO-R05"
    history = get_premises(retail_operator("t"), store, "DEMO-R05").purchases
    assert [(p.result, p.age_band, p.asked_for_id, p.officer) for p in history] == [
        ("sold", "13_15", True, "trading")
    ]
    pid = history[0].id
    follow = client.post(
        f"/retail/DEMO-R05/tests/{pid}/follow-ups",
        data={"csrf_token": token, "kind": "warning", "on": "2026-12-01"},
    )
    assert follow.status_code == 303
    shown = client.get("/retail/DEMO-R05").text
    assert "Warning (01 Dec 2026, trading)" in shown and "aged 13-15" in shown
    online = next(
        p.ref for p in list_premises(retail_operator("t"), store) if p.premises_type == "online"
    )
    missing = client.post(f"/retail/{online}/tests", data={**form, "on": "2026-12-01"})
    assert missing.status_code == 400 and "delivery: an online seller" in missing.text


@pytest.mark.parametrize(
    ("who", "purpose"),
    [("coord", Purpose.COORDINATION), ("analyst", Purpose.ANALYSIS),
     ("board", Purpose.OVERSIGHT), ("navigator", Purpose.DIRECT_SUPPORT)],
)  # fmt: skip
def test_what_each_other_role_sees(
    web: tuple[TestClient, CaseStore], who: str, purpose: str
) -> None:
    client, _ = web
    _login(client, who, purpose)
    page = client.get("/retail")
    token = _token(page.text)  # the Log out button carries it on every page
    post = client.post(
        "/retail/DEMO-R01/tests",
        data={"csrf_token": token, "on": "2026-12-01", "age_band": "16_17", "result": "refused"},
    )
    assert post.status_code == 403  # only Trading Standards records
    if who == "coord":
        assert page.status_code == 200 and 'id="register"' in page.text
        assert 'id="import-form"' not in page.text
        detail = client.get("/retail/DEMO-R01")
        assert detail.status_code == 200 and 'id="test-form"' not in detail.text
    elif who == "analyst":  # the aggregate figures and nothing that names a premises
        assert page.status_code == 200 and 'id="compliance"' in page.text
        assert 'id="register"' not in page.text and "SYNTHETIC" not in page.text
        assert client.get("/retail/DEMO-R01").status_code == 403
    else:
        assert page.status_code == 403
        assert client.get("/retail/DEMO-R01").status_code == 403


def test_an_uploaded_register_is_all_or_nothing_naming_line_and_field(
    web: tuple[TestClient, CaseStore],
) -> None:
    client, store = web
    _login(client, "trading", Purpose.TRADING_STANDARDS, DEMO_PASSWORD)
    token = _token(client.get("/retail").text)
    body = (
        "ref,name,address,type,easting,northing\n"
        "N1,New Shop,1 Hoe St,shop,537500,189500\n"
        "N2,Far Shop,2 Strand,shop,530000,180000\n"
    )
    bad = client.post(
        "/retail/import", data={"csrf_token": token},
        files={"file": ("new.csv", body.encode(), "text/csv")},
    )  # fmt: skip
    assert bad.status_code == 400
    assert "new.csv, line 3, easting/northing: the location (530000, 180000 BNG) is outside" in (
        bad.text
    )
    assert len(list_premises(retail_operator("t"), store)) == 40
    good = client.post(
        "/retail/import", data={"csrf_token": token},
        files={"file": ("new.csv", body.rsplit("N2", 1)[0].encode(), "text/csv")},
    )  # fmt: skip
    assert good.status_code == 200 and "1 added, 0 changed, 0 unchanged" in good.text
    assert len(list_premises(retail_operator("t"), store)) == 41
