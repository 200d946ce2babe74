"""Accounts (issue 10, items 8, 9, 10 and 17): purposes per role, reasons, session and client
on every event, the throttle by address, password rules and changes, forced changes, and a
second admin's approval of new users."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from upstream.cases import service
from upstream.cases.admin import admin_alerts, approve_user, create_first_admin, create_user
from upstream.cases.auth import LoginFailed, LoginThrottled, login
from upstream.cases.db import CaseStore, case_store, dispose_all
from upstream.cases.models import AuditEvent
from upstream.cases.passwords import WeakPassword, check_password
from upstream.cases.schemas import IncidentCreate, PersonCreate, UserCreate
from upstream.cases.service import Conflict
from upstream.cases.throttle import delay_seconds
from upstream.cases.vocab import Agency, Role
from upstream.config import Settings
from upstream.web import create_app

from .conftest import PASSWORD, WHY, add_user
from .test_auth import _form_token, page_login

GOOD = "tangerine viaduct umbrella"


@pytest.mark.parametrize(
    ("password", "rule"),
    [
        ("short one", "at least 12"),
        ("Password123!", "most common"),
        ("qwertyuiop12", "most common"),
        ("iloveyou2024", "most common"),
        ("navigator-secret-99", "username"),
        ("aaaaaaaaaaaaaaaa", "too easy"),
        ("abcdefghijkl", "too easy"),
    ],
)
def test_weak_passwords_are_refused_saying_why(password: str, rule: str) -> None:
    with pytest.raises(WeakPassword, match=rule):
        check_password(password, "navigator")


def test_strong_passwords_pass() -> None:
    for password in (GOOD, PASSWORD, "Kx9#mT2$vLq8wN!r"):
        check_password(password, "navigator")


@given(st.integers(0, 40), st.integers(1, 10), st.integers(1, 3600))
def test_delays_never_shrink_and_never_pass_the_cap(failures: int, free: int, cap: int) -> None:
    now, later = delay_seconds(failures, free, cap), delay_seconds(failures + 1, free, cap)
    assert 0 <= now <= later <= cap
    assert (now == 0) is (failures < free)


def test_purposes_are_limited_by_role(sqlite_store: CaseStore) -> None:
    add_user(sqlite_store, "ana", Role.ANALYST, Agency.POLICE)
    add_user(sqlite_store, "nav", Role.CASEWORKER, Agency.HEALTH, "ae_navigator")
    add_user(sqlite_store, "adm", Role.ADMIN, Agency.COUNCIL)
    for username, refused, allowed in (
        ("ana", "direct_support", "analysis"),
        ("nav", "coordination", "direct_support"),
        ("nav", "subject_access", "safeguarding"),
        ("adm", "direct_support", "subject_access"),
    ):
        with pytest.raises(LoginFailed, match="cannot open a session"):
            login(sqlite_store, username, PASSWORD, refused)
        login(sqlite_store, username, PASSWORD, allowed)


def test_events_carry_session_client_and_reason(sqlite_store: CaseStore) -> None:
    coordinator = add_user(sqlite_store, "coord", Role.COORDINATOR, Agency.COUNCIL)
    incident = service.create_incident(
        coordinator,
        sqlite_store,
        IncidentCreate(occurred_at="2026-11-01T09:00:00Z", offence="Drugs"),
    )
    person = service.add_person(
        coordinator, sqlite_store, incident.id, PersonCreate(role="victim", given_name="Kim")
    )
    service.close_person(coordinator, sqlite_store, person.pseudonym)
    try:
        with TestClient(create_app(sqlite_store.settings), follow_redirects=False) as client:
            page_login(client, "coord")
            page = client.get(f"/cases/people/{person.pseudonym}")
            assert 'id="reason-form"' in page.text and "Kim" not in page.text
            shown = client.post(
                f"/cases/people/{person.pseudonym}/view",
                data={"csrf_token": _form_token(page.text), "reason": WHY},
            )
            assert shown.status_code == 200 and 'value="Kim"' in shown.text
            short = client.post(
                f"/cases/people/{person.pseudonym}/view",
                data={"csrf_token": _form_token(page.text), "reason": "because"},
            )
            assert short.status_code == 400 and "Kim" not in short.text
    finally:
        dispose_all()
    with sqlite_store.unit_of_work() as session:
        read = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "person.read_identity")
        ).one()
        login_event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "auth.login")
        ).one()
    assert read.reason == WHY and read.client_addr == "testclient"
    assert read.session_id is not None and read.session_id == login_event.session_id


def test_many_accounts_tried_from_one_address_are_slowed(sqlite_store: CaseStore) -> None:
    free = sqlite_store.settings.lockout_attempts * 4
    # the account first: hashing its password must not use up the 1 s delay that follows
    add_user(sqlite_store, "ana", Role.ANALYST, Agency.POLICE)
    for n in range(free):
        with pytest.raises(LoginFailed):
            login(sqlite_store, f"user{n}", "guess", "analysis", client_addr="203.0.113.9")
    with pytest.raises(LoginThrottled):
        login(sqlite_store, "ana", PASSWORD, "analysis", client_addr="203.0.113.9")
    login(sqlite_store, "ana", PASSWORD, "analysis", client_addr="198.51.100.1")
    with sqlite_store.unit_of_work() as session:
        alerts = session.scalars(
            select(AuditEvent.detail).where(AuditEvent.action == "auth.throttled")
        ).all()
    assert f"delays begin for address 203.0.113.9: {free} failed logins" in alerts


def test_changing_ones_password_ends_the_other_sessions(sqlite_store: CaseStore) -> None:
    add_user(sqlite_store, "nav", Role.CASEWORKER, Agency.HEALTH, "ae_navigator")
    try:
        app = create_app(sqlite_store.settings)
        with (
            TestClient(app, follow_redirects=False) as here,
            TestClient(app, follow_redirects=False) as there,
        ):
            page_login(here, "nav")
            page_login(there, "nav")
            form = here.get("/account/password").text
            token = _form_token(form)
            weak = here.post(
                "/account/password",
                data={
                    "csrf_token": token,
                    "current_password": PASSWORD,
                    "new_password": "Password123!",
                    "confirm_password": "Password123!",
                },
            )
            assert weak.status_code == 400 and "most common" in weak.text
            wrong = here.post(
                "/account/password",
                data={
                    "csrf_token": token,
                    "current_password": "not it at all",
                    "new_password": GOOD,
                    "confirm_password": GOOD,
                },
            )
            assert wrong.status_code == 400 and "current password is wrong" in wrong.text
            done = here.post(
                "/account/password",
                data={
                    "csrf_token": token,
                    "current_password": PASSWORD,
                    "new_password": GOOD,
                    "confirm_password": GOOD,
                },
            )
            assert done.status_code == 200 and 'id="done"' in done.text
            assert here.get("/cases").status_code == 200  # this session goes on
            assert there.get("/cases").headers["location"].startswith("/login")  # that ended
            there.cookies.clear()
            assert page_login(there, "nav") == "401"
            assert page_login(there, "nav", GOOD) == "/cases"
    finally:
        dispose_all()


def test_a_password_set_by_someone_else_must_be_changed_first(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "var")
    store = case_store(settings)
    create_first_admin(store, "chiefadmin", "first password given out", "council")
    try:
        with TestClient(create_app(settings), follow_redirects=False) as client:
            assert (
                page_login(client, "chiefadmin", "first password given out") == "/account/password"
            )
            assert client.get("/cases/admin").headers["location"] == "/account/password"
            forced = client.get("/account/password").text
            assert 'id="forced"' in forced
            token = _form_token(forced)
            assert client.post("/logout", data={"csrf_token": token}).status_code == 303
            page_login(client, "chiefadmin", "first password given out")
            csrf = client.get("/api/auth/csrf")  # the API is closed too
            assert client.get("/api/cases/board").status_code == 403
            assert csrf.status_code == 200
            changed = client.post(
                "/account/password",
                data={
                    "csrf_token": _form_token(client.get("/account/password").text),
                    "current_password": "first password given out",
                    "new_password": GOOD,
                    "confirm_password": GOOD,
                },
            )
            assert changed.headers["location"] == "/cases"
            assert client.get("/cases/admin").status_code == 200
    finally:
        dispose_all()


def test_a_second_admin_approves_new_users(store: CaseStore) -> None:
    first = add_user(store, "admin1", Role.ADMIN, Agency.COUNCIL)
    second = add_user(store, "admin2", Role.ADMIN, Agency.POLICE)
    new = create_user(
        first,
        store,
        UserCreate(username="newbie", password=GOOD, role=Role.ANALYST, agency="police"),
    )
    assert new.approval == "pending" and new.must_change_password
    with pytest.raises(LoginFailed, match="second admin"):
        login(store, "newbie", GOOD, "analysis")
    with pytest.raises(Conflict, match="other than the one"):
        approve_user(first, store, new.id)
    assert any("newbie" in a.message for a in admin_alerts(second, store))
    assert approve_user(second, store, new.id).approval == "approved"
    _, view = login(store, "newbie", GOOD, "analysis")
    assert view.must_change_password
    assert not any("newbie" in a.message for a in admin_alerts(second, store))


def test_the_only_admins_new_users_stay_on_the_alerts(store: CaseStore) -> None:
    only = add_user(store, "solo", Role.ADMIN, Agency.COUNCIL)
    new = create_user(
        only,
        store,
        UserCreate(
            username="worker",
            password=GOOD,
            role=Role.CASEWORKER,
            agency="council",
            service="youth_at_risk",
        ),
    )
    assert new.approval == "unreviewed"
    login(store, "worker", GOOD, "direct_support")  # usable at once
    alerts = admin_alerts(only, store)
    assert any(
        a.kind == "unreviewed" and re.search(r"worker .* made by solo", a.message) for a in alerts
    )
    with pytest.raises(WeakPassword):
        create_user(
            only,
            store,
            UserCreate(
                username="weak", password="Password123!", role=Role.ANALYST, agency="police"
            ),
        )
