"""What goes into and comes out of the action plan's use cases (pydantic).

``ActionData`` is one whole action as a partnership keeps it (a spreadsheet row, or the demo
plan); ``ProgressUpdate`` is what an owner changes; ``ActionView`` and ``ChangeView`` are what
readers see. A RAG rating of amber or red needs a note (:data:`MIN_NOTE` characters or more).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from upstream.account.actions.vocab import ATTENTION_RAG, OPEN_STATUSES, Domain, Rag, Status
from upstream.cases.vocab import Agency

__all__ = [
    "MIN_NOTE",
    "REF_PATTERN",
    "ActionData",
    "ActionView",
    "ChangeView",
    "MilestoneData",
    "MilestoneView",
    "ProgressUpdate",
]

MIN_NOTE = 10
REF_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$"
MEASURE_ID = r"^[a-z][a-z0-9_]{0,63}$"

MeasureId = Annotated[str, Field(pattern=MEASURE_ID)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _note_for(rag: Rag, note: str | None) -> None:
    if rag in ATTENTION_RAG and (note is None or len(note.strip()) < MIN_NOTE):
        raise ValueError(
            f"rag_note: {'an' if rag is Rag.AMBER else 'a'} {rag.value} rating needs a note "
            f"of at least {MIN_NOTE} characters saying why and what is being done"
        )


class MilestoneData(_In):
    """A dated step of an action."""

    title: str = Field(min_length=1, max_length=200)
    due: date
    done_on: date | None = None


class ActionData(_In):
    """One whole action, as kept in the partnership's spreadsheet."""

    ref: str = Field(pattern=REF_PATTERN)
    domain: Domain
    title: str = Field(min_length=3, max_length=200)
    commitment: str | None = Field(default=None, max_length=2000)
    lead_agency: Agency
    owner: str | None = Field(default=None, max_length=64)
    start: date
    due: date
    status: Status = Status.NOT_STARTED
    rag: Rag = Rag.GREEN
    rag_note: str | None = Field(default=None, max_length=2000)
    budget_gbp: float | None = Field(default=None, ge=0, le=1e11)
    outcome_ids: list[MeasureId] = Field(default_factory=list, max_length=10)
    programme: str | None = Field(default=None, pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")
    milestones: list[MilestoneData] = Field(default_factory=list, max_length=50)

    @model_validator(mode="after")
    def _consistent(self) -> ActionData:
        if self.due < self.start:
            raise ValueError("due: the due date is before the start date")
        _note_for(self.rag, self.rag_note)
        titles = [m.title for m in self.milestones]
        if len(set(titles)) != len(titles):
            raise ValueError("milestones: two milestones of one action have the same title")
        return self

    @field_validator("rag_note", "commitment")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value or None


class ProgressUpdate(_In):
    """What an action's owner reports: status, RAG rating and note, milestones reached.

    ``version`` is the action's version as read (a concurrent change is refused);
    ``milestones_done`` maps a milestone id to the date it was reached (``None``: not yet).
    """

    status: Status
    rag: Rag
    rag_note: str | None = Field(default=None, max_length=2000)
    version: int = Field(ge=1)
    milestones_done: dict[int, date | None] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _note(self) -> ProgressUpdate:
        self.rag_note = self.rag_note or None
        _note_for(self.rag, self.rag_note)
        return self


class MilestoneView(BaseModel):
    """A milestone as readers see it."""

    id: int
    title: str
    due: date
    done_on: date | None
    overdue: bool


class ChangeView(BaseModel):
    """One line of an action's history."""

    at: datetime
    by_name: str
    field: str
    old_value: str | None
    new_value: str | None
    via: str


class ActionView(BaseModel):
    """An action as readers see it (``overdue``: past due and not complete or stopped)."""

    id: int
    ref: str
    domain: Domain
    title: str
    commitment: str | None
    lead_agency: str
    owner: str | None
    owner_id: int | None
    start: date
    due: date
    status: Status
    rag: Rag
    rag_note: str | None
    budget_gbp: float | None
    outcome_ids: list[str]
    programme: str | None
    demo: bool
    version: int
    updated_at: datetime
    overdue: bool
    milestones: list[MilestoneView]
    can_update: bool = False

    @property
    def open(self) -> bool:
        """Still to be delivered."""
        return self.status in OPEN_STATUSES
