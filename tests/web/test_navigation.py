"""The navigation a signed-in user sees leads only to pages they may open, each once.

Every role logs in over HTTP; every link of the case pages' navigation and of the main
navigation (the *Curtail* link, the action plan and the board pack included) is followed
and must answer 200 (not *Not allowed*, which is
also written to the audit as a refused attempt). A role that may open no Curtail page gets
no Curtail link."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.cases.conftest import PASSWORD, add_user
from tests.cases.test_auth import _form_token
from upstream.cases.access import PURPOSES
from upstream.cases.db import case_store, dispose_all
from upstream.cases.demo import seed_demo
from upstream.cases.vocab import Agency, Role, Service
from upstream.config import Settings
from upstream.orders.demo import load_demo_orders
from upstream.web import create_app

USERS = {
    "nav-coordinator": (Role.COORDINATOR, Agency.COUNCIL, None),
    "nav-caseworker": (Role.CASEWORKER, Agency.COUNCIL, Service.YOUTH_AT_RISK),
    "nav-analyst": (Role.ANALYST, Agency.POLICE, None),
    "nav-board": (Role.BOARD, Agency.PROBATION, None),
    "nav-admin": (Role.ADMIN, Agency.COUNCIL, None),
    "nav-intel": (Role.INTEL_ANALYST, Agency.POLICE, None),
    "nav-trading": (Role.TRADING_OFFICER, Agency.COUNCIL, None),
    "nav-officer": (Role.ORDER_OFFICER, Agency.POLICE, None),
}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("navigation") / "var")
    store = case_store(settings)
    store.migrate()
    seed_demo(store, max_incidents=20)
    load_demo_orders(store)
    for name, (role, agency, service) in USERS.items():
        add_user(store, name, role, agency, service)
    with TestClient(create_app(settings), follow_redirects=False) as test_client:
        yield test_client
    dispose_all()


def _login(client: TestClient, username: str) -> None:
    client.cookies.clear()
    role = USERS[username][0]
    purpose = sorted(PURPOSES[role])[0]
    page = client.get("/login")
    response = client.post(
        "/login",
        data={
            "csrf_token": _form_token(page.text),
            "username": username,
            "password": PASSWORD,
            "purpose": purpose,
            "next": "/cases",
        },
    )
    assert response.status_code == 303, response.text[:300]


def _case_nav(html: str) -> list[str]:
    nav = re.search(r'<nav class="case-nav".*?</ul>', html, re.S)
    assert nav, html[:500]
    return re.findall(r'<a href="([^"]+)"', nav.group(0))


def _main_nav(html: str) -> list[str]:
    nav = re.search(r'<nav aria-label="Main">.*?</ul>', html, re.S)
    assert nav, html[:500]
    return re.findall(r'<a href="([^"]+)"', nav.group(0))


def _curtail(html: str) -> list[str]:
    return re.findall(r'<a href="([^"]+)"[^>]*>Curtail</a>', html)


@pytest.mark.parametrize("username", list(USERS))
def test_every_link_of_the_navigation_opens(client: TestClient, username: str) -> None:
    _login(client, username)
    start = client.get("/account/password")  # a case page every signed-in role may open
    assert start.status_code == 200, start.text[:300]
    links = _case_nav(start.text)
    assert links, "a signed-in user is offered at least one page"
    assert len(links) == len(set(links)), f"a page offered twice: {links}"
    for href in links:
        answer = client.get(href)
        assert answer.status_code == 200, f"{username}: {href} answered {answer.status_code}"
    main = _main_nav(start.text)
    assert {"/", "/profile", "/cases"} <= set(main)
    for href in main:  # "Cases" may send a role on to its own first page
        answer = client.get(href, follow_redirects=True)
        where = answer.url.path
        assert answer.status_code == 200, f"{username}: {href} answered {answer.status_code}"
        assert where != "/login", f"{username}: {href} asked for a login again"


@pytest.mark.parametrize(
    ("username", "curtail"),
    [
        ("nav-coordinator", ["/orders"]),
        ("nav-officer", ["/orders"]),
        ("nav-analyst", ["/orders/proportionality"]),
        ("nav-trading", ["/retail"]),
        ("nav-intel", ["/network"]),
        ("nav-admin", ["/retail"]),
        ("nav-board", []),  # nothing under Curtail but the groups' CSV, in the case nav
        ("nav-caseworker", []),
    ],
)
def test_curtail_leads_each_role_to_its_own_page(
    client: TestClient, username: str, curtail: list[str]
) -> None:
    _login(client, username)
    assert _curtail(client.get("/").text) == curtail


def test_a_visitor_is_led_to_log_in_from_curtail(client: TestClient) -> None:
    client.cookies.clear()
    assert _curtail(client.get("/login").text) == ["/orders"]
    answer = client.get("/orders")
    assert answer.status_code == 303 and answer.headers["location"].startswith("/login")


def test_the_who_line_names_the_role_in_words(client: TestClient) -> None:
    _login(client, "nav-officer")
    html = client.get("/orders").text
    assert "nav-officer · order officer · police" in html
    assert "order_officer" not in html.split('<p class="who">')[1].split("</p>")[0]
