"""What the network's use cases take and give: entries checked on the way in, views out.

Views hold pseudonyms only, never a name, a date of birth or an incident summary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from upstream.network.links import GRADING

__all__ = [
    "EVIDENCE_REF",
    "MIN_REASON",
    "GroupRow",
    "IntelLinkEntry",
    "LinkEvidence",
    "ListMemberView",
    "ListSummary",
    "ListView",
    "Membership",
    "NetworkInputError",
    "NetworkOverview",
    "PersonPanel",
    "RelationEntry",
]

MIN_REASON = 10
"""The shortest reason accepted for taking a person off a list (characters)."""
EVIDENCE_REF = re.compile(r"^[A-Za-z0-9_./:-]{1,64}$")
"""An evidence reference: a record number, never free text."""
_AGENCY = re.compile(r"^[a-z][a-z _-]{1,31}$")


class NetworkInputError(ValueError):
    """An entry cannot be stored; the message names the field."""


def _check_common(a: str, b: str, agency: str, ref: str, evidence: date, review: date) -> None:
    if a == b:
        raise NetworkInputError("person_b: a person cannot be linked to themselves")
    if not _AGENCY.match(agency):
        raise NetworkInputError("source_agency: lower-case words, at most 32 characters")
    if not EVIDENCE_REF.match(ref):
        raise NetworkInputError(
            "evidence_ref: a record reference (letters, digits and ./_:- only, at most 64)"
        )
    if review < evidence:
        raise NetworkInputError("review_date: before the evidence date")


@dataclass(frozen=True)
class IntelLinkEntry:
    """An intelligence link to enter: two pseudonyms, the source, its 3x5x2 grading (e.g.
    ``2BP``), the evidence date and reference, and the review date."""

    person_a: str
    person_b: str
    source_agency: str
    grading: str
    evidence_date: date
    evidence_ref: str
    review_date: date

    def __post_init__(self) -> None:
        _check_common(
            self.person_a,
            self.person_b,
            self.source_agency,
            self.evidence_ref,
            self.evidence_date,
            self.review_date,
        )
        if not GRADING.match(self.grading):
            raise NetworkInputError(
                "grading: 3x5x2, e.g. 2BP (source 1-3, intelligence A-E, handling P or C)"
            )


@dataclass(frozen=True)
class RelationEntry:
    """A sibling or friend relation between two young people, with its evidence."""

    person_a: str
    person_b: str
    kind: str
    source_agency: str
    evidence_date: date
    evidence_ref: str
    review_date: date

    def __post_init__(self) -> None:
        _check_common(
            self.person_a,
            self.person_b,
            self.source_agency,
            self.evidence_ref,
            self.evidence_date,
            self.review_date,
        )
        if self.kind not in ("sibling", "friend"):
            raise NetworkInputError("kind: sibling or friend")


@dataclass(frozen=True)
class GroupRow:
    """One group (community) at group level: size, harm, exposure, exploitation flags."""

    group: str
    members: int
    harm: float
    offenders: int
    exposure: float
    exploitation_flags: int


@dataclass(frozen=True)
class NetworkOverview:
    """The network as one reader may see it.

    ``people_level`` is False for group-level readers: then ``nodes`` and ``edges`` are
    groups and the harm between them, and no pseudonym is present anywhere.
    """

    as_of: date
    synthetic: bool
    people: int
    links_active: int
    groups: list[GroupRow]
    between: list[tuple[str, str, int]]
    people_level: bool
    nodes: list[dict[str, Any]] = field(default_factory=list)
    edges: list[dict[str, Any]] = field(default_factory=list)
    small_groups: int = 0


@dataclass(frozen=True)
class LinkEvidence:
    """One link of a person: the other person (pseudonym), kind, evidence, dates, grading."""

    other: str
    kind: str
    evidence_ids: str
    source_agency: str
    grading: str
    last_evidence: date
    review_date: date


@dataclass(frozen=True)
class Membership:
    """A list a person is on (or was taken off)."""

    list_id: int
    kind: str
    purpose: str
    produced_at: datetime
    rank: int
    review_date: date
    removed: str | None


@dataclass(frozen=True)
class PersonPanel:
    """The evidence behind one person's links, and their list memberships."""

    pseudonym: str
    group: str | None
    links: list[LinkEvidence]
    memberships: list[Membership]
    last_evidence: date | None
    review_date: date | None


@dataclass(frozen=True)
class ListMemberView:
    """A person on a list as read now."""

    rank: int
    pseudonym: str
    score: float
    offences: int
    evidence: str
    last_evidence: date
    review_date: date


@dataclass(frozen=True)
class ListSummary:
    """A produced list in the index of lists."""

    id: int
    kind: str
    purpose: str
    produced_at: datetime
    produced_by: str
    as_of: date
    members: int
    warnings: int
    synthetic: bool


@dataclass(frozen=True)
class ListView:
    """A list as read on ``today``: the members still on it, those that expired, removals,
    and the audit (``audit``: the stored JSON, with its ``warnings`` and ``table``)."""

    summary: ListSummary
    window_months: int
    members: list[ListMemberView]
    expired: int
    removed: list[tuple[str, str, str, datetime]]
    audit: dict[str, Any]
    parameters: dict[str, Any]
    today: date
