"""Accountability: what the partnership may publish, and how.

:mod:`upstream.account.disclosure` is the statistical disclosure control every public page
and report applies to figures built from partnership records;
:mod:`upstream.account.published` applies it to the event store's coverage report.
"""

from upstream.account.disclosure import (
    PARTNERSHIP_RULE,
    SUPPRESSED,
    DisclosureRule,
    Suppression,
    show,
    suppress_counts,
    suppress_one_way,
    suppress_two_way,
)

__all__ = [
    "PARTNERSHIP_RULE",
    "SUPPRESSED",
    "DisclosureRule",
    "Suppression",
    "show",
    "suppress_counts",
    "suppress_one_way",
    "suppress_two_way",
]
