"""Checks that a case store is fit to serve in production, and the step that makes it so.

The synthetic demo's users share a published password. A production server must never run
while any of them can log in: :func:`check_production` refuses (``upstream serve`` and the app
both call it at start), and ``upstream cases disable-demo`` (:func:`disable_demo_users`)
disables them, audited. Login refuses demo users in production as well, in case one is
enabled again while the server runs.
"""

from __future__ import annotations

from sqlalchemy import delete, select

from upstream.cases.access import system_actor
from upstream.cases.audit import AuditKind, record
from upstream.cases.db import CaseStore
from upstream.cases.models import LoginSession, User

__all__ = ["UnsafeDeployment", "check_production", "disable_demo_users"]


class UnsafeDeployment(RuntimeError):
    """The case store is not fit for production; the message says what to do."""


def active_demo_users(store: CaseStore) -> list[str]:
    """Usernames of demo users who could log in."""
    with store.sessions() as session:
        return list(
            session.scalars(select(User.username).where(User.demo.is_(True), User.active.is_(True)))
        )


def check_production(store: CaseStore) -> None:
    """Raise :class:`UnsafeDeployment` if ``UPSTREAM_ENV=production`` and demo users are active."""
    if store.settings.env != "production":
        return
    store.migrate()
    names = active_demo_users(store)
    if names:
        raise UnsafeDeployment(
            f"refusing to start in production: {len(names)} demo user(s) with the published "
            f"password are active ({', '.join(sorted(names))}). Run 'upstream cases "
            "disable-demo', or use a case store that never held the demo."
        )


def disable_demo_users(store: CaseStore) -> list[str]:
    """Disable every demo user and end their sessions; returns their usernames (audited)."""
    actor = system_actor("disable-demo")
    with store.unit_of_work() as session:
        users = list(
            session.scalars(select(User).where(User.demo.is_(True), User.active.is_(True)))
        )
        for user in users:
            user.active = False
            session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))
            record(
                session, actor, AuditKind.USER_UPDATE, "user", user.id, detail="demo user disabled"
            )
        return [u.username for u in users]
