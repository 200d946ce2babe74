"""Unit costs of crime and the GDP deflator, read from TOML, and uprating between years.

The shipped files (``unit_costs.toml``, ``deflator.toml`` beside this module) cite their
sources; either can be replaced by a file of the same shape. A file that is wrong is
refused with one message naming the file, the key and the field.
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "DEFLATOR_FILE",
    "UNIT_COSTS_FILE",
    "Deflator",
    "UnitCost",
    "UnitCosts",
    "VfmError",
    "load_deflator",
    "load_unit_costs",
]

HERE = Path(__file__).resolve().parent
UNIT_COSTS_FILE = HERE / "unit_costs.toml"
DEFLATOR_FILE = HERE / "deflator.toml"
_YEAR = re.compile(r"(\d{4})-(\d{2})")


class VfmError(ValueError):
    """Input to a value-for-money calculation that cannot be used; the message says why."""


@dataclass(frozen=True)
class UnitCost:
    """One crime type's cost per offence, in the price year of its source."""

    key: str
    name: str
    pounds: float


@dataclass(frozen=True)
class UnitCosts:
    """Unit costs by key, their price year and their source notes."""

    costs: dict[str, UnitCost]
    price_year: str
    source: dict[str, Any]
    file: Path

    def get(self, key: str) -> UnitCost:
        """The unit cost of ``key``; :class:`VfmError` listing the keys when unknown."""
        if key not in self.costs:
            raise VfmError(
                f"{self.file}: no unit cost {key!r}; known: {', '.join(sorted(self.costs))}"
            )
        return self.costs[key]


@dataclass(frozen=True)
class Deflator:
    """A GDP deflator index by financial year (``YYYY-YY``)."""

    index: dict[str, float]
    source: dict[str, Any]
    file: Path

    @property
    def latest(self) -> str:
        """The last year of the series."""
        return max(self.index)

    @property
    def approximate(self) -> bool:
        """Whether the file says its values are approximate (not a named release)."""
        return bool(self.source.get("approximate", False))

    def factor(self, from_year: str, to_year: str) -> float:
        """The multiplier taking prices of ``from_year`` to ``to_year``."""
        for year in (from_year, to_year):
            if year not in self.index:
                raise VfmError(
                    f"{self.file}: no deflator for {year!r}; the series covers "
                    f"{min(self.index)} to {self.latest}"
                )
        return self.index[to_year] / self.index[from_year]


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError as exc:
        raise VfmError(f"{path}: no such file") from exc
    except tomllib.TOMLDecodeError as exc:
        raise VfmError(f"{path}: not valid TOML ({exc})") from exc


def _financial_year(text: str, path: Path, where: str) -> str:
    match = _YEAR.fullmatch(text)
    if not match or (int(match[1]) + 1) % 100 != int(match[2]):
        raise VfmError(f"{path}: {where}: {text!r} is not a financial year such as 2015-16")
    return text


def _positive(value: object, path: Path, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise VfmError(f"{path}: {where}: must be a number, got {value!r}")
    number = float(value)
    if not math.isfinite(number) or number <= 0:
        raise VfmError(f"{path}: {where}: must be more than 0, got {value!r}")
    return number


def load_unit_costs(path: Path | None = None) -> UnitCosts:
    """Read unit costs (default: the shipped Home Office 2018 figures)."""
    path = Path(path) if path is not None else UNIT_COSTS_FILE
    raw = _read(path)
    source = raw.get("source")
    if not isinstance(source, dict) or "price_year" not in source or "citation" not in source:
        raise VfmError(f"{path}: [source]: needs citation and price_year")
    year = _financial_year(str(source["price_year"]), path, "[source] price_year")
    table = raw.get("costs")
    if not isinstance(table, dict) or not table:
        raise VfmError(f"{path}: [costs]: no unit costs given")
    costs = {}
    for key, entry in table.items():
        if not isinstance(entry, dict):
            raise VfmError(f"{path}: [costs.{key}]: must be a table with name and pounds")
        if "pounds" not in entry:
            raise VfmError(f"{path}: [costs.{key}] pounds: missing")
        pounds = _positive(entry["pounds"], path, f"[costs.{key}] pounds")
        costs[str(key)] = UnitCost(str(key), str(entry.get("name", key)), pounds)
    return UnitCosts(costs, year, dict(source), path)


def load_deflator(path: Path | None = None) -> Deflator:
    """Read a GDP deflator series (default: the shipped file)."""
    path = Path(path) if path is not None else DEFLATOR_FILE
    raw = _read(path)
    index = raw.get("index")
    if not isinstance(index, dict) or len(index) < 1:
        raise VfmError(f"{path}: [index]: no deflator values given")
    values = {
        _financial_year(str(year), path, f"[index] {year}"): _positive(v, path, f"[index] {year}")
        for year, v in index.items()
    }
    source = raw.get("source", {})
    if not isinstance(source, dict):
        raise VfmError(f"{path}: [source]: must be a table")
    return Deflator(dict(sorted(values.items())), dict(source), path)
