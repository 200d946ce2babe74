"""``upstream publish --out DIR``: the open-data CSV files and ``DIR/manifest.json``.

The contract: the manifest lists each file with its ``count_columns``; every cell in a count
column is ``[c]``, ``0`` or a whole number of at least 10 that is a multiple of 5, unless the
file's entry says ``"published_as_is": true`` (open data.police.uk figures, counted by MSOA
as the police publish them).

Writing is all or nothing: every file is written to a staging folder inside ``DIR`` first,
checked against the contract, then moved into place one rename at a time, the manifest last,
so a reader who trusts the manifest never sees a half-written set.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from upstream.account.disclosure import SUPPRESSED
from upstream.account.publish.ledger import locked_ledger, read_ledger, write_ledger
from upstream.account.publish.policy import Policy
from upstream.account.publish.suppress import Key, Published, publish_tables
from upstream.account.publish.tables import Counts, NoData, partnership_counts, street_counts
from upstream.area.model import Area
from upstream.csvsafe import safe_row
from upstream.events import Snapshot

__all__ = [
    "MANIFEST",
    "STREET_FILE",
    "OpenData",
    "build_open_data",
    "check_cell",
    "csv_text",
    "manifest_of",
    "write_open_data",
]

MANIFEST = "manifest.json"
STREET_FILE = "police_uk_street_by_msoa_month"


@dataclass(frozen=True)
class OpenData:
    """Everything published: the file frames and their manifest entries (file name order)."""

    frames: dict[str, pd.DataFrame]
    entries: list[dict[str, Any]]
    notes: list[str]
    synthetic: bool
    ledger: dict[Key, bool]


def check_cell(value: str, threshold: int, base: int) -> bool:
    """Whether one count cell keeps the contract (``[c]``, ``0``, or a multiple of ``base`` of
    at least ``threshold``)."""
    if value == SUPPRESSED or value == "0":
        return True
    return value.isdigit() and int(value) >= threshold and int(value) % base == 0


def _entry(name: str, title: str, columns: list[str], **extra: Any) -> dict[str, Any]:
    return {"file": f"{name}.csv", "title": title, "columns": columns, **extra}


def _partnership(published: Published, counts: Counts) -> list[dict[str, Any]]:
    label = " (SYNTHETIC demo data)" if counts.synthetic else ""
    return [
        _entry(
            spec.name,
            spec.title + label,
            list(published.frames[spec.name].columns),
            count_columns=["incidents"],
            source="partnership police incident records",
            synthetic=counts.synthetic,
            published_as_is=False,
            geography=spec.geography,
        )
        for spec in published.specs
    ]


def build_open_data(
    snapshot: Snapshot, area: Area, policy: Policy, earlier: dict[Key, bool] | None = None
) -> OpenData:
    """Every open-data file the policy allows from the event store (never the case store),
    consistent with what was published before (``earlier``, the ledger)."""
    ledger = dict(earlier or {})
    frames: dict[str, pd.DataFrame] = {}
    entries: list[dict[str, Any]] = []
    notes: list[str] = []
    synthetic = False
    try:
        counts = partnership_counts(snapshot, area)
    except NoData as exc:
        notes.append(f"partnership tables not published: {exc}")
    else:
        published = publish_tables(counts, policy, earlier=ledger)
        ledger = published.ledger
        frames.update(published.frames)
        entries += _partnership(published, counts)
        synthetic = counts.synthetic
    if "police_uk_street" in policy.open_sources and "msoa" in policy.geographies:
        try:
            street = street_counts(snapshot, area)
        except NoData as exc:
            notes.append(f"police.uk table not published: {exc}")
        else:
            frames[STREET_FILE] = street
            entries.append(
                _entry(
                    STREET_FILE,
                    "data.police.uk street-level crimes by MSOA, month and crime type",
                    list(street.columns),
                    count_columns=["crimes"],
                    source="data.police.uk (open data, Open Government Licence)",
                    synthetic=False,
                    published_as_is=True,
                    geography="msoa",
                )
            )
    return OpenData(frames, entries, notes, synthetic, ledger)


def _check(data: OpenData, policy: Policy) -> None:
    """Refuse to write a set that breaks the contract (a bug, never expected)."""
    for entry in data.entries:
        if entry["published_as_is"]:
            continue
        frame = data.frames[entry["file"].removesuffix(".csv")]
        for column in entry["count_columns"]:
            bad = [v for v in frame[column].astype(str) if not check_cell(v, 10, 5)]
            if bad:
                raise RuntimeError(f"{entry['file']}: {column} would publish {bad[0]!r}")


def csv_text(frame: pd.DataFrame) -> str:
    """One published frame as CSV text (cells a spreadsheet would run are neutralised)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(frame.columns)
    for row in frame.itertuples(index=False):
        writer.writerow(safe_row(row))
    return buffer.getvalue()


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(csv_text(frame))
        handle.flush()
        os.fsync(handle.fileno())


def manifest_of(data: OpenData, policy: Policy, area: Area) -> dict[str, Any]:
    return {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "area": area.name,
        "synthetic": data.synthetic,
        "policy": {
            "origin": policy.origin,
            "threshold": policy.threshold,
            "rounding_base": policy.rounding_base,
            "secondary_suppression": policy.secondary_suppression,
            "geographies": list(policy.geographies),
            "open_sources": sorted(policy.open_sources),
            "suppressed_symbol": SUPPRESSED,
        },
        "files": data.entries,
        "notes": data.notes,
    }


def write_open_data(
    out: Path, snapshot: Snapshot, area: Area, policy: Policy, ledger: Path
) -> dict[str, Any]:
    """Build and write the open data into ``out``, consistent with the releases the
    ``ledger`` file records (and record this one); returns the manifest written."""
    with locked_ledger(ledger):
        data = build_open_data(snapshot, area, policy, read_ledger(ledger))
        manifest = _write(out, data, policy, area)
        write_ledger(ledger, data.ledger)
    return manifest


def _write(out: Path, data: OpenData, policy: Policy, area: Area) -> dict[str, Any]:
    _check(data, policy)
    manifest = manifest_of(data, policy, area)
    out.mkdir(parents=True, exist_ok=True)
    before = _listed(out)
    stage = out / f".publish-{uuid.uuid4().hex}"
    stage.mkdir()
    try:
        for name, frame in data.frames.items():
            _write_csv(frame, stage / f"{name}.csv")
        (stage / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        for name in data.frames:
            os.replace(stage / f"{name}.csv", out / f"{name}.csv")
        os.replace(stage / MANIFEST, out / MANIFEST)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    for stale in before - {e["file"] for e in data.entries}:
        (out / stale).unlink(missing_ok=True)  # a file the last publish listed, now withdrawn
    return manifest


def _listed(out: Path) -> set[str]:
    """The files the manifest already in ``out`` lists (plain names only)."""
    try:
        old = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        names = {str(e["file"]) for e in old["files"]}
    except (OSError, ValueError, KeyError, TypeError):
        return set()
    return {n for n in names if n == Path(n).name and n.endswith(".csv")}
