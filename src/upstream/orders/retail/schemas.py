"""What goes into and comes out of the knife-retail register's use cases (pydantic).

``PremisesData`` is one seller as a register file or form gives it: a location either as
British National Grid easting/northing or as longitude/latitude (converted by the service
with the project's one projection, :func:`upstream.area.to_bng`). ``TestPurchaseData`` and
``FollowUpData`` are what an officer records; the ``...View`` classes are what readers see.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field, model_validator

from upstream.ingest.checks import EASTING_NORTHING, LONLAT
from upstream.orders.retail.vocab import AgeBand, Delivery, FollowUpKind, PremisesType, Result

__all__ = [
    "REF_PATTERN",
    "FollowUpData",
    "FollowUpView",
    "PremisesData",
    "PremisesView",
    "PurchaseView",
    "TestPurchaseData",
    "TestRecord",
]

REF_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$"


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _in_range(name: str, value: float | None, bounds: tuple[float, float]) -> None:
    if value is not None and not bounds[0] <= value <= bounds[1]:
        raise ValueError(
            f"{name}: {value:.10g} is not between {bounds[0]:.10g} and {bounds[1]:.10g}"
        )


class PremisesData(_In):
    """A seller: reference, name, address, type and location (BNG or lon/lat, one pair)."""

    ref: str = Field(pattern=REF_PATTERN)
    name: str = Field(min_length=2, max_length=200)
    address: str = Field(min_length=3, max_length=300)
    premises_type: PremisesType
    easting: float | None = None
    northing: float | None = None
    longitude: float | None = None
    latitude: float | None = None

    @model_validator(mode="after")
    def _one_location(self) -> PremisesData:
        bng = (self.easting, self.northing)
        lonlat = (self.longitude, self.latitude)
        if None in bng and bng != (None, None):
            raise ValueError("easting: give both easting and northing, or neither")
        if None in lonlat and lonlat != (None, None):
            raise ValueError("longitude: give both longitude and latitude, or neither")
        if bng == (None, None) and lonlat == (None, None):
            raise ValueError("easting: give easting/northing or longitude/latitude")
        if bng != (None, None) and lonlat != (None, None):
            raise ValueError("easting: give easting/northing or longitude/latitude, not both")
        _in_range("easting", self.easting, EASTING_NORTHING[0])
        _in_range("northing", self.northing, EASTING_NORTHING[1])
        _in_range("longitude", self.longitude, LONLAT[0])
        _in_range("latitude", self.latitude, LONLAT[1])
        return self


class TestPurchaseData(_In):
    """One test purchase as the officer records it.

    ``delivery`` is for online sellers only (and required for them); what was observed
    (``asked_for_id``, ``challenge25_signage``, ``till_prompt``) is for every seller.
    """

    __test__ = False  # not a pytest test class

    on: date
    age_band: AgeBand
    result: Result
    asked_for_id: bool = False
    challenge25_signage: bool = False
    till_prompt: bool = False
    delivery: Delivery | None = None

    @model_validator(mode="after")
    def _consistent(self) -> TestPurchaseData:
        sold_at_door = {Delivery.HANDED_OVER, Delivery.LEFT_WITH_SOMEONE}
        if self.delivery is not None and (self.delivery in sold_at_door) != (
            self.result is Result.SOLD
        ):
            raise ValueError(
                f"delivery: {self.delivery.value.replace('_', ' ')} does not fit a result of "
                f"{self.result.value}"
            )
        return self


class FollowUpData(_In):
    """An action after a test purchase, and when it was taken."""

    kind: FollowUpKind
    on: date


class FollowUpView(BaseModel):
    """A follow-up as readers see it."""

    id: int
    kind: FollowUpKind
    on: date
    officer: str


class PurchaseView(BaseModel):
    """A test purchase as readers see it, with its follow-ups."""

    id: int
    on: date
    age_band: AgeBand
    result: Result
    asked_for_id: bool
    challenge25_signage: bool
    till_prompt: bool
    delivery: Delivery | None
    officer: str
    demo: bool
    follow_ups: list[FollowUpView]


class PremisesView(BaseModel):
    """A premises as readers of the register see it: where, what, and its test history in
    brief (``sold_on``: dates of the test purchases it sold at)."""

    ref: str
    name: str
    address: str
    premises_type: PremisesType
    easting: float
    northing: float
    demo: bool
    version: int
    tests: int
    last_on: date | None
    last_result: Result | None
    sold_on: list[date]


class TestRecord(BaseModel):
    """One test purchase reduced to what the compliance figures count (no premises named)."""

    __test__ = False

    on: date
    premises_type: PremisesType
    result: Result
