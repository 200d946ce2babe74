"""The action plan's fixed vocabularies: domains, statuses and RAG ratings.

Values are stored as these lower-case strings; :func:`parse_choice` reads what people type
in a spreadsheet ("In progress", "Red", "R") into them.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

__all__ = ["ATTENTION_RAG", "OPEN_STATUSES", "Domain", "Rag", "Status", "parse_choice"]


class Domain(StrEnum):
    """The strategy's four domains of action."""

    STRENGTHEN = "strengthen"
    SUPPORT = "support"
    TREAT = "treat"
    CURTAIL = "curtail"


class Status(StrEnum):
    """Where an action stands."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETE = "complete"
    STOPPED = "stopped"


class Rag(StrEnum):
    """The owner's red / amber / green rating of an action's progress."""

    GREEN = "green"
    AMBER = "amber"
    RED = "red"


OPEN_STATUSES = frozenset({Status.NOT_STARTED, Status.IN_PROGRESS})
"""Statuses of an action still to be delivered: past its due date, it is overdue."""

ATTENTION_RAG = frozenset({Rag.AMBER, Rag.RED})
"""Ratings that need a note saying why and what is being done."""

_SHORT = {"g": "green", "a": "amber", "r": "red"}
E = TypeVar("E", bound=StrEnum)


def parse_choice(kind: type[E], text: str) -> E:
    """The member of ``kind`` that ``text`` names, ignoring case, spaces and hyphens.

    Raises
    ------
    ValueError
        Naming the values allowed.
    """
    key = text.strip().lower().replace("-", "_").replace(" ", "_")
    if kind is Rag:
        key = _SHORT.get(key, key)
    for member in kind:
        if member.value == key:
            return member
    allowed = ", ".join(m.value.replace("_", " ") for m in kind)
    raise ValueError(f"{text.strip()!r} is not one of: {allowed}")
