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
from typing import IO, Any

from upstream.ingest.errors import IngestError, machine_error

__all__ = ["POLICE_UK_NAME", "InputFile", "discover"]

POLICE_UK_NAME = re.compile(
    r"(?P<month>\d{4}-\d{2})-(?P<force>[a-z0-9-]+?)-(?P<kind>street|stop-and-search|outcomes)\.csv$"
)
"""How data.police.uk names its monthly files, e.g. ``2024-01-metropolitan-street.csv``."""

_KINDS = {"street": "street", "stop-and-search": "stop_search", "outcomes": "outcomes"}
_FORMATS = {".csv": "csv", ".parquet": "parquet", ".xlsx": "xlsx"}


@dataclass(frozen=True)
class InputFile:
    """One file to ingest and how to open it."""

    name: str
    format: str  # "csv" | "parquet" | "xlsx"
    opener: Callable[[], IO[bytes]]
    kind: str | None = None  # "street" | "stop_search" | None (decided from the columns)
    month: str | None = None  # from the file name, when the name carries one
    path: Path | None = None  # the file on disk, when it is one (not a zip member)
    size: int = 0  # bytes (uncompressed for a zip member), for progress and estimates

    def open(self) -> IO[bytes]:
        """Open the file for binary reading (a fresh stream each call)."""
        try:
            return self.opener()
        except (OSError, zipfile.BadZipFile, EOFError) as exc:
            if machine_error(exc):
                raise
            raise IngestError(self.name, f"cannot be opened ({exc})") from exc

    @property
    def force(self) -> str | None:
        """The force in a data.police.uk file name (``metropolitan``), else None."""
        match = POLICE_UK_NAME.search(Path(self.name.split(":")[-1]).name)
        return match["force"] if match else None


def _describe_name(name: str) -> tuple[str | None, str | None]:
    match = POLICE_UK_NAME.search(Path(name).name)
    if not match:
        return None, None
    month = match["month"]
    if not 1 <= int(month[5:]) <= 12:
        return None, None
    return _KINDS[match["kind"]], month


def _from_path(path: Path, explicit: bool, police_uk: bool, skipped: list[str]) -> list[InputFile]:
    suffix = path.suffix.lower()
    if suffix == ".zip":
        return _from_zip(path, skipped)
    if suffix in _FORMATS:
        kind, month = _describe_name(path.name)
        if kind == "outcomes":
            skipped.append(f"{path}: outcomes file (not ingested)")
            return []
        if police_uk and not explicit and suffix != ".parquet" and kind is None:
            skipped.append(f"{path}: not a police.uk crime or stop-and-search file (by its name)")
            return []

        def opener(p: Path = path) -> IO[bytes]:
            return p.open("rb")

        size = path.stat().st_size
        return [InputFile(str(path), _FORMATS[suffix], opener, kind, month, path, size)]
    if explicit:
        raise IngestError(str(path), "not a CSV, Parquet, XLSX or zip file (by its extension)")
    skipped.append(f"{path}: not a data file")
    return []


class _Member:
    """A zip member opened for reading; closing it also closes the archive."""

    def __init__(self, archive: zipfile.ZipFile, member: str) -> None:
        self._archive = archive
        self._stream = archive.open(member)

    def read(self, size: int = -1) -> bytes:
        return self._stream.read(size)

    def close(self) -> None:
        self._stream.close()
        self._archive.close()

    def __enter__(self) -> _Member:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _from_zip(path: Path, skipped: list[str]) -> list[InputFile]:
    """Members of a police.uk archive; each is checked (CRC, compressed data) as it is read."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = sorted(archive.infolist(), key=lambda i: i.filename)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        if machine_error(exc):
            raise
        raise IngestError(str(path), f"not a readable zip archive, or truncated ({exc})") from exc
    out = []
    for info in members:
        member = info.filename
        if info.is_dir():
            continue
        kind, month = _describe_name(member)
        if kind is None or kind == "outcomes":
            skipped.append(
                f"{path}:{member}: {'outcomes file' if kind else 'not a police.uk file'}"
            )
            continue

        def opener(p: Path = path, m: str = member) -> IO[bytes]:
            return _Member(zipfile.ZipFile(p), m)  # type: ignore[return-value]

        out.append(InputFile(f"{path}:{member}", "csv", opener, kind, month, None, info.file_size))
    return out


def discover(paths: Iterable[Path], *, police_uk: bool = True) -> tuple[list[InputFile], list[str]]:
    """Expand paths (files, folders, zip archives) into input files, sorted by name.

    Returns the inputs and a list of what was skipped and why (outcomes files, other files
    found in folders), so nothing is passed over silently.

    Parameters
    ----------
    paths
        Files, folders and zip archives.
    police_uk
        Whether the inputs are police.uk data: CSV and XLSX files found in folders are then
        read only when named as data.police.uk names them (Parquet files are recognised by
        their columns); others are listed as skipped. False for partnership extracts,
        whose files are recognised by their header.

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
                inputs.extend(_from_path(item, False, police_uk, skipped))
        else:
            inputs.extend(_from_path(path, True, police_uk, skipped))
    if not inputs:
        raise IngestError(", ".join(str(p) for p in paths), "no data files found")
    return sorted(inputs, key=lambda f: f.name), skipped
