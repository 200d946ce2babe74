"""Signing in from a page that needs it returns to that page (not to the case board)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.cases.conftest import PASSWORD
from upstream.config import Settings
from upstream.web import create_app


@pytest.fixture(scope="module")
def client(small_partnership_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(small_partnership_settings), follow_redirects=False) as c:
        yield c


def _sign_in(client: TestClient, login_url: str) -> str:
    """Submit the login form found at ``login_url``; the address the app sends us to."""
    form = client.get(login_url).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)
    target = re.search(r'name="next" value="([^"]*)"', form)
    assert token and target, form
    response = client.post(
        "/login",
        data={"csrf_token": token.group(1), "username": "analyst", "password": PASSWORD,
              "purpose": "analysis", "next": target.group(1)},
    )  # fmt: skip
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    client.post("/logout", data={"csrf_token": token.group(1)})
    client.cookies.clear()
    return location


@pytest.mark.parametrize("path", ["/plan", "/reach"])
def test_a_page_behind_login_is_where_signing_in_returns(client: TestClient, path: str) -> None:
    client.cookies.clear()
    sent_to = client.get(path).headers["location"]
    assert sent_to == f"/login?next={path}"
    assert _sign_in(client, sent_to) == path


def test_the_outcomes_pages_log_in_link_returns_to_the_outcomes(client: TestClient) -> None:
    client.cookies.clear()
    page = client.get("/outcomes")
    assert page.status_code == 200
    link = re.search(r'<a href="(/login[^"]*)">Log in</a> to see them', page.text)
    assert link, "the outcomes page offers no way to sign in for the withheld measures"
    assert _sign_in(client, link.group(1).replace("&amp;", "&")) == "/outcomes"


def test_an_address_elsewhere_is_never_a_return_target(client: TestClient) -> None:
    for target in ("//evil.example/plan", "https://evil.example/", "/plan\\..", "/planet"):
        client.cookies.clear()
        assert _sign_in(client, f"/login?next={target}") == "/cases", target
