"""Request and response shapes of the case store (pydantic).

Create and Update schemas are what callers may send; Public, Row and Board schemas are what
lists, the board and exports show, and they have no field that can hold an identifying detail
(``IDENTIFYING_FIELDS``; a test checks every one). Identity and health details travel only in
:class:`PersonIdentity` and :class:`PersonDetail`, which only the person page uses.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator, model_validator

from upstream.cases.vocab import ContactMethod, InvolvementRole, Outcome, Purpose, Role, Service
from upstream.definitions import POLICE_UK_CRIME_TYPES

__all__ = [
    "IDENTIFYING_FIELDS",
    "AccessReason",
    "BoardList",
    "BoardPublic",
    "ContactCreate",
    "ContactRecord",
    "DuplicateComparison",
    "DuplicatePublic",
    "DuplicateResolve",
    "DuplicateSide",
    "IncidentCreate",
    "IncidentDetail",
    "IncidentPublic",
    "IncidentRow",
    "IngestedIncidentPublic",
    "InvolvementPublic",
    "LoginRequest",
    "LoginResult",
    "OfferCreate",
    "OfferDetail",
    "OfferRow",
    "OfferUpdate",
    "PasswordChange",
    "PersonCreate",
    "PersonDetail",
    "PersonIdentity",
    "PersonLink",
    "PersonMatchRow",
    "PersonPublic",
    "PersonRow",
    "PersonSearch",
    "PersonUpdate",
    "UserCreate",
    "UserPublic",
    "UserStatus",
    "WeekSummary",
]

IDENTIFYING_FIELDS = frozenset(
    {
        "given_name",
        "family_name",
        "name",
        "date_of_birth",
        "address",
        "school",
        "sex",
        "ethnic_group",
        "health_notes",
        "notes",
        "summary",
        "password",
    }
)
"""Fields that may identify a person (free text included); never in Public/Row/Board schemas."""

LocationType = Literal["street", "school", "transport", "park", "shop", "residential", "other"]
Weapon = Literal["knife_or_sharp", "firearm", "blunt", "other", "none", "unknown"]
Injury = Literal["none", "minor", "serious", "fatal", "unknown"]
Sex = Literal["male", "female", "other", "unknown"]
"""As ``upstream.vocab.SEXES``."""
EthnicGroup = Literal["Asian", "Black", "Mixed", "White", "Other", "not stated"]
"""The ONS 2021 high-level groups, as ``upstream.vocab.ETHNICITIES``."""
_REF = r"^[A-Za-z0-9_.:/-]{1,64}$"


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class IncidentCreate(_In):
    """A new incident, entered by hand or linked to an ingested incident id (``event_ref``).

    With ``event_ref``, the time, offence, place, weapon and injury come from the ingested
    incident in the event store: leave them out to take them from it, or give them to have
    them checked against it (a value that disagrees is refused; ``unknown`` is filled in).
    By hand, ``occurred_at`` and ``offence`` are required.
    """

    occurred_at: AwareDatetime | None = None
    offence: str | None = Field(
        default=None, json_schema_extra={"enum": list(POLICE_UK_CRIME_TYPES)}
    )
    location_type: LocationType | None = None
    weapon: Weapon | None = None
    injury: Injury | None = None
    summary: str | None = Field(default=None, max_length=2000)
    event_ref: str | None = Field(default=None, pattern=_REF)
    easting: float | None = Field(default=None, ge=0, le=700_000)
    northing: float | None = Field(default=None, ge=0, le=1_300_000)
    """Where it happened by hand, BNG metres (both or neither; an ingested incident's come
    from the event store)."""

    @field_validator("offence")
    @classmethod
    def _police_uk_crime_type(cls, value: str | None) -> str | None:
        if value is not None and value not in POLICE_UK_CRIME_TYPES:
            raise ValueError("offence must be a police.uk crime type")
        return value

    @field_validator("occurred_at")
    @classmethod
    def _sane_year(cls, value: datetime | None) -> datetime | None:
        if value is not None and not 1990 <= value.year <= 2100:
            raise ValueError("occurred_at must be between 1990 and 2100")
        return value

    @model_validator(mode="after")
    def _by_hand_needs_time_and_offence(self) -> IncidentCreate:
        if self.event_ref is None and (self.occurred_at is None or self.offence is None):
            raise ValueError(
                "give occurred_at and offence, or an ingested incident id (event_ref) to "
                "take them from"
            )
        if (self.easting is None) != (self.northing is None):
            raise ValueError("northing: give both easting and northing, or neither")
        return self


class IngestedIncidentPublic(_Out):
    """An incident as the event store holds it (no people: the event store has no names)."""

    event_ref: str
    source: str
    occurred_from: datetime
    occurred_to: datetime
    offence: str
    location_type: LocationType
    weapon: Weapon
    injury: Injury
    synthetic: bool
    easting: float | None = None
    northing: float | None = None
    """Where ingest placed it (BNG metres), when it has a location."""


class InvolvementPublic(_Out):
    """A young person's link to an incident, by pseudonym."""

    pseudonym: str
    role: InvolvementRole
    incident_id: int


class IncidentPublic(_Out):
    """An incident without its free-text summary."""

    id: int
    event_ref: str | None
    occurred_at: datetime
    recorded_at: datetime
    offence: str
    location_type: str
    weapon: str
    injury: str
    closed_at: datetime | None
    synthetic: bool
    people: list[InvolvementPublic] = Field(default_factory=list)


class IncidentDetail(IncidentPublic):
    """An incident with its summary (the incident page, for allowed roles only)."""

    summary: str | None


class PersonIdentity(_In):
    """Identifying details of a young person (all optional: they may not be known yet)."""

    given_name: str | None = Field(default=None, max_length=100)
    family_name: str | None = Field(default=None, max_length=100)
    date_of_birth: date | None = None
    address: str | None = Field(default=None, max_length=300)
    school: str | None = Field(default=None, max_length=200)
    sex: Sex | None = None
    ethnic_group: EthnicGroup | None = Field(
        default=None, description="As the young person or their family state it (ONS 2021)."
    )

    @field_validator("date_of_birth")
    @classmethod
    def _plausible_birth(cls, value: date | None) -> date | None:
        if value is not None and not date(1990, 1, 1) <= value <= date.today():
            raise ValueError("date_of_birth must be after 1990 and not in the future")
        return value


class PersonCreate(PersonIdentity):
    """A young person added to an incident."""

    role: InvolvementRole
    health_notes: str | None = Field(default=None, max_length=2000)


class PersonUpdate(PersonIdentity):
    """New identifying or health details; ``version`` must match the stored one."""

    health_notes: str | None = Field(default=None, max_length=2000)
    version: int = Field(ge=1)


class PersonLink(_In):
    """Link an existing young person, named by pseudonym, to another incident."""

    pseudonym: str = Field(pattern=r"^[Yy][Pp]-[0-9A-Fa-f]{8}$", description="e.g. YP-1A2B3C4D")
    role: InvolvementRole

    @field_validator("pseudonym")
    @classmethod
    def _upper(cls, value: str) -> str:
        return value.upper()


class AccessReason(_In):
    """Why the reader needs personal data outside their own caseload, or a search or export
    (DPA 2018 s.62). Recorded on the audit events; write it without names."""

    reason: str = Field(min_length=10, max_length=300)


class PersonSearch(_In):
    """A coordinator's search for an existing young person by name (sent in the body only).

    Names match whole and regardless of case; a date of birth narrows the search. A search
    needs a reason, recorded with it.
    """

    given_name: str | None = Field(default=None, max_length=100)
    family_name: str | None = Field(default=None, max_length=100)
    date_of_birth: date | None = None
    reason: str = Field(min_length=10, max_length=300)

    @model_validator(mode="after")
    def _needs_a_name(self) -> PersonSearch:
        if not (self.given_name or self.family_name):
            raise ValueError("give a given name or a family name to search for")
        return self


class PersonMatchRow(_Out):
    """A young person found by a name search: pseudonym and incidents, never the name."""

    pseudonym: str
    created_at: datetime
    closed_at: datetime | None
    involvements: list[InvolvementPublic]
    matched_on: list[str]


class OfferCreate(_In):
    """An offer of support by one service."""

    service: Service
    incident_id: int | None = Field(default=None, ge=1, le=2**31 - 1)


class OfferUpdate(_In):
    """Set an offer's outcome and/or close it; ``version`` must match the stored one."""

    outcome: Outcome | None = None
    close: bool = False
    version: int = Field(ge=1, le=2**31 - 1)


class ContactCreate(_In):
    """A contact attempt: when, how, whether the young person was reached, and notes."""

    method: ContactMethod
    reached: bool
    at: AwareDatetime | None = None
    notes: str | None = Field(default=None, max_length=1000)


class ContactRecord(_Out):
    """A stored contact attempt (person page only: notes may identify)."""

    id: int
    at: datetime
    method: str
    reached: bool
    notes: str | None


class OfferRow(_Out):
    """An offer in a list: pseudonym, service, deadline and progress."""

    id: int
    pseudonym: str
    service: Service
    created_at: datetime
    due_at: datetime
    attempts: int
    first_attempt_at: datetime | None
    reached_at: datetime | None
    outcome: Outcome | None
    closed_at: datetime | None
    overdue: bool
    version: int
    late_entry: bool = False
    incident_id: int | None = None
    role: str | None = None
    synthetic: bool = False


class OfferDetail(OfferRow):
    """An offer with its contact attempts (person page): the contacts and their notes only
    for readers of that service's notes (``notes_visible``), otherwise its status alone."""

    notes_visible: bool = False
    contacts: list[ContactRecord] = Field(default_factory=list)


class PersonPublic(_Out):
    """A young person as anyone allowed to see the record sees them: pseudonymous."""

    pseudonym: str
    synthetic: bool
    created_at: datetime
    closed_at: datetime | None
    anonymised: bool
    reached: bool
    involvements: list[InvolvementPublic]
    possible_duplicates: list[str] = Field(default_factory=list)
    merged: bool = False
    merged_into: str | None = None


class PersonDetail(_Out):
    """The person page: the public view plus what the reader's role may see, field by field
    (:data:`upstream.cases.access.FIELD_RULES`). ``identity_needs_reason``: the reader may see
    the identity but only with a reason (outside their own caseload)."""

    person: PersonPublic
    identity: PersonIdentity | None
    identity_needs_reason: bool = False
    health_notes: str | None
    health_visible: bool
    offers: list[OfferDetail]
    version: int


class PersonRow(_Out):
    """A young person not yet reached (board list): their first incident and role in it."""

    pseudonym: str
    incident_id: int
    role: InvolvementRole
    services: list[Service]
    waiting_hours: float
    synthetic: bool = False
    incident_closed: bool = False


class IncidentRow(_Out):
    """An open incident on the board."""

    id: int
    occurred_at: datetime
    offence: str
    weapon: str
    injury: str
    people: int
    not_reached: int
    synthetic: bool


class WeekSummary(_Out):
    """The strategy's measure for incidents recorded in one week (Monday, Europe/London)."""

    week_start: date
    people: int
    offered: int
    reached: int
    accepted: int
    offered_pct: float | None
    reached_pct: float | None
    accepted_pct: float | None
    median_hours_to_first_contact: float | None
    synthetic: bool = False
    in_progress: bool = False
    """True for the current week: still running, so its shares are not final."""


class BoardPublic(_Out):
    """The coordinator's board; lists are empty for roles that may see figures only."""

    generated_at: datetime
    service: Service | None
    lists_visible: bool
    synthetic: bool = False
    open_incidents: list[IncidentRow]
    not_reached: list[PersonRow]
    overdue: list[OfferRow]
    late_entries: list[OfferRow] = Field(default_factory=list)
    weekly: list[WeekSummary]
    totals: dict[str, int]


class BoardList(_Out):
    """One page of one of the board's lists (only the field for that list is filled)."""

    name: str
    page: int
    pages: int
    total: int
    sort: str
    sorts: list[str]
    service: Service | None
    offers: list[OfferRow] = Field(default_factory=list)
    people: list[PersonRow] = Field(default_factory=list)
    incidents: list[IncidentRow] = Field(default_factory=list)


class DuplicatePublic(_Out):
    """A possible duplicate awaiting a human decision."""

    id: int
    pseudonym: str
    other_pseudonym: str
    reason: str
    created_at: datetime
    resolution: str | None


class DuplicateSide(_Out):
    """One record of a possible duplicate, for the coordinator's side-by-side comparison."""

    pseudonym: str
    synthetic: bool
    created_at: datetime
    closed_at: datetime | None
    identity: PersonIdentity
    age: int | None
    involvements: list[InvolvementPublic]
    services: list[str]


class DuplicateComparison(_Out):
    """A possible duplicate with both records side by side (coordinator only)."""

    flag: DuplicatePublic
    keep: DuplicateSide
    other: DuplicateSide


class DuplicateResolve(_In):
    """A human's decision: merge ``other`` into ``pseudonym``, or they are distinct people."""

    resolution: Literal["merge", "distinct"]


class UserCreate(_In):
    """A new user (admins only)."""

    username: str = Field(min_length=3, max_length=64, pattern=r"^[a-z0-9._-]+$")
    password: str = Field(min_length=12, max_length=256)
    role: Role
    agency: str = Field(pattern=r"^(police|council|health|probation|voluntary)$")
    service: Service | None = None


class UserPublic(_Out):
    """A user as admins see them (never the password hash)."""

    id: int
    username: str
    role: str
    agency: str
    service: str | None
    active: bool
    locked: bool
    approval: str = "approved"
    must_change_password: bool = False
    demo: bool = False
    created_by: str | None = None


class PasswordChange(_In):
    """A user's change of their own password."""

    current_password: str = Field(min_length=1, max_length=256)
    new_password: str = Field(min_length=12, max_length=256)


class UserStatus(_In):
    """Disable or enable a user (admins only)."""

    active: bool


class LoginRequest(_In):
    """Credentials and the purpose of the session (recorded on every audit event)."""

    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)
    purpose: Purpose = Purpose.DIRECT_SUPPORT


class LoginResult(_Out):
    """The session's CSRF token (send it as ``X-CSRF-Token`` on every change) and expiry."""

    username: str
    role: str
    csrf_token: str
    expires_at: datetime
    must_change_password: bool = False
