"""The history of the action plan: one append-only row per field changed.

Every use case that changes an action writes its changes through these functions, so a
field's old and new values are written alike wherever the change comes from (the web, an
import): dates as ISO dates, amounts to the penny, owners by username, milestones as
``due 2026-06-30, done 2026-07-02``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from upstream.account.actions.models import ActionChange, Milestone, PlanAction
from upstream.account.actions.schemas import ChangeView, MilestoneData
from upstream.cases.access import Actor
from upstream.cases.models import User, utcnow

__all__ = [
    "as_text",
    "log_change",
    "milestone_text",
    "read_history",
    "record_changes",
    "set_milestones",
    "username_of",
]


def read_history(session: Session, action_id: int) -> list[ChangeView]:
    rows = session.scalars(
        select(ActionChange)
        .where(ActionChange.action_id == action_id)
        .order_by(ActionChange.id.desc())
    )
    return [ChangeView.model_validate(r, from_attributes=True) for r in rows]


def as_text(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, Decimal | float):
        return f"{Decimal(str(value)).quantize(Decimal('0.01'))}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def record_changes(
    session: Session, action: PlanAction, actor: Actor, via: str, changes: dict[str, Any]
) -> list[str]:
    """Set each changed field of ``action``; one history row per field really changed."""
    changed = []
    for name, new in changes.items():
        old = getattr(action, name)
        if as_text(old) == as_text(new):
            continue
        setattr(action, name, new)
        if name == "owner_id":  # the history names people by username
            name, old, new = "owner", username_of(session, old), username_of(session, new)
        changed.append(name)
        log_change(session, action, actor, via, name, as_text(old), as_text(new))
    return changed


def username_of(session: Session, user_id: int | None) -> str | None:
    user = session.get(User, user_id) if user_id is not None else None
    return user.username if user else None


def log_change(
    session: Session,
    action: PlanAction,
    actor: Actor,
    via: str,
    name: str,
    old: str | None,
    new: str | None,
) -> None:
    session.add(
        ActionChange(
            action_id=action.id,
            at=utcnow(),
            by_id=actor.user_id,
            by_name=actor.username[:64],
            field=name[:64],
            old_value=old,
            new_value=new,
            via=via,
        )
    )


def milestone_text(m: Milestone | MilestoneData | None) -> str | None:
    if m is None:
        return None
    done = f", done {m.done_on.isoformat()}" if m.done_on else ""
    return f"due {m.due.isoformat()}{done}"


def set_milestones(
    session: Session, action: PlanAction, actor: Actor, via: str, wanted: Sequence[MilestoneData]
) -> list[str]:
    """Make the action's milestones those given (matched by title)."""
    have = {m.title: m for m in action.milestones}
    changed = []
    for data in wanted:
        current = have.pop(data.title, None)
        if current is not None and milestone_text(current) == milestone_text(data):
            continue
        if current is None:
            current = Milestone(action_id=action.id, title=data.title, due=data.due)
            session.add(current)
            action.milestones.append(current)
        old = milestone_text(current) if current.id else None
        current.due, current.done_on = data.due, data.done_on
        log_change(
            session, action, actor, via, f"milestone: {data.title}", old, milestone_text(data)
        )
        changed.append(f"milestone: {data.title}")
    for title, gone in have.items():
        log_change(session, action, actor, via, f"milestone: {title}", milestone_text(gone), None)
        action.milestones.remove(gone)
        session.delete(gone)
        changed.append(f"milestone: {title}")
    return changed
