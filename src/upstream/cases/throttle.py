"""The login throttle: growing delays after failed logins, by account and by client address.

A hard lock after N failures lets anyone lock anyone out by guessing usernames. Instead:

* **by account** (the username tried, whether or not it exists): the first
  ``lockout_attempts`` failures within ``throttle_window_minutes`` cost nothing; after that
  each further attempt must wait 1, 2, 4, 8 ... seconds after the last failure, up to
  ``lockout_minutes``. A browser that has logged in to that account before carries a signed
  *device cookie*, and the account delay does not apply to it, so an attacker guessing from
  elsewhere slows the attacker, not the account's owner at their usual browser.
* **by client address**: the same curve after four times as many failures (an office shares
  one address), against one machine trying many accounts.

Attempts made while a delay runs are refused without checking the password and are not
counted. When an account or address starts being delayed, an ``auth.throttled`` event is
audited and the admin page shows it. An admin's *unlock* forgets the account's failures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from upstream.cases.models import LoginAttempt
from upstream.config import Settings

__all__ = [
    "ADDRESS_FACTOR",
    "Throttle",
    "account_failures",
    "account_wait",
    "delay_seconds",
    "forget_account",
    "note_failure",
    "wait_seconds",
]

ADDRESS_FACTOR = 4


def delay_seconds(failures: int, free: int, cap_seconds: int) -> int:
    """Seconds to wait after ``failures`` failures when ``free`` cost nothing.

    >>> [delay_seconds(n, 5, 900) for n in (4, 5, 6, 7, 15, 30)]
    [0, 1, 2, 4, 900, 900]
    """
    if failures < free:
        return 0
    return min(cap_seconds, int(2 ** min(failures - free, 30)))


@dataclass(frozen=True)
class Throttle:
    """The throttle's settings: free failures, the longest delay and the window."""

    free: int
    cap_seconds: int
    window: timedelta

    @classmethod
    def from_settings(cls, settings: Settings) -> Throttle:
        """From ``lockout_attempts``, ``lockout_minutes`` and ``throttle_window_minutes``."""
        return cls(
            settings.lockout_attempts,
            settings.lockout_minutes * 60,
            timedelta(minutes=settings.throttle_window_minutes),
        )


def _failures(session: Session, since: datetime, **match: str) -> tuple[int, datetime | None]:
    column = getattr(LoginAttempt, next(iter(match)))
    count, last = session.execute(
        select(func.count(), func.max(LoginAttempt.at)).where(
            column == next(iter(match.values())), LoginAttempt.at >= since
        )
    ).one()
    return int(count or 0), last


def _remaining(count: int, last: datetime | None, free: int, cap: int, now: datetime) -> float:
    if last is None:
        return 0.0
    if last.tzinfo is None:  # SQLite hands back naive UTC through func.max
        last = last.replace(tzinfo=UTC)
    wait = delay_seconds(count, free, cap)
    return max(0.0, (last + timedelta(seconds=wait) - now).total_seconds())


def wait_seconds(
    session: Session,
    throttle: Throttle,
    username: str,
    client_addr: str,
    now: datetime,
    *,
    known_device: bool,
) -> float:
    """Seconds before this username may be tried again from this address (0: now)."""
    since = now - throttle.window
    waits = [
        _remaining(
            *_failures(session, since, client_addr=client_addr),
            throttle.free * ADDRESS_FACTOR,
            throttle.cap_seconds,
            now,
        )
    ]
    if not known_device:
        waits.append(account_wait(session, throttle, username, now))
    return max(waits)


def account_wait(session: Session, throttle: Throttle, username: str, now: datetime) -> float:
    """Seconds before the account may be tried again from a browser it does not know."""
    since = now - throttle.window
    return _remaining(
        *_failures(session, since, username=username.casefold()[:64]),
        throttle.free,
        throttle.cap_seconds,
        now,
    )


def note_failure(
    session: Session, throttle: Throttle, username: str, client_addr: str, now: datetime
) -> list[str]:
    """Record a failed login; returns what has just started being delayed (for the alert)."""
    session.execute(delete(LoginAttempt).where(LoginAttempt.at < now - throttle.window))
    session.add(LoginAttempt(at=now, username=username.casefold()[:64], client_addr=client_addr))
    session.flush()
    since = now - throttle.window
    started = []
    account, _ = _failures(session, since, username=username.casefold()[:64])
    if account == throttle.free:
        started.append(f"account {username[:64]!r}: {account} failed logins")
    address, _ = _failures(session, since, client_addr=client_addr)
    if address == throttle.free * ADDRESS_FACTOR:
        started.append(f"address {client_addr}: {address} failed logins")
    return started


def account_failures(session: Session, throttle: Throttle, username: str, now: datetime) -> int:
    """Failed logins of the account within the window."""
    return _failures(session, now - throttle.window, username=username.casefold())[0]


def forget_account(session: Session, username: str) -> None:
    """Forget the account's failed logins (a successful login, or an admin's unlock)."""
    session.execute(delete(LoginAttempt).where(LoginAttempt.username == username.casefold()))
