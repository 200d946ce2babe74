"""``/board``: the server decides who reads the board pack (deny by default), and every
reading and refusal is audited."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.cases.conftest import add_user
from tests.cases.test_auth import page_login
from upstream.account.board.access import PACK_READERS, pack_allowed
from upstream.cases.access import Actor
from upstream.cases.db import CaseStore, case_store, dispose_all
from upstream.cases.demo import seed_demo
from upstream.cases.models import AuditEvent
from upstream.cases.vocab import Agency, Role, Service
from upstream.config import Settings
from upstream.web import create_app

USERS = {
    "board-x": (Role.BOARD, Agency.PROBATION, None),
    "coord-x": (Role.COORDINATOR, Agency.COUNCIL, None),
    "analyst-x": (Role.ANALYST, Agency.POLICE, None),
    "admin-x": (Role.ADMIN, Agency.COUNCIL, None),
    "worker-x": (Role.CASEWORKER, Agency.HEALTH, Service.AE_NAVIGATOR),
}


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, CaseStore]]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("board-web") / "var")
    store = case_store(settings)
    store.migrate()
    seed_demo(store, max_incidents=30)
    for name, (role, agency, service) in USERS.items():
        add_user(store, name, role, agency, service)
    with TestClient(create_app(settings), follow_redirects=False) as client:
        yield client, store
    dispose_all()


def _audit(store: CaseStore, username: str) -> list[tuple[str, str, str]]:
    with store.unit_of_work() as session:
        rows = session.scalars(
            select(AuditEvent).where(
                AuditEvent.actor_name == username, AuditEvent.record_type == "board_pack"
            )
        )
        return [(e.action, e.outcome, e.detail or "") for e in rows]


def test_anonymous_visitors_are_sent_to_log_in(web: tuple[TestClient, CaseStore]) -> None:
    client, _ = web
    client.cookies.clear()
    response = client.get("/board")
    assert response.status_code in (302, 303, 307)
    assert "/login" in response.headers["location"]


@pytest.mark.parametrize("username", ["board-x", "coord-x", "analyst-x"])
def test_board_coordinator_and_analysts_read_it(
    web: tuple[TestClient, CaseStore], username: str
) -> None:
    client, store = web
    client.cookies.clear()
    assert page_login(client, username) in ("/cases", "/")
    response = client.get("/board?quarter=2024Q2")
    assert response.status_code == 200, response.text[:300]
    html = response.text
    assert 'data-summary-page="1"' in html and 'data-summary-page="2"' in html
    assert "Board pack 2024Q2: summary" in html
    assert '<script src="/static/plotly.min.js"></script>' in html
    assert "<script>" not in html  # the CSP allows no inline script
    assert ("board.view", "ok", "board pack 2024Q2") in _audit(store, username)


@pytest.mark.parametrize("username", ["admin-x", "worker-x"])
def test_other_roles_are_refused_and_the_refusal_audited(
    web: tuple[TestClient, CaseStore], username: str
) -> None:
    client, store = web
    client.cookies.clear()
    page_login(client, username)
    response = client.get("/board?quarter=2024Q2")
    assert response.status_code == 403
    assert "The attempt has been recorded." in response.text
    assert 'data-summary-page="1"' not in response.text
    assert _audit(store, username) == [("access.denied", "denied", "board_pack.read")]


def test_a_bad_quarter_is_refused(web: tuple[TestClient, CaseStore]) -> None:
    client, _ = web
    client.cookies.clear()
    page_login(client, "board-x")
    assert client.get("/board?quarter=2024Q9").status_code == 422


def test_the_rule_denies_every_role_not_named() -> None:
    for role in [*Role, "system", "somebody"]:
        actor = Actor(1, "u", str(role), "council")
        assert pack_allowed(actor) is (role in PACK_READERS)
    assert set(PACK_READERS) == {Role.BOARD, Role.COORDINATOR, Role.ANALYST, "system"}
