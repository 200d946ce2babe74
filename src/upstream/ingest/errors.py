"""What ingest reports when input is wrong: errors that stop a command, and rejected rows."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["IngestError", "Rejection"]


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
    """One input row that failed validation: where it was and why."""

    file: str
    line: int | None
    field: str | None
    reason: str
    raw: str
    unit: str = "line"  # "row" for Parquet input

    def describe(self) -> str:
        """One line naming file, line and field, for error messages."""
        where = self.file
        if self.line is not None:
            where += f", {self.unit} {self.line}"
        if self.field is not None:
            where += f", field '{self.field}'"
        return f"{where}: {self.reason}"
