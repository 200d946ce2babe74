"""Who sees which outcome measures: the case store's own policy decides the case-tool
counts (an admin manages users, not case work, so does not see them)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.cases.conftest import add_user
from tests.cases.test_auth import page_login
from upstream.cases.db import case_store, dispose_all
from upstream.cases.demo import seed_demo
from upstream.cases.vocab import Agency, Role
from upstream.config import Settings
from upstream.web import create_app


@pytest.fixture
def client(tmp_path) -> Iterator[TestClient]:
    settings = Settings(data_dir=tmp_path / "var")
    store = case_store(settings)
    store.migrate()
    seed_demo(store, max_incidents=40)
    add_user(store, "analyst-x", Role.ANALYST, Agency.POLICE)
    add_user(store, "admin-x", Role.ADMIN, Agency.COUNCIL)
    with TestClient(create_app(settings), follow_redirects=False) as c:
        yield c
    dispose_all()


def test_case_measures_follow_the_board_figures_permission(client: TestClient) -> None:
    public = client.get("/outcomes").text
    assert 'id="measure-reached_in_time"' not in public
    assert page_login(client, "analyst-x") == "/cases"
    analyst = client.get("/outcomes").text
    assert 'id="measure-reached_in_time"' in analyst
    assert 'id="measure-offer_acceptance"' in analyst
    client.cookies.clear()
    assert page_login(client, "admin-x") == "/cases"
    admin = client.get("/outcomes")
    assert admin.status_code == 200
    assert 'id="measure-knife_injury_u25"' in admin.text  # partnership extract: signed in
    assert 'id="measure-reached_in_time"' not in admin.text
    assert "2 measures from the case tool are shown only to" in admin.text
