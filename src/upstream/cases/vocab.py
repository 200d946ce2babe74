"""The case store's fixed vocabularies: roles, agencies, services, outcomes, purposes.

Values are stored as these lower-case strings; labels are for people.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "DEFAULT_DEADLINE_HOURS",
    "IDENTITY_FIELDS",
    "SERVICE_AGENCY",
    "Agency",
    "ContactMethod",
    "InvolvementRole",
    "Outcome",
    "Purpose",
    "Role",
    "Service",
    "label",
]


IDENTITY_FIELDS = (
    "given_name",
    "family_name",
    "date_of_birth",
    "address",
    "school",
    "sex",
    "ethnic_group",
)
"""A young person's identifying details, held only on the person record. Sex and ethnic
group (as the young person or their family state it) are kept with them, under the same
access, so that lists and orders can be audited for disproportionality in aggregate."""


class Role(StrEnum):
    """What a user does in the partnership."""

    ADMIN = "admin"
    COORDINATOR = "coordinator"
    CASEWORKER = "caseworker"
    ANALYST = "analyst"
    BOARD = "board"
    """A partnership board member: reads the action plan; no case work, no case figures."""
    INTEL_ANALYST = "intel_analyst"
    """A police analyst with intelligence access: enters intelligence links and produces
    network lists (:mod:`upstream.network.store.access`); no case work."""
    TRADING_OFFICER = "trading_officer"
    """A Trading Standards officer: the knife-retailer register and test purchases only
    (:mod:`upstream.orders.retail.access`); nothing else in the case store."""
    ORDER_OFFICER = "order_officer"
    """Leads court orders (police, probation or council enforcement): the orders register,
    its breach alerts and decisions (:mod:`upstream.orders.access`); no case work."""


class Agency(StrEnum):
    """The partner a user works for."""

    POLICE = "police"
    COUNCIL = "council"
    HEALTH = "health"
    PROBATION = "probation"
    VOLUNTARY = "voluntary"


class Service(StrEnum):
    """A service that offers support to a young person."""

    AE_NAVIGATOR = "ae_navigator"
    CUSTODY_MENTOR = "custody_mentor"
    YOUTH_AT_RISK = "youth_at_risk"
    FAMILY_THERAPY = "family_therapy"
    ETE = "ete"
    SPORT = "sport"


SERVICE_AGENCY: dict[Service, Agency] = {
    Service.AE_NAVIGATOR: Agency.HEALTH,
    Service.CUSTODY_MENTOR: Agency.VOLUNTARY,
    Service.YOUTH_AT_RISK: Agency.COUNCIL,
    Service.FAMILY_THERAPY: Agency.HEALTH,
    Service.ETE: Agency.COUNCIL,
    Service.SPORT: Agency.VOLUNTARY,
}
"""The agency that runs each service; a caseworker's service must be run by their agency."""

DEFAULT_DEADLINE_HOURS: dict[Service, int] = {
    Service.AE_NAVIGATOR: 24,
    Service.CUSTODY_MENTOR: 24,
    Service.YOUTH_AT_RISK: 72,
    Service.FAMILY_THERAPY: 168,
    Service.ETE: 336,
    Service.SPORT: 336,
}
"""Hours from an offer being made to the first contact attempt (``UPSTREAM_CASE_DEADLINES``)."""


class InvolvementRole(StrEnum):
    """How a young person is connected to an incident."""

    VICTIM = "victim"
    SUSPECT = "suspect"
    WITNESS = "witness"
    SIBLING = "sibling"
    FRIEND = "friend"


class Outcome(StrEnum):
    """How an offer of support ended."""

    ACCEPTED = "accepted"
    DECLINED = "declined"
    UNREACHABLE = "unreachable"
    ALREADY_SUPPORTED = "already_supported"


class ContactMethod(StrEnum):
    """How a contact was attempted."""

    PHONE = "phone"
    TEXT = "text"
    VISIT = "visit"
    IN_PERSON = "in_person"
    LETTER = "letter"


class Purpose(StrEnum):
    """The purpose a user states for a session; recorded on every audit event."""

    DIRECT_SUPPORT = "direct_support"
    COORDINATION = "coordination"
    SAFEGUARDING = "safeguarding"
    ANALYSIS = "analysis"
    ADMINISTRATION = "administration"
    SUBJECT_ACCESS = "subject_access"
    RETENTION = "retention"
    OVERSIGHT = "oversight"
    INTELLIGENCE = "intelligence"
    TRADING_STANDARDS = "trading_standards"
    ENFORCEMENT = "enforcement"


_LABELS = {
    "ae_navigator": "A&E navigator",
    "custody_mentor": "Custody mentor",
    "youth_at_risk": "Youth at Risk team",
    "family_therapy": "Family therapy",
    "ete": "Education, training and employment",
    "sport": "Sport",
    "already_supported": "already supported",
    "in_person": "in person",
    "direct_support": "direct support of the young person",
    "subject_access": "subject access request",
    "oversight": "partnership oversight (the action plan)",
    "intel_analyst": "intelligence analyst",
    "intelligence": "crime intelligence (networks)",
    "trading_standards": "Trading Standards (knife retailers)",
    "trading_officer": "Trading Standards officer",
    "enforcement": "monitoring court orders and deciding breaches",
    "order_officer": "order officer",
}


def label(value: str | None) -> str:
    """A readable label for a vocabulary value (``'ae_navigator'`` -> ``'A&E navigator'``)."""
    if value is None:
        return ""
    return _LABELS.get(str(value), str(value).replace("_", " "))
