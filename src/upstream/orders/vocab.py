"""The orders register's fixed vocabularies: order types, condition kinds, alert kinds and
the decisions a lead may record on an alert.

Values are stored as these lower-case strings; :func:`upstream.cases.vocab.label` and
:data:`LABELS` give the words people read.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "DAYS",
    "LABELS",
    "PLACE_RADIUS_M",
    "AlertKind",
    "ConditionKind",
    "Decision",
    "OrderType",
    "ZoneSource",
]


class OrderType(StrEnum):
    """The orders and conditions a partnership monitors."""

    KCPO = "kcpo"
    GANG_INJUNCTION = "gang_injunction"
    CBO = "cbo"
    SVRO = "svro"
    CIVIL_INJUNCTION = "civil_injunction"
    BAIL_CONDITION = "bail_condition"
    LICENCE_CONDITION = "licence_condition"


class ConditionKind(StrEnum):
    """What a condition of an order asks of its subject."""

    EXCLUSION_ZONE = "exclusion_zone"
    CURFEW = "curfew"
    NON_ASSOCIATION = "non_association"
    REPORTING = "reporting"
    POSITIVE = "positive"


PLACE_RADIUS_M = (50.0, 200.0, 1000.0)
"""The radius of an exclusion zone around a named place: smallest, default, largest (m)."""


class ZoneSource(StrEnum):
    """How an exclusion zone was given: drawn or pasted as GeoJSON, chosen LSOAs of the
    area pack (packs carry no ward layer today), or a circle around a named place."""

    DRAWN = "drawn"
    LSOAS = "lsoas"
    PLACE = "place"


class AlertKind(StrEnum):
    """Why an alert was raised: a candidate breach found by the scan, or a manual report."""

    ZONE = "zone"
    CURFEW = "curfew"
    NON_ASSOCIATION = "non_association"
    MANUAL = "manual"


class Decision(StrEnum):
    """What the order's lead decided about an alert. Never made by the tool itself."""

    NO_BREACH = "no_breach"
    ADVICE = "advice"
    WARNING = "warning"
    BREACH_PROCEEDINGS = "breach_proceedings"


DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""Days of the week as stored (Monday first, as :meth:`datetime.date.weekday` counts)."""

LABELS: dict[str, str] = {
    "kcpo": "Knife Crime Prevention Order",
    "gang_injunction": "gang-related injunction",
    "cbo": "Criminal Behaviour Order",
    "svro": "Serious Violence Reduction Order",
    "civil_injunction": "civil injunction",
    "bail_condition": "bail condition",
    "licence_condition": "licence condition",
    "exclusion_zone": "exclusion zone",
    "curfew": "curfew",
    "non_association": "non-association",
    "reporting": "reporting requirement",
    "positive": "positive requirement",
    "zone": "in an exclusion zone",
    "manual": "reported by hand",
    "no_breach": "no breach",
    "advice": "advice",
    "warning": "warning",
    "breach_proceedings": "breach proceedings",
}
"""Readable names of the values above."""
