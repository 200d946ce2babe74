"""The disclosure policy of the open-data export, read from TOML and checked.

The bundled ``disclosure.toml`` is the safe default: partnership counts of 1 to 9 shown as
``[c]``, secondary suppression on, other counts rounded to the nearest 5, tables no finer than
MSOA, and only data.police.uk street crime published as it is. A policy file may make the
rule stricter, never looser: one that would publish a count below its own threshold (or below
10, the floor ``upstream publish`` promises) is refused with a one-line message naming the
file and the key.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from upstream.account.disclosure import DisclosureRule
from upstream.account.published import OPEN_SOURCES

__all__ = [
    "DEFAULT_POLICY",
    "FLOOR",
    "GEOGRAPHIES",
    "Policy",
    "PolicyError",
    "load_policy",
    "parse_policy",
    "round_to",
]

FLOOR = 10
"""No policy may publish a partnership count below this (the contract of ``upstream publish``)."""
GEOGRAPHIES = ("msoa", "ward", "borough")
"""Geographies a table may be published at: nothing finer than a ward or MSOA."""
_KEYS = {
    "counts": {"threshold", "rounding_base", "secondary_suppression"},
    "geography": {"allowed"},
    "sources": {"open"},
}


class PolicyError(ValueError):
    """A policy file that cannot be read or would publish what it must not."""


@dataclass(frozen=True)
class Policy:
    """A checked disclosure policy (see the module docstring)."""

    threshold: int = 10
    rounding_base: int = 5
    secondary_suppression: bool = True
    geographies: tuple[str, ...] = ("msoa", "borough")
    open_sources: frozenset[str] = frozenset({"police_uk_street"})
    origin: str = "bundled disclosure.toml"

    @property
    def rule(self) -> DisclosureRule:
        """The small-number rule of :mod:`upstream.account.disclosure` at this threshold."""
        return DisclosureRule(self.threshold)

    def rounded(self, value: int) -> int:
        """``value`` rounded to the nearest multiple of the base (halves up)."""
        return round_to(value, self.rounding_base)


def round_to(value: int, base: int) -> int:
    """``value`` to the nearest multiple of ``base``, halves rounded up (12 -> 10, 13 -> 15)."""
    return ((2 * int(value) + base) // (2 * base)) * base


def _fail(origin: str, key: str, why: str) -> PolicyError:
    return PolicyError(f"{origin}: {key}: {why}")


def _int(origin: str, table: dict[str, Any], section: str, key: str) -> int:
    value = table[key]
    if isinstance(value, bool) or not isinstance(value, int):
        raise _fail(origin, f"[{section}] {key}", f"must be a whole number, not {value!r}")
    return value


def _check_keys(origin: str, data: dict[str, Any]) -> None:
    for section in data:
        if section not in _KEYS:
            raise _fail(origin, f"[{section}]", f"unknown section (known: {', '.join(_KEYS)})")
    for section, keys in _KEYS.items():
        table = data.get(section)
        if not isinstance(table, dict):
            raise _fail(origin, f"[{section}]", "missing section")
        for key in table:
            if key not in keys:
                raise _fail(origin, f"[{section}] {key}", "unknown key")
        for key in sorted(keys - set(table)):
            raise _fail(origin, f"[{section}] {key}", "missing key")


def _counts(origin: str, counts: dict[str, Any]) -> tuple[int, int, bool]:
    threshold = _int(origin, counts, "counts", "threshold")
    if threshold < FLOOR:
        raise _fail(
            origin,
            "[counts] threshold",
            f"{threshold} would publish counts from {threshold} to {FLOOR - 1}; the threshold "
            f"must be at least {FLOOR}",
        )
    base = _int(origin, counts, "counts", "rounding_base")
    if base < 5 or base % 5:
        raise _fail(origin, "[counts] rounding_base", f"{base} is not a positive multiple of 5")
    low = round_to(threshold, base)
    if low < threshold:
        raise _fail(
            origin,
            "[counts] rounding_base",
            f"rounding to {base} would publish a count of {threshold} as {low}, below the "
            f"threshold {threshold}",
        )
    secondary = counts["secondary_suppression"]
    if secondary is not True:
        raise _fail(
            origin,
            "[counts] secondary_suppression",
            f"{secondary!r} would let counts below {threshold} be worked out from totals; "
            "it must be true",
        )
    return threshold, base, True


def _geographies(origin: str, allowed: Any) -> tuple[str, ...]:
    if not isinstance(allowed, list) or not allowed:
        raise _fail(origin, "[geography] allowed", "must be a non-empty list")
    for name in allowed:
        if name not in GEOGRAPHIES:
            raise _fail(
                origin,
                "[geography] allowed",
                f"{name!r} is not allowed: maps and tables go no finer than ward or MSOA "
                f"(allowed: {', '.join(GEOGRAPHIES)})",
            )
    return tuple(allowed)


def _open(origin: str, sources: Any) -> frozenset[str]:
    if not isinstance(sources, list):
        raise _fail(origin, "[sources] open", "must be a list of source names")
    for name in sources:
        if name not in OPEN_SOURCES:
            raise _fail(
                origin,
                "[sources] open",
                f"{name!r} is partnership data: publishing it as it is would publish counts "
                f"below the threshold (open data: {', '.join(sorted(OPEN_SOURCES))})",
            )
    return frozenset(sources)


def parse_policy(data: dict[str, Any], origin: str) -> Policy:
    """A :class:`Policy` from the parsed TOML ``data``; ``origin`` names it in messages."""
    _check_keys(origin, data)
    threshold, base, secondary = _counts(origin, data["counts"])
    return Policy(
        threshold=threshold,
        rounding_base=base,
        secondary_suppression=secondary,
        geographies=_geographies(origin, data["geography"]["allowed"]),
        open_sources=_open(origin, data["sources"]["open"]),
        origin=origin,
    )


def load_policy(path: Path | None = None) -> Policy:
    """The policy in ``path``, or the bundled safe default; :class:`PolicyError` if refused."""
    if path is None:
        text = resources.files(__package__).joinpath("disclosure.toml").read_text("utf-8")
        origin = "bundled disclosure.toml"
    else:
        origin = str(path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise PolicyError(f"{origin}: cannot be read ({exc})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"{origin}: not valid TOML ({exc})") from None
    return parse_policy(data, origin)


DEFAULT_POLICY = load_policy()
"""The bundled safe default."""
