"""Passwords, logins and sessions.

* Passwords are hashed with argon2id (argon2-cffi's defaults, RFC 9106's low-memory profile);
  a hash made with older parameters is replaced at the next successful login. New passwords
  keep the rules of :mod:`upstream.cases.passwords`.
* Failed logins slow further attempts on that account and from that address
  (:mod:`upstream.cases.throttle`); the message never says whether the user exists.
* A user given a password by someone else (``create-admin``, an admin's new user) must
  change it at first login: until then the session can do nothing else.
* A session is a random token in a cookie; the table keeps only its SHA-256, a CSRF token, the
  purpose stated at login (one the user's role may have) and the client address. It ends
  after ``session_idle_minutes`` without use, after ``session_max_hours`` in all, at logout,
  or when the user changes their password (their other sessions) or is disabled.
* In production, demo users cannot log in at all (and the app refuses to start while any is
  active: :mod:`upstream.cases.deployment`).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from upstream.cases.access import Actor, purpose_allowed
from upstream.cases.audit import AuditKind, record
from upstream.cases.db import CaseStore
from upstream.cases.models import LoginSession, User, utcnow
from upstream.cases.passwords import check_password
from upstream.cases.schemas import PasswordChange
from upstream.cases.throttle import (
    Throttle,
    account_failures,
    delay_seconds,
    forget_account,
    note_failure,
    wait_seconds,
)
from upstream.cases.vocab import Purpose, label
from upstream.config import Settings

__all__ = [
    "LoginFailed",
    "LoginThrottled",
    "SessionView",
    "actor_for",
    "authenticate",
    "change_password",
    "hash_password",
    "login",
    "logout",
    "resolve_session",
    "verify_password",
]

_hasher = PasswordHasher()
CLI_CLIENT = "command line"


class LoginFailed(Exception):
    """Wrong username or password, or an account that cannot log in (deliberately vague
    unless the password was right)."""

    def __init__(self, message: str = "wrong username or password") -> None:
        super().__init__(message)


class LoginThrottled(LoginFailed):
    """Too many failed logins: wait ``seconds`` before trying again."""

    def __init__(self, seconds: float) -> None:
        self.seconds = max(1, int(seconds + 0.999))
        super().__init__(
            f"too many failed logins: try again in {self.seconds} second"
            + ("" if self.seconds == 1 else "s")
        )


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


def actor_for(
    user: User, purpose: str, session_id: int | None = None, client_addr: str | None = None
) -> Actor:
    """The policy's view of ``user`` acting for ``purpose`` (from a session and address)."""
    return Actor(
        user.id,
        user.username,
        user.role,
        user.agency,
        user.service,
        purpose,
        session_id,
        client_addr,
    )


def _anonymous(username: str, client_addr: str) -> Actor:
    """The actor of a failed login: the username tried (clipped), no role."""
    name = username[:64] or "-"
    return Actor(None, name, "anonymous", "none", None, Purpose.ADMINISTRATION, None, client_addr)


@dataclass(frozen=True)
class SessionView:
    """A live session: who is acting, the CSRF token of their forms, when it ends, and
    whether the user must change their password before doing anything else."""

    actor: Actor
    csrf_token: str
    expires_at: datetime
    must_change_password: bool = False


def _throttled(
    session: Session, username: str, client_addr: str, user: User | None, detail: str
) -> None:
    record(
        session,
        _anonymous(username, client_addr),
        AuditKind.LOGIN_THROTTLED,
        "user",
        user.id if user else None,
        detail=detail,
        outcome="denied",
    )


def _refuse(
    session: Session,
    throttle: Throttle,
    username: str,
    client_addr: str,
    now: datetime,
    user: User | None,
    purpose: str,
) -> None:
    """Record a failed login for the throttle and in the audit (the caller raises)."""
    for started in note_failure(session, throttle, username, client_addr, now):
        _throttled(session, username, client_addr, user, f"delays begin for {started}")
    actor = _anonymous(username, client_addr)
    if user is not None:
        actor = actor_for(user, purpose, None, client_addr)
        failures = account_failures(session, throttle, username, now)
        user.failed_logins = failures
        wait = delay_seconds(failures, throttle.free, throttle.cap_seconds)
        user.locked_until = now + timedelta(seconds=wait) if wait else None
    user_id = user.id if user else None
    record(session, actor, AuditKind.LOGIN_FAILED, "user", user_id, outcome="denied")


def _authenticate(
    store: CaseStore,
    username: str,
    password: str,
    purpose: str,
    client_addr: str,
    known_device_user: int | None,
    open_session: bool,
) -> tuple[str | None, SessionView]:
    settings = store.settings
    throttle = Throttle.from_settings(settings)
    now = utcnow()
    error: LoginFailed | None = None
    with store.unit_of_work() as session:
        user = session.scalars(select(User).where(User.username == username)).one_or_none()
        known = user is not None and known_device_user == user.id
        wait = wait_seconds(session, throttle, username, client_addr, now, known_device=known)
        if wait > 0:
            verify_password(_dummy_hash(), password)
            _throttled(session, username, client_addr, user, f"refused: {int(wait + 0.999)} s left")
            error = LoginThrottled(wait)
        elif user is None or not user.active:
            verify_password(_dummy_hash(), password)
            _refuse(session, throttle, username, client_addr, now, None, purpose)
            error = LoginFailed()
        elif not verify_password(user.password_hash, password):
            _refuse(session, throttle, username, client_addr, now, user, purpose)
            error = LoginFailed()
        else:
            error = _after_password(session, user, purpose, client_addr, settings.env)
        if error is None and user is not None:
            forget_account(session, username)
            user.failed_logins = 0
            user.locked_until = None
            if _hasher.check_needs_rehash(user.password_hash):
                user.password_hash = _hasher.hash(password)
            return _open(session, user, purpose, client_addr, now, settings, open_session)
    assert error is not None
    raise error


def _after_password(
    session: Session, user: User, purpose: str, client_addr: str, env: str
) -> LoginFailed | None:
    """Refusals that may be explained, because the password was right."""
    actor = actor_for(user, purpose, None, client_addr)
    reason = None
    if env == "production" and user.demo:
        reason = LoginFailed("demo accounts cannot log in to a production server")
    elif user.approval == "pending":
        reason = LoginFailed("this account is waiting for a second admin to approve it")
    elif not purpose_allowed(user.role, purpose):
        reason = LoginFailed(
            f"{label(user.role)}s cannot open a session for {label(purpose)}: choose another "
            "purpose"
        )
    if reason is not None:
        detail = str(reason)
        record(
            session, actor, AuditKind.LOGIN_FAILED, "user", user.id, outcome="denied", detail=detail
        )
    return reason


def _open(
    session: Session,
    user: User,
    purpose: str,
    client_addr: str,
    now: datetime,
    settings: Settings,
    open_session: bool,
) -> tuple[str | None, SessionView]:
    if not open_session:
        actor = actor_for(user, purpose, None, client_addr)
        record(session, actor, AuditKind.LOGIN, "user", user.id, detail="command line")
        return None, SessionView(actor, "", now, user.must_change_password)
    token = secrets.token_urlsafe(32)
    row = LoginSession(
        token_hash=_token_hash(token),
        user_id=user.id,
        csrf_token=secrets.token_urlsafe(32),
        purpose=str(purpose),
        created_at=now,
        last_seen=now,
        expires_at=now + timedelta(hours=settings.session_max_hours),
        client_addr=client_addr[:64],
    )
    session.add(row)
    session.flush()
    actor = actor_for(user, purpose, row.id, client_addr)
    record(session, actor, AuditKind.LOGIN, "user", user.id)
    return token, SessionView(actor, row.csrf_token, row.expires_at, user.must_change_password)


def login(
    store: CaseStore,
    username: str,
    password: str,
    purpose: str,
    client_addr: str = "unknown",
    known_device_user: int | None = None,
) -> tuple[str, SessionView]:
    """Check credentials and open a session; returns the cookie token and the session.

    ``known_device_user``: the user id of a valid device cookie sent with the login (the
    account's throttle does not apply to that user's own browser). Raises
    :class:`LoginFailed` (or :class:`LoginThrottled`) after recording the failure.
    """
    token, view = _authenticate(
        store, username, password, purpose, client_addr, known_device_user, True
    )
    assert token is not None
    return token, view


def authenticate(store: CaseStore, username: str, password: str, purpose: str) -> Actor:
    """The actor of a user who proves who they are on the server's command line (``--as``).

    The same checks as a web login (throttle, password, approval, purpose), audited as a
    command-line login; a user who must change their password is refused until they have.
    """
    _, view = _authenticate(store, username, password, purpose, CLI_CLIENT, None, False)
    if view.must_change_password:
        raise LoginFailed("change your password in the web app first (it was set by someone else)")
    return view.actor


def resolve_session(
    store: CaseStore, token: str | None, client_addr: str | None = None
) -> SessionView | None:
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
        user = row.user
        dead = (
            row.expires_at <= now
            or now - row.last_seen >= idle
            or not user.active
            or user.approval == "pending"
            or (settings.env == "production" and user.demo)
        )
        if dead:
            session.delete(row)
            return None
        if now - row.last_seen > timedelta(seconds=30):
            row.last_seen = now
        return SessionView(
            actor_for(user, row.purpose, row.id, client_addr or row.client_addr),
            row.csrf_token,
            row.expires_at,
            user.must_change_password,
        )


def change_password(store: CaseStore, view: SessionView, data: PasswordChange) -> int:
    """Change the session user's own password; their other sessions end. Returns how many.

    Raises :class:`LoginFailed` for a wrong current password (counted by the throttle like a
    failed login) and :class:`~upstream.cases.passwords.WeakPassword` for a weak new one.
    """
    actor = view.actor
    now = utcnow()
    settings = store.settings
    failed = False
    with store.unit_of_work() as session:
        user = session.get_one(User, actor.user_id)
        if not verify_password(user.password_hash, data.current_password):
            _refuse(
                session,
                Throttle.from_settings(settings),
                user.username,
                actor.client_addr or "unknown",
                now,
                user,
                actor.purpose,
            )
            failed = True
        else:
            check_password(data.new_password, user.username)
            if verify_password(user.password_hash, data.new_password):
                raise ValueError("new_password: choose a password you have not used here")
            user.password_hash = hash_password(data.new_password)
            user.password_changed_at = now
            user.must_change_password = False
            others = session.scalars(
                select(LoginSession.id).where(
                    LoginSession.user_id == user.id, LoginSession.id != actor.session_id
                )
            ).all()
            session.execute(delete(LoginSession).where(LoginSession.id.in_(others)))
            ended = len(others)
            record(
                session,
                actor,
                AuditKind.PASSWORD_CHANGE,
                "user",
                user.id,
                detail=f"own password changed; {ended} other session(s) ended",
            )
            return ended
    assert failed
    raise LoginFailed("the current password is wrong")


def logout(store: CaseStore, token: str | None, client_addr: str | None = None) -> None:
    """End the session of ``token`` (nothing happens if there is none)."""
    if not token:
        return
    with store.unit_of_work() as session:
        row = session.scalars(
            select(LoginSession).where(LoginSession.token_hash == _token_hash(token))
        ).one_or_none()
        if row is None:
            return
        actor = actor_for(row.user, row.purpose, row.id, client_addr or row.client_addr)
        record(session, actor, AuditKind.LOGOUT, "user", row.user_id)
        session.execute(delete(LoginSession).where(LoginSession.id == row.id))
