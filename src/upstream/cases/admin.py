"""Administration use cases: users, the audit log, and decisions on possible duplicates.

New users and second-admin approval
-----------------------------------
An admin who creates a user sets their first password, so the user must change it at first
login, and the admin must not be able to use the account themselves: while another active
admin exists, the new user is *pending* and cannot log in until a different admin approves
them; when the creator is the only admin, the user can log in but stays *unreviewed*, an
alert on the admin page, until another admin approves them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from upstream.cases.access import Action, Actor, system_actor
from upstream.cases.audit import AuditKind, AuditRecord, audit_csv, read_events, record
from upstream.cases.auth import hash_password
from upstream.cases.db import CaseStore
from upstream.cases.models import LoginSession, User, utcnow
from upstream.cases.passwords import check_password
from upstream.cases.schemas import (
    UserCreate,
    UserPublic,
    UserStatus,
)
from upstream.cases.service import Conflict, guard, not_found, use_case
from upstream.cases.throttle import Throttle, account_wait, forget_account
from upstream.cases.vocab import SERVICE_AGENCY, Role, Service

__all__ = [
    "ALERT_DAYS",
    "AdminAlert",
    "admin_alerts",
    "approve_user",
    "create_first_admin",
    "create_user",
    "export_audit",
    "list_users",
    "set_user_active",
    "unlock_user",
    "view_audit",
]


def _check_user(data: UserCreate) -> None:
    if data.role == Role.CASEWORKER:
        if data.service is None:
            raise ValueError("a caseworker needs a service")
        if SERVICE_AGENCY[Service(data.service)] != data.agency:
            raise ValueError(f"{data.service} is not run by {data.agency}")
    elif data.service is not None:
        raise ValueError("only caseworkers have a service")


def _public(user: User, creator: str | None = None, locked: bool = False) -> UserPublic:
    return UserPublic(
        id=user.id,
        username=user.username,
        role=user.role,
        agency=user.agency,
        service=user.service,
        active=user.active,
        locked=locked,
        approval=user.approval,
        must_change_password=user.must_change_password,
        demo=user.demo,
        created_by=creator,
    )


def _other_admins(session: Session, actor: Actor) -> int:
    return len(
        session.scalars(
            select(User.id).where(
                User.role == Role.ADMIN,
                User.active.is_(True),
                User.demo.is_(False),
                User.approval != "pending",
                User.id != actor.user_id,
            )
        ).all()
    )


def _insert_user(
    store: CaseStore,
    actor: Actor,
    data: UserCreate,
    *,
    demo: bool,
    must_change: bool,
    approval: str = "approved",
) -> UserPublic:
    _check_user(data)
    check_password(data.password, data.username)
    with store.unit_of_work() as session:
        if session.scalar(select(User.id).where(User.username == data.username)) is not None:
            raise Conflict(f"user {data.username!r} exists")
        if approval == "second-admin":
            approval = "pending" if _other_admins(session, actor) else "unreviewed"
        user = User(
            username=data.username,
            password_hash=hash_password(data.password),
            role=data.role,
            agency=data.agency,
            service=data.service,
            active=True,
            failed_logins=0,
            demo=demo,
            must_change_password=must_change,
            created_by_id=actor.user_id,
            approval=approval,
        )
        session.add(user)
        session.flush()
        record(
            session,
            actor,
            AuditKind.USER_CREATE,
            "user",
            user.id,
            detail=f"{data.role} of {data.agency}"
            + (f" ({data.service})" if data.service else "")
            + ("" if approval == "approved" else f"; {approval}"),
        )
        return _public(user, actor.username)


@use_case
def create_user(actor: Actor, store: CaseStore, data: UserCreate) -> UserPublic:
    """Add a user (admins only); they change the password at first login and wait for a
    second admin's approval (see the module notes)."""
    guard(actor, Action.USER_MANAGE, None, "user")
    return _insert_user(store, actor, data, demo=False, must_change=True, approval="second-admin")


def create_first_admin(store: CaseStore, username: str, password: str, agency: str) -> UserPublic:
    """Create an admin from the server's command line (``upstream cases create-admin``); they
    must change the password at first login."""
    data = UserCreate(username=username, password=password, role=Role.ADMIN, agency=agency)
    return _insert_user(store, system_actor("create-admin"), data, demo=False, must_change=True)


def create_demo_user(
    store: CaseStore, data: UserCreate, *, must_change: bool = False
) -> UserPublic:
    """Create a user of the synthetic demo (``upstream cases seed-demo``)."""
    return _insert_user(store, system_actor("seed-demo"), data, demo=True, must_change=must_change)


@use_case
def approve_user(actor: Actor, store: CaseStore, user_id: int) -> UserPublic:
    """A second admin's approval of a user another admin created (never one's own)."""
    guard(actor, Action.USER_APPROVE, None, "user", user_id)
    with store.unit_of_work() as session:
        user = session.get(User, user_id)
        if user is None:
            raise not_found("user", user_id)
        if user.approval == "approved":
            raise Conflict(f"user {user.username!r} is already approved")
        if user.created_by_id == actor.user_id or user.id == actor.user_id:
            raise Conflict("a user must be approved by an admin other than the one who made it")
        user.approval = "approved"
        user.approved_by_id = actor.user_id
        user.approved_at = utcnow()
        record(session, actor, AuditKind.USER_APPROVE, "user", user.id, detail="approved")
        return _public(user)


@use_case
def list_users(actor: Actor, store: CaseStore) -> list[UserPublic]:
    """Every user (admins only)."""
    guard(actor, Action.USER_MANAGE, None, "user")
    with store.unit_of_work() as session:
        users = list(session.scalars(select(User).order_by(User.username)))
        names = {u.id: u.username for u in users}
        throttle, now = Throttle.from_settings(store.settings), utcnow()
        return [
            _public(
                u,
                names.get(u.created_by_id or 0),
                account_wait(session, throttle, u.username, now) > 0,
            )
            for u in users
        ]


@use_case
def set_user_active(actor: Actor, store: CaseStore, user_id: int, data: UserStatus) -> UserPublic:
    """Disable or enable a user (admins only).

    A disabled user cannot log in, and their open sessions end at once (they are deleted
    here, and :func:`upstream.cases.auth.resolve_session` refuses a disabled user's session
    too). Admins cannot disable themselves, so there is always someone to undo it.
    """
    guard(actor, Action.USER_MANAGE, None, "user", user_id)
    with store.unit_of_work() as session:
        user = session.get(User, user_id)
        if user is None:
            raise not_found("user", user_id)
        if not data.active and user.id == actor.user_id:
            raise Conflict("you cannot disable your own account")
        changed = user.active != data.active
        user.active = data.active
        ended = 0
        if not data.active:
            ended = len(
                session.scalars(
                    select(LoginSession.id).where(LoginSession.user_id == user.id)
                ).all()
            )
            session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))
        record(
            session,
            actor,
            AuditKind.USER_UPDATE,
            "user",
            user.id,
            detail=("enabled" if data.active else f"disabled; {ended} session(s) ended")
            + ("" if changed else " (no change)"),
        )
        return _public(user)


@use_case
def unlock_user(actor: Actor, store: CaseStore, user_id: int) -> UserPublic:
    """Lift a lockout after too many wrong passwords, and reset the count (admins only)."""
    guard(actor, Action.USER_MANAGE, None, "user", user_id)
    with store.unit_of_work() as session:
        user = session.get(User, user_id)
        if user is None:
            raise not_found("user", user_id)
        throttle = Throttle.from_settings(store.settings)
        was_locked = account_wait(session, throttle, user.username, utcnow()) > 0
        user.locked_until = None
        user.failed_logins = 0
        forget_account(session, user.username)
        record(
            session,
            actor,
            AuditKind.USER_UPDATE,
            "user",
            user.id,
            detail="unlocked" if was_locked else "unlocked (was not locked)",
        )
        return _public(user)


@use_case
def view_audit(actor: Actor, store: CaseStore, limit: int = 200) -> list[AuditRecord]:
    """The newest audit events (admins only); viewing them is itself audited."""
    guard(actor, Action.AUDIT_VIEW, None, "audit")
    with store.unit_of_work() as session:
        events = read_events(session, limit=limit)
        record(session, actor, AuditKind.AUDIT_READ, "audit", None, detail=f"{len(events)} events")
        return events


@use_case
def export_audit(actor: Actor, store: CaseStore, reason: str) -> str:
    """The whole audit log as CSV (admins only, with a reason); the export is audited."""
    guard(actor, Action.AUDIT_VIEW, None, "audit")
    with store.unit_of_work() as session:
        events = read_events(session)
        record(
            session,
            actor,
            AuditKind.AUDIT_EXPORT,
            "audit",
            None,
            detail=f"{len(events)} events",
            reason=reason,
        )
    return audit_csv(reversed(events))


ALERT_DAYS = 7
"""How far back the admin page's alerts look for throttled logins."""


@dataclass(frozen=True)
class AdminAlert:
    """Something an admin should look at: what, since when, and the user it concerns."""

    kind: str
    message: str
    at: datetime | None = None
    user_id: int | None = None


@use_case
def admin_alerts(actor: Actor, store: CaseStore) -> list[AdminAlert]:
    """Users waiting for or lacking a second admin's approval, users who have not yet set
    their own password, and logins being throttled in the last :data:`ALERT_DAYS` days."""
    guard(actor, Action.USER_MANAGE, None, "user")
    out: list[AdminAlert] = []
    with store.unit_of_work() as session:
        names = {i: n for i, n in session.execute(select(User.id, User.username))}
        for user in session.scalars(
            select(User).where(User.approval != "approved").order_by(User.id)
        ):
            creator = names.get(user.created_by_id or 0, "?")
            text = (
                f"{user.username} ({user.role}) was made by {creator} and cannot log in until "
                "another admin approves it"
                if user.approval == "pending"
                else f"{user.username} ({user.role}) was made by {creator}, the only admin "
                "then, and has not been approved by a second admin"
            )
            out.append(AdminAlert(user.approval, text, user.created_at, user.id))
        since = utcnow() - timedelta(days=ALERT_DAYS)
        for e in read_events(session, actions=[AuditKind.LOGIN_THROTTLED], since=since):
            if e.detail and e.detail.startswith("delays begin"):
                out.append(AdminAlert("throttled", f"{e.detail} (from {e.client_addr})", e.at))
        record(session, actor, AuditKind.AUDIT_READ, "user", None, detail=f"{len(out)} alerts")
    return out
