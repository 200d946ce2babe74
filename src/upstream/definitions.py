"""Local definitions: which crime types count as serious violence, and how much harm each does.

The bundled defaults live in ``definitions.toml`` beside this module. An area pack may
override any key with its own ``definitions`` layer, and a partnership with its own TOML file
(``UPSTREAM_DEFINITIONS_FILE``), in that order; tables are merged key by key, so a file that
only changes one harm weight keeps everything else. :func:`upstream.area.definitions_from_settings`
applies both.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["Definitions", "DefinitionsError", "load_definitions"]

POLICE_UK_CRIME_TYPES: tuple[str, ...] = (
    "Anti-social behaviour",
    "Bicycle theft",
    "Burglary",
    "Criminal damage and arson",
    "Drugs",
    "Other crime",
    "Other theft",
    "Possession of weapons",
    "Public order",
    "Robbery",
    "Shoplifting",
    "Theft from the person",
    "Vehicle crime",
    "Violence and sexual offences",
)
"""The street-level crime types data.police.uk publishes (since 2013), spelled as published."""


class DefinitionsError(ValueError):
    """A definitions file is unreadable or names something upstream does not know."""


@dataclass(frozen=True)
class Definitions:
    """The partnership's local definitions, after merging overrides."""

    serious_violence: tuple[str, ...]
    harm_weights: dict[str, float]
    harm_default: float
    harm_source: str

    def harm_weight(self, crime_types: pd.Series) -> pd.Series:
        """Harm weight for each crime type (the default weight for a type not listed)."""
        return crime_types.map(self.harm_weights).astype("float64").fillna(self.harm_default)

    def is_serious_violence(self, crime_types: pd.Series) -> pd.Series:
        """True where the crime type counts as serious violence here."""
        return crime_types.isin(self.serious_violence)


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError as exc:
        raise DefinitionsError(f"{path}: definitions file not found") from exc
    except tomllib.TOMLDecodeError as exc:
        raise DefinitionsError(f"{path}: not valid TOML ({exc})") from exc


def _validate(raw: dict[str, Any], origin: str) -> Definitions:
    try:
        types = tuple(raw["serious_violence"]["crime_types"])
        harm = raw["harm"]
        weights = {str(k): float(v) for k, v in harm.get("weights", {}).items()}
        default = float(harm.get("default", 1.0))
        source = str(harm.get("source", "unstated"))
    except (KeyError, TypeError, ValueError) as exc:
        raise DefinitionsError(f"{origin}: missing or malformed key ({exc})") from exc
    unknown = sorted((set(types) | set(weights)) - set(POLICE_UK_CRIME_TYPES))
    if unknown:
        raise DefinitionsError(
            f"{origin}: unknown police.uk crime type(s) {unknown}; "
            f"use the published names: {list(POLICE_UK_CRIME_TYPES)}"
        )
    negative = [k for k, v in weights.items() if v < 0] + (["default"] if default < 0 else [])
    if negative:
        raise DefinitionsError(f"{origin}: harm weights must not be negative: {negative}")
    return Definitions(types, weights, default, source)


def load_definitions(*overrides: Path | None) -> Definitions:
    """Load the bundled definitions, merged with each of ``overrides`` in turn.

    Parameters
    ----------
    overrides
        TOML files with any subset of the bundled keys (None entries are skipped); a later
        file wins over an earlier one.

    Raises
    ------
    DefinitionsError
        If the file cannot be read or names an unknown crime type or a negative weight.
    """
    text = resources.files("upstream").joinpath("definitions.toml").read_text("utf-8")
    raw = tomllib.loads(text)
    origin = "bundled definitions.toml"
    for override in overrides:
        if override is not None:
            raw = _merge(raw, _read_toml(Path(override)))
            origin = str(override)
    return _validate(raw, origin)
