"""Admins disable, enable and unlock users (audited); a disabled user can neither log in nor
go on using a session opened before."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from upstream.cases.access import AccessDenied
from upstream.cases.admin import list_users, set_user_active, unlock_user
from upstream.cases.auth import LoginFailed, LoginThrottled, login, resolve_session
from upstream.cases.db import CaseStore, dispose_all
from upstream.cases.models import AuditEvent, LoginSession, User
from upstream.cases.schemas import UserStatus
from upstream.cases.service import Conflict, NotFound
from upstream.cases.vocab import Agency, Role, Service
from upstream.config import Settings
from upstream.web import create_app

from .conftest import PASSWORD, add_failures, add_user
from .test_auth import _form_token, page_login
from .test_flow import api_login


def _updates(store: CaseStore) -> list[tuple[str | None, str | None, str]]:
    with store.unit_of_work() as session:
        return [
            (e.record_id, e.detail, e.actor_name)
            for e in session.scalars(
                select(AuditEvent).where(AuditEvent.action == "user.update").order_by(AuditEvent.id)
            )
        ]


def test_disable_enable_and_unlock(store: CaseStore) -> None:
    admin = add_user(store, "admin", Role.ADMIN, Agency.COUNCIL)
    nav = add_user(store, "nav", Role.CASEWORKER, Agency.HEALTH, Service.AE_NAVIGATOR)
    coordinator = add_user(store, "coord", Role.COORDINATOR, Agency.COUNCIL)
    assert nav.user_id is not None and admin.user_id is not None
    token, _ = login(store, "nav", PASSWORD, "direct_support")
    assert resolve_session(store, token) is not None

    disabled = set_user_active(admin, store, nav.user_id, UserStatus(active=False))
    assert disabled.active is False
    assert resolve_session(store, token) is None  # the open session ended at once
    with store.unit_of_work() as session:
        assert session.scalars(select(LoginSession)).all() == []
    with pytest.raises(LoginFailed):
        login(store, "nav", PASSWORD, "direct_support")

    assert set_user_active(admin, store, nav.user_id, UserStatus(active=True)).active
    token, _ = login(store, "nav", PASSWORD, "direct_support")
    assert resolve_session(store, token) is not None

    # wrong passwords slow the account down; an admin's unlock forgets them
    for _ in range(store.settings.lockout_attempts):
        with pytest.raises(LoginFailed):
            login(store, "nav", "not the password", "direct_support")
    add_failures(store, "nav", 5)  # and five more guesses from elsewhere: a 32 s delay
    assert next(u for u in list_users(admin, store) if u.username == "nav").locked
    with pytest.raises(LoginThrottled):
        login(store, "nav", PASSWORD, "direct_support")
    assert unlock_user(admin, store, nav.user_id).locked is False
    login(store, "nav", PASSWORD, "direct_support")

    assert _updates(store) == [
        (str(nav.user_id), "disabled; 1 session(s) ended", "admin"),
        (str(nav.user_id), "enabled", "admin"),
        (str(nav.user_id), "unlocked", "admin"),
    ]
    with pytest.raises(Conflict, match="your own account"):
        set_user_active(admin, store, admin.user_id, UserStatus(active=False))
    with pytest.raises(NotFound):
        unlock_user(admin, store, 999_999)
    for actor in (coordinator, nav):
        with pytest.raises(AccessDenied):
            set_user_active(actor, store, admin.user_id, UserStatus(active=False))
        with pytest.raises(AccessDenied):
            unlock_user(actor, store, nav.user_id)
    with store.unit_of_work() as session:
        denied = session.scalars(
            select(AuditEvent.record_id).where(AuditEvent.action == "access.denied")
        ).all()
    assert denied.count(str(admin.user_id)) == 2 and denied.count(str(nav.user_id)) == 2


def test_a_session_of_a_user_disabled_behind_its_back_is_refused(store: CaseStore) -> None:
    add_user(store, "nav", Role.CASEWORKER, Agency.HEALTH, Service.AE_NAVIGATOR)
    token, _ = login(store, "nav", PASSWORD, "direct_support")
    with store.unit_of_work() as session:  # not through the use case: sessions are left
        session.execute(update(User).where(User.username == "nav").values(active=False))
    assert resolve_session(store, token) is None


def test_the_admin_screen_disables_and_unlocks(sqlite_store: CaseStore) -> None:
    settings: Settings = sqlite_store.settings
    add_user(sqlite_store, "admin", Role.ADMIN, Agency.COUNCIL)
    nav = add_user(sqlite_store, "nav", Role.CASEWORKER, Agency.HEALTH, Service.AE_NAVIGATOR)
    app = create_app(settings)
    try:
        with (
            TestClient(app, follow_redirects=False) as admin,
            TestClient(app, follow_redirects=False) as user,
            TestClient(app, follow_redirects=False) as api_user,
        ):
            assert page_login(user, "nav") == "/cases"
            api_login(api_user, "nav")
            assert user.get("/cases").status_code == 200
            assert api_user.get("/api/cases/board").status_code == 200
            page_login(admin, "admin")
            screen = admin.get("/cases/admin").text
            assert f'action="/cases/admin/users/{nav.user_id}/active"' in screen
            done = admin.post(
                f"/cases/admin/users/{nav.user_id}/active",
                data={"csrf_token": _form_token(screen), "active": "no"},
            )
            assert done.headers["location"] == "/cases/admin"
            screen = admin.get("/cases/admin").text
            assert "<strong>disabled</strong>" in screen and ">Enable</button>" in screen

            # the existing page and API sessions are refused, and a new login fails
            assert user.get("/cases").headers["location"].startswith("/login")
            assert api_user.get("/api/cases/board").status_code == 401
            assert page_login(user, "nav") == "401"

            admin.post(
                f"/cases/admin/users/{nav.user_id}/active",
                data={"csrf_token": _form_token(screen), "active": "yes"},
            )
            user.cookies.clear()  # a browser that has never logged in as nav
            # the refused login while disabled counted as one failure already
            for _ in range(settings.lockout_attempts - 1):
                assert page_login(user, "nav", "not the password") == "401"
            add_failures(sqlite_store, "nav", 5)
            assert page_login(user, "nav") == "429"  # slowed down, not locked for ever
            screen = admin.get("/cases/admin").text
            assert "<strong>logins slowed after failures</strong>" in screen
            assert "delays begin for account &#39;nav&#39;" in screen  # the alert
            admin.post(
                f"/cases/admin/users/{nav.user_id}/unlock",
                data={"csrf_token": _form_token(screen)},
            )
            assert page_login(user, "nav") == "/cases"
            # only admins: the caseworker is refused the admin action
            refused = user.post(
                f"/cases/admin/users/{nav.user_id}/unlock",
                data={"csrf_token": _form_token(user.get("/cases").text)},
            )
            assert refused.status_code == 403
    finally:
        dispose_all()
    assert [d for _, d, _ in _updates(sqlite_store)] == [
        "disabled; 2 session(s) ended",
        "enabled",
        "unlocked",
    ]


def test_the_admin_screen_labels_its_fields_and_names_roles_in_words(
    sqlite_store: CaseStore,
) -> None:
    """The add-user form shows a label over every field (it had placeholders only, gone
    once typed in); the audit log names each actor's role as the rest of the site does."""
    add_user(sqlite_store, "admin", Role.ADMIN, Agency.COUNCIL)
    add_user(sqlite_store, "officer-1", Role.ORDER_OFFICER, Agency.POLICE)
    app = create_app(sqlite_store.settings)
    try:
        with (
            TestClient(app, follow_redirects=False) as officer,
            TestClient(app, follow_redirects=False) as admin,
        ):
            page = officer.get("/login")
            officer.post(
                "/login",
                data={"csrf_token": _form_token(page.text), "username": "officer-1",
                      "password": PASSWORD, "purpose": "enforcement", "next": "/orders"},
            )  # fmt: skip
            page_login(admin, "admin")
            screen = admin.get("/cases/admin").text
    finally:
        dispose_all()
    form = screen.split('action="/cases/admin/users"')[1].split("</form>")[0]
    labels = {"username": "Username", "password": "First password", "role": "Role",
              "agency": "Agency", "service": "Service"}  # fmt: skip
    for field, text in labels.items():
        assert re.search(rf"<label>{text} <(input|select) name=\"{field}\"", form), field
    audit = screen.split('<table id="audit">')[1]
    assert "<td>order officer</td>" in audit and "<td>order_officer</td>" not in audit
    # the log scrolls in its own box (200 rows made the page about 22,000 px tall)
    box = screen.split('<div class="scroll-box" id="audit-box"')[1].split("</div>")[0]
    assert '<table id="audit">' in box and box.count("<tr>") > 1
    assert '<td class="when">' in audit
