"""Property-based fuzzing of the JSON API from its OpenAPI document (schemathesis):
whatever a logged-in coordinator sends, the server never answers with a 5xx."""

from __future__ import annotations

from pathlib import Path

import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings

from upstream.cases.db import case_store, dispose_all
from upstream.cases.vocab import Agency, Role
from upstream.config import Settings
from upstream.web import create_app

from .conftest import add_user
from .test_flow import api_login

STATUSES: list[int] = []


def test_no_server_errors_from_fuzzed_api_calls(tmp_path: Path) -> None:
    config = Settings(data_dir=tmp_path / "var")
    store = case_store(config)
    store.migrate()
    add_user(store, "coord", Role.COORDINATOR, Agency.COUNCIL)
    app = create_app(config)
    with TestClient(app) as client:
        headers = api_login(client, "coord")
        cookies = dict(client.cookies)
        openapi = client.get("/openapi.json")
        assert openapi.status_code == 200
        assert client.get("/docs").status_code == 404
        # seed a record so that fuzzed ids sometimes exist
        client.post(
            "/api/cases/incidents",
            headers=headers,
            json={"occurred_at": "2026-11-01T10:00:00Z", "offence": "Robbery"},
        )
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    tried = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if not operation.path.startswith("/api/cases"):
            continue

        @settings(
            max_examples=30,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def call(case: schemathesis.Case) -> None:
            response = case.call(headers=headers, cookies=cookies)
            assert response.status_code < 500, (case.method, case.formatted_path, response.text)
            STATUSES.append(response.status_code)

        call()
        tried += 1
    assert tried >= 12
    dispose_all()
    assert any(200 <= status < 300 for status in STATUSES)  # the fuzzer got past the login
