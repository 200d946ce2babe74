"""Use cases of the action plan. Each takes the acting user first and runs in a unit of work.

Every function asks the plan's policy (:mod:`upstream.account.actions.access`) before it reads
or changes anything. Every change writes, in the same unit of work, one history row per
changed field (:class:`~upstream.account.actions.models.ActionChange`, shown to every reader)
and one event in the case store's audit log naming the fields changed, so a change and its
record are committed together or not at all. Refusals and unknown references are audited by
the case tool's :func:`~upstream.cases.service.use_case`, in their own transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from upstream.account.actions.access import (
    PlanPermission,
    PlanResource,
    ensure_plan_allowed,
    plan_allowed,
)
from upstream.account.actions.history import (
    log_change,
    milestone_text,
    read_history,
    record_changes,
    set_milestones,
)
from upstream.account.actions.models import PlanAction
from upstream.account.actions.schemas import (
    ActionData,
    ActionView,
    ChangeView,
    MilestoneData,
    MilestoneView,
    ProgressUpdate,
)
from upstream.account.actions.vocab import OPEN_STATUSES, Rag, Status
from upstream.cases.access import Actor
from upstream.cases.audit import AuditKind, record
from upstream.cases.db import CaseStore
from upstream.cases.localtime import london
from upstream.cases.models import User, utcnow
from upstream.cases.service import Conflict, not_found, use_case
from upstream.cases.vocab import Role

__all__ = [
    "ActionDetail",
    "ImportResult",
    "PlanInputError",
    "PlanRow",
    "assign_owner",
    "assignable_owners",
    "board_order",
    "export_plan",
    "get_action",
    "import_plan",
    "list_actions",
    "plan_size",
    "today_in_london",
    "update_progress",
]

_RAG_RANK = {Rag.RED: 0, Rag.AMBER: 1, Rag.GREEN: 2}


class PlanInputError(ValueError):
    """An imported action cannot be stored; the message names where it came from."""


@dataclass(frozen=True)
class PlanRow:
    """An action to import, and where it came from (for messages): ``where`` such as
    ``plan.xlsx, sheet Actions, row 7``, ``owner_column`` such as ``column F (owner)``;
    ``with_milestones``: the row gives the action's milestones (a workbook without a
    Milestones sheet does not, and leaves them as they are)."""

    data: ActionData
    where: str = "input"
    owner_column: str = "owner"
    with_milestones: bool = True


@dataclass(frozen=True)
class ImportResult:
    """What an import did: references created, changed and left as they were."""

    created: list[str]
    updated: list[str]
    unchanged: list[str]


@dataclass(frozen=True)
class ActionDetail:
    """An action and its history, newest change first."""

    action: ActionView
    history: list[ChangeView]


def today_in_london() -> date:
    """Today's date in London (what "overdue" is measured against)."""
    return london(utcnow()).date()


def board_order(actions: Iterable[ActionView]) -> list[ActionView]:
    """Actions in the order the board reads them: overdue and red first.

    Overdue and red, then overdue, then red, then amber, then the rest still open (green),
    then complete or stopped; within each, the earliest due date first, then the reference.
    """

    def key(a: ActionView) -> tuple[int, date, str]:
        if not a.open:
            group = 5
        elif a.overdue and a.rag is Rag.RED:
            group = 0
        elif a.overdue:
            group = 1
        else:
            group = 2 + _RAG_RANK[a.rag]
        return (group, a.due, a.ref)

    return sorted(actions, key=key)


def _outcomes(text: str | None) -> list[str]:
    return [t for t in (text or "").split(",") if t]


def _view(action: PlanAction, actor: Actor, today: date) -> ActionView:
    status = Status(action.status)
    return ActionView(
        id=action.id,
        ref=action.ref,
        domain=action.domain,  # type: ignore[arg-type]
        title=action.title,
        commitment=action.commitment,
        lead_agency=action.lead_agency,
        owner=action.owner.username if action.owner else None,
        owner_id=action.owner_id,
        start=action.start,
        due=action.due,
        status=status,
        rag=Rag(action.rag),
        rag_note=action.rag_note,
        budget_gbp=None if action.budget_gbp is None else float(action.budget_gbp),
        outcome_ids=_outcomes(action.outcome_ids),
        programme=action.programme,
        demo=action.demo,
        version=action.version,
        updated_at=action.updated_at,
        overdue=status in OPEN_STATUSES and action.due < today,
        milestones=[
            MilestoneView(
                id=m.id,
                title=m.title,
                due=m.due,
                done_on=m.done_on,
                overdue=m.done_on is None and m.due < today and status in OPEN_STATUSES,
            )
            for m in action.milestones
        ],
        can_update=plan_allowed(
            actor, PlanPermission.UPDATE_PROGRESS, PlanResource(action.owner_id)
        ),
    )


def _query() -> Select[PlanAction]:
    return select(PlanAction).options(selectinload(PlanAction.milestones))


@use_case
def list_actions(
    actor: Actor, store: CaseStore, *, mine: bool = False, today: date | None = None
) -> list[ActionView]:
    """Every action of the plan in the board's order (``mine``: only the actor's own)."""
    ensure_plan_allowed(actor, PlanPermission.READ)
    today = today or today_in_london()
    with store.unit_of_work() as session:
        query = _query()
        if mine:
            query = query.where(PlanAction.owner_id == actor.user_id)
        return board_order(_view(a, actor, today) for a in session.scalars(query).unique())


def _load(session: Session, ref: str) -> PlanAction:
    action = session.scalars(_query().where(PlanAction.ref == ref)).unique().one_or_none()
    if action is None:
        raise not_found("action", ref)
    return action


@use_case
def get_action(
    actor: Actor, store: CaseStore, ref: str, *, today: date | None = None
) -> ActionDetail:
    """One action and its history."""
    ensure_plan_allowed(actor, PlanPermission.READ)
    with store.unit_of_work() as session:
        action = _load(session, ref)
        return ActionDetail(
            _view(action, actor, today or today_in_london()), read_history(session, action.id)
        )


def _owner_problem(user: User | None, name: str) -> str | None:
    """Why ``name`` cannot own an action (``None``: they can)."""
    if user is None or not user.active:
        return f"no active user {name!r} to own the action"
    if user.role == Role.BOARD:
        return (
            f"{name!r} is a board member, who reads the plan only; give the action to "
            "someone who delivers it"
        )
    return None


def _owners(session: Session, rows: Sequence[PlanRow]) -> dict[str, User]:
    names = {r.data.owner for r in rows if r.data.owner}
    users = {u.username: u for u in session.scalars(select(User).where(User.username.in_(names)))}
    for row in rows:
        name = row.data.owner
        problem = _owner_problem(users.get(name), name) if name else None
        if problem:
            raise PlanInputError(f"{row.where}, {row.owner_column}: {problem}")
    return users


def _fields(data: ActionData, owner: User | None) -> dict[str, Any]:
    return {
        "domain": data.domain.value,
        "title": data.title,
        "commitment": data.commitment,
        "lead_agency": data.lead_agency.value,
        "owner_id": owner.id if owner else None,
        "start": data.start,
        "due": data.due,
        "status": data.status.value,
        "rag": data.rag.value,
        "rag_note": data.rag_note,
        "budget_gbp": None if data.budget_gbp is None else Decimal(str(data.budget_gbp)),
        "outcome_ids": ",".join(data.outcome_ids) or None,
        "programme": data.programme,
    }


def _detail(changed: list[str]) -> str:
    return ("changed: " + ", ".join(changed))[:300]


@use_case
def import_plan(
    actor: Actor, store: CaseStore, rows: Sequence[PlanRow], *, source: str, demo: bool = False
) -> ImportResult:
    """Create or update the actions given (matched on ``ref``), all or nothing.

    Actions not given are left as they are. Importing the same rows again changes nothing
    and writes no history. ``source`` (a file name, never a path) is recorded in the audit.

    Raises
    ------
    PlanInputError
        Naming the row and column of the first owner who is not an active user (or is a
        board member); nothing is stored.
    """
    ensure_plan_allowed(actor, PlanPermission.MANAGE)
    refs = [r.data.ref for r in rows]
    if len(set(refs)) != len(refs):
        raise PlanInputError("two actions have the same reference")
    created: list[str] = []
    updated: list[str] = []
    unchanged: list[str] = []
    with store.unit_of_work() as session:
        owners = _owners(session, rows)
        existing = {
            a.ref: a for a in session.scalars(_query().where(PlanAction.ref.in_(refs))).unique()
        }
        for row in rows:
            data = row.data
            owner = owners.get(data.owner) if data.owner else None
            action = existing.get(data.ref)
            if action is None:
                action = PlanAction(ref=data.ref, demo=demo, **_fields(data, owner))
                session.add(action)
                session.flush()
                log_change(session, action, actor, "import", "created", None, data.title)
                set_milestones(session, action, actor, "import", data.milestones)
                record(session, actor, AuditKind.PLAN_ACTION_CREATE, "action", data.ref)
                created.append(data.ref)
                continue
            changed = record_changes(session, action, actor, "import", _fields(data, owner))
            if row.with_milestones:
                changed += set_milestones(session, action, actor, "import", data.milestones)
            if changed:
                action.updated_at = utcnow()
                record(
                    session,
                    actor,
                    AuditKind.PLAN_ACTION_UPDATE,
                    "action",
                    data.ref,
                    detail=_detail(changed),
                )
                updated.append(data.ref)
            else:
                unchanged.append(data.ref)
        record(
            session,
            actor,
            AuditKind.PLAN_IMPORT,
            "plan",
            None,
            detail=(
                f"{source[:120]}: {len(created)} created, {len(updated)} changed, "
                f"{len(unchanged)} unchanged"
            ),
        )
    return ImportResult(created, updated, unchanged)


def _changed_meanwhile(ref: str) -> Conflict:
    return Conflict(f"action {ref} was changed by someone else: reload it and try again")


@contextmanager
def _one_writer(ref: str) -> Iterator[None]:
    """Two changes made at once from the same version: the second is a :class:`Conflict`
    (the version column's check at write time), not a server error."""
    try:
        yield
    except StaleDataError:
        raise _changed_meanwhile(ref) from None


@use_case
def update_progress(
    actor: Actor, store: CaseStore, ref: str, data: ProgressUpdate, *, via: str = "web"
) -> ActionView:
    """The owner's report on an action: status, RAG rating and note, milestones reached.

    Raises
    ------
    Conflict
        The action changed since ``data.version`` was read, or a milestone id is not the
        action's.
    """
    with _one_writer(ref), store.unit_of_work() as session:
        action = _load(session, ref)
        ensure_plan_allowed(
            actor, PlanPermission.UPDATE_PROGRESS, PlanResource(action.owner_id), ref
        )
        if action.version != data.version:
            raise _changed_meanwhile(ref)
        changed = record_changes(
            session,
            action,
            actor,
            via,
            {"status": data.status.value, "rag": data.rag.value, "rag_note": data.rag_note},
        )
        milestones = {m.id: m for m in action.milestones}
        for milestone_id, done_on in data.milestones_done.items():
            milestone = milestones.get(milestone_id)
            if milestone is None:
                raise Conflict(f"action {ref} has no milestone {milestone_id}")
            if milestone.done_on == done_on:
                continue
            old = milestone_text(milestone)
            milestone.done_on = done_on
            name = f"milestone: {milestone.title}"
            log_change(session, action, actor, via, name, old, milestone_text(milestone))
            changed.append(name)
        if changed:
            action.updated_at = utcnow()
            record(
                session, actor, AuditKind.PLAN_ACTION_UPDATE, "action", ref, detail=_detail(changed)
            )
        session.flush()
        return _view(action, actor, today_in_london())


@use_case
def assignable_owners(actor: Actor, store: CaseStore) -> list[str]:
    """Usernames of the active users who may own an action (for the managers' form)."""
    ensure_plan_allowed(actor, PlanPermission.MANAGE)
    with store.unit_of_work() as session:
        users = session.scalars(
            select(User.username)
            .where(User.active.is_(True), User.role != Role.BOARD)
            .order_by(User.username)
        )
        return list(users)


@use_case
def assign_owner(
    actor: Actor, store: CaseStore, ref: str, owner: str | None, version: int
) -> ActionView:
    """Give an action to ``owner`` (a username; ``None``: to nobody). Managers only.

    Raises
    ------
    PlanInputError
        The user cannot own an action (unknown, disabled or a board member).
    Conflict
        The action changed since ``version`` was read.
    """
    ensure_plan_allowed(actor, PlanPermission.MANAGE, None, ref)
    with _one_writer(ref), store.unit_of_work() as session:
        action = _load(session, ref)
        if action.version != version:
            raise _changed_meanwhile(ref)
        user = None
        if owner:
            user = session.scalars(select(User).where(User.username == owner)).one_or_none()
            problem = _owner_problem(user, owner)
            if problem:
                raise PlanInputError(f"owner: {problem}")
        changed = record_changes(
            session, action, actor, "web", {"owner_id": user.id if user else None}
        )
        if changed:
            action.updated_at = utcnow()
            record(
                session, actor, AuditKind.PLAN_ACTION_UPDATE, "action", ref, detail=_detail(changed)
            )
        session.flush()
        session.refresh(action)
        return _view(action, actor, today_in_london())


def _data(action: PlanAction) -> ActionData:
    return ActionData(
        ref=action.ref,
        domain=action.domain,  # type: ignore[arg-type]
        title=action.title,
        commitment=action.commitment,
        lead_agency=action.lead_agency,  # type: ignore[arg-type]
        owner=action.owner.username if action.owner else None,
        start=action.start,
        due=action.due,
        status=action.status,  # type: ignore[arg-type]
        rag=action.rag,  # type: ignore[arg-type]
        rag_note=action.rag_note,
        budget_gbp=None if action.budget_gbp is None else float(action.budget_gbp),
        outcome_ids=_outcomes(action.outcome_ids),
        programme=action.programme,
        milestones=[
            MilestoneData(title=m.title, due=m.due, done_on=m.done_on) for m in action.milestones
        ],
    )


@use_case
def export_plan(actor: Actor, store: CaseStore) -> tuple[list[ActionData], bool]:
    """Every action as a whole row (in reference order), and whether any is a demo action;
    the export is audited."""
    ensure_plan_allowed(actor, PlanPermission.EXPORT)
    with store.unit_of_work() as session:
        actions = list(session.scalars(_query().order_by(PlanAction.ref)).unique())
        record(
            session, actor, AuditKind.PLAN_EXPORT, "plan", None, detail=f"{len(actions)} actions"
        )
        return [_data(a) for a in actions], any(a.demo for a in actions)


def plan_size(store: CaseStore) -> int:
    """How many actions the plan holds (for bootstrap: load the demo into an empty plan)."""
    with store.unit_of_work() as session:
        return int(session.scalar(select(func.count(PlanAction.id))) or 0)
