"""Finding input files: single files, folders of them, and the official police.uk zip archive.

Every input becomes an :class:`InputFile` with a display name that says exactly where the
data came from (``archive.zip:2024-01/2024-01-metropolitan-street.csv``), so every message
can name the file.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from upstream.ingest.errors import IngestError

__all__ = ["POLICE_UK_NAME", "InputFile", "discover"]

POLICE_UK_NAME = re.compile(
    r"(?P<month>\d{4}-\d{2})-(?P<force>[a-z0-9-]+?)-(?P<kind>street|stop-and-search|outcomes)\.csv$"
)
"""How data.police.uk names its monthly files, e.g. ``2024-01-metropolitan-street.csv``."""

_KINDS = {"street": "street", "stop-and-search": "stop_search", "outcomes": "outcomes"}


@dataclass(frozen=True)
class InputFile:
    """One file to ingest and how to open it."""

    name: str
    format: str  # "csv" | "parquet" | "xlsx"
    opener: Callable[[], IO[bytes]]
    kind: str | None = None  # "street" | "stop_search" | None (decided from the columns)
    month: str | None = None  # from the file name, when the name carries one

    def open(self) -> IO[bytes]:
        """Open the file for binary reading (a fresh stream each call)."""
        try:
            return self.opener()
        except (OSError, zipfile.BadZipFile, EOFError) as exc:
            raise IngestError(self.name, f"cannot be opened ({exc})") from exc


def _describe_name(name: str) -> tuple[str | None, str | None]:
    match = POLICE_UK_NAME.search(Path(name).name)
    if not match:
        return None, None
    month = match["month"]
    if not 1 <= int(month[5:]) <= 12:
        return None, None
    return _KINDS[match["kind"]], month


def _from_path(path: Path, explicit: bool, skipped: list[str]) -> list[InputFile]:
    suffix = path.suffix.lower()
    if suffix == ".zip":
        return _from_zip(path, skipped)
    if suffix in {".csv", ".parquet", ".xlsx"}:
        kind, month = _describe_name(path.name)
        if kind == "outcomes":
            skipped.append(f"{path}: outcomes file (not ingested)")
            return []
        fmt = suffix[1:]

        def opener(p: Path = path) -> IO[bytes]:
            return p.open("rb")

        return [InputFile(str(path), fmt, opener, kind, month)]
    if explicit:
        raise IngestError(str(path), "not a CSV, Parquet, XLSX or zip file (by its extension)")
    skipped.append(f"{path}: not a data file")
    return []


def _from_zip(path: Path, skipped: list[str]) -> list[InputFile]:
    try:
        archive = zipfile.ZipFile(path)
        members = sorted(archive.namelist())
        bad = archive.testzip()
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise IngestError(str(path), f"not a readable zip archive, or truncated ({exc})") from exc
    if bad is not None:
        raise IngestError(f"{path}:{bad}", "corrupt member in zip archive (CRC check failed)")
    out = []
    for member in members:
        if member.endswith("/"):
            continue
        kind, month = _describe_name(member)
        if kind is None or kind == "outcomes":
            skipped.append(
                f"{path}:{member}: {'outcomes file' if kind else 'not a police.uk file'}"
            )
            continue

        def opener(p: Path = path, m: str = member) -> IO[bytes]:
            return zipfile.ZipFile(p).open(m)

        out.append(InputFile(f"{path}:{member}", "csv", opener, kind, month))
    return out


def discover(paths: Iterable[Path]) -> tuple[list[InputFile], list[str]]:
    """Expand paths (files, folders, zip archives) into input files, sorted by name.

    Returns the inputs and a list of what was skipped and why (outcomes files, other files
    found in folders), so nothing is passed over silently.

    Raises
    ------
    IngestError
        A path that does not exist, a file of unknown type named explicitly, or an
        unreadable or truncated zip archive.
    """
    inputs: list[InputFile] = []
    skipped: list[str] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise IngestError(str(path), "no such file or folder")
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file())
            for item in found:
                inputs.extend(_from_path(item, explicit=False, skipped=skipped))
        else:
            inputs.extend(_from_path(path, explicit=True, skipped=skipped))
    if not inputs:
        raise IngestError(", ".join(str(p) for p in paths), "no data files found")
    return sorted(inputs, key=lambda f: f.name), skipped
