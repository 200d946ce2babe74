"""Re-test scheduling: when each premises is next due a test purchase (pure functions).

The rules (:class:`RetailRules`, read from ``retail.toml``) say how many months after a
test purchase the next one falls due: sooner after a sale than after a refusal. A premises
never tested is due at once. :func:`due_list` puts every premises in order of its due date,
overdue first.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from upstream.orders.retail.schemas import PremisesView
from upstream.orders.retail.vocab import Result

__all__ = ["DEFAULT_RULES_FILE", "DueRetest", "RetailRules", "RulesError", "due_list", "load_rules"]

DEFAULT_RULES_FILE = Path(__file__).resolve().parent / "retail.toml"


class RulesError(ValueError):
    """The rules file cannot be used; the message names the file and key."""


@dataclass(frozen=True)
class RetailRules:
    """Re-test intervals and the prioritisation score's parts (see ``retail.toml``)."""

    after_sale_months: int = 3
    after_refusal_months: int = 12
    school_weight: float = 40.0
    school_radius_m: float = 1000.0
    failures_weight: float = 35.0
    failures_years: int = 2
    failures_full: int = 2
    risk_weight: float = 25.0
    risk_radius_m: float = 500.0
    risk_months: int = 12


_SECTIONS = {
    "retest": ("after_sale_months", "after_refusal_months"),
    "priority": tuple(f.name for f in fields(RetailRules) if not f.name.startswith("after_")),
}


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except OSError as exc:
        raise RulesError(f"{path}: cannot be read ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        raise RulesError(f"{path}: not valid TOML ({exc})") from None


def load_rules(path: Path | None = None) -> RetailRules:
    """The bundled rules, with the keys ``path`` sets replacing them.

    Raises
    ------
    RulesError
        Naming the file and the key: an unknown section or key, or a value that is not a
        positive number (a whole number for months, years and counts).
    """
    values: dict[str, Any] = {}
    for source in [DEFAULT_RULES_FILE] + ([path] if path else []):
        raw = _read(source)
        for section, table in raw.items():
            allowed = _SECTIONS.get(section)
            if allowed is None or not isinstance(table, dict):
                raise RulesError(f"{source}: unknown section [{section}]")
            for key, value in table.items():
                if key not in allowed:
                    raise RulesError(f"{source}, [{section}] {key}: unknown key")
                whole = not key.endswith(("_weight", "_m"))
                ok = isinstance(value, int) if whole else isinstance(value, int | float)
                if isinstance(value, bool) or not ok or value <= 0:
                    kind = "a whole number" if whole else "a number"
                    raise RulesError(
                        f"{source}, [{section}] {key}: must be {kind} above 0 (got {value!r})"
                    )
                values[key] = value
    return RetailRules(**values)


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months (the 31st becomes the month's last day)."""
    return (pd.Timestamp(day) + pd.DateOffset(months=months)).date()


@dataclass(frozen=True)
class DueRetest:
    """When one premises is next due a test purchase, and why."""

    ref: str
    name: str
    premises_type: str
    last_on: date | None
    last_result: Result | None
    due: date
    overdue: bool
    reason: str


def _due(p: PremisesView, rules: RetailRules, today: date) -> DueRetest:
    if p.last_on is None or p.last_result is None:
        return DueRetest(
            p.ref, p.name, p.premises_type.value, None, None, today, False,
            "never tested: due now",
        )  # fmt: skip
    sold = p.last_result is Result.SOLD
    months = rules.after_sale_months if sold else rules.after_refusal_months
    due = add_months(p.last_on, months)
    what = "sold to the volunteer" if sold else "refused"
    reason = f"{what} on {p.last_on:%d %b %Y}: re-test within {months} months"
    return DueRetest(
        p.ref, p.name, p.premises_type.value, p.last_on, p.last_result, due, due < today, reason
    )


def due_list(
    premises: Iterable[PremisesView],
    rules: RetailRules,
    today: date,
    *,
    within_days: int | None = None,
) -> list[DueRetest]:
    """Every premises' next re-test, the earliest due first (ties by reference);
    ``within_days``: only those due by then (overdue included)."""
    out = [_due(p, rules, today) for p in premises]
    if within_days is not None:
        out = [d for d in out if (d.due - today).days <= within_days]
    return sorted(out, key=lambda d: (d.due, d.ref))
