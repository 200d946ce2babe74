"""Logins, lockout, argon2 rehash, session expiry, logout, CSRF and cookie flags."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from upstream.cases.auth import LoginFailed, login, resolve_session
from upstream.cases.db import CaseStore, case_store, dispose_all
from upstream.cases.models import AuditEvent, LoginAttempt, LoginSession, User, utcnow
from upstream.cases.vocab import Agency, Role, Service
from upstream.config import Settings
from upstream.web import create_app

from .conftest import PASSWORD, add_user, purpose_for


@pytest.fixture
def web(tmp_path: Path) -> Iterator[tuple[TestClient, CaseStore]]:
    settings = Settings(data_dir=tmp_path / "var", lockout_attempts=3)
    store = case_store(settings)
    store.migrate()
    add_user(store, "coord", Role.COORDINATOR, Agency.COUNCIL)
    add_user(store, "nav", Role.CASEWORKER, Agency.HEALTH, Service.AE_NAVIGATOR)
    with TestClient(create_app(settings), follow_redirects=False) as client:
        yield client, store
    dispose_all()


def _form_token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, html
    return match.group(1)


def page_login(client: TestClient, username: str, password: str = PASSWORD) -> str:
    page = client.get("/login")
    response = client.post(
        "/login",
        data={
            "csrf_token": _form_token(page.text),
            "username": username,
            "password": password,
            "purpose": purpose_for(username),
            "next": "/cases",
        },
    )
    return response.headers.get("location", str(response.status_code))


def test_login_logout_and_pages_need_a_session(web: tuple[TestClient, CaseStore]) -> None:
    client, _ = web
    assert client.get("/cases").headers["location"].startswith("/login?next=/cases")
    assert client.get("/api/cases/board").status_code == 401
    assert page_login(client, "coord") == "/cases"
    board = client.get("/cases")
    assert board.status_code == 200 and "Urgent response board" in board.text
    assert board.headers["cache-control"] == "no-store"
    assert "Content-Security-Policy" in board.headers
    token = _form_token(board.text)
    assert client.post("/logout", data={"csrf_token": token}).headers["location"] == "/login"
    assert client.get("/cases").status_code == 303


def test_the_login_page_names_the_purposes_of_every_role(
    web: tuple[TestClient, CaseStore],
) -> None:
    from upstream.cases.access import PURPOSES
    from upstream.cases.vocab import Role, label

    page = web[0].get("/login").text
    hint = page[page.index('id="role-purposes"') :]
    hint = hint[: hint.index("</p>")]
    for role in Role:
        assert f"{label(role.value)}: " in hint, role
        for purpose in PURPOSES[role]:
            assert label(purpose.value) in hint, (role, purpose)
    assert "order officer: monitoring court orders and deciding breaches" in page
    assert "retention" not in hint


def test_csrf_is_required_on_every_form(web: tuple[TestClient, CaseStore]) -> None:
    client, _ = web
    # the login form itself: no token, a forged token
    assert (
        client.post("/login", data={"username": "coord", "password": PASSWORD}).status_code == 403
    )
    client.get("/login")
    assert (
        client.post(
            "/login", data={"csrf_token": "forged", "username": "coord", "password": PASSWORD}
        ).status_code
        == 403
    )
    page_login(client, "coord")
    token = _form_token(client.get("/cases/incidents/new").text)
    fields = {"occurred_at": "2026-11-20T17:05", "offence": "Robbery"}
    assert client.post("/cases/incidents", data=fields).status_code == 403
    assert (
        client.post("/cases/incidents", data={**fields, "csrf_token": "x" * 43}).status_code == 403
    )
    ok = client.post("/cases/incidents", data={**fields, "csrf_token": token})
    assert ok.status_code == 303 and ok.headers["location"].startswith("/cases/incidents/")
    # every POST route of the case pages is behind the same check
    for route in client.app.routes:  # type: ignore[attr-defined]
        path = getattr(route, "path", "")
        if "POST" in getattr(route, "methods", set()) and path.startswith(("/cases", "/api/cases")):
            url = re.sub(r"\{[^}]+\}", "1", path).replace("/people/1", "/people/YP-00000000")
            assert client.post(url, data={"x": "1"}).status_code == 403, url


def test_failed_logins_slow_down_the_account_but_not_its_owners_browser(
    web: tuple[TestClient, CaseStore],
) -> None:
    client, store = web
    app = client.app
    with TestClient(app, follow_redirects=False) as owner:  # nav's own browser
        assert page_login(owner, "nav") == "/cases"
        owner.post("/logout", data={"csrf_token": _form_token(owner.get("/cases").text)})
        for _ in range(3):  # lockout_attempts=3: someone else guesses
            assert page_login(client, "nav", "wrong password!") == "401"
        # now the guesser must wait, even with the right password; the message says so
        page = client.get("/login")
        refused = client.post(
            "/login",
            data={
                "csrf_token": _form_token(page.text),
                "username": "nav",
                "password": PASSWORD,
                "purpose": "direct_support",
            },
        )
        assert refused.status_code == 429 and "try again in 1 second" in refused.text
        # the owner's browser carries the device cookie, so the account delay is not theirs
        assert page_login(owner, "nav") == "/cases"
    with store.unit_of_work() as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.action.like("auth.%")).order_by(AuditEvent.seq)
        ).all()
    failed = [e for e in events if e.action == "auth.login_failed"]
    assert len(failed) == 3 and {e.actor_name for e in failed} == {"nav"}
    assert all(e.client_addr == "testclient" for e in failed)
    throttled = [e.detail for e in events if e.action == "auth.throttled"]
    assert "delays begin for account 'nav': 3 failed logins" in throttled
    assert any(d and d.startswith("refused:") for d in throttled)
    # the delay passes (1 s after the third failure): the right password works again
    with store.unit_of_work() as session:
        session.execute(update(LoginAttempt).values(at=utcnow() - timedelta(seconds=2)))
    assert page_login(client, "nav") == "/cases"


def test_an_unknown_username_records_the_name_tried(sqlite_store: CaseStore) -> None:
    with pytest.raises(LoginFailed):
        login(sqlite_store, "n0body", "whatever", "coordination", client_addr="192.0.2.7")
    with sqlite_store.unit_of_work() as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "auth.login_failed")
        ).one()
    assert (event.actor_name, event.actor_role, event.client_addr) == (
        "n0body",
        "anonymous",
        "192.0.2.7",
    )


def test_unknown_users_fail_like_wrong_passwords(sqlite_store: CaseStore) -> None:
    with pytest.raises(LoginFailed) as unknown:
        login(sqlite_store, "nobody", "whatever", "coordination")
    add_user(sqlite_store, "someone", Role.ANALYST, Agency.POLICE)
    with pytest.raises(LoginFailed) as wrong:
        login(sqlite_store, "someone", "whatever", "coordination")
    assert str(unknown.value) == str(wrong.value)


def test_weak_hashes_are_upgraded_at_login(sqlite_store: CaseStore) -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
    add_user(sqlite_store, "old", Role.ANALYST, Agency.POLICE, password_hash=weak)
    login(sqlite_store, "old", PASSWORD, "analysis")
    with sqlite_store.unit_of_work() as session:
        stored = session.scalars(select(User.password_hash).where(User.username == "old")).one()
    assert stored != weak and stored.startswith("$argon2id$")
    assert not PasswordHasher().check_needs_rehash(stored)


def test_sessions_expire_when_idle_and_when_old(sqlite_store: CaseStore) -> None:
    add_user(sqlite_store, "u", Role.ANALYST, Agency.POLICE)
    token, _ = login(sqlite_store, "u", PASSWORD, "analysis")
    assert resolve_session(sqlite_store, token) is not None
    idle = timedelta(minutes=sqlite_store.settings.session_idle_minutes, seconds=1)
    with sqlite_store.unit_of_work() as session:
        session.execute(update(LoginSession).values(last_seen=utcnow() - idle))
    assert resolve_session(sqlite_store, token) is None
    token, _ = login(sqlite_store, "u", PASSWORD, "analysis")
    with sqlite_store.unit_of_work() as session:
        session.execute(update(LoginSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert resolve_session(sqlite_store, token) is None
    assert resolve_session(sqlite_store, "made-up") is None


def test_cookie_flags(tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path / "var", env="production", secret_key="s" * 40, audit_key="a" * 40
    )
    store = case_store(settings)
    store.migrate()
    add_user(store, "coord", Role.COORDINATOR, Agency.COUNCIL)
    with TestClient(
        create_app(settings), base_url="https://testserver", follow_redirects=False
    ) as client:
        page = client.get("/login")
        assert "secure" in page.headers["set-cookie"].lower()
        response = client.post(
            "/login",
            data={
                "csrf_token": _form_token(page.text),
                "username": "coord",
                "password": PASSWORD,
                "purpose": "coordination",
            },
        )
        cookie = next(c for c in response.headers.get_list("set-cookie") if "upstream_session" in c)
        assert cookie.startswith("__Host-upstream_session=")
        for flag in ("HttpOnly", "Secure", "SameSite=strict", "Path=/"):
            assert flag.lower() in cookie.lower()
    dispose_all()


def test_unsafe_settings_are_refused_in_production() -> None:
    with pytest.raises(ValueError, match="SECRET_KEY"):
        Settings(env="production")
    with pytest.raises(ValueError, match="COOKIE_SECURE"):
        Settings(env="production", secret_key="k" * 40, audit_key="a" * 40, cookie_secure=False)
    assert Settings(env="development").secure_cookies is False
