"""What goes into and comes out of the orders register's use cases (pydantic).

Inputs refuse bad values naming the field: ``expires_on`` before ``made_on``, a curfew ending
before it starts (unless marked overnight), a condition missing what its kind needs. Checks
that need the database or the area (a zone outside the area, non-association with the
order's own subject, an unknown person or lead) are the service's, and name the field too.
Views name young people by pseudonym only.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from upstream.cases.vocab import Agency
from upstream.orders.conditions import CurfewWindow, parse_days
from upstream.orders.vocab import PLACE_RADIUS_M, AlertKind, ConditionKind, Decision, OrderType

__all__ = [
    "MIN_REASON",
    "AlertView",
    "BreachReport",
    "ConditionCreate",
    "ConditionView",
    "DecisionCreate",
    "IncidentLocation",
    "OrderCreate",
    "OrderDetail",
    "OrderView",
    "ReviewView",
]

MIN_REASON = 10
PSEUDONYM = r"^YP-[0-9A-Z]{4,12}$"
Pseudonym = Annotated[str, Field(pattern=PSEUDONYM)]
LSOA = r"^[EW]0[0-9]{7}$"


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class OrderCreate(_In):
    """A new order: its type, subject (pseudonym), court, dates, lead (username) and agency.

    ``reviews`` lists review dates to set; left empty, the statutory defaults of the order's
    type are computed (:func:`upstream.orders.reviews.default_reviews`).
    """

    order_type: OrderType
    subject: Pseudonym
    court: str = Field(min_length=3, max_length=120)
    made_on: date
    served_on: date | None = None
    expires_on: date | None = None
    lead: str = Field(min_length=1, max_length=64)
    agency: Agency
    notes: str | None = Field(default=None, max_length=2000)
    reviews: list[date] = Field(default_factory=list, max_length=20)

    @model_validator(mode="after")
    def _dates(self) -> OrderCreate:
        if self.expires_on is not None and self.expires_on < self.made_on:
            raise ValueError(
                f"expires_on: the order expires ({self.expires_on}) before it was made "
                f"({self.made_on})"
            )
        if self.served_on is not None and self.served_on < self.made_on:
            raise ValueError("served_on: the order was served before it was made")
        for due in self.reviews:
            if due < self.made_on:
                raise ValueError(f"reviews: review date {due} is before the order was made")
        self.notes = self.notes or None
        return self


class ConditionCreate(_In):
    """A condition of an order. What is needed depends on ``kind``:

    * ``exclusion_zone``: ``zone_geojson`` (a GeoJSON Polygon, lon/lat as drawn on the map,
      or BNG metres), ``zone_lsoas`` (LSOA codes of the area), or ``zone_place`` (a town
      centre, station or school of the area pack, as ``"name (kind)"``) with
      ``zone_radius_m`` (default 200, 50 to 1,000 metres);
    * ``curfew``: ``curfew_start``, ``curfew_end`` (London time), ``curfew_days`` (``fri,sat``
      or a list), ``overnight`` when it ends the next day;
    * ``non_association``: ``other_person`` (a pseudonym);
    * ``reporting``: ``detail``; ``positive``: ``detail`` and optionally ``offer_id`` (the
      offer of support in the case tool it is met through).
    """

    kind: ConditionKind
    starts_on: date | None = None
    ends_on: date | None = None
    zone_geojson: str | None = Field(default=None, max_length=200_000)
    zone_lsoas: list[Annotated[str, Field(pattern=LSOA)]] = Field(
        default_factory=list, max_length=60
    )
    zone_place: str | None = Field(default=None, max_length=200)
    zone_radius_m: float = Field(
        default=PLACE_RADIUS_M[1], ge=PLACE_RADIUS_M[0], le=PLACE_RADIUS_M[2]
    )
    curfew_start: time | None = None
    curfew_end: time | None = None
    curfew_days: list[str] | str | None = None
    overnight: bool = False
    other_person: Pseudonym | None = None
    detail: str | None = Field(default=None, max_length=300)
    offer_id: int | None = Field(default=None, ge=1)

    @field_validator("curfew_days")
    @classmethod
    def _days(cls, value: list[str] | str | None) -> list[str] | str | None:
        if value is not None and value != "":
            parse_days(value)
        return value

    def window(self) -> CurfewWindow:
        """The curfew window given (only for a valid ``curfew`` condition)."""
        assert self.curfew_start is not None and self.curfew_end is not None
        return CurfewWindow(
            self.curfew_start, self.curfew_end, parse_days(self.curfew_days or ""), self.overnight
        )

    @model_validator(mode="after")
    def _needs(self) -> ConditionCreate:
        if (
            self.ends_on is not None
            and self.starts_on is not None
            and self.ends_on < self.starts_on
        ):
            raise ValueError("ends_on: the condition ends before it starts")
        kind = self.kind
        if kind is ConditionKind.EXCLUSION_ZONE:
            given = [bool(self.zone_geojson), bool(self.zone_lsoas), bool(self.zone_place)]
            if sum(given) != 1:
                raise ValueError(
                    "zone_geojson: give the zone as a drawn polygon, as chosen LSOAs "
                    "(zone_lsoas) or as a named place (zone_place), one of the three"
                )
        elif kind is ConditionKind.CURFEW:
            for name in ("curfew_start", "curfew_end", "curfew_days"):
                if not getattr(self, name):
                    raise ValueError(f"{name}: a curfew needs a start, an end and days")
            self.window()
        elif kind is ConditionKind.NON_ASSOCIATION:
            if self.other_person is None:
                raise ValueError("other_person: name the person not to associate with")
        elif not self.detail:
            raise ValueError(f"detail: say what the {kind.value} requirement is")
        if self.offer_id is not None and kind is not ConditionKind.POSITIVE:
            raise ValueError("offer_id: only a positive requirement is linked to an offer")
        return self


class DecisionCreate(_In):
    """The lead's decision on an alert, with the reason (:data:`MIN_REASON` characters or
    more); ``version`` is the alert's version as read."""

    decision: Decision
    reason: str = Field(min_length=MIN_REASON, max_length=2000)
    version: int = Field(ge=1)


class BreachReport(_In):
    """A breach reported by hand: what was seen, and when (an aware instant)."""

    occurred_at: datetime
    detail: str = Field(min_length=MIN_REASON, max_length=300)

    @field_validator("occurred_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("occurred_at: give the time zone (or use the form's London time)")
        return value


class IncidentLocation(_In):
    """Where an incident happened, British National Grid metres."""

    easting: float = Field(ge=0, le=700_000)
    northing: float = Field(ge=0, le=1_300_000)


class ConditionView(BaseModel):
    """A condition as readers see it (the zone as lon/lat rings for the map)."""

    id: int
    kind: ConditionKind
    summary: str
    starts_on: date | None
    ends_on: date | None
    zone_rings: list[tuple[list[float], list[float]]] = Field(default_factory=list)
    zone_wkt: str | None = None
    other_person: str | None = None
    offer_id: int | None = None
    taken_up: bool | None = None
    review: str | None = None
    """Why the officer should review this condition (a non-association naming the order's
    own subject, as a merge of two records of one young person leaves it); else None."""


class ReviewView(BaseModel):
    """A review date of an order."""

    due_on: date
    kind: str
    done_on: date | None


class OrderView(BaseModel):
    """An order in the register (``flags``: reviews and expiry coming up, in words)."""

    id: int
    order_type: OrderType
    subject: str
    court: str
    made_on: date
    served_on: date | None
    expires_on: date | None
    discharged_on: date | None
    lead: str
    lead_id: int
    agency: str
    in_force: bool
    open_alerts: int
    flags: list[str]
    synthetic: bool


class AlertView(BaseModel):
    """A breach alert: what, when, by when, and the decision once made."""

    id: int
    order_id: int
    order_type: OrderType
    subject: str
    kind: AlertKind
    incident_id: int | None
    easting: float | None = None
    northing: float | None = None
    detail: str | None
    event_at: datetime
    created_at: datetime
    due_at: datetime
    lead: str
    overdue: bool
    decision: Decision | None
    reason: str | None
    decided_at: datetime | None
    hours_to_decision: float | None
    version: int
    can_decide: bool
    synthetic: bool


class OrderDetail(BaseModel):
    """One order with its conditions, reviews and alerts."""

    order: OrderView
    notes: str | None
    conditions: list[ConditionView]
    reviews: list[ReviewView]
    alerts: list[AlertView]
