"""Administration use cases: users, the audit log, and decisions on possible duplicates."""

from __future__ import annotations

from sqlalchemy import delete, select

from upstream.cases.access import Action, Actor, system_actor
from upstream.cases.audit import AuditKind, AuditRecord, audit_csv, read_events, record
from upstream.cases.auth import hash_password
from upstream.cases.db import CaseStore
from upstream.cases.duplicates import merge_people
from upstream.cases.models import DuplicateFlag, LoginSession, Person, User, utcnow
from upstream.cases.schemas import (
    DuplicatePublic,
    DuplicateResolve,
    UserCreate,
    UserPublic,
    UserStatus,
)
from upstream.cases.service import Conflict, NotFound, guard, use_case
from upstream.cases.vocab import SERVICE_AGENCY, Role, Service

__all__ = [
    "create_first_admin",
    "create_user",
    "export_audit",
    "list_duplicates",
    "list_users",
    "resolve_duplicate",
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


def _public(user: User) -> UserPublic:
    locked = user.locked_until is not None and user.locked_until > utcnow()
    return UserPublic(
        id=user.id,
        username=user.username,
        role=user.role,
        agency=user.agency,
        service=user.service,
        active=user.active,
        locked=locked,
    )


def _insert_user(store: CaseStore, actor: Actor, data: UserCreate, demo: bool) -> UserPublic:
    _check_user(data)
    with store.unit_of_work() as session:
        if session.scalar(select(User.id).where(User.username == data.username)) is not None:
            raise Conflict(f"user {data.username!r} exists")
        user = User(
            username=data.username,
            password_hash=hash_password(data.password),
            role=data.role,
            agency=data.agency,
            service=data.service,
            active=True,
            failed_logins=0,
            demo=demo,
        )
        session.add(user)
        session.flush()
        record(
            session,
            actor,
            AuditKind.USER_CREATE,
            "user",
            user.id,
            detail=f"{data.role} of {data.agency}" + (f" ({data.service})" if data.service else ""),
        )
        return _public(user)


@use_case
def create_user(actor: Actor, store: CaseStore, data: UserCreate) -> UserPublic:
    """Add a user (admins only)."""
    guard(actor, Action.USER_MANAGE, None, "user")
    return _insert_user(store, actor, data, demo=False)


def create_first_admin(store: CaseStore, username: str, password: str, agency: str) -> UserPublic:
    """Create an admin from the server's command line (``upstream cases create-admin``)."""
    data = UserCreate(username=username, password=password, role=Role.ADMIN, agency=agency)
    return _insert_user(store, system_actor("create-admin"), data, demo=False)


def create_demo_user(store: CaseStore, data: UserCreate) -> UserPublic:
    """Create a user of the synthetic demo (``upstream cases seed-demo``)."""
    return _insert_user(store, system_actor("seed-demo"), data, demo=True)


@use_case
def list_users(actor: Actor, store: CaseStore) -> list[UserPublic]:
    """Every user (admins only)."""
    guard(actor, Action.USER_MANAGE, None, "user")
    with store.unit_of_work() as session:
        return [_public(u) for u in session.scalars(select(User).order_by(User.username))]


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
            raise NotFound(f"no user {user_id}")
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
            raise NotFound(f"no user {user_id}")
        was_locked = user.locked_until is not None and user.locked_until > utcnow()
        user.locked_until = None
        user.failed_logins = 0
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
def export_audit(actor: Actor, store: CaseStore) -> str:
    """The whole audit log as CSV (admins only); the export is itself audited."""
    guard(actor, Action.AUDIT_VIEW, None, "audit")
    with store.unit_of_work() as session:
        events = read_events(session)
        record(
            session, actor, AuditKind.AUDIT_EXPORT, "audit", None, detail=f"{len(events)} events"
        )
    return audit_csv(reversed(events))


@use_case
def list_duplicates(actor: Actor, store: CaseStore) -> list[DuplicatePublic]:
    """Possible duplicates still awaiting a decision (coordinator)."""
    guard(actor, Action.DUPLICATE_REVIEW, None, "person")
    with store.unit_of_work() as session:
        flags = session.scalars(
            select(DuplicateFlag)
            .where(DuplicateFlag.resolution.is_(None))
            .order_by(DuplicateFlag.id)
        ).all()
        out = []
        for flag in flags:
            a, b = session.get_one(Person, flag.person_id), session.get_one(Person, flag.other_id)
            out.append(
                DuplicatePublic(
                    id=flag.id,
                    pseudonym=a.pseudonym,
                    other_pseudonym=b.pseudonym,
                    reason=flag.reason,
                    created_at=flag.created_at,
                    resolution=flag.resolution,
                )
            )
            record(session, actor, AuditKind.DUPLICATE_LIST, "person", a.pseudonym)
            record(session, actor, AuditKind.DUPLICATE_LIST, "person", b.pseudonym)
        return out


@use_case
def resolve_duplicate(
    actor: Actor, store: CaseStore, flag_id: int, data: DuplicateResolve
) -> DuplicatePublic:
    """A coordinator's decision: merge the later record into the earlier, or keep both."""
    guard(actor, Action.DUPLICATE_REVIEW, None, "duplicate", flag_id)
    with store.unit_of_work() as session:
        flag = session.get(DuplicateFlag, flag_id)
        if flag is None:
            raise NotFound(f"no possible duplicate {flag_id}")
        if flag.resolution is not None:
            raise Conflict("this possible duplicate has already been decided")
        keep, other = (
            session.get_one(Person, flag.person_id),
            session.get_one(Person, flag.other_id),
        )
        if data.resolution == "merge":
            merge_people(session, keep, other)
            for p in (keep, other):
                record(
                    session,
                    actor,
                    AuditKind.PERSON_MERGE,
                    "person",
                    p.pseudonym,
                    detail=f"{other.pseudonym} merged into {keep.pseudonym}",
                )
        flag.resolution = "merged" if data.resolution == "merge" else "distinct"
        flag.resolved_at = utcnow()
        flag.resolved_by_id = actor.user_id
        record(
            session,
            actor,
            AuditKind.DUPLICATE_RESOLVE,
            "duplicate",
            flag_id,
            detail=f"{keep.pseudonym}/{other.pseudonym}: {flag.resolution}",
        )
        return DuplicatePublic(
            id=flag.id,
            pseudonym=keep.pseudonym,
            other_pseudonym=other.pseudonym,
            reason=flag.reason,
            created_at=flag.created_at,
            resolution=flag.resolution,
        )
