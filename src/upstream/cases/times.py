"""Checks on the times people type: nothing in the future, nothing before what it follows.

A time more than ``clock_skew_minutes`` ahead of the server's clock is refused (a typing
slip such as year 9999, or a clock set wrong), and so is a contact dated before its offer was
made or more than ``contact_backdate_hours`` before it is recorded: a first contact entered
late cannot quietly make a late offer look on time. Each refusal is a :class:`InvalidTime`
(a :class:`ValueError`) naming the field, so pages and the API answer it as bad input.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from upstream.cases.localtime import london_time

__all__ = ["InvalidTime", "check_contact_time", "check_not_future"]


class InvalidTime(ValueError):
    """A time that cannot be right, naming the field."""


def check_not_future(field: str, value: datetime, now: datetime, skew_minutes: int) -> None:
    """Refuse ``value`` if it is more than ``skew_minutes`` after ``now``."""
    if value > now + timedelta(minutes=skew_minutes):
        raise InvalidTime(f"{field}: {london_time(value)} is in the future")


def check_contact_time(
    at: datetime,
    offered_at: datetime,
    now: datetime,
    skew_minutes: int,
    backdate_hours: int,
) -> None:
    """Refuse a contact time in the future, before the offer, or too far back to record now."""
    check_not_future("at", at, now, skew_minutes)
    if at < offered_at - timedelta(minutes=skew_minutes):
        raise InvalidTime(
            f"at: {london_time(at)} is before the offer was made ({london_time(offered_at)})"
        )
    if at < now - timedelta(hours=backdate_hours):
        raise InvalidTime(
            f"at: contacts can be recorded up to {backdate_hours} hours after they happen; "
            f"{london_time(at)} is earlier (ask the coordinator to note it on the case)"
        )
