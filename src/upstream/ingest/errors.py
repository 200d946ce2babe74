"""What ingest reports when input is wrong or the machine refuses: errors that stop a
command, rejected rows, and operating-system errors described by what the user can do."""

from __future__ import annotations

import dataclasses
import errno
import resource
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "MACHINE_ERRNOS",
    "DiskFull",
    "IngestError",
    "Rejection",
    "describe_os_error",
    "machine_error",
]

MACHINE_ERRNOS = frozenset(
    {errno.EMFILE, errno.ENFILE, errno.ENOMEM, errno.ENOSPC, errno.EDQUOT, errno.EROFS}
)
"""OS errors about the machine (limits, memory, disks), not about the input file: they are
never reported as a bad input but passed on, so the command says what to do."""


def machine_error(exc: BaseException) -> bool:
    """True for an OS error about the machine rather than the file being read."""
    return isinstance(exc, OSError) and exc.errno in MACHINE_ERRNOS


class IngestError(Exception):
    """Input that cannot be ingested at all; nothing is written to the store.

    The message always names the file, and the line and field when they are known.
    """

    def __init__(
        self,
        file: str,
        message: str,
        *,
        line: int | None = None,
        field: str | None = None,
        unit: str = "line",
    ) -> None:
        self.file = file
        self.line = line
        self.field = field
        self.detail = message
        where = file
        if line is not None:
            where += f", {unit} {line}"
        if field is not None:
            where += f", field '{field}'"
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class Rejection:
    """One input row that failed validation: where it was, why, and what may be shown of it.

    ``values`` holds the row's cells in the columns the ingest reads, except free text and
    any value withheld because it may identify a person; a row that could not be split
    into the header's columns has none. A quarantine file never holds more than this.
    """

    file: str
    line: int | None
    field: str | None
    reason: str
    values: Mapping[str, str] = dataclasses.field(default_factory=dict)
    unit: str = "line"  # "row" for Parquet and XLSX input

    def describe(self) -> str:
        """One line naming file, line and field, for error messages."""
        where = self.file
        if self.line is not None:
            where += f", {self.unit} {self.line}"
        if self.field is not None:
            where += f", field '{self.field}'"
        return f"{where}: {self.reason}"


class DiskFull(OSError):
    """The disk filled while writing; ``needed`` estimates the bytes the ingest needs."""

    def __init__(self, cause: OSError, needed: int, folder: Path) -> None:
        super().__init__(cause.errno, cause.strerror or str(cause), str(folder))
        self.needed = needed
        self.folder = folder


def _mb(n: float) -> str:
    return f"{max(n, 0) / 1e6:,.1f} MB"


def describe_os_error(exc: OSError, data_dir: Path) -> str:
    """One line saying what the user can do about an OS error met while writing the store.

    Parameters
    ----------
    exc
        The error (from Python or pyarrow; its ``errno`` decides the advice).
    data_dir
        The data folder, named when the error does not carry a file name.
    """
    where = data_dir
    if exc.filename:  # the folder written to, not an internal file name
        named = Path(exc.filename)
        where = named if named.is_dir() else named.parent
    code = exc.errno
    if code in (errno.ENOSPC, errno.EDQUOT):
        folder = exc.folder if isinstance(exc, DiskFull) else data_dir
        free = shutil.disk_usage(folder).free if folder.exists() else 0
        needed = f"about {_mb(exc.needed)} needed" if isinstance(exc, DiskFull) else "more needed"
        return (
            f"the disk is full: {needed} in {folder} ({_mb(free)} free). Free some space, "
            "or ingest fewer files at a time."
        )
    if code == errno.EROFS:
        return (
            f"the store folder is read-only ({data_dir} is on a read-only file system). "
            "Set UPSTREAM_DATA_DIR to a writable folder, or remount it read-write."
        )
    if code in (errno.EACCES, errno.EPERM):
        return (
            f"no permission to write to {where}. Run as a user who may write there, or set "
            "UPSTREAM_DATA_DIR to a folder you own."
        )
    if code in (errno.EMFILE, errno.ENFILE):
        soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        return (
            f"too many open files (this process may open {soft:,}). Raise the limit, "
            "e.g. 'ulimit -n 4096', and run again."
        )
    return f"cannot write to {where}: {exc.strerror or exc}"
