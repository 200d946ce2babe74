"""Outcome measure definitions: read and validate the TOML that says what is measured.

The bundled definitions are ``outcomes.toml`` beside this module; a partnership may give its
own file (``upstream outcomes --measures FILE``). Each ``[[measure]]`` table holds::

    id        = "knife_injury_u25"     # lower case letters, digits and underscores; unique
    name      = "Knife-injury offences ..."
    source    = "partnership_incidents"  # one of the sources in upstream.account.outcomes.sources
    unit      = "count"                # count | proportion | ratio (must match the source)
    direction = "lower"                # which way is better: lower | higher
    baseline  = { start = "2022-08", end = "2023-07" }   # months (or quarters "2023Q1"),
                                       # or { periods = 3 }: the series' first 3 periods
    window    = 12                     # latest periods compared with the baseline
    interval  = "exact"                # exact | bootstrap (for the comparison)
    target    = 36                     # optional: per window (count), share or ratio
    note      = "..."                  # optional: shown beside the measure
    [measure.filter]                   # the source's own settings (checked against it)
    victim_max_age = 24

Every problem is reported as one line naming the file, the measure (by its position and id)
and the field, e.g. ``outcomes.toml: measure 3 (knife_injury_u18): unit: 'counts' is not
one of count, proportion, ratio``.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Collection
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from upstream.account.outcomes.sources import SOURCES, SourceSpec, check_filter
from upstream.vocab import is_month

__all__ = [
    "DIRECTIONS",
    "INTERVALS",
    "UNITS",
    "Measure",
    "MeasureError",
    "load_measures",
    "parse_measures",
    "unknown_measure",
]

UNITS = ("count", "proportion", "ratio")
DIRECTIONS = ("lower", "higher")
INTERVALS = ("exact", "bootstrap")
_ID = re.compile(r"[a-z][a-z0-9_]{0,63}")
_QUARTER = re.compile(r"\d{4}Q[1-4]")
_KEYS = {
    "id",
    "name",
    "source",
    "unit",
    "direction",
    "baseline",
    "window",
    "interval",
    "target",
    "note",
    "filter",
}


class MeasureError(ValueError):
    """A measures file cannot be used; the message names file, measure and field."""


@dataclass(frozen=True)
class Measure:
    """One outcome measure, validated."""

    id: str
    name: str
    source: str
    unit: str
    direction: str
    baseline: tuple[str, str] | None
    window: int
    interval: str = "exact"
    target: float | None = None
    note: str = ""
    filter: dict[str, Any] = field(default_factory=dict)
    baseline_periods: int | None = None

    @property
    def spec(self) -> SourceSpec:
        """The source this measure is computed from."""
        return SOURCES[self.source]

    @property
    def frequency(self) -> str:
        """``month`` or ``quarter``: the periods the source gives."""
        return self.spec.frequency


def _period_ok(text: object, frequency: str) -> bool:
    if frequency == "quarter":
        return isinstance(text, str) and _QUARTER.fullmatch(text) is not None
    return is_month(text)


def _measure(raw: object, where: str) -> Measure:
    if not isinstance(raw, dict):
        raise MeasureError(f"{where}: must be a table")
    unknown = sorted(set(raw) - _KEYS)
    if unknown:
        raise MeasureError(f"{where}: {unknown[0]}: unknown field; use {sorted(_KEYS)}")
    ident = raw.get("id")
    if ident is None:
        raise MeasureError(f"{where}: id: missing")
    if not isinstance(ident, str) or not _ID.fullmatch(ident):
        raise MeasureError(
            f"{where}: id: {ident!r} must be lower-case letters, digits and underscores"
        )
    where = f"{where} ({ident})"
    for key in ("name", "source", "unit", "direction", "baseline"):
        if key not in raw:
            raise MeasureError(f"{where}: {key}: missing")
    for key in ("name", "source", "unit", "direction", "interval", "note"):
        if key in raw and not isinstance(raw[key], str):
            raise MeasureError(f"{where}: {key}: must be text")
    if raw["source"] not in SOURCES:
        raise MeasureError(f"{where}: source: {raw['source']!r} is not one of {sorted(SOURCES)}")
    spec = SOURCES[raw["source"]]
    choices = {"unit": UNITS, "direction": DIRECTIONS, "interval": INTERVALS}
    for key, allowed in choices.items():
        value = raw.get(key, "exact")
        if value not in allowed:
            raise MeasureError(f"{where}: {key}: {value!r} is not one of {', '.join(allowed)}")
    if raw["unit"] != spec.unit:
        raise MeasureError(
            f"{where}: unit: source {spec.name!r} gives a {spec.unit}, not a {raw['unit']}"
        )
    baseline = raw["baseline"]
    first: int | None = None
    span: tuple[str, str] | None = None
    if isinstance(baseline, dict) and set(baseline) == {"periods"}:
        first = baseline["periods"]
        if isinstance(first, bool) or not isinstance(first, int) or first < 1:
            raise MeasureError(f"{where}: baseline.periods: must be a whole number, 1 or more")
    elif isinstance(baseline, dict) and set(baseline) == {"start", "end"}:
        for key in ("start", "end"):
            if not _period_ok(baseline[key], spec.frequency):
                form = "YYYYQn" if spec.frequency == "quarter" else "YYYY-MM"
                raise MeasureError(f"{where}: baseline.{key}: {baseline[key]!r} is not a {form}")
        if baseline["start"] > baseline["end"]:
            raise MeasureError(f"{where}: baseline: start {baseline['start']} is after its end")
        span = (baseline["start"], baseline["end"])
    else:
        raise MeasureError(
            f"{where}: baseline: must be {{ start = ..., end = ... }} or {{ periods = N }}"
        )
    window = raw.get("window", 4 if spec.frequency == "quarter" else 12)
    if isinstance(window, bool) or not isinstance(window, int) or not 1 <= window <= 60:
        raise MeasureError(f"{where}: window: must be a whole number of periods from 1 to 60")
    target = raw.get("target")
    if target is not None:
        if isinstance(target, bool) or not isinstance(target, int | float) or target < 0:
            raise MeasureError(f"{where}: target: must be a number, 0 or more")
        if raw["unit"] == "proportion" and target > 1:
            raise MeasureError(f"{where}: target: a share is from 0 to 1, not {target}")
    filt = raw.get("filter", {})
    if not isinstance(filt, dict):
        raise MeasureError(f"{where}: filter: must be a table")
    try:
        checked = check_filter(spec, filt)
    except ValueError as exc:
        raise MeasureError(f"{where}: filter.{exc}") from None
    return Measure(
        id=ident,
        name=raw["name"],
        source=spec.name,
        unit=raw["unit"],
        direction=raw["direction"],
        baseline=span,
        baseline_periods=first,
        window=window,
        interval=raw.get("interval", "exact"),
        target=None if target is None else float(target),
        note=raw.get("note", ""),
        filter=checked,
    )


def parse_measures(text: str, origin: str) -> list[Measure]:
    """Measures from TOML text; ``origin`` (a file name) starts every error message."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise MeasureError(f"{origin}: not valid TOML ({exc})") from None
    extra = sorted(set(raw) - {"measure"})
    if extra:
        raise MeasureError(f"{origin}: {extra[0]}: unknown top-level key; use [[measure]] tables")
    tables = raw.get("measure")
    if not isinstance(tables, list) or not tables:
        raise MeasureError(f"{origin}: measure: no [[measure]] tables")
    measures: list[Measure] = []
    seen: set[str] = set()
    for n, table in enumerate(tables, start=1):
        measure = _measure(table, f"{origin}: measure {n}")
        if measure.id in seen:
            raise MeasureError(f"{origin}: measure {n} ({measure.id}): id: used twice")
        seen.add(measure.id)
        measures.append(measure)
    return measures


def load_measures(path: Path | None = None) -> list[Measure]:
    """The measures of ``path``, or the bundled ``outcomes.toml`` when None.

    Raises
    ------
    MeasureError
        If the file cannot be read or any measure is malformed (one line naming file,
        measure and field).
    """
    if path is None:
        package = resources.files("upstream.account.outcomes")
        return parse_measures(package.joinpath("outcomes.toml").read_text("utf-8"), "outcomes.toml")
    try:
        text = Path(path).read_text("utf-8")
    except FileNotFoundError:
        raise MeasureError(f"{path}: measures file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise MeasureError(f"{path}: cannot be read ({exc})") from None
    return parse_measures(text, str(path))


def unknown_measure(ident: str, known: Collection[str], origin: str = "outcomes.toml") -> str:
    """Why ``ident`` is refused, in one phrase: the closest known id, or every known id.

    ``'knife_injury_u52' is not a measure of outcomes.toml (did you mean
    'knife_injury_u25'?)``; with no id close to it, the known ids are listed instead.
    """
    close = difflib.get_close_matches(ident, sorted(known), n=1)
    hint = f"did you mean {close[0]!r}?" if close else "known: " + ", ".join(sorted(known))
    return f"{ident!r} is not a measure of {origin} ({hint})"
