"""The knife-retail register's fixed vocabularies: premises types, volunteers' age bands,
test-purchase results, delivery checks and follow-up actions.

Values are stored as these lower-case strings; :func:`parse_choice` (the action plan's) reads
what people type in a spreadsheet ("Market stall", "16-17") into them.
"""

from __future__ import annotations

from enum import StrEnum

from upstream.account.actions.vocab import parse_choice

__all__ = [
    "AgeBand",
    "Delivery",
    "FollowUpKind",
    "PremisesType",
    "Result",
    "parse_choice",
]


class PremisesType(StrEnum):
    """What kind of seller a premises is."""

    SHOP = "shop"
    SUPERMARKET = "supermarket"
    MARKET_STALL = "market_stall"
    ONLINE = "online"
    """An online seller that delivers locally (tested by ordering to a local address)."""


class AgeBand(StrEnum):
    """The test-purchase volunteer's age band: the only thing kept about the volunteer."""

    AGE_13_15 = "13_15"
    AGE_16_17 = "16_17"


class Result(StrEnum):
    """Whether the premises sold a knife to the under-18 volunteer."""

    SOLD = "sold"
    REFUSED = "refused"


class Delivery(StrEnum):
    """What happened at the door when an online order was delivered."""

    AGE_CHECKED = "age_checked"
    """The courier checked the volunteer's age and did not hand the knife over."""
    HANDED_OVER = "handed_over"
    """The knife was handed to the volunteer without an age check."""
    LEFT_WITH_SOMEONE = "left_with_someone"
    """Left with a neighbour or in a safe place: no age check at the door."""
    NOT_DELIVERED = "not_delivered"
    """The seller refused the order or cancelled it before delivery."""


class FollowUpKind(StrEnum):
    """What Trading Standards did after a sale, least to most serious."""

    ADVICE = "advice"
    WARNING = "warning"
    FIXED_PENALTY = "fixed_penalty"
    PROSECUTION = "prosecution"
