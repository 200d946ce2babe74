"""Passwords, logins and sessions.

* Passwords are hashed with argon2id (argon2-cffi's defaults, RFC 9106's low-memory profile);
  a hash made with older parameters is replaced at the next successful login.
* After ``lockout_attempts`` wrong passwords in a row an account is locked for
  ``lockout_minutes``; the message never says whether the user exists or is locked.
* A session is a random token in a cookie; the table keeps only its SHA-256, a CSRF token and
  the purpose stated at login. It ends after ``session_idle_minutes`` without use, after
  ``session_max_hours`` in all, or at logout.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select, update

from upstream.cases.access import Actor
from upstream.cases.audit import AuditKind, record
from upstream.cases.db import CaseStore
from upstream.cases.models import LoginSession, User, utcnow
from upstream.cases.vocab import Purpose

__all__ = [
    "LoginFailed",
    "SessionView",
    "actor_by_username",
    "actor_for",
    "hash_password",
    "login",
    "logout",
    "resolve_session",
    "verify_password",
]

_hasher = PasswordHasher()
_ANONYMOUS = Actor(None, "anonymous", "anonymous", "none", None, Purpose.ADMINISTRATION)


class LoginFailed(Exception):
    """Wrong username or password, or a locked or disabled account (deliberately vague)."""

    def __init__(self) -> None:
        super().__init__("wrong username or password, or the account is locked")


def hash_password(password: str) -> str:
    """An argon2id hash of ``password``."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``password_hash``."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@cache
def _dummy_hash() -> str:
    return _hasher.hash("no such user: spend the same time as a real check")


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def actor_for(user: User, purpose: str) -> Actor:
    """The policy's view of ``user`` acting for ``purpose``."""
    return Actor(user.id, user.username, user.role, user.agency, user.service, purpose)


@dataclass(frozen=True)
class SessionView:
    """A live session: who is acting, the CSRF token of their forms, when it ends."""

    actor: Actor
    csrf_token: str
    expires_at: datetime


def login(store: CaseStore, username: str, password: str, purpose: str) -> tuple[str, SessionView]:
    """Check credentials and open a session; returns the cookie token and the session.

    Raises :class:`LoginFailed` (after recording the failure and any lockout).
    """
    settings = store.settings
    now = utcnow()
    failed = False
    with store.unit_of_work() as session:
        user = session.scalars(select(User).where(User.username == username)).one_or_none()
        if user is None or not user.active:
            verify_password(_dummy_hash(), password)
            record(session, _ANONYMOUS, AuditKind.LOGIN_FAILED, "user", None, outcome="denied")
            failed = True
        elif user.locked_until is not None and user.locked_until > now:
            verify_password(_dummy_hash(), password)
            record(
                session,
                actor_for(user, purpose),
                AuditKind.LOGIN_LOCKED,
                "user",
                user.id,
                outcome="denied",
            )
            failed = True
        elif not verify_password(user.password_hash, password):
            failures = session.execute(
                update(User)
                .where(User.id == user.id)
                .values(failed_logins=User.failed_logins + 1)
                .returning(User.failed_logins)
            ).scalar_one()
            kind = AuditKind.LOGIN_FAILED
            if failures >= settings.lockout_attempts:
                session.execute(
                    update(User)
                    .where(User.id == user.id)
                    .values(
                        failed_logins=0,
                        locked_until=now + timedelta(minutes=settings.lockout_minutes),
                    )
                )
                kind = AuditKind.LOGIN_LOCKED
            record(session, actor_for(user, purpose), kind, "user", user.id, outcome="denied")
            failed = True
        else:
            user.failed_logins = 0
            user.locked_until = None
            if _hasher.check_needs_rehash(user.password_hash):
                user.password_hash = _hasher.hash(password)
            token = secrets.token_urlsafe(32)
            row = LoginSession(
                token_hash=_token_hash(token),
                user_id=user.id,
                csrf_token=secrets.token_urlsafe(32),
                purpose=str(purpose),
                created_at=now,
                last_seen=now,
                expires_at=now + timedelta(hours=settings.session_max_hours),
            )
            session.add(row)
            actor = actor_for(user, purpose)
            record(session, actor, AuditKind.LOGIN, "user", user.id)
            view = SessionView(actor, row.csrf_token, row.expires_at)
    if failed:
        raise LoginFailed
    return token, view


def resolve_session(store: CaseStore, token: str | None) -> SessionView | None:
    """The live session of a cookie token, or None (unknown, expired or user disabled)."""
    if not token or len(token) > 200:
        return None
    settings = store.settings
    now = utcnow()
    idle = timedelta(minutes=settings.session_idle_minutes)
    with store.unit_of_work() as session:
        row = session.scalars(
            select(LoginSession).where(LoginSession.token_hash == _token_hash(token))
        ).one_or_none()
        if row is None:
            return None
        if row.expires_at <= now or now - row.last_seen >= idle or not row.user.active:
            session.delete(row)
            return None
        if now - row.last_seen > timedelta(seconds=30):
            row.last_seen = now
        return SessionView(actor_for(row.user, row.purpose), row.csrf_token, row.expires_at)


def actor_by_username(store: CaseStore, username: str, purpose: str) -> Actor:
    """The actor of an active user named on the command line (``--as``)."""
    with store.unit_of_work() as session:
        user = session.scalars(select(User).where(User.username == username)).one_or_none()
        if user is None or not user.active:
            raise LookupError(f"no active user {username!r}")
        return actor_for(user, purpose)


def logout(store: CaseStore, token: str | None) -> None:
    """End the session of ``token`` (nothing happens if there is none)."""
    if not token:
        return
    with store.unit_of_work() as session:
        row = session.scalars(
            select(LoginSession).where(LoginSession.token_hash == _token_hash(token))
        ).one_or_none()
        if row is None:
            return
        record(session, actor_for(row.user, row.purpose), AuditKind.LOGOUT, "user", row.user_id)
        session.execute(delete(LoginSession).where(LoginSession.id == row.id))
